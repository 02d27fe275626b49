"""Sending a transnational referral from a case, answering one, and the return plan, in one instance.

What crosses to a real second instance is in test_two_instances.py; here the partner is a key set
(factories) and the outbox is read directly.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from strom.audit.models import AuditEntry
from strom.cases.models import Case
from strom.cases.tests.factories import make_case
from strom.core.errors import NotAllowed
from strom.referrals.selectors import disclosure_record
from strom.stages.clocks import MANUAL_TASK_TITLES
from strom.stages.models import CaseTask
from strom.stages.services import task_create
from strom.transnational.models import (
    Direction,
    OutboxMessage,
    OutboxState,
    PlanState,
    State,
    TransnationalReferral,
)
from strom.transnational.services import (
    FOLLOW_UP_TASK,
    HANDOVER_TASK,
    referral_accept,
    referral_decline,
    referral_send,
    return_plan_agree,
    return_plan_propose,
)
from strom.transnational.services_messages import message_receive, outbox_deliver
from strom.transnational.tests.factories import (
    from_partner,
    give_cross_border_consent,
    make_partner,
    referral_body,
)
from tests.personas import Cast

pytestmark = pytest.mark.django_db


def _send(cast: Cast, **overrides: Any) -> TransnationalReferral:
    partner = overrides.pop("partner", None) or make_partner(cast)
    case = overrides.pop("case", None) or make_case(cast, "a", given_name="Jūlija", family_name="Ivanova")
    arguments: dict[str, Any] = {
        "by": cast.users["supervisor_a"],
        "case": case,
        "partner": partner,
        "measures": ["return", "urgent_assistance"],
        "scope": ["identity"],
        "message": "Please call the focal point.",
    }
    arguments.update(overrides)
    return referral_send(**arguments)


def test_without_consent_to_the_partners_country_nothing_is_queued(cast: Cast) -> None:
    case = make_case(cast, "a")
    give_cross_border_consent(cast, case, "EE")  # another country: does not count
    with pytest.raises(ValidationError, match="consent to a transfer of their data to Lithuania"):
        _send(cast, case=case)
    assert not TransnationalReferral.objects.exists()
    assert not OutboxMessage.objects.filter(kind="referral.send").exists()


def test_only_a_focal_point_of_the_cases_organisation_sends(cast: Cast) -> None:
    case = make_case(cast, "a")
    give_cross_border_consent(cast, case)
    with pytest.raises(NotAllowed):
        _send(cast, case=case, by=cast.users["caseworker_a"])
    assert not TransnationalReferral.objects.exists()


def test_a_referral_carries_only_its_scope_encrypted_in_the_outbox(cast: Cast) -> None:
    case = make_case(cast, "a", given_name="Jūlija", family_name="Ivanova")
    give_cross_border_consent(cast, case)
    referral = _send(cast, case=case, scope=["status"])
    message = OutboxMessage.objects.get(referral=referral, kind="referral.send")
    body = json.loads(message.body)
    assert [s["key"] for s in body["sections"]] == ["status"]
    assert "Ivanova" not in message.body, "a name outside the scope is not sent"
    assert body["consent"]["country"] == "LT"
    with connection.cursor() as cursor:
        cursor.execute("SELECT body FROM transnational_outboxmessage WHERE id = %s", [message.pk])
        (stored,) = cursor.fetchone()
    assert "status" not in stored, "the queued body is encrypted at rest"
    assert AuditEntry.objects.filter(action="transnational.send", object_ref=case.ref).exists()


def test_documents_never_travel(cast: Cast) -> None:
    case = make_case(cast, "a")
    give_cross_border_consent(cast, case)
    with pytest.raises(ValidationError, match="Choose what to share"):
        _send(cast, case=case, scope=["documents"])


def test_the_outbox_waits_while_the_partner_is_down_and_backs_off(cast: Cast) -> None:
    case = make_case(cast, "a")
    give_cross_border_consent(cast, case)
    referral = _send(cast, case=case)
    # Nothing listens on port 9 of the loopback address in the partner's https:// address.
    assert outbox_deliver() == (0, 2)  # the partner's confirmation and the referral
    message = OutboxMessage.objects.get(referral=referral)
    assert message.state == OutboxState.PENDING
    assert message.attempts == 1
    assert message.next_attempt_at > timezone.now()
    assert outbox_deliver() == (0, 0), "not due again before its backoff"
    later = timezone.now() + dt.timedelta(seconds=20)
    assert outbox_deliver(now=later) == (0, 2)
    message.refresh_from_db()
    assert message.attempts == 2
    referral.refresh_from_db()
    assert referral.state == State.QUEUED


def test_the_disclosure_record_shows_the_transfer_abroad(cast: Cast) -> None:
    case = make_case(cast, "a")
    give_cross_border_consent(cast, case)
    referral = _send(cast, case=case)
    entries = disclosure_record(cast.users["supervisor_a"], case.person)
    assert [(e.kind, e.recipient_country, e.ref) for e in entries] == [
        ("transnational", "Lithuania", referral.uuid)
    ]
    assert (
        "Identity: names, sex/gender, date of birth, citizenship, languages, documents" in entries[0].shared
    )
    assert disclosure_record(cast.users["caseworker_b"], case.person) == []


def _received(cast: Cast, measures: list[str] | None = None) -> tuple[Any, TransnationalReferral]:
    partner = make_partner(cast)
    body = referral_body(measures=measures)
    assert message_receive(from_partner(partner, "referral.send", body)).status == 200
    return partner, TransnationalReferral.objects.get(uuid=body["referral"], direction=Direction.INCOMING)


def test_accepting_opens_a_case_from_the_identity_and_tells_the_partner(cast: Cast) -> None:
    _partner, referral = _received(cast)
    accepted = referral_accept(by=cast.users["supervisor_a"], referral=referral, open_case=True)
    assert accepted.state == State.ACCEPTED
    assert accepted.case_id is not None
    case = Case.objects.get(pk=accepted.case_id)
    assert (case.person.given_name, case.person.family_name) == ("Jūlija", "Ivanova")
    assert case.organisation == cast.org_a
    told = OutboxMessage.objects.get(referral=referral, kind="referral.state")
    assert json.loads(told.body) == {"referral": str(referral.uuid), "state": "accepted"}
    with pytest.raises(ValidationError, match="waiting for an answer"):
        referral_decline(by=cast.users["supervisor_a"], referral=accepted, reason="Changed my mind")


def test_declining_needs_a_reason_and_only_the_focal_point_answers(cast: Cast) -> None:
    _partner, referral = _received(cast)
    with pytest.raises(ValidationError, match="reason"):
        referral_decline(by=cast.users["supervisor_a"], referral=referral, reason=" ")
    with pytest.raises(NotAllowed):
        referral_decline(by=cast.users["caseworker_a"], referral=referral, reason="Full")
    referral.refresh_from_db()
    assert referral.state == State.DELIVERED


HANDOVER = dt.timedelta(days=10)


def _plan_proposed(cast: Cast, follow_up: str) -> tuple[Any, TransnationalReferral]:
    """An accepted referral with a case, and the partner's return plan (version 2) waiting for agreement."""
    partner, referral = _received(cast)
    referral = referral_accept(by=cast.users["supervisor_a"], referral=referral, open_case=True)
    handover = timezone.localdate() + HANDOVER
    proposal = {
        "referral": str(referral.uuid),
        "version": 2,
        "handover_on": handover.isoformat(),
        "receiving_organisation": "Riga Social Service",
        "follow_up": follow_up,
        "follow_up_on": (handover + dt.timedelta(days=30)).isoformat(),
    }
    assert message_receive(from_partner(partner, "return_plan.propose", proposal)).status == 200
    return partner, referral


