"""The referral recipient in the authorisation test.

Before the `recipient` persona's turn on a route, every open case of organisation A is referred to the
recipient's shelter with a narrow scope (needs only) and accepted. The recipient must then get what the
route declares (404 on every case route), and no response they get may contain what the scope leaves
out: the case reference and the person's given name (unique per test person).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError

from strom.cases.models import Case
from strom.network.models import NetworkService, ServiceType
from strom.referrals.models import Referral, Section
from strom.referrals.services import referral_accept
from strom.referrals.tests.factories import send_new

if TYPE_CHECKING:
    from tests.personas import Cast

RECIPIENT = "recipient"
SCOPE = [Section.NEEDS]


def recipient_service(cast: Cast) -> NetworkService:
    service, _created = NetworkService.objects.get_or_create(
        organisation=cast.org_c,
        name="Crisis shelter (route test)",
        defaults={"service_type": ServiceType.SAFE_ACCOMMODATION, "countries": ["LV"], "for_children": True},
    )
    return service


def refer_cases_to_recipient(cast: Cast) -> list[str]:
    """Refer and accept every open case of org A; return the strings the recipient must never see."""
    service = recipient_service(cast)
    secrets: list[str] = []
    already = Referral.objects.filter(to_organisation=cast.org_c).values("case_id")
    for case in Case.objects.filter(organisation=cast.org_a, closed_at__isnull=True).exclude(pk__in=already):
        person = case.person
        # Test persons are "Test<n> Person": the given name is unique, the family name is a common word.
        secrets += [case.ref, *(n for n in (person.given_name,) if len(n) >= 5)]
        try:
            referral = send_new(
                by=cast.users["supervisor_a"],
                case=case,
                service=service,
                scope=SCOPE,
                override=True,
                override_reason="Authorisation test",
            )
            referral_accept(by=cast.users[RECIPIENT], referral=referral)
        except ValidationError:
            continue  # a case that cannot be referred (anonymised) stays unreferred
    return secrets
