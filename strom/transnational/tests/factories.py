"""Partners and messages for tests. The partner's keys are a second key set made here; messages
"from the partner" are sealed with it and encrypted to this instance's keys, as a real partner would.

partner = make_partner(cast)                          # org A is the focal point, partner in LT, active
token = from_partner(partner, "referral.send", referral_body())
"""

from __future__ import annotations

import datetime as dt
import functools
import uuid
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from strom.consent.services import consent_record
from strom.network.models import NetworkService
from strom.network.tests.factories import make_service
from strom.transnational.envelope import seal
from strom.transnational.keys import InstanceKeys, instance_keys, new_instance_keys
from strom.transnational.models import Partner
from strom.transnational.services import partner_add
from strom.transnational.services_messages import message_receive

if TYPE_CHECKING:
    from strom.cases.models import Case
    from strom.directory.models import Organisation
    from tests.personas import Cast


@functools.cache
def partner_keys() -> InstanceKeys:
    return new_instance_keys()


@functools.cache
def stranger_keys() -> InstanceKeys:
    """Keys no partner of ours holds."""
    return new_instance_keys()


def make_focal_point(organisation: Organisation) -> NetworkService:
    return make_service(organisation, name=f"{organisation.name} TRM desk", trm_focal_point=True)


def make_partner(
    cast: Cast, *, organisation: Organisation | None = None, country: str = "LT", confirm: bool = True
) -> Partner:
    organisation = organisation or cast.org_a
    if not NetworkService.objects.filter(organisation=organisation, trm_focal_point=True).exists():
        make_focal_point(organisation)
    keys = partner_keys()
    partner = partner_add(
        by=cast.users["sysadmin"],
        name=f"STROM {country}",
        country=country,
        url=f"https://127.0.0.1:9/{uuid.uuid4().hex[:8]}/api/v1/transnational",
        signing_thumbprint=keys.signing.current,
        encryption_thumbprint=keys.encryption.current,
        organisation=organisation,
        jwks=keys.public_jwks(),
    )
    if confirm:
        reception = message_receive(from_partner(partner, "partner.confirm", {"country": country}))
        assert reception.status == 200, reception.code
        partner.refresh_from_db()
    return partner


def this_instance() -> Partner:
    """This instance as the partner sees it: the receiver a partner's message is encrypted to."""
    return Partner(jwks=instance_keys().public_jwks())


def from_partner(
    partner: Partner,
    kind: str,
    body: dict[str, Any],
    *,
    keys: InstanceKeys | None = None,
    message_id: uuid.UUID | None = None,
    issued_at: int | None = None,
) -> str:
    return seal(
        partner=this_instance(),
        kind=kind,
        message_id=message_id or uuid.uuid4(),
        body=body,
        keys=keys or partner_keys(),
        issued_at=issued_at,
    )


def referral_body(
    *, country: str = "LV", measures: list[str] | None = None, **overrides: Any
) -> dict[str, Any]:
    """A referral as a partner in another country sends it to this instance (in `country`)."""
    body: dict[str, Any] = {
        "referral": str(uuid.uuid4()),
        "measures": measures or ["return"],
        "scope": ["identity"],
        "sections": [
            {
                "key": "identity",
                "title": "Identity",
                "rows": [["given_name", "Given name", "Jūlija"], ["family_name", "Family name", "Ivanova"]],
                "items": [],
            },
            {"key": "notes", "title": "Notes", "rows": [["x", "Note", "outside the scope"]], "items": []},
        ],
        "message": "Return planned for next month.",
        "sender": "Vilnius Support Centre",
        "child": False,
        "consent": {
            "country": country,
            "given_on": (timezone.localdate() - dt.timedelta(days=2)).isoformat(),
        },
    }
    body.update(overrides)
    return body


def give_cross_border_consent(cast: Cast, case: Case, country: str = "LT") -> None:
    consent_record(
        by=cast.users["supervisor_a"],
        case=case,
        purpose="cross_border",
        given=True,
        given_at=timezone.localdate() - dt.timedelta(days=1),
        how="written",
        recipient_country=country,
    )
