"""A social worker takes one person from screening to closure and follow-up, through the API alone,
and the clocks fire along the way; nobody outside the case can see any of it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from strom.cases.models import Case
from strom.stages.models import CaseTask

# Real commits: the clocks start in on_commit hooks, as in production.
pytestmark = pytest.mark.django_db(transaction=True)


def _post(client: Client, name: str, body: dict[str, Any], **kwargs: Any) -> Any:
    response = client.post(reverse(name, kwargs=kwargs), data=body, content_type="application/json")
    assert response.status_code in (200, 201), (name, response.status_code, response.content[:500])
    return response.json()


def _stage(client: Client, ref: str) -> dict[str, Any]:
    response = client.get(reverse("api:case_stage", kwargs={"ref": ref}))
    assert response.status_code == 200
    data: dict[str, Any] = response.json()
    return data


def test_screening_to_closure_and_follow_up_through_the_api(cast: Any, as_persona: Any) -> None:
    worker = as_persona("supervisor_a")
    today = timezone.localdate()

    # Anonymous pre-screening first, scored by the ILO rule; then the case.
    sets = worker.get(reverse("api:screening_indicator_sets")).json()
    assert sets, "indicator sets are shipped as data files"
    case = _post(
        worker,
        "api:case_create",
        {
            "organisation_id": cast.org_a.pk,
            "municipality_id": cast.riga.pk,
            "vic_TypeOfExploitation": ["ForcedLabour"],
            "person": {"prs_FirstName": "Jūlija", "prs_SecondName": "Ivanova", "prs_Gender": "Feminine"},
        },
    )
    ref = case["ref"]
    assert _stage(worker, ref)["stage"] == "screening"
    assert CaseTask.objects.filter(case__ref=ref, done_at__isnull=True).exists(), "RG decision clock"

    # Reasonable grounds (recorded on behalf of the police), which starts the reflection period.
    stage = _stage(worker, ref)
    _post(
        worker,
        "api:case_decision_reasonable_grounds",
        {
            "outcome": "positive",
            "decided_at": today.isoformat(),
            "version": stage["version"],
            "decided_by_org_type": "Police",
            "start_reflection": True,
        },
        ref=ref,
    )
    stage = _stage(worker, ref)
    assert stage["stage"] == "reflection"
    # Thirty days including the first: the last day is the 30th (docs/clocks.md).
    assert stage["reflection"]["ends_on"] == (today + dt.timedelta(days=29)).isoformat()

    # Services are available now, whatever happens with any investigation.
    _post(worker, "api:support_service_create", {"service_type": "SafeAccommodation"}, ref=ref)

    # Formal identification, then assistance, return/reintegration, closure and follow-up.
    _post(
        worker,
        "api:case_decision_identification",
        {
            "outcome": "positive",
            "decided_at": today.isoformat(),
            "version": _stage(worker, ref)["version"],
            "decided_by_org_type": "Police",
        },
        ref=ref,
    )
    for target in ("assistance", "return_reintegration"):
        if target == "return_reintegration":
            _post(worker, "api:case_return_plan_create", {"kind": "local_integration"}, ref=ref)
        stage = _stage(worker, ref)
        if stage["stage"] != target:
            _post(worker, "api:case_stage_change", {"to_stage": target, "version": stage["version"]}, ref=ref)
        assert _stage(worker, ref)["stage"] == target
    _post(
        worker,
        "api:case_close",
        {"version": _stage(worker, ref)["version"], "closure_reason": "GoalsAchieved"},
        ref=ref,
    )
    assert _stage(worker, ref)["stage"] == "closed"
    version = _stage(worker, ref)["version"]
    _post(worker, "api:case_follow_up", {"version": version, "action": "start"}, ref=ref)
    final = _stage(worker, ref)
    assert final["stage"] == "follow_up"
    assert final["trafficking_status"] == "ActualVictimOfTrafficking"

    # The follow-up clocks made tasks; the worker reminds about them by e-mail without personal data.
    follow_ups = CaseTask.objects.filter(case__ref=ref, done_at__isnull=True, cancelled_at__isnull=True)
    assert follow_ups.exists()
    follow_ups.update(due_date=today - dt.timedelta(days=1))
    call_command("worker", "--once")
    assert mail.outbox, "an overdue reminder went out"
    for message in mail.outbox:
        assert "Ivanova" not in message.subject + message.body
        assert ref not in message.subject + message.body

    # Nobody outside the case sees any of it.
    for persona in ("caseworker_b", "supervisor_b", "orgadmin_a", "sysadmin", "analyst_a", "coordinator_a"):
        response = as_persona(persona).get(reverse("api:case_detail", kwargs={"ref": ref}))
        assert response.status_code == 404, persona
    assert Case.objects.get(ref=ref).stage == "follow_up"


def test_screening_to_closure_in_the_browser(cast: Any, as_persona: Any) -> None:
    """The same journey through the pages, posting the forms a person fills in."""
    from strom.cases.tests.test_casework import open_form

    worker = as_persona("supervisor_a")
    today = timezone.localdate().isoformat()

    def post(url: str, data: dict[str, Any]) -> None:
        response = worker.post(url, data)
        assert response.status_code == 302, (url, response.status_code, response.content.decode()[:2000])

    post(reverse("cases:open"), open_form(cast))
    case = Case.objects.get()
    ref = case.ref
    assert worker.get(reverse("cases:detail", kwargs={"ref": ref})).status_code == 200

    def version() -> int:
        return Case.objects.get(ref=ref).version

    post(
        reverse("cases:decision", kwargs={"ref": ref, "kind": "reasonable_grounds"}),
        {
            "version": version(),
            "outcome": "positive",
            "decided_at": today,
            "decided_by_org_type": "Police",
            "start_reflection": "on",
        },
    )
    assert Case.objects.get(ref=ref).stage == "reflection"
    post(
        reverse("cases:decision", kwargs={"ref": ref, "kind": "formal_identification"}),
        {"version": version(), "outcome": "positive", "decided_at": today, "decided_by_org_type": "Police"},
    )
    if Case.objects.get(ref=ref).stage != "assistance":
        post(
            reverse("cases:stage_change", kwargs={"ref": ref}),
            {"version": version(), "to_stage": "assistance"},
        )
    post(reverse("cases:return_plan", kwargs={"ref": ref}), {"kind": "local_integration"})
    post(
        reverse("cases:stage_change", kwargs={"ref": ref}),
        {"version": version(), "to_stage": "return_reintegration"},
    )
    closing = {"version": version(), "to_stage": "closed", "closure_reason": "GoalsAchieved"}
    # The reflection period still runs: closing first says so and waits for a confirmation.
    warned = worker.post(reverse("cases:stage_change", kwargs={"ref": ref}), closing)
    assert warned.status_code == 200
    assert "The reflection and recovery period runs until" in warned.content.decode()
    post(reverse("cases:stage_change", kwargs={"ref": ref}), {**closing, "confirm_close": "on"})
    post(reverse("cases:stage_change", kwargs={"ref": ref}), {"version": version(), "to_stage": "follow_up"})
    case = Case.objects.get(ref=ref)
    assert (case.stage, case.trafficking_status) == ("follow_up", "ActualVictimOfTrafficking")
    page = worker.get(reverse("cases:detail", kwargs={"ref": ref})).content.decode()
    assert "Follow-up" in page
    assert as_persona("caseworker_b").get(reverse("cases:detail", kwargs={"ref": ref})).status_code == 404
