"""The demo's writes that have no service of their own app: the demo's accounts, and the system
administrator's organisation on an empty installation.

Written here and not through the accounts' services on purpose: a real account comes from an
invitation, which is e-mailed and accepted by the person it names; the demo's people are synthetic and
have no mailbox. Each write is audited, acting as the demo's system actor, the way `strom createadmin`
audits the first admin.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from strom.accounts.models import Membership, User
from strom.audit.actors import DEMO
from strom.audit.services import audit_record
from strom.core.roles import check_may_hold
from strom.directory.models import Organisation

if TYPE_CHECKING:
    from strom.demo.accounts import DemoUser

DEMO_PASSWORD = "strom-demo-2026"  # noqa: S105 - printed to every demo user; never in production


@lru_cache(maxsize=1)
def demo_password_hash() -> str:
    return make_password(DEMO_PASSWORD)


@transaction.atomic
def demo_home_organisation_create(*, name: str, org_type: str, country: str) -> Organisation:
    """The system administrator's own organisation: on an empty installation nobody may create one yet."""
    home = Organisation.objects.create(name=name, org_type=org_type, country=country)
    audit_record(
        actor=DEMO,
        action="organisation.create",
        object_type="organisation",
        object_ref=home.pk,
        organisation_id=home.pk,
        details={"via": "demo"},
    )
    return home


@transaction.atomic
def demo_accounts_create(people: list[DemoUser], organisations: dict[str, Organisation]) -> int:
    """Demo accounts with their membership and, where the role needs it, a confirmed authenticator.

    Written here and not through the services on purpose: a real account comes from an invitation,
    which is e-mailed and accepted by the person it names; the demo's people are synthetic and have no
    mailbox. Each account and membership is audited as `strom createadmin` audits the first admin's.
    """
    count = 0
    for person in people:
        if User.objects.filter(email=person.email).exists():
            continue
        organisation = organisations[person.org]
        # The demo obeys the same rule as every grant: a role only where the organisation's type may hold it.
        check_may_hold(organisation.org_type, person.role)
        # Hashed once: Argon2 is slow on purpose, and every demo account has the same password.
        user = User.objects.create(
            email=person.email,
            password=demo_password_hash(),
            full_name=person.full_name,
            language=person.language,
        )
        membership = Membership.objects.create(user=user, organisation=organisation, role=person.role)
        if user.requires_two_factor:
            TOTPDevice.objects.create(user=user, name="Demo authenticator", confirmed=True)
        _audit_account(user, membership)
        count += 1
    return count


def _audit_account(user: User, membership: Membership) -> None:
    audit_record(
        actor=DEMO,
        action="user.create",
        object_type="user",
        object_ref=user.pk,
        details={"via": "demo"},
    )
    audit_record(
        actor=DEMO,
        action="membership.create",
        object_type="membership",
        object_ref=membership.pk,
        organisation_id=membership.organisation_id,
        details={"role": membership.role},
    )
