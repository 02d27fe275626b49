"""The demo directory and accounts: municipalities, organisations and one account per role.

Every person here is synthetic. The TOTP secrets are random per installation.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from strom.accounts.models import User
from strom.audit.actors import DEMO
from strom.audit.models import AuditEntry
from strom.audit.services import audit_record
from strom.core.roles import OrgType, Role
from strom.demo.services import DEMO_PASSWORD as DEMO_PASSWORD  # the accounts' password, printed
from strom.demo.services import (
    demo_accounts_create,
    demo_home_organisation_create,
)
from strom.directory.models import Municipality, Organisation
from strom.directory.services import municipality_create, organisation_create

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
    # The knowledge hub: practices and guidelines, their review, events, and the municipality's action plan.
    DemoUser("editor@demo.example", "Kristīne Liepiņa", "lv", "riga_social", Role.KNOWLEDGE_EDITOR),
    DemoUser("reviewer@demo.example", "Mari Tamm", "en", "tallinn_social", Role.REVIEWER),
    DemoUser("organiser@demo.example", "Laura Jansone", "lv", "lv_coordinator", Role.EVENT_ORGANISER),
    DemoUser("actionplan@demo.example", "Mārtiņš Ozols", "lv", "riga_social", Role.ACTION_PLAN_OWNER),
]


def demo_loaded() -> bool:
    return AuditEntry.objects.filter(action=DEMO_ACTION).exists()


@transaction.atomic
def demo_load() -> dict[str, int]:
    """Create the demo rows; returns what was created, by kind.

    The municipalities and organisations are made by the demo's system administrator through the
    directory's services (validated and audited there). Only what has no service is written here: the
    system administrator's own organisation, and the accounts (see demo_accounts_create).
    """
    created = {"municipalities": 0, "organisations": 0, "users": 0}
    admin = _system_admin(created)
    municipalities: dict[tuple[str, str], Municipality] = {}
    for country, name, code in MUNICIPALITIES:
        place = Municipality.objects.filter(country=country, code=code).first()
        if place is None:
            place = municipality_create(by=admin, country=country, name=name, code=code)
            created["municipalities"] += 1
        municipalities[(country, code)] = place
    organisations: dict[str, Organisation] = {}
    for org in ORGANISATIONS:
        organisation = Organisation.objects.filter(country=org.country, name=org.name).first()
        if organisation is None:
            organisation = organisation_create(
                by=admin,
                name=org.name,
                org_type=org.org_type,
                country=org.country,
                municipality=municipalities[(org.country, org.municipality)] if org.municipality else None,
            )
            created["organisations"] += 1
        organisations[org.key] = organisation
    created["users"] += demo_accounts_create(USERS, organisations)
    audit_record(actor=DEMO, action=DEMO_ACTION, object_type="demo", details=created)
    return created


def _system_admin(created: dict[str, int]) -> User:
    """The demo's system administrator, who makes the rest of the directory through its services.

    An empty installation has nobody who may create an organisation, so the administrator's own
    organisation and account are written here, the way `strom createadmin` makes the first one.
    """
    person = next(p for p in USERS if p.role == Role.SYSTEM_ADMIN)
    org = next(o for o in ORGANISATIONS if o.key == person.org)
    assert org.municipality is None  # made before any municipality exists
    home = Organisation.objects.filter(country=org.country, name=org.name).first()
    if home is None:
        home = demo_home_organisation_create(name=org.name, org_type=org.org_type, country=org.country)
        created["organisations"] += 1
    created["users"] += demo_accounts_create([person], {person.org: home})
    # Read again: the roles a user object holds are worked out once.
    return User.objects.get(email=person.email)
