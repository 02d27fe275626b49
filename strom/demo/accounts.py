"""The demo directory and accounts: municipalities, organisations and one account per role.

Every person here is synthetic. The TOTP secrets are random per installation.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from strom.accounts.models import Membership, User
from strom.audit.models import AuditEntry
from strom.audit.services import audit_record
from strom.core.roles import OrgType, Role, check_may_hold
from strom.directory.models import Municipality, Organisation

DEMO_PASSWORD = "strom-demo-2026"  # noqa: S105 - printed to every demo user; never in production
DEMO_ACTION = "demo.load"

# (country, name, code): one municipality in each country around the Baltic Sea.
MUNICIPALITIES = [
    ("LV", "Rīga", "RIX"),
    ("LT", "Vilnius", "VNO"),
    ("EE", "Tallinn", "TLL"),
    ("FI", "Helsinki", "HEL"),
    ("SE", "Malmö", "MMX"),
    ("NO", "Oslo", "OSL"),
    ("DK", "København", "CPH"),
    ("PL", "Gdańsk", "GDN"),
    ("DE", "Hamburg", "HAM"),
]


@dataclass(frozen=True)
class DemoOrg:
    key: str
    name: str
    org_type: OrgType
    country: str
    municipality: str | None  # municipality code in the same country


ORGANISATIONS = [
    DemoOrg("riga_social", "Riga City Social Services", OrgType.MUNICIPALITY, "LV", "RIX"),
    DemoOrg("riga_shelter", "Riga Crisis Shelter", OrgType.SHELTER, "LV", "RIX"),
    DemoOrg("lv_hotline", "Latvian Anti-Trafficking Hotline", OrgType.HOTLINE, "LV", None),
    DemoOrg("lv_police", "State Police of Latvia, THB Unit", OrgType.LAW_ENFORCEMENT, "LV", None),
    DemoOrg("lv_labour", "State Labour Inspectorate of Latvia", OrgType.LABOUR_INSPECTORATE, "LV", None),
    DemoOrg("lv_coordinator", "National THB Coordinator (LV)", OrgType.NATIONAL_COORDINATOR, "LV", None),
    DemoOrg("vilnius_social", "Vilnius City Social Services", OrgType.MUNICIPALITY, "LT", "VNO"),
    DemoOrg("vilnius_shelter", "Vilnius Women's Shelter", OrgType.SHELTER, "LT", "VNO"),
    DemoOrg("lt_coordinator", "National THB Coordinator (LT)", OrgType.NATIONAL_COORDINATOR, "LT", None),
    DemoOrg("tallinn_social", "Tallinn Social Welfare Department", OrgType.MUNICIPALITY, "EE", "TLL"),
    DemoOrg("ee_hotline", "Estonian Victim Support Hotline", OrgType.HOTLINE, "EE", None),
    DemoOrg("helsinki_social", "Helsinki Social Services", OrgType.MUNICIPALITY, "FI", "HEL"),
    DemoOrg("fi_rapporteur", "National THB Rapporteur (FI)", OrgType.NATIONAL_RAPPORTEUR, "FI", None),
    DemoOrg("malmo_social", "Malmö Social Services", OrgType.MUNICIPALITY, "SE", "MMX"),
    DemoOrg("oslo_social", "Oslo Welfare Services", OrgType.MUNICIPALITY, "NO", "OSL"),
    DemoOrg("oslo_police", "Oslo Police District, Trafficking Group", OrgType.LAW_ENFORCEMENT, "NO", "OSL"),
    DemoOrg("copenhagen_social", "Copenhagen Social Services", OrgType.MUNICIPALITY, "DK", "CPH"),
    DemoOrg("gdansk_social", "Gdańsk Family Support Centre", OrgType.MUNICIPALITY, "PL", "GDN"),
    DemoOrg("hamburg_ngo", "Hamburg Counselling Centre for Trafficked Persons", OrgType.NGO, "DE", "HAM"),
    DemoOrg("hamburg_labour", "Hamburg Labour Inspection", OrgType.LABOUR_INSPECTORATE, "DE", "HAM"),
]


@dataclass(frozen=True)
class DemoUser:
    email: str
    full_name: str
    language: str
    org: str
    role: Role


# One account for every role, plus a second case worker in another country, an investigator and a
# shelter worker who answers referrals.
USERS = [
    DemoUser("caseworker@demo.example", "Ilze Bērziņa", "lv", "riga_social", Role.CASE_WORKER),
    DemoUser("supervisor@demo.example", "Andris Kalniņš", "lv", "riga_social", Role.SUPERVISOR),
    DemoUser("hotline@demo.example", "Natalja Ivanova", "ru", "lv_hotline", Role.HOTLINE_OPERATOR),
    DemoUser(
        "coordinator@demo.example", "Rūta Petrauskienė", "en", "lt_coordinator", Role.NATIONAL_COORDINATOR
    ),
    DemoUser("analyst@demo.example", "Dmitrijs Sokolovs", "en", "fi_rapporteur", Role.ANALYST),
    DemoUser("orgadmin@demo.example", "Jonas Kazlauskas", "en", "vilnius_shelter", Role.ORG_ADMIN),
    DemoUser("sysadmin@demo.example", "Oksana Smirnova", "ru", "lv_coordinator", Role.SYSTEM_ADMIN),
    DemoUser("caseworker.vilnius@demo.example", "Aistė Vaitkutė", "en", "vilnius_shelter", Role.CASE_WORKER),
    DemoUser("police@demo.example", "Sergejs Volkovs", "lv", "lv_police", Role.CASE_WORKER),
    # Receives the demo referrals (strom/demo/referrals.py).
    DemoUser("shelter@demo.example", "Līga Ozola", "lv", "riga_shelter", Role.CASE_WORKER),
]


def demo_loaded() -> bool:
    return AuditEntry.objects.filter(action=DEMO_ACTION).exists()


@transaction.atomic
def demo_load() -> dict[str, int]:
    """Create the demo rows; returns what was created, by kind."""
    created = {"municipalities": 0, "organisations": 0, "users": 0}
    municipalities: dict[tuple[str, str], Municipality] = {}
    for country, name, code in MUNICIPALITIES:
        place, new = Municipality.objects.get_or_create(country=country, code=code, defaults={"name": name})
        municipalities[(country, code)] = place
        created["municipalities"] += new
    organisations: dict[str, Organisation] = {}
    for org in ORGANISATIONS:
        municipality = municipalities[(org.country, org.municipality)] if org.municipality else None
        organisation, new = Organisation.objects.get_or_create(
            country=org.country,
            name=org.name,
            defaults={"org_type": org.org_type, "municipality": municipality},
        )
        organisations[org.key] = organisation
        created["organisations"] += new
    for person in USERS:
        if User.objects.filter(email=person.email).exists():
            continue
        user = User.objects.create_user(
            person.email, DEMO_PASSWORD, full_name=person.full_name, language=person.language
        )
        # The demo obeys the same rule as every grant: a role only where the organisation's type may hold it.
        check_may_hold(organisations[person.org].org_type, person.role)
        Membership.objects.create(user=user, organisation=organisations[person.org], role=person.role)
        if user.requires_two_factor:
            TOTPDevice.objects.create(user=user, name="Demo authenticator", confirmed=True)
        created["users"] += 1
    audit_record(actor=None, action=DEMO_ACTION, object_type="demo", details=created)
    return created
