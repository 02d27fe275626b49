"""The case list: filters, sorting, pages, saved filters and the list as a file.

The filter form is rendered from plain data made here (`filter_controls`): its choices are read once,
in the view, and the template writes every option in one loop instead of rendering each field through
includes and each option through a widget template (issue 13: 58 % of the list's time).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import json
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import BoundField
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from strom.accounts.http import AuthenticatedHttpRequest
from strom.cases import access
from strom.cases.choices import Stage
from strom.cases.forms import CaseFilterForm
from strom.cases.list_export import FORMATS, export_file
from strom.cases.models import SavedCaseFilter
from strom.cases.reads import audit_case_list
from strom.cases.selectors import DEFAULT_SORT, PICK_LISTS_GENERATION, case_list, parse_sort
from strom.cases.services_lists import saved_filter_delete, saved_filter_save, saved_query
from strom.core import cache_tokens
from strom.core.collation import sorted_by_name
from strom.core.htmx import is_htmx_partial, render_htmx
from strom.core.roles import Perm
from strom.core.spreadsheets import XLSX_CONTENT_TYPE
from strom.crypto import service as crypto
from strom.directory.models import with_country

# --- the filter form, lean ---------------------------------------------------------------------------


@dataclass
class Control:
    """One filter as the template writes it: label, help, errors and the input with its options."""

    name: str
    id: str
    label: str
    kind: str  # "text", "select" or "checkbox"
    value: str
    help_text: str = ""
    errors: list[str] = field(default_factory=list)
    options: list[tuple[str, str, bool]] = field(default_factory=list)
    max_length: int | None = None

    @property
    def options_html(self) -> SafeString:
        """The <option> elements, escaped, written here in one go: a pick-list of a hundred
        municipalities is a few hundred template nodes otherwise."""
        selected = mark_safe(" selected")
        rows = ((value, selected if chosen else "", label) for value, label, chosen in self.options)
        return format_html_join("", '<option value="{}"{}>{}</option>', rows)

    @property
    def described_by(self) -> str:
        ids = [f"{self.id}_helptext"] if self.help_text else []
        return " ".join(ids + ([f"{self.id}_error"] if self.errors else []))


# The case workers' and municipalities' pick-lists are the same for everyone in the same organisations,
# and reading them (a join, each colleague's name decrypted, the names put in the language's order) was
# a tenth of the list's time (issue 13). They are kept in the cache per organisations and language,
# sealed like the signed-in user's cached name: colleagues' names are encrypted at rest, in the cache as
# in the database. Every save or delete of a user, a membership, an organisation or a municipality sets
# a new token (PICK_LISTS_GENERATION, renewed in strom.cases.apps), so a change shows on the very next page.
_PICK_LISTS_CONTEXT = "cases.filter.pick-lists"
_PICK_LISTS_TTL = 300


def _read_pick_lists(form: CaseFilterForm) -> dict[str, list[tuple[str, str]]]:
    # Colleagues by name, not by e-mail address. Names are encrypted, so they are sorted here.
    workers = form.fields["owner"].queryset.only("id", "email", "full_name")  # type: ignore[attr-defined]
    named = sorted_by_name([(u.get_full_name(), str(u.pk)) for u in workers], lambda pair: pair[0])
    # Read as values: the field's own choices build a model instance for each of them.
    field = form.fields["municipality"]
    rows = field.queryset.values_list("pk", "name", "country")  # type: ignore[attr-defined]
    return {
        "owner": [("", str(_("Anyone")))] + [(pk, label) for label, pk in named],
        "municipality": [("", str(field.empty_label))]  # type: ignore[attr-defined]
        + [(str(pk), with_country(label, country)) for pk, label, country in rows],
    }


def pick_lists_key(form: CaseFilterForm) -> str:
    """Per organisations (hashed: a coordinator's would make a key too long for some caches) and
    language (the labels and the names' order)."""
    scope = hashlib.sha256(",".join(str(pk) for pk in form.org_ids).encode()).hexdigest()[:32]
    return f"strom:cases:pick-lists:{get_language()}:{scope}"


def pick_lists(form: CaseFilterForm) -> dict[str, list[tuple[str, str]]]:
    """The case-worker and municipality filters' options, as (value, label), from the cache when the
    copy there is current."""

    def make() -> str:
        return crypto.encrypt(json.dumps(_read_pick_lists(form)), context=_PICK_LISTS_CONTEXT)

    sealed = cache_tokens.kept(PICK_LISTS_GENERATION, pick_lists_key(form), make, _PICK_LISTS_TTL)
    return {
        name: [(v, label) for v, label in options]
        for name, options in json.loads(crypto.decrypt(sealed, context=_PICK_LISTS_CONTEXT)).items()
    }


def _choices(
    form: CaseFilterForm, name: str, kept: dict[str, list[tuple[str, str]]]
) -> list[tuple[str, str]]:
    if name in kept:
        return kept[name]
    return [(str(value), str(label)) for value, label in form.fields[name].choices]  # type: ignore[attr-defined]


def _control(
    form: CaseFilterForm, bound: BoundField, kept: dict[str, list[tuple[str, str]]] | None
) -> Control:
    widget = bound.widget_type
    kind = "checkbox" if widget == "checkbox" else "select" if widget == "select" else "text"
    raw = bound.value()
    value = "" if raw is None or raw is False else "on" if raw is True else str(raw)
    control = Control(
        name=bound.name,
        id=bound.id_for_label,
        label=str(bound.label),
        kind=kind,
        value=value,
        help_text=str(bound.help_text or ""),
        errors=[str(e) for e in bound.errors],
        max_length=getattr(bound.field, "max_length", None),
    )
    if kind == "select" and kept is not None:
        control.options = [(v, label, v == value) for v, label in _choices(form, bound.name, kept)]
    return control


def filter_controls(form: CaseFilterForm, *, options: bool = True) -> list[Control]:
    """The filters with their values; with `options`, each pick-list's choices too (read here, once).
    The results alone (an htmx update) need the values only, for the "save these filters" form."""
    kept = pick_lists(form) if options else None
    return [_control(form, bound, kept) for bound in form.visible_fields()]


# --- sorting -------------------------------------------------------------------------------------------

COLUMNS: list[tuple[Any, str | None]] = [
    (gettext_lazy("Reference"), "ref"),
    (gettext_lazy("Person"), None),  # names are encrypted: the database cannot order them
    (gettext_lazy("Stage"), "stage"),
    (gettext_lazy("Next due"), "due"),
    (gettext_lazy("Case worker"), None),
    (gettext_lazy("Municipality"), "municipality"),
    (gettext_lazy("Opened"), "opened"),
]


@dataclass
class Column:
    label: str
    href: str = ""
    aria_sort: str = ""  # "ascending" / "descending" on the column the list is sorted by


def columns(query: QueryDict, sort: str) -> list[Column]:
    """The table's headers: a sortable one links to the list sorted by it (again: the other way),
    keeping the filters and starting from the first page."""
    base = query.copy()
    base.pop("cursor", None)
    base.pop("sort", None)
    result = []
    for label, key in COLUMNS:
        if key is None:
            result.append(Column(str(label)))
            continue
        current = sort.removeprefix("-") == key
        descending = sort.startswith("-")
        base["sort"] = (key if descending else f"-{key}") if current else key
        result.append(
            Column(
                str(label),
                href="?" + base.urlencode(),
                aria_sort=("descending" if descending else "ascending") if current else "",
            )
        )
    return result


def _sort_from(request: AuthenticatedHttpRequest) -> tuple[str, str]:
    """The sort asked for, and a message when it names no column (the list is then newest first)."""
    asked = request.GET.get("sort", "")
    sort = parse_sort(asked) if asked else DEFAULT_SORT
    if sort is None:
        return DEFAULT_SORT, _("The list cannot be sorted by “%(key)s”: it is shown newest first.") % {
            "key": asked[:40]
        }
    return sort, ""


# --- the list ------------------------------------------------------------------------------------------


# --- the rows, written once ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseRow:
    """What a row of the list shows, as text."""

    url: str
    ref: str
    is_child: bool
    person: str
    stage: str
    due_iso: str
    due: str
    overdue: bool
    owner: str
    municipality: str
    opened_iso: str
    opened: str


def case_rows(cases: list[Any]) -> list[CaseRow]:
    today = timezone.localdate()
    shown: dict[dt.date, str] = {}

    def short(day: dt.date) -> str:
        if day not in shown:
            shown[day] = date_format(day, "SHORT_DATE_FORMAT")
        return shown[day]

    detail = reverse("cases:detail", kwargs={"ref": "REF"}).removesuffix("REF/")
    # Each stage's label translated once per page, not once per row.
    stages = {value: str(label) for value, label in Stage.choices}
    rows = []
    for case in cases:
        due, opened = case.next_due_at, timezone.localtime(case.opened_at).date()
        rows.append(
            CaseRow(
                url=f"{detail}{case.ref}/",
                ref=case.ref,
                is_child=case.is_child,
                person=case.person.display_name,
                stage=stages.get(case.stage, str(case.stage)),
                due_iso=due.isoformat() if due else "",
                due=short(due) if due else "",
                overdue=bool(due and due < today),
                owner=case.owner.get_full_name() if case.owner else "",
                municipality=case.municipality.name,
                opened_iso=opened.isoformat(),
                opened=short(opened),
            )
        )
    return rows


# The table's body is written here rather than in the template: fifty rows of seven cells are about a
# thousand template nodes, most of the list's rendering time (issue 13). Each value is escaped once
# with html.escape (Django's escape wraps it for lazy strings, which costs more than the escaping);
# the column names, the cards' labels on a phone, once per page.
_ROW = (
    '<tr><td data-label="{l_ref}"><a href="{url}"><code>{ref}</code></a>{child}</td>'
    '<td data-label="{l_person}">{person}</td><td data-label="{l_stage}">{stage}</td>'
    '<td data-label="{l_due}">{due}</td><td data-label="{l_worker}">{owner}</td>'
    '<td data-label="{l_municipality}">{municipality}</td>'
    '<td data-label="{l_opened}"><time datetime="{opened_iso}">{opened}</time></td></tr>\n'
)


def rows_html(rows: list[CaseRow]) -> SafeString:
    """The <tr> elements of the case table, or its one "no cases" row."""
    esc = html.escape
    if not rows:
        none = esc(_("No cases match."))
        return mark_safe(f'<tr><td colspan="7">{none}</td></tr>')  # noqa: S308 - escaped
    labels = {
        "l_ref": esc(_("Reference")),
        "l_person": esc(_("Person")),
        "l_stage": esc(_("Stage")),
        "l_due": esc(_("Next due")),
        "l_worker": esc(_("Case worker")),
        "l_municipality": esc(_("Municipality")),
        "l_opened": esc(_("Opened")),
    }
    # The translations outside the f-strings: gettext's extractor does not look inside them.
    child_label, overdue_label = esc(_("child")), esc(_("overdue"))
    child = f' <span class="badge">{child_label}</span>'
    overdue = f' <strong class="badge badge--danger">{overdue_label}</strong>'
    unassigned = _("not assigned")
    parts = []
    for row in rows:
        due = f'<time datetime="{esc(row.due_iso)}">{esc(row.due)}</time>' if row.due else "—"
        parts.append(
            _ROW.format(
                url=esc(row.url),
                ref=esc(row.ref),
                child=child if row.is_child else "",
                person=esc(row.person),
                stage=esc(row.stage),
                due=due + overdue if row.overdue else due,
                owner=esc(row.owner or unassigned),
                municipality=esc(row.municipality),
                opened_iso=esc(row.opened_iso),
                opened=esc(row.opened),
                **labels,
            )
        )
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped


@login_required
@require_GET
def case_list_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    access.check_casework(user)
    form = CaseFilterForm(request.GET or None, user=user)
    sort, sort_error = _sort_from(request)
    page = case_list(user, form.filters(), cursor=request.GET.get("cursor", ""), sort=sort)
    audit_case_list(user, page.rows)
    partial = is_htmx_partial(request)
    query = request.GET.copy()
    query.pop("cursor", None)
    if sort == DEFAULT_SORT:
        query.pop("sort", None)
    context = {
        "form": form,
        "controls": filter_controls(form, options=not partial),
        "page": page,
        "rows_html": rows_html(case_rows(page.rows)),
        "query": query.urlencode() + "&" if query else "",
        "export_query": query.urlencode(),
        "sort": "" if sort == DEFAULT_SORT else sort,
        "sort_error": sort_error,
        "columns": columns(query, sort),
        # Shown above the filters: a partial update of the results does not need them.
        "saved_filters": [] if partial else list(SavedCaseFilter.objects.filter(user=user)),
        "may_open": user.has_any(Perm.CASE_CREATE),
        "may_supervise": user.has_any(Perm.CASE_ASSIGN),
    }
    return render_htmx(request, "cases/case_list.html", "cases/_case_results.html", context)


@login_required
@require_GET
def case_list_export_view(request: AuthenticatedHttpRequest, fmt: str) -> HttpResponse:
    user = request.user
    access.check_casework(user)
    if fmt not in FORMATS:
        raise Http404
    form = CaseFilterForm(request.GET or None, user=user)
    sort, _error = _sort_from(request)
    back = reverse("cases:list") + ("?" + request.GET.urlencode() if request.GET else "")
    if form.is_bound and not form.is_valid():
        messages.error(request, _("Correct the filters before downloading the list."))
        return redirect(back)
    try:
        data = export_file(user, form.filters(), sort, fmt)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(back)
    content_type = XLSX_CONTENT_TYPE if fmt == "xlsx" else "text/csv; charset=utf-8"
    response = HttpResponse(data, content_type=content_type)
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="cases-{stamp}.{fmt}"'
    response["Cache-Control"] = "no-store"
    return response


# --- saved filters -------------------------------------------------------------------------------------


@login_required
@require_POST
def saved_filter_save_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    access.check_casework(user)
    params = {key: request.POST.get(key, "") for key in request.POST}
    query = saved_query(params)
    back = reverse("cases:list") + (f"?{query}" if query else "")
    # A saved filter holds values the list accepts, and a sort it knows, or nothing is saved.
    if (
        not CaseFilterForm(request.POST, user=user).is_valid()
        or parse_sort(params.get("sort") or DEFAULT_SORT) is None
    ):
        messages.error(request, _("Correct the filters before saving them."))
        return redirect(back)
    try:
        saved = saved_filter_save(by=user, name=request.POST.get("name", ""), params=params)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(back)
    messages.success(request, _("Filter “%(name)s” saved.") % {"name": saved.name})
    return redirect(reverse("cases:list") + f"?{saved.query}")


@login_required
@require_POST
def saved_filter_delete_view(request: AuthenticatedHttpRequest, saved_id: int) -> HttpResponse:
    user = request.user
    access.check_casework(user)
    saved_filter_delete(by=user, saved_id=saved_id)
    messages.success(request, _("Saved filter deleted."))
    return redirect("cases:list")
