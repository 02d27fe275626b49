"""Receiving messages from a partner: what is applied, and what is refused with nothing stored.

The partner is played by a second key set (factories.partner_keys); its messages are sealed exactly as
a partner instance seals them. The real exchange between two running instances is in
test_two_instances.py.
"""

from __future__ import annotations

import json
import time
import uuid
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.test import Client

from strom.audit.models import AuditEntry
from strom.transnational.envelope import verify_receipt
from strom.transnational.keys import instance_keys
from strom.transnational.models import (
    Direction,
    OutboxMessage,
    Partner,
    PartnerState,
    ReceivedMessage,
    State,
    TransnationalReferral,
)
from strom.transnational.services import partner_add, partner_suspend
from strom.transnational.services_messages import message_receive
from strom.transnational.tests.factories import (
    from_partner,
    make_focal_point,
    make_partner,
    partner_keys,
    referral_body,
    stranger_keys,
)
from tests.personas import Cast

pytestmark = pytest.mark.django_db


def _stored() -> tuple[int, int]:
    # The partner's confirmation (made by make_partner) is not counted.
    return TransnationalReferral.objects.count(), ReceivedMessage.objects.exclude(
        kind="partner.confirm"
    ).count()


def _refusals(code: str) -> int:
    return AuditEntry.objects.filter(action="transnational.message_refused", details__code=code).count()


def test_a_partner_whose_published_keys_do_not_match_the_fingerprints_is_not_added(cast: Cast) -> None:
    make_focal_point(cast.org_a)
    keys = partner_keys()
    with pytest.raises(ValidationError, match="signing key fingerprint"):
        partner_add(
            by=cast.users["sysadmin"],
            name="STROM LT",
            country="LT",
            url="https://strom.example.lt/api/v1/transnational",
            signing_thumbprint=stranger_keys().signing.current,
            encryption_thumbprint=keys.encryption.current,
            organisation=cast.org_a,
            jwks=keys.public_jwks(),
        )
    assert not Partner.objects.exists()


def test_plain_http_is_refused_unless_loopback_is_allowed(cast: Cast, settings: object) -> None:
    make_focal_point(cast.org_a)
    keys = partner_keys()
    settings.STROM_TRANSNATIONAL_ALLOW_LOOPBACK_HTTP = False  # type: ignore[attr-defined]
    with pytest.raises(ValidationError, match="https://"):
        partner_add(
            by=cast.users["sysadmin"],
            name="STROM LT",
            country="LT",
            url="http://127.0.0.1:9/api/v1/transnational",
            signing_thumbprint=keys.signing.current,
            encryption_thumbprint=keys.encryption.current,
            organisation=cast.org_a,
            jwks=keys.public_jwks(),
        )
    assert not Partner.objects.exists()


def test_both_sides_confirm_before_a_referral_is_accepted(cast: Cast) -> None:
    partner = make_partner(cast, confirm=False)
    assert partner.state == PartnerState.AWAITING
    assert OutboxMessage.objects.filter(partner=partner, kind="partner.confirm").count() == 1
    refused = message_receive(from_partner(partner, "referral.send", referral_body()))
    assert (refused.status, refused.code) == (403, "partner_not_confirmed")
    assert _stored() == (0, 0)
    confirmed = message_receive(from_partner(partner, "partner.confirm", {"country": "LT"}))
    assert confirmed.status == 200
    partner.refresh_from_db()
    assert partner.state == PartnerState.ACTIVE
    assert partner.confirmed_at is not None


def test_a_referral_is_stored_with_only_its_scope_and_a_signed_receipt_answers(cast: Cast) -> None:
    partner = make_partner(cast)
    body = referral_body()
    reception = message_receive(from_partner(partner, "referral.send", body))
    assert (reception.status, reception.code) == (200, "received")
    referral = TransnationalReferral.objects.get(direction=Direction.INCOMING)
    assert str(referral.uuid) == body["referral"]
    assert referral.state == State.DELIVERED
    assert referral.organisation == cast.org_a
    sections = json.loads(referral.content)
    assert [s["key"] for s in sections] == ["identity"], "a section outside the scope is dropped"
    # The receipt is signed with this instance's key: verified here as the partner verifies it.
    receipt_partner = Partner(jwks=_own_jwks())
    message_id = ReceivedMessage.objects.get(kind="referral.send").message_id
    assert verify_receipt(receipt_partner, reception.receipt, message_id) == "received"
    assert AuditEntry.objects.filter(action="transnational.receive", object_ref=body["referral"]).exists()
    with connection.cursor() as cursor:
        cursor.execute("SELECT content FROM transnational_transnationalreferral")
        (stored,) = cursor.fetchone()
    assert "Ivanova" not in stored, "what the partner sent is encrypted at rest"


def _own_jwks() -> dict[str, object]:
    from strom.transnational.keys import instance_keys

    return instance_keys().public_jwks()


