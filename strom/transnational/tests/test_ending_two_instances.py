"""Two STROM instances end transnational referrals: A (the test process, Latvia) withdraws one that
B (a gunicorn subprocess, Lithuania; instance_b.py) has received, and B completes one it accepted.
Each side is told in a signed message through its outbox; B's inbox no longer shows what a withdrawn
referral carried.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from strom.audit.models import AuditEntry
from strom.cases.tests.factories import make_case
from strom.transnational.models import Partner, State, TransnationalReferral
from strom.transnational.services import referral_send, referral_withdraw
from strom.transnational.tests.factories import give_cross_border_consent
from strom.transnational.tests.instance_b import BASE_DIR, InstanceB, connect, deliver_in_a, start_instance_b
from tests.personas import Cast

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def instance_b(tmp_path: Path) -> Iterator[InstanceB]:
    database = f"{connection.settings_dict['NAME']}_trm_end_b"
    instance = start_instance_b(tmp_path / "b", base_url=os.environ["DATABASE_URL"], database=database)
    try:
        yield instance
    finally:
        instance.close()


def _complete_in_b(b: InstanceB, referral_uuid: str, note: str) -> Any:
    """B's focal point marks the referral completed, through B's own service, in B's environment."""
    code = (
        "import json\n"
        "from strom.accounts.models import User\n"
        "from strom.transnational.models import TransnationalReferral\n"
        "from strom.transnational.services import referral_complete\n"
        f"r = TransnationalReferral.objects.get(uuid={referral_uuid!r}, direction='in')\n"
        "focal = User.objects.get(email='focal_b@example.test')\n"
        f"done = referral_complete(by=focal, referral=r, note={note!r})\n"
        "print(json.dumps({'state': done.state}))\n"
    )
    result = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-m", "strom.cli", "shell", "-c", code],
        cwd=BASE_DIR,
        env=b.env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def _send(cast: Cast, partner: Partner, given: str) -> TransnationalReferral:
    case = make_case(cast, "a", given_name=given, family_name="Ivanova")
    give_cross_border_consent(cast, case, "LT")
    return referral_send(
        by=cast.users["supervisor_a"],
        case=case,
        partner=partner,
        measures=["return"],
        scope=["identity"],
        message="Handover in Vilnius.",
    )


def test_a_withdrawal_and_a_completion_cross_the_border(
    cast: Cast, instance_b: InstanceB, live_server: Any
) -> None:
    b = instance_b
    partner = connect(b, cast=cast, a_url=live_server.url)
    withdrawn, completed = _send(cast, partner, "Jūlija"), _send(cast, partner, "Marija")
    assert deliver_in_a() == (2, 0)
    inbox = {r["uuid"]: r for r in b.run("inbox")}
    assert inbox[str(withdrawn.uuid)]["names"][:2] == ["Jūlija", "Ivanova"]

    # B accepts the second; A learns it.
    assert b.run("accept", str(completed.uuid), "--deliver")["deliver"]["delivered"] == 1
    completed.refresh_from_db()
    assert completed.state == State.ACCEPTED

    # A withdraws the first: B's inbox shows it withdrawn, and no longer what it carried.
    referral_withdraw(by=cast.users["supervisor_a"], referral=withdrawn, reason="She stays in Latvia.")
    assert deliver_in_a() == (1, 0)
    at_b = {r["uuid"]: r for r in b.run("inbox")}[str(withdrawn.uuid)]
    assert (at_b["state"], at_b["sections"], at_b["names"]) == ("withdrawn", [], [])
    assert "transnational.partner_withdrawn" in b.run("audit", str(withdrawn.uuid))["actions"]

    # B completes the second: A learns it, with the note, and can no longer withdraw it.
    assert _complete_in_b(b, str(completed.uuid), "Handed over; follow-up by the shelter.") == {
        "state": "completed"
    }
    assert b.run("deliver")["delivered"] == 1
    completed.refresh_from_db()
    assert (completed.state, completed.completion_note) == (
        State.COMPLETED,
        "Handed over; follow-up by the shelter.",
    )
    with pytest.raises(ValidationError, match="still open"):
        referral_withdraw(by=cast.users["supervisor_a"], referral=completed, reason="Too late")
    assert "transnational.complete" in b.run("audit", str(completed.uuid))["actions"]
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"transnational.withdraw", "transnational.partner_completed"} <= actions
