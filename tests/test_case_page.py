"""The case page: an overview with the stage's actions first, each part of the case a tab with an address
of its own (htmx swaps the tab alone; without JavaScript it is a page), and the printable case file.
Every one of them is a read of the case, recorded once and naming the tab."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from strom.audit.models import AuditEntry
from strom.cases.tests.factories import make_case
from strom.cases.tests.pages import case_parts, case_tab_url
from strom.referrals.tests.factories import make_referral
from strom.stages.models import CaseTask
from strom.stages.services import task_create
from tests.personas import Cast

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def _text(response: Any) -> str:
    assert response.status_code == 200, response.status_code
    return str(response.content.decode())


def test_the_overview_puts_the_stages_actions_first(cast: Cast, as_persona: Any) -> None:
    case = make_case(cast)
    worker = _text(as_persona("caseworker_a").get(case_tab_url(case.ref)))
    # A case worker may not record the reasonable-grounds decision: the page offers to ask for it.
    ask = reverse("cases:decision_request", kwargs={"ref": case.ref, "kind": "reasonable_grounds"})
    assert f'href="{ask}"' in worker
    assert worker.index("What you can do now") < worker.index(f'href="{ask}"') < worker.index("At a glance")
    supervisor = _text(as_persona("supervisor_a").get(case_tab_url(case.ref)))
    record = reverse("cases:decision", kwargs={"ref": case.ref, "kind": "reasonable_grounds"})
    assert f'href="{record}"' in supervisor
    assert f'href="{ask}"' not in supervisor
    # The move the stage waits for is not offered; what it needs is said instead.
    assert "?to=reflection" not in worker
    assert "Record a positive reasonable-grounds decision before" in worker


def test_the_overview_shows_clocks_consent_and_open_referrals_at_a_glance(
    cast: Cast, as_persona: Any
) -> None:
    referral = make_referral(cast)
    case = referral.case
    worker = cast.users["caseworker_a"]
    today = timezone.localdate()
    task = task_create(
        by=worker, case=case, title_key="contact_person", due_date=today + dt.timedelta(days=2)
    )
    CaseTask.objects.filter(pk=task.pk).update(due_date=today - dt.timedelta(days=1))
    page = _text(as_persona("caseworker_a").get(case_tab_url(case.ref)))
    assert "Next deadline" in page
    assert f"{task.title} (overdue)" in page
    assert "needs attention" in page
    assert "1 open referral" in page
    assert "1 waiting for an answer" in page
    assert "Disclosure to a named organisation" in page
    # The parts themselves load with their tabs: the referral's reference is not on the overview.
    assert referral.short_ref not in page


def test_a_tab_is_a_page_without_javascript_and_the_tab_alone_for_htmx(cast: Cast, as_persona: Any) -> None:
    case = make_case(cast)
    client = as_persona("caseworker_a")
    url = case_tab_url(case.ref, "consent")
    full = client.get(url)
    page = _text(full)
    assert "<html" in page
    assert 'id="consent"' in page
    assert (
        f'href="{url}" hx-get="{url}" hx-target="#case-body" hx-push-url="true" aria-current="page"' in page
    )
    partial = client.get(url, **HTMX)
    tab = _text(partial)
    assert "<html" not in tab
    assert 'id="consent"' in tab
    assert 'aria-current="page"' in tab
    assert "HX-Request" in partial["Vary"]
    assert "<html" not in _text(client.get(case_tab_url(case.ref), **HTMX))


def test_every_tab_and_the_print_record_one_read_naming_what_was_shown(cast: Cast, as_persona: Any) -> None:
    case = make_case(cast)
    client = as_persona("caseworker_a")
    for part in case_parts():
        before = AuditEntry.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
        _text(client.get(case_tab_url(case.ref, part), **HTMX))
        entries = list(AuditEntry.objects.filter(seq__gt=before))
        assert [(e.action, e.object_ref, e.details) for e in entries] == [
            ("case.view", case.ref, {"section": part})
        ]
    _text(client.get(reverse("cases:print", kwargs={"ref": case.ref})))
    assert AuditEntry.objects.order_by("-seq").values_list("details", flat=True).first() == {
        "section": "print"
    }


def test_an_unknown_tab_and_a_lower_case_reference(cast: Cast, as_persona: Any) -> None:
    case = make_case(cast)
    client = as_persona("caseworker_a")
    before = AuditEntry.objects.count()
    assert client.get(case_tab_url(case.ref, "nothing-here")).status_code == 404
    assert AuditEntry.objects.count() == before
    response = client.get(case_tab_url(case.ref.lower(), "timeline"))
    assert response.status_code == 302
    assert response["Location"] == case_tab_url(case.ref, "timeline")


def test_the_printed_case_file_holds_every_part_and_no_controls(cast: Cast, as_persona: Any) -> None:
    referral = make_referral(cast)
    case = referral.case
    page = _text(as_persona("caseworker_a").get(reverse("cases:print", kwargs={"ref": case.ref})))
    assert f"Case file {case.ref}" in page
    for section_id in ('id="person"', 'id="stage-panel"', 'id="consent"', 'id="referrals"', 'id="timeline"'):
        assert section_id in page, section_id
    assert referral.short_ref in page
    assert "Case opened" in page
    assert 'class="case-tabs"' not in page
    # The page's own controls are left out; the parts' forms are hidden by the stylesheet (.case-print).
    assert reverse("cases:permit_create", kwargs={"ref": case.ref}) not in page
    assert reverse("cases:edit", kwargs={"ref": case.ref}) not in page
    assert 'class="case-print"' in page


# Parts of a case that the sections and the timeline both show; the printed file reads each once.
READ_ONCE = (
    "cases_casestagechange",
    "cases_returnplan",
    "cases_residencepermit",
    "cases_permitrenewal",
    "cases_proceeding",
    "consent_consentrecord",
)


def test_the_printed_case_file_reads_each_shared_part_once(cast: Cast, as_persona: Any) -> None:
    import re
    from collections import Counter

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.test_case_page_visibility import _seed

    case = _seed(cast, cast.org_a, cast.users["caseworker_a"])
    client = as_persona("supervisor_a")
    url = reverse("cases:print", kwargs={"ref": case.ref})
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        page = _text(client.get(url))
    tables = Counter(m.group(1) for q in captured if (m := re.search(r'FROM "(\w+)"', q["sql"])))
    assert {table: tables[table] for table in READ_ONCE} == dict.fromkeys(READ_ONCE, 1)
    assert "Residence permit recorded" in page
    assert "Consent given: Receiving assistance and services" in page
