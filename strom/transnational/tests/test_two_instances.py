"""Two STROM instances exchange a transnational referral for return, end to end and back.

The test process is instance A (Latvia), served by the live server; instance B (Lithuania) is a
gunicorn subprocess with its own database, key files and port (instance_b.py). The referral crosses
with the person's consent and a scope, B's focal point accepts it and opens a case, a return plan is
proposed by A and agreed by B, and the receipts and state changes travel back. On the way: B is down
and comes back (A's outbox retries), and B refuses a replayed message, one signed with an unknown key
and a tampered one. The full version (`-m slow`) adds a second referral that is declined, a
byte-identical replay and a key rotation that the partner learns from a signed message.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from strom.audit.models import AuditEntry
from strom.cases.models import Case
from strom.cases.tests.factories import make_case
from strom.referrals.selectors import disclosure_record
from strom.stages.models import CaseTask
from strom.transnational.envelope import post_json, seal
from strom.transnational.keys import instance_keys
from strom.transnational.models import OutboxMessage, OutboxState, Partner, PlanState, State
from strom.transnational.services import (
    HANDOVER_TASK,
    keys_rotate,
    referral_send,
    return_plan_propose,
)
from strom.transnational.services_messages import person_check
from strom.transnational.tests.factories import give_cross_border_consent, stranger_keys
from strom.transnational.tests.instance_b import InstanceB, connect, deliver_in_a, start_instance_b
from tests.personas import Cast

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def instance_b(tmp_path: Path) -> Iterator[InstanceB]:
    instance = start_instance_b(tmp_path / "b", base_url=os.environ["DATABASE_URL"])
    try:
        yield instance
    finally:
        instance.close()


def _send_return_referral(cast: Cast, partner: Partner) -> Any:
    case = make_case(cast, "a", given_name="Jūlija", family_name="Ivanova")
    give_cross_border_consent(cast, case, "LT")
    return referral_send(
        by=cast.users["supervisor_a"],
        case=case,
        partner=partner,
        measures=["return"],
        scope=["identity", "status"],
        message="Handover in Vilnius, please confirm.",
    )


def _refusals_at_b(b: InstanceB, partner: Partner, referral_uuid: str, delivered_id: uuid.UUID) -> None:
    """A replayed id, a message signed with a key B does not know, and a tampered one: all refused."""
    body = {"referral": referral_uuid, "state": "withdrawn"}
    replay = seal(partner=partner, kind="referral.state", message_id=delivered_id, body=body)
    answer = post_json(f"{b.url}/messages", {"token": replay})
    assert (answer.status, answer.data.get("code")) == (409, "replayed")
    stranger = seal(
        partner=partner, kind="referral.state", message_id=uuid.uuid4(), body=body, keys=stranger_keys()
    )
    answer = post_json(f"{b.url}/messages", {"token": stranger})
    assert (answer.status, answer.data.get("code")) == (403, "unknown_key")
    parts = seal(partner=partner, kind="referral.state", message_id=uuid.uuid4(), body=body).split(".")
    parts[3] = parts[3][:10] + ("A" if parts[3][10] != "A" else "B") + parts[3][11:]
    answer = post_json(f"{b.url}/messages", {"token": ".".join(parts)})
    assert (answer.status, answer.data.get("code")) == (400, "undecryptable")


def test_a_referral_for_return_goes_to_the_partner_and_its_answers_come_back(
    cast: Cast, instance_b: InstanceB, live_server: Any, settings: Any
) -> None:
    b = instance_b
    partner = connect(b, cast=cast, a_url=live_server.url)
    referral = _send_return_referral(cast, partner)

    # B is down: the message waits in A's outbox, and nothing is lost.
    b.stop()
    assert deliver_in_a() == (0, 1)
    waiting = OutboxMessage.objects.get(referral=referral, kind="referral.send")
    assert (waiting.state, waiting.attempts) == (OutboxState.PENDING, 1)
    assert waiting.last_error.startswith("not reachable")
    b.start()
    assert deliver_in_a() == (1, 0)
    waiting.refresh_from_db()
    assert waiting.state == OutboxState.DELIVERED
    assert waiting.receipt, "B's signed receipt is kept"
    referral.refresh_from_db()
    assert referral.state == State.DELIVERED

    inbox = b.run("inbox")
    assert [(r["uuid"], r["state"], r["measures"]) for r in inbox] == [
        (str(referral.uuid), "delivered", ["return"])
    ]
    assert inbox[0]["sections"] == ["identity", "status"], "only the scoped sections travel"
    assert "Ivanova" in inbox[0]["names"]

    _refusals_at_b(b, partner, str(referral.uuid), waiting.message_id)

    # B accepts and opens a case from it; the state change travels back.
    accepted = b.run("accept", str(referral.uuid), "--open-case", "--deliver")
    assert accepted["answer"]["state"] == "accepted"
    assert accepted["answer"]["case"], "a case is opened in B from what was sent"
    assert accepted["deliver"]["delivered"] == 1
    referral.refresh_from_db()
    assert referral.state == State.ACCEPTED
    assert referral.changes.filter(state=State.ACCEPTED, remote=True).exists()

    # Does B hold the person? Only keyed encodings cross; B answers yes or no.
    assert person_check(by=cast.users["supervisor_a"], case=referral.case, partner=partner) is True
    stranger = make_case(cast, "a", given_name="Olga", family_name="Petrova")
    give_cross_border_consent(cast, stranger, "LT")
    assert person_check(by=cast.users["supervisor_a"], case=stranger, partner=partner) is False

    # A proposes the return plan; B agrees; both sides get the handover task.
    import datetime as dt

    from django.utils import timezone

    handover = timezone.localdate() + dt.timedelta(days=14)
    return_plan_propose(
        by=cast.users["supervisor_a"],
        referral=referral,
        handover_on=handover,
        receiving_organisation="Vilnius Support Centre",
        follow_up="Monthly contact for six months.",
        follow_up_on=handover + dt.timedelta(days=30),
    )
    assert deliver_in_a() == (1, 0)
    assert b.run("plan", str(referral.uuid)) == {
        "state": "proposed",
        "version": 1,
        "handover_on": handover.isoformat(),
    }
    agreed = b.run("agree", str(referral.uuid), "1", "--deliver")
    assert agreed["answer"] == {"state": "agreed"}
    assert agreed["deliver"]["delivered"] == 1
    plan = referral.return_plan
    plan.refresh_from_db()
    assert plan.state == PlanState.AGREED
    case = Case.objects.get(pk=referral.case_id)
    assert CaseTask.objects.filter(case=case, kind=HANDOVER_TASK, due_date=handover).exists()

    # Audit on both sides, and the person's disclosure record shows the transfer abroad.
    actions = set(AuditEntry.objects.filter(object_ref=case.ref).values_list("action", flat=True))
    assert {
        "transnational.send",
        "transnational.delivered",
        "transnational.partner_accepted",
        "transnational.return_plan_propose",
        "transnational.return_plan_agreed",
    } <= actions
    at_b = b.run("audit", str(referral.uuid))
    assert {"transnational.receive", "transnational.accept", "transnational.return_plan_agree"} <= set(
        at_b["actions"]
    )
    assert at_b["refused"] == ["replayed", "undecryptable", "unknown_key"]
    entries = disclosure_record(cast.users["supervisor_a"], case.person)
    assert [(e.kind, e.recipient_country) for e in entries] == [("transnational", "Lithuania")]


def _valid_referral_body() -> dict[str, Any]:
    import datetime as dt

    return {
        "referral": str(uuid.uuid4()),
        "measures": ["urgent_assistance"],
        "scope": [],
        "sections": [],
        "message": "",
        "sender": "Riga Social Service",
        "child": False,
        "consent": {"country": "LT", "given_on": dt.date.today().isoformat()},
    }


@pytest.mark.slow
def test_a_byte_identical_replay_and_a_key_rotation_the_partner_learns(
    cast: Cast, instance_b: InstanceB, live_server: Any, settings: Any, tmp_path: Path
) -> None:
    settings.STROM_INSTANCE_KEYS_FILE_PATH = str(tmp_path / "a-keys.json")
    b = instance_b
    partner = connect(b, cast=cast, a_url=live_server.url)
    token = seal(partner=partner, kind="referral.send", message_id=uuid.uuid4(), body=_valid_referral_body())
    assert post_json(f"{b.url}/messages", {"token": token}).status == 200
    replay = post_json(f"{b.url}/messages", {"token": token})
    assert (replay.status, replay.data.get("code")) == (409, "replayed")
    assert len(b.run("inbox")) == 1
    # A's keys change; B learns the new ones from a message signed with the old key, which it trusts.
    old_signing = instance_keys().signing.current
    keys_rotate(by=cast.users["sysadmin"])
    assert instance_keys().signing.current != old_signing
    assert deliver_in_a() == (1, 0)
    referral = _send_return_referral(cast, partner)
    assert deliver_in_a() == (1, 0), "signed with A's new key, which B now trusts"
    assert str(referral.uuid) in {r["uuid"] for r in b.run("inbox")}
    # A message signed with the old key is still accepted only while B lists it: B keeps what A sent.
    refused = b.run("audit", str(referral.uuid))["refused"]
    assert refused == ["replayed"]
