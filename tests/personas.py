"""The cast every test uses: two countries, every role, an outsider, and a referral recipient.

Latvia: Riga municipal social services (org A). Lithuania: a Vilnius NGO (org B). Latvia: a Riga
shelter (org C) whose case worker, `recipient`, receives referrals from org A
(tests/referral_scope.py gives them one for every case of org A in the authorisation test).
Each role sits in an organisation whose type may hold it (strom.core.roles.ORG_TYPE_ROLES): the
hotline operators at their country's hotline, the national coordinators at their country's
coordinator's office (the Latvian one also holds the system admin), the analysts at the Latvian
national rapporteur's office and at a Lithuanian research institute. The `_a` personas are in Latvia,
the `_b` ones in Lithuania.
Each persona is a user with exactly one membership, except `outsider` (no membership at all) and
`anonymous` (not logged in). All people here are synthetic.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from strom.accounts.models import Membership, User
from strom.core.roles import OrgType, Role
from strom.directory.models import Municipality, Organisation

PASSWORD = "correct horse battery staple 42"

# persona name -> (organisation key, role)
CAST: dict[str, tuple[str, Role]] = {
    "caseworker_a": ("a", Role.CASE_WORKER),
    "supervisor_a": ("a", Role.SUPERVISOR),
    "hotline_a": ("hotline_lv", Role.HOTLINE_OPERATOR),
    "coordinator_a": ("coordinator_lv", Role.NATIONAL_COORDINATOR),
    "analyst_a": ("rapporteur_lv", Role.ANALYST),
    "orgadmin_a": ("a", Role.ORG_ADMIN),
    "sysadmin": ("coordinator_lv", Role.SYSTEM_ADMIN),
    "caseworker_b": ("b", Role.CASE_WORKER),
    "supervisor_b": ("b", Role.SUPERVISOR),
    "hotline_b": ("hotline_lt", Role.HOTLINE_OPERATOR),
    "coordinator_b": ("coordinator_lt", Role.NATIONAL_COORDINATOR),
    "analyst_b": ("research_lt", Role.ANALYST),
    "orgadmin_b": ("b", Role.ORG_ADMIN),
    "recipient": ("c", Role.CASE_WORKER),
}
# The organisations besides A, B and C: key -> (name, type, country).
OTHER_ORGS: dict[str, tuple[str, OrgType, str]] = {
    "hotline_lv": ("Latvian Trafficking Hotline", OrgType.HOTLINE, "LV"),
    "coordinator_lv": ("National Coordinator's Office (LV)", OrgType.NATIONAL_COORDINATOR, "LV"),
    "rapporteur_lv": ("National Rapporteur's Office (LV)", OrgType.NATIONAL_RAPPORTEUR, "LV"),
    "hotline_lt": ("Lithuanian Trafficking Hotline", OrgType.HOTLINE, "LT"),
    "coordinator_lt": ("National Coordinator's Office (LT)", OrgType.NATIONAL_COORDINATOR, "LT"),
    "research_lt": ("Vilnius Institute for Migration Research", OrgType.RESEARCH, "LT"),
}
ALL_PERSONAS: tuple[str, ...] = (*CAST, "outsider", "anonymous")


@dataclass
class Cast:
    org_a: Organisation
    org_b: Organisation
    org_c: Organisation
    riga: Municipality
    vilnius: Municipality
    users: dict[str, User]
    # Every organisation by key: "a", "b", "c" and those of OTHER_ORGS.
    orgs: dict[str, Organisation]

    def __getattr__(self, name: str) -> User:
        try:
            users: dict[str, User] = self.__dict__["users"]
            return users[name]
        except KeyError:
            raise AttributeError(name) from None


def build_cast() -> Cast:
    riga = Municipality.objects.create(country="LV", name="Rīga", code="RIX")
    vilnius = Municipality.objects.create(country="LT", name="Vilnius", code="VNO")
    org_a = Organisation.objects.create(
        name="Riga Social Service", org_type=OrgType.MUNICIPALITY, country="LV", municipality=riga
    )
    org_b = Organisation.objects.create(
        name="Vilnius Support Centre", org_type=OrgType.NGO, country="LT", municipality=vilnius
    )
    org_c = Organisation.objects.create(
        name="Riga Safe House", org_type=OrgType.SHELTER, country="LV", municipality=riga
    )
    orgs = {"a": org_a, "b": org_b, "c": org_c}
    for key, (name, org_type, country) in OTHER_ORGS.items():
        orgs[key] = Organisation.objects.create(name=name, org_type=org_type, country=country)
    users: dict[str, User] = {}
    for name, (org_key, role) in CAST.items():
        user = User.objects.create_user(
            f"{name}@example.test", PASSWORD, full_name=name.replace("_", " ").title()
        )
        Membership.objects.create(user=user, organisation=orgs[org_key], role=role)
        users[name] = user
    users["outsider"] = User.objects.create_user("outsider@example.test", PASSWORD, full_name="Outsider")
    return Cast(org_a=org_a, org_b=org_b, org_c=org_c, riga=riga, vilnius=vilnius, users=users, orgs=orgs)


def give_totp_device(user: User) -> TOTPDevice:
    device: TOTPDevice = TOTPDevice.objects.create(user=user, name="default", confirmed=True)
    device.last_used_at = timezone.now()
    return device
