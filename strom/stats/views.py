"""The statistics pages: the table builder with its chart and downloads, the printable report,
datasets and imports, and the coordinator's dashboard. Every figure comes from services.table_publish
(disclosure-controlled) or selectors.dashboard_for; no page shows a fact or a case."""

from __future__ import annotations

import json
from collections.abc import Hashable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from strom.accounts.http import AuthenticatedHttpRequest
from strom.accounts.models import User
from strom.core.htmx import render_htmx
from strom.core.spreadsheets import XLSX_CONTENT_TYPE, XlsxWriter
from strom.stats import charts
from strom.stats import dimensions as dims
from strom.stats.access import (
    check_dashboard_allowed,
    check_may_import,
    check_stats_allowed,
    get_import_job_for,
    may_import,
    may_see_dashboard,
)
from strom.stats.engine import filter_words
from strom.stats.exchange import exchange_document
from strom.stats.forms import ImportForm, TableForm
from strom.stats.models import ImportJob, ImportState
from strom.stats.panels import coordinator_board
from strom.stats.selectors import dataset_records, datasets_for
from strom.stats.services import import_queue, table_publish
from strom.stats.tables import Published


def _cell(published: Published, key: tuple[Hashable | None, ...]) -> dict[str, Any]:
    count = published.count(key)
    return {"count": count, "withheld": count is None}


def table_view(published: Published) -> dict[str, Any]:
    """The table as blocks of cross tables (one per value of a third dimension), and its chart."""
    by = published.spec.by
    labels = published.labels()
    values = published.values
    row_dim, row_values, row_labels = by[0], values[0], labels[0]
    col_values = values[1] if len(by) > 1 else []
    split_values: list[Hashable | None] = [*values[2], None] if len(by) > 2 else [None]

    blocks = []
    for split in split_values:

        def key(
            row: Hashable | None, col: Hashable | None, split: Hashable | None = split
        ) -> tuple[Hashable | None, ...]:
            if len(by) == 1:
                return (row,)
            if len(by) == 2:
                return (row, col)
            return (row, col, split)

        rows = []
        for row in [*row_values, None]:
            rows.append(
                {
                    "label": row_labels[row] if row is not None else _("Total"),
                    "total": row is None,
                    "cells": [_cell(published, key(row, col)) for col in col_values],
                    "sum": _cell(published, key(row, None)),
                }
            )
        caption = ""
        if len(by) > 2:
            caption = f"{by[2].label}: {labels[2][split] if split is not None else _('all')}"
        blocks.append({"caption": caption, "rows": rows})

    first = [(row_labels[v], published.count((v, *[None] * (len(by) - 1)))) for v in row_values]
    if row_dim.kind == dims.YEAR and len([v for v in row_values if v]) > 1:
        chart = charts.series(first)
    elif row_dim.kind == dims.COUNTRY:
        chart = charts.tiles(
            [
                (str(published.names()[0][v]), n)
                for v, n in zip(row_values, [c for _l, c in first], strict=True)
            ]
        )
    else:
        chart = charts.bars(first)
    return {
        "by": by,
        "row_label": row_dim.label,
        "col_label": by[1].label if len(by) > 1 else "",
        "columns": [labels[1][c] for c in col_values],
        "blocks": blocks,
        "chart": chart,
        "rule": published.rule,
        "datasets": [d.name for d in published.spec.datasets],
        "filters": [filter_words(f) for f in published.spec.filters],
        "multiple": [d.label for d in by if d.kind == dims.MULTI],
    }


def _published(request: AuthenticatedHttpRequest) -> tuple[TableForm, Published | None]:
    user = request.user
    check_stats_allowed(user)
    form = TableForm(request.GET or None, datasets=datasets_for(user))
    if not request.GET or not form.is_valid():
        return form, None
    try:
        return form, table_publish(by=user, spec=form.cleaned_data["spec"])
    except ValidationError as exc:
        # A combined table an aggregated dataset cannot give: the page says why.
        form.add_error(None, exc)
        return form, None


@login_required
@require_GET
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    form, published = _published(request)
    context = {
        "form": form,
        "table": table_view(published) if published else None,
        "query": request.GET.urlencode(),
        "may_see_dashboard": may_see_dashboard(request.user),
    }
    return render(request, "stats/index.html", context)


