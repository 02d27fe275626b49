"""A legal hold keeps a closed case beyond its retention period; only supervisors place or lift it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from strom.audit.models import AuditEntry
from strom.cases import retention
from strom.cases.choices import Stage
from strom.cases.models import Case
from strom.cases.services import case_set_legal_hold
from strom.cases.tests.factories import make_case
from strom.core.errors import NotAllowed

pytestmark = pytest.mark.django_db


def _closed_long_ago(case: Case) -> Case:
    years = 20
    Case.objects.filter(pk=case.pk).update(
        stage=Stage.CLOSED,
        status="Closed",
        opened_at=timezone.now() - dt.timedelta(days=365 * years + 30),
        closed_at=timezone.now() - dt.timedelta(days=365 * years),
    )
    case.refresh_from_db()
    return case


def test_a_held_case_is_skipped_by_retention_and_released_cases_are_due_again(cast: Any) -> None:
    case = _closed_long_ago(make_case(cast))
    case_set_legal_hold(by=cast.supervisor_a, case=case, hold=True, reason="Compensation claim pending")
    report = retention.due_cases()
    assert case.ref in {d.ref for d in report.held}
    assert case.ref not in {d.ref for d in report.actionable}
    case_set_legal_hold(by=cast.supervisor_a, case=case, hold=False)
    report = retention.due_cases()
    assert case.ref in {d.ref for d in report.actionable}


def test_placing_a_hold_needs_a_reason_and_a_supervisor(cast: Any) -> None:
    case = make_case(cast)
    with pytest.raises(ValidationError, match="Say why"):
        case_set_legal_hold(by=cast.supervisor_a, case=case, hold=True, reason="  ")
    with pytest.raises(NotAllowed, match="Only a supervisor"):
        case_set_legal_hold(by=cast.caseworker_a, case=case, hold=True, reason="Court order")
    case.refresh_from_db()
    assert case.legal_hold is False
    assert not AuditEntry.objects.filter(action="case.legal_hold").exists()


def test_hold_and_release_are_audited_with_the_reason(cast: Any) -> None:
    case = make_case(cast)
    case_set_legal_hold(by=cast.supervisor_a, case=case, hold=True, reason="Court order 12/2026")
    case_set_legal_hold(by=cast.supervisor_a, case=case, hold=False)
    actions = list(
        AuditEntry.objects.filter(object_ref=case.ref, action__startswith="case.legal_hold")
        .order_by("seq")
        .values_list("action", "reason")
    )
    assert actions == [("case.legal_hold", "Court order 12/2026"), ("case.legal_hold_release", "")]


def test_supervisor_places_a_hold_in_the_browser_and_the_case_page_says_so(
    cast: Any, as_persona: Any
) -> None:
    case = make_case(cast)
    client = as_persona("supervisor_a")
    url = reverse("cases:legal_hold", kwargs={"ref": case.ref})
    response = client.post(url, {"hold": "on", "reason": ""})
    assert response.status_code == 200
    assert "Say why" in response.content.decode()
    response = client.post(url, {"hold": "on", "reason": "Court order pending"})
    assert response.status_code == 302
    page = client.get(reverse("cases:detail", kwargs={"ref": case.ref})).content.decode()
    assert "Legal hold" in page
    assert "Court order pending" in page


def test_api_sets_the_hold_and_reports_it(cast: Any, as_persona: Any) -> None:
    case = make_case(cast)
    client = as_persona("supervisor_a")
    response = client.put(
        reverse("api:case_legal_hold", kwargs={"ref": case.ref}),
        data={"hold": True, "reason": "Court order pending"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["legal_hold"] is True
