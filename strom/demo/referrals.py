"""Demo referrals: a working week of the network, made through the services after the demo cases and
the demo network exist. Once only (an audit entry marks it).

Riga City Social Services (caseworker@demo.example) refers to the Riga Crisis Shelter
(shelter@demo.example) and to the police; the Vilnius shelter refers a person home to Rīga across the
border. One referral of each state a user meets: waiting for an answer, accepted, in progress,
completed (so the support plan shows the service delivered), declined, withdrawn and a draft.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from strom.accounts.models import User
from strom.audit.actors import DEMO
from strom.audit.models import AuditEntry
from strom.audit.services import audit_record
from strom.cases.models import Case
from strom.consent.services import consent_record
from strom.directory.models import Municipality, Organisation
from strom.network.models import NetworkService
from strom.referrals import notify
from strom.referrals.models import Section
from strom.referrals.services import (
    referral_accept,
    referral_complete,
    referral_create,
    referral_decline,
    referral_send,
    referral_start,
    referral_withdraw,
)

DEMO_REFERRALS_ACTION = "demo.referrals"
S = Section


def demo_referrals_loaded() -> bool:
    return AuditEntry.objects.filter(action=DEMO_REFERRALS_ACTION).exists()


def _user(email: str) -> User:
    return User.objects.get(email=email)


def _service(org: str, name: str) -> NetworkService:
    return NetworkService.objects.get(organisation__name=org, name=name)


def _consent(case: Case, by: User, organisation: Organisation, *, country: str = "") -> None:
    given = timezone.localdate() - dt.timedelta(days=2)
    consent_record(
        by=by, case=case, purpose="disclosure", given=True, given_at=given, how="interpreter",
        recipient_organisation=organisation,
    )  # fmt: skip
    if country:
        consent_record(
            by=by, case=case, purpose="cross_border", given=True, given_at=given, how="interpreter",
            recipient_country=country,
        )  # fmt: skip


def _open_cases(org: str, count: int) -> list[Case]:
    cases = list(
        Case.objects.filter(organisation__name=org, closed_at__isnull=True, anonymised_at__isnull=True)
        .select_related("person", "municipality")
        .order_by("opened_at", "pk")
    )
    adults = [c for c in cases if not c.is_child]
    if len(adults) < count:
        raise RuntimeError(f"the demo needs {count} open adult cases in {org}")
    return adults[:count]


def demo_referrals_load() -> int:
    """Create the demo referrals (once). Returns how many."""
    if demo_referrals_loaded() or not User.objects.filter(email="shelter@demo.example").exists():
        return 0  # done already, or a demo loaded by an older STROM without the shelter's account
    worker = _user("caseworker@demo.example")
    supervisor = _user("supervisor@demo.example")
    shelter = _user("shelter@demo.example")
    police = _user("police@demo.example")
    vilnius = _user("caseworker.vilnius@demo.example")
    beds = _service("Riga Crisis Shelter", "Crisis shelter for women and children")
    counselling = _service("Riga Crisis Shelter", "Psychological counselling")
    police_unit = _service("State Police of Latvia, THB Unit", "THB unit duty officer")
    assistance = _service("Riga City Social Services", "Emergency material assistance")
    riga = Municipality.objects.get(country="LV", code="RIX")
    cases = _open_cases("Riga City Social Services", 6)
    made: list[Any] = []

    def refer(case: Case, by: User, service: NetworkService, scope: list[str], **kw: Any) -> Any:
        if not kw.get("override"):
            _consent(case, by, service.organisation, country=kw.pop("country", ""))
        send = kw.pop("send", True)
        referral = referral_create(by=by, case=case, service=service, scope=scope, **kw)
        if send:
            referral_send(
                by=by,
                referral=referral,
                override=kw.get("override", False),
                override_reason=kw.get("override_reason", ""),
            )
        made.append(referral)
        return referral

    with transaction.atomic(), notify.quiet():
        # Waiting for the shelter's answer: the shelter's inbox has something new.
        refer(
            cases[0], worker, beds, [S.IDENTITY, S.CONTACT, S.NEEDS], urgency="emergency",
            message="Needs a safe place tonight; speaks Russian and some Latvian. Call me before 22:00.",
        )  # fmt: skip
        # Accepted, then under way: counselling.
        r = refer(cases[1], worker, counselling, [S.IDENTITY, S.NEEDS], urgency="routine",
                  message="Weekly sessions requested; an interpreter may be needed.")  # fmt: skip
        referral_accept(by=shelter, referral=r)
        referral_start(by=shelter, referral=r)
        # Completed: the support plan of the case shows the accommodation delivered.
        r = refer(cases[2], worker, beds, [S.IDENTITY, S.NEEDS, S.STATUS])
        referral_accept(by=shelter, referral=r)
        referral_start(by=shelter, referral=r)
        referral_complete(by=shelter, referral=r, note="Stayed three weeks; moved to a rented flat.")
        # Declined with a reason, so the worker looks for another place.
        r = refer(cases[3], worker, beds, [S.NEEDS], message="Family of three.")
        referral_decline(by=shelter, referral=r, reason="No family room free this week; try again on Monday.")
        # To the police on a supervisor's override: only the status and the events, never documents.
        r = refer(
            cases[4], supervisor, police_unit, [S.STATUS, S.EVENTS], override=True,
            override_reason="The person is in immediate danger from the recruiter; consent asked when safe.",
        )  # fmt: skip
        referral_accept(by=police, referral=r)
        # Withdrawn by the sender, and a draft not yet sent.
        r = refer(cases[5], worker, counselling, [S.NEEDS])
        referral_withdraw(by=worker, referral=r, reason="The person chose a counsellor of her own.")
        refer(cases[5], worker, beds, [S.NEEDS], send=False)
        # Across the border: the Vilnius shelter refers a person home to Rīga.
        home = _open_cases("Vilnius Women's Shelter", 1)[0]
        refer(
            home, vilnius, assistance, [S.IDENTITY, S.NEEDS], municipality=riga, country="LV",
            message="Returning to Rīga next week; needs help with housing and benefits on arrival.",
        )  # fmt: skip
        audit_record(
            actor=DEMO, action=DEMO_REFERRALS_ACTION, object_type="demo", details={"referrals": len(made)}
        )
    return len(made)
