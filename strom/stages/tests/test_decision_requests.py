"""Asking for a decision: a case worker asks a supervisor, who gets a task and a notification; the
answer (a decision, or a refusal with a reason) goes back to the case worker. Decision tasks go only to
people who may decide."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from strom.accounts.models import Notification
from strom.audit.models import AuditEntry
from strom.core.errors import NotAllowed
from strom.stages import clocks
from strom.stages.models import CaseTask, DecisionRequest, DecisionRequestState
from strom.stages.services import decision_record, task_assign
from strom.stages.services_requests import decision_request_create, decision_request_decline
from strom.stages.tests.stage_helpers import fresh, opened_case, to_reflection

pytestmark = pytest.mark.django_db
RG = "reasonable_grounds"


def _task_of(request: DecisionRequest) -> CaseTask:
    return CaseTask.objects.get(source=f"request:{request.pk}", case_id=request.case_id)


def _ask(cast: Any, case: Any, **kw: Any) -> DecisionRequest:
    return decision_request_create(by=cast.caseworker_a, case=case, kind=RG, **kw)


def test_a_case_worker_asks_and_the_supervisor_gets_a_task_and_a_notification(
    cast: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        case = opened_case(cast)
    request = _ask(cast, case, note="Interview done on Monday.")
    assert request.state == DecisionRequestState.OPEN
    assert request.addressed_to == cast.supervisor_a
    task = _task_of(request)
    assert (task.kind, task.assignee, task.title_key) == (
        "decision_request",
        cast.supervisor_a,
        "decision_request_reasonable_grounds",
    )
    # Due with the decision's own clock.
    assert task.due_date == CaseTask.objects.get(case=case, kind=clocks.RG_DUE).due_date
    note = Notification.objects.get(user=cast.supervisor_a, message_key="decision_requested")
    assert note.url == reverse("cases:decision_requests")
    assert "Interview" not in str(note.params)
    assert AuditEntry.objects.filter(action="case.decision_request", object_ref=case.ref).exists()


def test_asking_is_refused_with_reasons(cast: Any) -> None:
    case = opened_case(cast)
    with pytest.raises(ValidationError, match="yourself"):
        decision_request_create(by=cast.supervisor_a, case=case, kind=RG)
    with pytest.raises(ValidationError, match="not due"):
        decision_request_create(by=cast.caseworker_a, case=case, kind="formal_identification")
    with pytest.raises(ValidationError, match="addressed_to"):
        _ask(cast, case, addressed_to=cast.caseworker_a)
    _ask(cast, case)
    with pytest.raises(ValidationError, match="already"):
        _ask(cast, case)
    assert DecisionRequest.objects.filter(case=case).count() == 1


def test_someone_who_cannot_work_on_the_case_cannot_ask(cast: Any) -> None:
    case = opened_case(cast)
    with pytest.raises(NotAllowed):
        decision_request_create(by=cast.caseworker_b, case=case, kind=RG)
    assert not DecisionRequest.objects.exists()


def test_the_decision_answers_the_request_and_tells_the_asker(cast: Any) -> None:
    case = opened_case(cast)
    request = _ask(cast, case)
    decision = decision_record(
        by=cast.supervisor_a, case=fresh(case), kind=RG, outcome="positive",
        decided_at=timezone.localdate(), version=fresh(case).version,
    )  # fmt: skip
    request.refresh_from_db()
    assert (request.state, request.decision, request.answered_by) == ("decided", decision, cast.supervisor_a)
    assert _task_of(request).done_at is not None
    assert Notification.objects.filter(
        user=cast.caseworker_a, message_key="decision_request_decided"
    ).exists()


def test_declining_needs_a_reason_and_a_decider_and_tells_the_asker(cast: Any) -> None:
    case = opened_case(cast)
    request = _ask(cast, case)
    with pytest.raises(NotAllowed):
        decision_request_decline(by=cast.caseworker_a, request=request, reason="no")
    with pytest.raises(ValidationError, match="reason"):
        decision_request_decline(by=cast.supervisor_a, request=request, reason="  ")
    request.refresh_from_db()
    assert request.state == DecisionRequestState.OPEN
    decision_request_decline(by=cast.supervisor_a, request=request, reason="Talk to the police first.")
    request.refresh_from_db()
    assert (request.state, request.decline_reason) == ("declined", "Talk to the police first.")
    assert _task_of(request).cancelled_at is not None
    assert Notification.objects.filter(
        user=cast.caseworker_a, message_key="decision_request_declined"
    ).exists()
    with pytest.raises(ValidationError, match="answered already"):
        decision_request_decline(by=cast.supervisor_a, request=request, reason="again")
    # Declined, the decision may be asked for again.
    assert _ask(cast, case).state == DecisionRequestState.OPEN


def test_a_decision_clock_goes_to_someone_who_may_decide(
    cast: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        case = opened_case(cast)
    rg = CaseTask.objects.get(case=case, kind=clocks.RG_DUE)
    assert rg.assignee == cast.supervisor_a
    identification = CaseTask.objects.get(
        case=to_reflection(cast, fresh(case)), kind=clocks.IDENTIFICATION_DUE
    )
    assert identification.assignee == cast.supervisor_a
    # Other clocks stay with the case worker.
    assert CaseTask.objects.get(case=case, kind=clocks.PLAN_REVIEW).assignee == cast.caseworker_a


def test_a_decision_task_cannot_be_assigned_to_someone_who_cannot_decide(
    cast: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        case = opened_case(cast)
    rg = CaseTask.objects.select_related("case").get(case=case, kind=clocks.RG_DUE)
    with pytest.raises(ValidationError, match="may record decisions"):
        task_assign(by=cast.supervisor_a, task=rg, assignee=cast.caseworker_a)
    rg.refresh_from_db()
    assert rg.assignee == cast.supervisor_a


# --- pages ---------------------------------------------------------------------------------------------


def test_the_stage_page_names_who_decides_and_offers_to_ask(cast: Any, as_persona: Any) -> None:
    case = opened_case(cast)
    text = as_persona("caseworker_a").get(reverse("cases:stages", args=[case.ref])).content.decode()
    assert "Only a supervisor can record the decision" in text
    assert cast.supervisor_a.get_full_name() in text
    assert reverse("cases:decision_request", args=[case.ref, RG]) in text


def test_the_ask_page_sends_the_request(cast: Any, as_persona: Any) -> None:
    case = opened_case(cast)
    client = as_persona("caseworker_a")
    url = reverse("cases:decision_request", args=[case.ref, RG])
    assert cast.supervisor_a.get_full_name() in client.get(url).content.decode()
    response = client.post(url, {"addressed_to": cast.supervisor_a.pk, "note": ""})
    assert response.status_code == 302
    assert DecisionRequest.objects.get(case=case).addressed_to == cast.supervisor_a
    text = client.get(reverse("cases:stages", args=[case.ref])).content.decode()
    assert "Waiting for the answer" in text


def test_the_ask_page_refuses_someone_who_may_not_decide_as_the_one_asked(cast: Any, as_persona: Any) -> None:
    case = opened_case(cast)
    url = reverse("cases:decision_request", args=[case.ref, RG])
    response = as_persona("caseworker_a").post(url, {"addressed_to": cast.caseworker_a.pk})
    assert response.status_code == 422
    assert not DecisionRequest.objects.exists()


def test_the_supervisor_sees_the_request_and_declines_it(cast: Any, as_persona: Any) -> None:
    case = opened_case(cast)
    request = _ask(cast, case)
    client = as_persona("supervisor_a")
    listing = client.get(reverse("cases:decision_requests")).content.decode()
    assert case.ref in listing
    assert cast.caseworker_a.get_full_name() in listing
    url = reverse("cases:decision_request_decline", args=[case.ref, request.pk])
    assert client.post(url, {"reason": ""}).status_code == 422
    assert client.post(url, {"reason": "Talk to the police first."}).status_code == 302
    text = as_persona("caseworker_a").get(reverse("cases:stages", args=[case.ref])).content.decode()
    assert "Talk to the police first." in text


# --- API -------------------------------------------------------------------------------------------------


def test_asking_and_declining_through_the_api(cast: Any, as_persona: Any) -> None:
    case = opened_case(cast)
    base = f"/api/v1/cases/{case.ref}/decision-requests"
    worker = as_persona("caseworker_a")
    refused = worker.post(
        base, {"kind": RG, "addressed_to": cast.caseworker_a.pk}, content_type="application/json"
    )
    assert refused.status_code == 422
    assert not DecisionRequest.objects.exists()
    made = worker.post(base, {"kind": RG}, content_type="application/json")
    assert made.status_code == 201
    assert made.json()["addressed_to"] == cast.supervisor_a.pk
    request_id = made.json()["id"]
    url = f"{base}/{request_id}/decline"
    assert worker.post(url, {"reason": "no"}, content_type="application/json").status_code == 404
    declined = as_persona("supervisor_a").post(url, {"reason": "Not yet."}, content_type="application/json")
    assert declined.json()["state"] == "declined"


def test_the_dashboards_count_the_requests_both_ways(cast: Any, as_persona: Any) -> None:
    dashboard = reverse("core:dashboard")
    assert "Requests for a decision</h2>" not in as_persona("supervisor_a").get(dashboard).content.decode()
    _ask(cast, opened_case(cast))
    supervisor = as_persona("supervisor_a").get(dashboard).content.decode()
    assert "1 decision is asked of you and your organisation" in supervisor
    worker = as_persona("caseworker_a").get(dashboard).content.decode()
    assert "1 decision you asked for is waiting" in worker
    assert "Requests for a decision</h2>" not in as_persona("caseworker_b").get(dashboard).content.decode()
