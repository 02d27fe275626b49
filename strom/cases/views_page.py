"""The case page: an overview at a glance, each part of the case as a tab of its own, and the printable
case file.

The overview reads only what its lines need (strom/core/registry.py: case glances); a tab reads only
its own part, when it is opened. Every tab is a real address that works without JavaScript and answers
htmx with the tab alone. Each response is access-checked through `get_case_for` and records one read of
the case, naming the tab.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from strom.accounts.http import AuthenticatedHttpRequest
from strom.accounts.models import User
from strom.cases import access
from strom.cases.choices import Exploitation
from strom.cases.loader import one_read_per_part
from strom.cases.models import Case
from strom.cases.reads import case_read_record
from strom.cases.selectors import case_page_data
from strom.core.htmx import render_htmx
from strom.core.registry import (
    CaseGlance,
    case_glance,
    case_section,
    case_section_context,
    case_sections,
    case_sections_context,
    timeline_for,
)

PERSON = "person"
TIMELINE = "timeline"
FULL_PAGE = "cases/case_detail.html"
TAB_ONLY = "cases/_case_body.html"
_PART = "part-name"


def _tabs(case: Case, current: str) -> list[dict[str, Any]]:
    """The case page's tabs in order: the overview, the person, the apps' sections, the timeline."""
    tabs: list[dict[str, Any]] = [
        {
            "name": "",
            "label": gettext_lazy("Overview"),
            "url": reverse("cases:detail", kwargs={"ref": case.ref}),
        },
        {"name": PERSON, "label": gettext_lazy("Person")},
        *({"name": s.name, "label": s.tab_label} for s in case_sections()),
        {"name": TIMELINE, "label": gettext_lazy("Timeline")},
    ]
    # One reversal for all the tabs: they differ only in the part's name at the end of the address.
    before, _part, after = reverse("cases:part", kwargs={"ref": case.ref, "part": _PART}).rpartition(_PART)
    for tab in tabs:
        if "url" not in tab:
            tab["url"] = f"{before}{tab['name']}{after}"
        tab["current"] = tab["name"] == current
    return tabs


def _page_context(user: User, case: Case, tab: str) -> dict[str, Any]:
    may_edit = access.can_edit_case(user, case)
    return {
        "case": case,
        "tab": tab,
        "tabs": _tabs(case, tab),
        "today": timezone.localdate(),
        "may_edit": may_edit,
        "may_assign": access.can_assign(user, case),
    }


def _missing_on_case(case: Case) -> list[str]:
    """What the case itself still lacks; the apps add what their parts lack (their glances)."""
    missing = []
    if case.owner_id is None:
        missing.append(_("No case worker is assigned."))
    if not case.forms_of_exploitation:
        missing.append(_("The form of exploitation is not yet known."))
    return missing


def overview_context(user: User, case: Case) -> dict[str, Any]:
    glance: CaseGlance = case_glance(user, case)
    labels = dict(Exploitation.choices)
    return {
        "person": case.person,
        "glance": glance,
        "missing": [*_missing_on_case(case), *glance.missing],
        "exploitation_labels": [labels.get(f, f) for f in case.forms_of_exploitation],
    }


def _person_context(user: User, case: Case) -> dict[str, Any]:
    data = case_page_data(user, case)
    return {"person": data.person, "documents": data.documents, "other_cases": data.other_cases}


def _part_context(user: User, case: Case, part: str) -> dict[str, Any]:
    if part == PERSON:
        return _person_context(user, case)
    if part == TIMELINE:
        return {"timeline": timeline_for(user, case)}
    section = case_section(part)
    if section is None:
        raise Http404
    context = case_section_context(user, case, section)
    context["section_label"] = section.tab_label
    return context


@login_required
@require_GET
def case_detail_view(request: AuthenticatedHttpRequest, ref: str) -> HttpResponse:
    user = request.user
    case = access.get_case_for(user, ref)
    if case.ref != ref:
        return redirect("cases:detail", ref=case.ref)
    context = _page_context(user, case, "")
    context.update(overview_context(user, case))
    case_read_record(by=user, case=case)
    return render_htmx(request, FULL_PAGE, TAB_ONLY, context)


@login_required
@require_GET
def case_part_view(request: AuthenticatedHttpRequest, ref: str, part: str) -> HttpResponse:
    """One tab of the case page: the person, a part an app registered, or the timeline."""
    user = request.user
    case = access.get_case_for(user, ref)
    if case.ref != ref:
        return redirect("cases:part", ref=case.ref, part=part)
    context = _page_context(user, case, part)
    context.update(_part_context(user, case, part))
    # The page's own values win where a section uses the same name for the same thing.
    context.update({"case": case, "may_edit": access.can_edit_case(user, case), "tab": part})
    case_read_record(by=user, case=case, section=part)
    return render_htmx(request, FULL_PAGE, TAB_ONLY, context)


@login_required
@require_GET
def case_print_view(request: AuthenticatedHttpRequest, ref: str) -> HttpResponse:
    """The case file to print: everything the user may see on the case, on one page without controls."""
    user = request.user
    case = access.get_case_for(user, ref)
    if case.ref != ref:
        return redirect("cases:print", ref=case.ref)
    context: dict[str, Any] = {"printed_at": timezone.now()}
    # The sections and the timeline show the same rows: each part is read once for both.
    with one_read_per_part():
        context.update(overview_context(user, case))
        context.update(_person_context(user, case))
        context.update(case_sections_context(user, case))
        context.update(_page_context(user, case, "print"))
        context["timeline"] = timeline_for(user, case)
    # A printed file is read, not worked on: the sections leave out their buttons and edit links.
    context["may_edit"] = False
    case_read_record(by=user, case=case, section="print")
    return render(request, "cases/case_print.html", context)