def test_a_replayed_message_is_refused_and_stores_nothing(cast: Cast) -> None:
    partner = make_partner(cast)
    token = from_partner(partner, "referral.send", referral_body())
    assert message_receive(token).status == 200
    before = _stored()
    replay = message_receive(token)
    assert (replay.status, replay.code) == (409, "replayed")
    assert _stored() == before
    assert _refusals("replayed") == 1
    # Also a new seal of the same message id (what a retrying sender sends) is not applied twice.
    again = from_partner(
        partner,
        "referral.send",
        referral_body(),
        message_id=ReceivedMessage.objects.get(kind="referral.send").message_id,
    )
    assert message_receive(again).code == "replayed"
    assert _stored() == before


def test_a_message_signed_with_an_unknown_key_is_refused(cast: Cast) -> None:
    partner = make_partner(cast)
    token = from_partner(partner, "referral.send", referral_body(), keys=stranger_keys())
    reception = message_receive(token)
    assert (reception.status, reception.code) == (403, "unknown_key")
    assert _stored() == (0, 0)
    assert _refusals("unknown_key") == 1


@pytest.mark.parametrize("segment", [2, 3, 4], ids=["iv", "ciphertext", "tag"])
def test_a_tampered_message_is_refused(cast: Cast, segment: int) -> None:
    partner = make_partner(cast)
    parts = from_partner(partner, "referral.send", referral_body()).split(".")
    middle = len(parts[segment]) // 2
    flipped = "A" if parts[segment][middle] != "A" else "B"
    parts[segment] = parts[segment][:middle] + flipped + parts[segment][middle + 1 :]
    reception = message_receive(".".join(parts))
    assert reception.status == 400
    assert reception.code == "undecryptable"
    assert _stored() == (0, 0)


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (referral_body(measures=["deportation"]), "unknown_measure"),
        (referral_body(country="EE"), "no_consent"),
        (referral_body(consent={}), "no_consent"),
    ],
)
def test_unknown_measures_and_missing_consent_are_refused(
    cast: Cast, body: dict[str, object], code: str
) -> None:
    partner = make_partner(cast)
    reception = message_receive(from_partner(partner, "referral.send", body))
    assert reception.code == code
    assert _stored() == (0, 0)


def test_a_stale_message_is_refused(cast: Cast) -> None:
    partner = make_partner(cast)
    token = from_partner(partner, "referral.send", referral_body(), issued_at=int(time.time()) - 3600)
    assert message_receive(token).code == "stale"
    assert _stored() == (0, 0)


def test_a_suspended_partner_is_refused(cast: Cast) -> None:
    partner = make_partner(cast)
    partner_suspend(by=cast.users["sysadmin"], partner=partner, reason="Key compromise reported by phone")
    reception = message_receive(from_partner(partner, "referral.send", referral_body()))
    assert (reception.status, reception.code) == (403, "partner_suspended")
    assert _stored() == (0, 0)


def test_the_api_answers_with_a_receipt_or_a_problem(cast: Cast) -> None:
    partner = make_partner(cast)
    client = Client()
    token = from_partner(partner, "referral.send", referral_body())
    ok = client.post("/api/v1/transnational/messages", {"token": token}, content_type="application/json")
    assert ok.status_code == 200
    assert ok.json()["code"] == "received"
    again = client.post("/api/v1/transnational/messages", {"token": token}, content_type="application/json")
    assert again.status_code == 409
    assert again.json()["code"] == "replayed"
    junk = client.post("/api/v1/transnational/messages", {"token": "x.y.z"}, content_type="application/json")
    assert junk.status_code == 400
    assert junk["Content-Type"].startswith("application/problem+json")
    jwks = client.get("/api/v1/transnational/jwks").json()
    assert {k["use"] for k in jwks["keys"]} == {"sig", "enc"}
    assert all("d" not in k for k in jwks["keys"]), "no private part is ever published"


def test_a_state_change_for_an_unknown_referral_is_refused(cast: Cast) -> None:
    partner = make_partner(cast)
    body = {"referral": str(uuid.uuid4()), "state": "accepted"}
    assert message_receive(from_partner(partner, "referral.state", body)).code == "unknown_referral"
    assert _stored() == (0, 0)


def test_rotating_keys_tells_every_partner_in_a_message_signed_with_the_old_key(
    cast: Cast, settings: Any, tmp_path: Path
) -> None:
    settings.STROM_INSTANCE_KEYS_FILE_PATH = str(tmp_path / "keys.json")
    partner = make_partner(cast)
    before = instance_keys()
    out = StringIO()
    call_command("transnational", "rotate-keys", stdout=out)
    after = instance_keys()
    assert after.signing.current != before.signing.current
    assert before.signing.current in after.signing.keys, "the old key stays, to sign the notice"
    assert after.signing.current in out.getvalue()
    notice = OutboxMessage.objects.get(partner=partner, kind="partner.keys")
    assert notice.sign_with == before.signing.current
    published = json.loads(notice.body)["jwks"]
    assert published == after.public_jwks()
    assert AuditEntry.objects.filter(action="transnational.keys_rotate").count() == 1
