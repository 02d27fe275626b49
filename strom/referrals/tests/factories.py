"""Referrals for tests, made through the services (so consent, audit and notifications are real).

referral = make_referral(cast)                       # org A -> org C's shelter, sent, consent given
referral = make_referral(cast, state="accepted", scope=["identity", "documents"])
referral = make_referral(cast, consent=False)         # sent on a supervisor's override
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from strom.cases.tests.factories import make_case
from strom.consent.services import consent_record
from strom.network.tests.factories import make_service
from strom.referrals.models import Referral, Section
from strom.referrals.services import referral_accept, referral_create, referral_send, referral_start

if TYPE_CHECKING:
    from strom.cases.models import Case
    from strom.network.models import NetworkService
    from tests.personas import Cast


def send_new(**draft: Any) -> Referral:
    """A new referral sent at once, all or nothing, as the pages and the API send one."""
    with transaction.atomic():
        referral = referral_create(**draft)
        return referral_send(
            by=draft["by"],
            referral=referral,
            override=draft.get("override", False),
            override_reason=draft.get("override_reason", ""),
        )


def shelter_c(cast: Cast) -> NetworkService:
    """Org C's shelter, covering Latvia (memoised per cast)."""
    existing = cast.__dict__.get("_shelter_c")
    if existing is None:
        existing = make_service(cast.org_c, name="Riga Safe House beds", countries=["LV"])
        cast.__dict__["_shelter_c"] = existing
    return existing


def give_disclosure_consent(cast: Cast, case: Case, organisation: Any = None) -> None:
    consent_record(
        by=cast.users["caseworker_a"],
        case=case,
        purpose="disclosure",
        given=True,
        given_at=timezone.localdate() - dt.timedelta(days=1),
        how="written",
        recipient_organisation=organisation or cast.org_c,
    )


def make_referral(
    cast: Cast,
    *,
    case: Case | None = None,
    scope: list[str] | None = None,
    state: str = "sent",
    consent: bool = True,
    **fields: Any,
) -> Referral:
    case = case or make_case(cast)
    if consent:
        give_disclosure_consent(cast, case)
    referral = (referral_create if state == "draft" else send_new)(
        by=cast.users["caseworker_a"] if consent else cast.users["supervisor_a"],
        case=case,
        service=shelter_c(cast),
        scope=[Section.IDENTITY, Section.NEEDS] if scope is None else scope,
        override=not consent,
        override_reason="" if consent else "Danger to life (test)",
        **fields,
    )
    recipient = cast.users["recipient"]
    if state in ("accepted", "in_progress"):
        referral_accept(by=recipient, referral=referral)
    if state == "in_progress":
        referral_start(by=recipient, referral=referral)
    return referral
