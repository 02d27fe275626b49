"""Ending a transnational referral: the sender withdraws, the receiver completes, and an incoming
referral that ended undone loses what was sent after the retention period.

The partner is a key set (factories); the real exchange between two running instances is in
test_ending_two_instances.py.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from strom.audit.actors import TRANSNATIONAL_RETENTION
from strom.audit.models import AuditEntry
from strom.cases.tests.factories import make_case
from strom.core.errors import NotAllowed
from strom.core.registry import worker_jobs
from strom.transnational.models import (
    Change,
    Direction,
    OutboxMessage,
    ReturnPlan,
    State,
    TransnationalReferral,
)
from strom.transnational.selectors import received_sections
from strom.transnational.services import (
    closed_referrals_minimise,
    referral_accept,
    referral_complete,
    referral_decline,
    referral_send,
    referral_withdraw,
)
from strom.transnational.services_messages import message_receive, outbox_deliver
from strom.transnational.tests.factories import (
    from_partner,
    give_cross_border_consent,
    make_focal_point,
    make_partner,
    referral_body,
)
from tests.personas import Cast

pytestmark = pytest.mark.django_db


def _sent(cast: Cast, partner: Any = None) -> TransnationalReferral:
    partner = partner or make_partner(cast)
    case = make_case(cast, "a", given_name="Jūlija", family_name="Ivanova")
    give_cross_border_consent(cast, case)
    return referral_send(
        by=cast.users["supervisor_a"], case=case, partner=partner, measures=["return"], scope=["identity"]
    )


def _delivered(cast: Cast, partner: Any = None) -> TransnationalReferral:
    referral = _sent(cast, partner)
    # The partner received it once (its answer was lost): the message counts as sent.
    OutboxMessage.objects.filter(referral=referral).update(attempts=1)
    TransnationalReferral.objects.filter(pk=referral.pk).update(state=State.DELIVERED)
    referral.refresh_from_db()
    return referral


def _received(cast: Cast, partner: Any = None) -> tuple[Any, TransnationalReferral]:
    partner = partner or make_partner(cast)
    body = referral_body()
    assert message_receive(from_partner(partner, "referral.send", body)).status == 200
    return partner, TransnationalReferral.objects.get(uuid=body["referral"], direction=Direction.INCOMING)


def _told(referral: TransnationalReferral) -> list[dict[str, Any]]:
    return [
        json.loads(m.body)
        for m in OutboxMessage.objects.filter(referral=referral, kind="referral.state").order_by("id")
    ]


# --- withdrawing ------------------------------------------------------------------------------------


def test_withdrawing_a_delivered_referral_tells_the_partner_with_the_reason(cast: Cast) -> None:
    referral = _delivered(cast)
    withdrawn = referral_withdraw(by=cast.users["supervisor_a"], referral=referral, reason=" Stays home. ")
    assert (withdrawn.state, withdrawn.withdraw_reason) == (State.WITHDRAWN, "Stays home.")
    assert withdrawn.closed_at is not None
    assert _told(referral) == [
        {"referral": str(referral.uuid), "state": "withdrawn", "reason": "Stays home."}
    ]
    told = OutboxMessage.objects.get(referral=referral, kind="referral.state")
    sent = OutboxMessage.objects.get(referral=referral, kind="referral.send")
    assert told.next_attempt_at >= sent.next_attempt_at, "never before the referral itself"
    assert AuditEntry.objects.filter(
        action="transnational.withdraw", object_ref=referral.case.ref if referral.case else ""
    ).exists()
    with pytest.raises(ValidationError, match="still open"):
        referral_withdraw(by=cast.users["supervisor_a"], referral=withdrawn, reason="Again")
    assert len(_told(referral)) == 1


def test_a_referral_never_tried_is_not_sent_at_all_once_withdrawn(cast: Cast) -> None:
    referral = _sent(cast)
    referral_withdraw(by=cast.users["supervisor_a"], referral=referral, reason="Sent by mistake.")
    # Neither the referral, with the case's sections, nor a withdrawal goes to the partner.
    assert not OutboxMessage.objects.filter(referral=referral).exists()
    outbox_deliver(now=timezone.now() + dt.timedelta(days=1))
    assert not OutboxMessage.objects.filter(kind__startswith="referral").exists()
    referral.refresh_from_db()
    assert referral.state == State.WITHDRAWN


def test_withdrawing_needs_a_reason_an_open_referral_and_the_senders_focal_point(cast: Cast) -> None:
    referral = _delivered(cast)
    with pytest.raises(ValidationError, match="reason for withdrawing"):
        referral_withdraw(by=cast.users["supervisor_a"], referral=referral, reason="  ")
    with pytest.raises(NotAllowed):
        referral_withdraw(by=cast.users["caseworker_a"], referral=referral, reason="Not mine to withdraw")
    assert (
        message_receive(
            from_partner(
                referral.partner, "referral.state", {"referral": str(referral.uuid), "state": "declined"}
            )
        ).status
        == 200
    )
    with pytest.raises(ValidationError, match="still open"):
        referral_withdraw(by=cast.users["supervisor_a"], referral=referral, reason="Too late")
    referral.refresh_from_db()
    assert (referral.state, referral.withdraw_reason) == (State.DECLINED, "")
    _partner, incoming = _received(cast, referral.partner)
    with pytest.raises(NotAllowed):  # the receiver cannot withdraw what it was sent
        referral_withdraw(by=cast.users["supervisor_a"], referral=incoming, reason="Not ours")


def test_a_withdrawn_incoming_referral_no_longer_shows_what_was_sent(cast: Cast, as_persona: Any) -> None:
    partner, referral = _received(cast)
    body = {"referral": str(referral.uuid), "state": "withdrawn", "reason": "The person stays in Lithuania."}
    assert message_receive(from_partner(partner, "referral.state", body)).status == 200
    referral.refresh_from_db()
    assert (referral.state, referral.withdraw_reason) == (State.WITHDRAWN, "The person stays in Lithuania.")
    assert referral.closed_at is not None
    assert received_sections(referral) == []
    page = as_persona("supervisor_a").get(f"/transnational/referrals/{referral.pk}/").content.decode()
    assert "Ivanova" not in page
    assert "Return planned for next month." not in page
    assert "Vilnius Support Centre" not in page
    assert "The person stays in Lithuania." in page
    assert "/accept/" not in page
    assert "/complete/" not in page
    assert "/withdraw/" not in page
    with pytest.raises(ValidationError, match="waiting for an answer"):
        referral_accept(by=cast.users["supervisor_a"], referral=referral)


def test_a_withdrawal_that_crosses_a_decline_is_recorded_and_changes_nothing(cast: Cast) -> None:
    partner, referral = _received(cast)
    referral_decline(by=cast.users["supervisor_a"], referral=referral, reason="No place.")
    body = {"referral": str(referral.uuid), "state": "withdrawn", "reason": "Changed plans."}
    assert message_receive(from_partner(partner, "referral.state", body)).status == 200
    referral.refresh_from_db()
    assert (referral.state, referral.withdraw_reason) == (State.DECLINED, "")
    assert list(Change.objects.filter(referral=referral).values_list("state", "remote")) == [
        ("delivered", True),
        ("declined", False),
        ("withdrawn", True),
    ]


# --- completing -------------------------------------------------------------------------------------


def test_the_receiver_completes_an_accepted_referral_and_the_sender_is_told(cast: Cast) -> None:
    _partner, referral = _received(cast)
    with pytest.raises(ValidationError, match="Only an accepted referral"):
        referral_complete(by=cast.users["supervisor_a"], referral=referral, note="Done")
    referral = referral_accept(by=cast.users["supervisor_a"], referral=referral)
    with pytest.raises(ValidationError, match="short note"):
        referral_complete(by=cast.users["supervisor_a"], referral=referral, note=" ")
    with pytest.raises(NotAllowed):
        referral_complete(by=cast.users["caseworker_a"], referral=referral, note="Done")
    done = referral_complete(by=cast.users["supervisor_a"], referral=referral, note="Handed over on time.")
    assert (done.state, done.completion_note) == (State.COMPLETED, "Handed over on time.")
    assert _told(referral)[-1] == {
        "referral": str(referral.uuid),
        "state": "completed",
        "note": "Handed over on time.",
    }
    assert AuditEntry.objects.filter(action="transnational.complete", object_ref=str(referral.uuid)).exists()
    with pytest.raises(ValidationError, match="Only an accepted referral"):
        referral_complete(by=cast.users["supervisor_a"], referral=done, note="Twice")


def test_the_sender_learns_of_the_completion_and_can_no_longer_withdraw(cast: Cast) -> None:
    referral = _delivered(cast)
    for state, extra in (("accepted", {}), ("completed", {"note": "Return done."})):
        body = {"referral": str(referral.uuid), "state": state, **extra}
        assert message_receive(from_partner(referral.partner, "referral.state", body)).status == 200
    referral.refresh_from_db()
    assert (referral.state, referral.completion_note) == (State.COMPLETED, "Return done.")
    with pytest.raises(ValidationError, match="still open"):
        referral_withdraw(by=cast.users["supervisor_a"], referral=referral, reason="Too late")


def test_the_buttons_show_only_for_who_may_act(cast: Cast, as_persona: Any) -> None:
    referral = _delivered(cast)
    _partner, incoming = _received(cast, referral.partner)
    incoming = referral_accept(by=cast.users["supervisor_a"], referral=incoming)
    focal, worker = as_persona("supervisor_a"), as_persona("caseworker_a")
    page = focal.get(f"/transnational/referrals/{referral.pk}/").content.decode()
    assert f"/transnational/referrals/{referral.pk}/withdraw/" in page
    assert "/complete/" not in page
    page = focal.get(f"/transnational/referrals/{incoming.pk}/").content.decode()
    assert f"/transnational/referrals/{incoming.pk}/complete/" in page
    assert "/withdraw/" not in page
    page = worker.get(f"/transnational/referrals/{referral.pk}/").content.decode()
    assert "/withdraw/" not in page
    answer = focal.post(f"/transnational/referrals/{referral.pk}/withdraw/", {"reason": ""})
    assert answer.status_code == 200
    assert "This field is required." in answer.content.decode()
    referral.refresh_from_db()
    assert referral.state == State.DELIVERED
    answer = focal.post(f"/transnational/referrals/{incoming.pk}/complete/", {"note": "Done, see plan."})
    assert answer.status_code == 302
    incoming.refresh_from_db()
    assert incoming.state == State.COMPLETED


# --- retention ----------------------------------------------------------------------------------------


def test_an_incoming_referral_that_ended_undone_loses_what_was_sent_after_the_period(
    cast: Cast, settings: Any, as_persona: Any
) -> None:
    settings.STROM_TRANSNATIONAL_CLOSED_RETENTION_DAYS = 30
    partner, declined = _received(cast)
    declined = referral_decline(by=cast.users["supervisor_a"], referral=declined, reason="Nowhere to stay.")
    _partner, withdrawn = _received(cast, partner)
    body = {"referral": str(withdrawn.uuid), "state": "withdrawn", "reason": "Stays."}
    assert message_receive(from_partner(partner, "referral.state", body)).status == 200
    _partner, accepted = _received(cast, partner)
    accepted = referral_accept(by=cast.users["supervisor_a"], referral=accepted)
    outgoing = _delivered(cast, partner)
    referral_withdraw(by=cast.users["supervisor_a"], referral=outgoing, reason="Not needed.")
    # A return plan proposed before the partner withdrew: its follow-up may speak of the person.
    ReturnPlan.objects.create(
        referral=withdrawn,
        handover_on=timezone.localdate() + dt.timedelta(days=10),
        receiving_organisation="Vilnius Support Centre",
        follow_up="Weekly calls with her sister in Kaunas.",
    )

    assert (
        closed_referrals_minimise(by=TRANSNATIONAL_RETENTION, now=timezone.now() + dt.timedelta(days=29)) == 0
    )
    later = timezone.now() + dt.timedelta(days=31)
    assert closed_referrals_minimise(by=TRANSNATIONAL_RETENTION, now=later) == 2

    for referral in (declined, withdrawn):
        referral.refresh_from_db()
        assert (referral.content, referral.message, referral.sender_name) == ("", "", "")
        assert (referral.decline_reason, referral.withdraw_reason) == ("", "")
        assert referral.content_deleted_at is not None
        assert referral.measures == ["return"]
        entry = AuditEntry.objects.get(action="transnational.content_delete", object_ref=str(referral.uuid))
        assert entry.system_actor == "transnational-retention"
    plan = ReturnPlan.objects.get(referral=withdrawn)
    assert plan.follow_up == ""
    assert plan.receiving_organisation == "Vilnius Support Centre"
    entry = AuditEntry.objects.get(action="transnational.content_delete", object_ref=str(withdrawn.uuid))
    assert entry.details["return_plan"] is True
    page = as_persona("supervisor_a").get(f"/transnational/referrals/{declined.pk}/").content.decode()
    assert "What the partner sent was deleted on" in page
    assert "Nowhere to stay." not in page
    accepted.refresh_from_db()
    assert accepted.content
    assert accepted.sender_name == "Vilnius Support Centre"
    outgoing.refresh_from_db()
    assert outgoing.withdraw_reason == "Not needed.", "the sender's row follows its case"
    assert closed_referrals_minimise(by=TRANSNATIONAL_RETENTION, now=later) == 0


def test_the_worker_runs_the_retention_rule() -> None:
    job = next(job for job in worker_jobs() if job.name == "transnational retention")
    assert job.run() == ""


def test_the_menu_leads_a_focal_point_to_the_inbox_and_nobody_else(cast: Cast, as_persona: Any) -> None:
    from django.urls import reverse

    inbox = reverse("transnational:list")
    # The supervisor holds the focal-point permission, but the organisation is not marked as one yet.
    assert f'href="{inbox}"' not in as_persona("supervisor_a").get(reverse("core:dashboard")).content.decode()
    make_focal_point(cast.org_a)
    assert f'href="{inbox}"' in as_persona("supervisor_a").get(reverse("core:dashboard")).content.decode()
    assert f'href="{inbox}"' not in as_persona("caseworker_a").get(reverse("core:dashboard")).content.decode()
    assert f'href="{inbox}"' not in as_persona("supervisor_b").get(reverse("core:dashboard")).content.decode()