def test_a_return_plan_agreed_sets_tasks_on_the_case(cast: Cast) -> None:
    _partner, referral = _plan_proposed(cast, "Monthly calls.")
    with pytest.raises(ValidationError, match="changed the proposal"):
        return_plan_agree(by=cast.users["supervisor_a"], referral=referral, version=1)
    plan = return_plan_agree(by=cast.users["supervisor_a"], referral=referral, version=2)
    assert plan.state == PlanState.AGREED
    assert referral.case is not None
    kinds = set(CaseTask.objects.filter(case=referral.case).values_list("kind", flat=True))
    assert {HANDOVER_TASK, FOLLOW_UP_TASK} <= kinds
    assert OutboxMessage.objects.filter(referral=referral, kind="return_plan.agree").count() == 1


def test_a_referral_the_partner_withdraws_ends_its_return_plan_reminders(cast: Cast) -> None:
    partner, referral = _plan_proposed(cast, "")
    return_plan_agree(by=cast.users["supervisor_a"], referral=referral, version=2)
    assert referral.case is not None
    other = task_create(
        by=cast.users["supervisor_a"],
        case=referral.case,
        title_key=next(iter(MANUAL_TASK_TITLES)),
        due_date=timezone.localdate() + HANDOVER,
    )
    body = {"referral": str(referral.uuid), "state": "withdrawn", "reason": "Returns on her own."}
    assert message_receive(from_partner(partner, "referral.state", body)).status == 200
    plan_tasks = CaseTask.objects.filter(case=referral.case, source=f"trm:{referral.uuid}")
    assert plan_tasks.count() == 2
    assert all(task.cancelled_at is not None for task in plan_tasks)
    other.refresh_from_db()
    assert other.cancelled_at is None, "only the plan's reminders end"
    cancelled = AuditEntry.objects.filter(action="task.cancel", object_ref=referral.case.ref)
    assert cancelled.count() == 2
    assert {e.system_actor for e in cancelled} == {"transnational"}


def test_a_return_plan_needs_an_accepted_referral_for_return(cast: Cast) -> None:
    _partner, referral = _received(cast, measures=["urgent_assistance"])
    referral = referral_accept(by=cast.users["supervisor_a"], referral=referral)
    with pytest.raises(ValidationError, match="accepted referral for return"):
        return_plan_propose(
            by=cast.users["supervisor_a"],
            referral=referral,
            handover_on=timezone.localdate() + dt.timedelta(days=3),
            receiving_organisation="Vilnius Support Centre",
        )


def test_the_pages_of_a_received_referral(cast: Cast, as_persona: Any) -> None:
    _partner, referral = _received(cast)
    client = as_persona("supervisor_a")
    page = client.get(f"/transnational/referrals/{referral.pk}/")
    assert page.status_code == 200
    assert "Ivanova" in page.content.decode()
    assert "outside the scope" not in page.content.decode()
    answered = client.post(f"/transnational/referrals/{referral.pk}/accept/", {"open_case": "on"})
    assert answered.status_code == 302
    referral.refresh_from_db()
    assert referral.state == State.ACCEPTED
    assert referral.case_id is not None
    inbox = client.get("/transnational/")
    assert referral.short_ref in inbox.content.decode()


def test_strom_worker_drains_the_outbox(cast: Cast) -> None:
    from io import StringIO

    from django.core.management import call_command

    case = make_case(cast, "a")
    give_cross_border_consent(cast, case)
    referral = _send(cast, case=case)
    out = StringIO()
    call_command("worker", "--once", stdout=out)
    assert "transnational messages: 0 delivered, 2 to retry" in out.getvalue()
    assert OutboxMessage.objects.get(referral=referral).attempts == 1