@login_required
@require_GET
def report(request: AuthenticatedHttpRequest) -> HttpResponse:
    _form, published = _published(request)
    if published is None:
        return redirect("stats:index")
    context = {"table": table_view(published), "made_at": timezone.now(), "query": request.GET.urlencode()}
    return render(request, "stats/report.html", context)


def _filename(published: Published, extension: str) -> str:
    return "strom-" + "-".join(d.name for d in published.spec.by) + f".{extension}"


@login_required
@require_GET
def table_csv(request: AuthenticatedHttpRequest) -> HttpResponse:
    _form, published = _published(request)
    if published is None:
        return redirect("stats:index")
    response = HttpResponse(published.labelled_csv_text(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(published, "csv")}"'
    return response


@login_required
@require_GET
def table_xlsx(request: AuthenticatedHttpRequest) -> HttpResponse:
    _form, published = _published(request)
    if published is None:
        return redirect("stats:index")
    book = XlsxWriter()
    sheet = book.sheet("table")
    for row in published.labelled_rows():
        sheet.writerow(row)
    sheet.writerow([])
    for note in published.notes():
        sheet.writerow([note])
    rule = book.sheet("rule")
    for name, value in _rule_rows({**published.spec.describe(), **published.rule}):
        rule.writerow([name, value])
    response = HttpResponse(book.getvalue(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{_filename(published, "xlsx")}"'
    return response


def _rule_rows(rule: dict[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    """The rule as name/value rows: nested parts (the perturbation) as `perturbation.max_noise`."""
    rows: list[tuple[str, Any]] = []
    for name, value in rule.items():
        if isinstance(value, dict):
            rows += _rule_rows(value, f"{prefix}{name}.")
        elif isinstance(value, list):
            rows.append(
                (prefix + name, ", ".join(json.dumps(v) if isinstance(v, dict) else str(v) for v in value))
            )
        else:
            rows.append((prefix + name, value))
    return rows


@login_required
@require_GET
def table_exchange(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The table as the file another STROM instance imports (docs/statistics.md, exchanging tables)."""
    form, published = _published(request)
    if published is None:
        return redirect("stats:index")
    try:
        document = exchange_document(published)
    except ValidationError as exc:
        user = request.user
        context = {
            "form": form,
            "table": table_view(published),
            "query": request.GET.urlencode(),
            "may_see_dashboard": may_see_dashboard(user),
            "exchange_error": " ".join(exc.messages),
        }
        return render(request, "stats/index.html", context, status=400)
    response = HttpResponse(
        json.dumps(document, ensure_ascii=False, indent=1), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(published, "strom.json")}"'
    return response


@login_required
@require_GET
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    check_dashboard_allowed(user)
    return render(request, "stats/dashboard.html", coordinator_board(user))


def _listing(user: User) -> list[tuple[Any, int | None]]:
    """Each dataset with its number of records as published (perturbed for STROM's own cases)."""
    return [(dataset, dataset_records(dataset)) for dataset in datasets_for(user)]


@login_required
@require_GET
def datasets(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    check_stats_allowed(user)
    jobs = ImportJob.objects.filter(created_by=user).order_by("-created_at")[:10]
    context = {
        "datasets": _listing(user),
        "form": ImportForm(),
        "jobs": jobs,
        "may_import": may_import(user),
    }
    return render(request, "stats/datasets.html", context)


@login_required
@require_POST
def import_upload(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    check_may_import(user)
    form = ImportForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = import_queue(
                by=user,
                dataset_name=form.cleaned_data["name"],
                file_name=upload.name or "",
                content=upload.read(),
                format=form.cleaned_data["format"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("stats:import_job", job_id=job.pk)
    jobs = ImportJob.objects.filter(created_by=user).order_by("-created_at")[:10]
    context = {"datasets": _listing(user), "form": form, "jobs": jobs, "may_import": True}
    return render(request, "stats/datasets.html", context)


@login_required
@require_GET
def import_job(request: AuthenticatedHttpRequest, job_id: int) -> HttpResponse:
    job = get_import_job_for(request.user, job_id)
    context = {"job": job, "working": job.state in (ImportState.QUEUED, ImportState.RUNNING)}
    return render_htmx(request, "stats/import_job.html", "stats/_import_progress.html", context)
