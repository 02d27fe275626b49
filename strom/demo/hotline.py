# ruff: noqa: RUF001 - the know-your-rights page in Russian
"""The demo hotlines: the Latvian and the Estonian hotline's contacts over the last six months, tips
about places (two about the same farm, one passed to the police), and Latvia's know-your-rights pages.

Everything goes through the hotline's services, as its operators would. The callers are synthetic;
nothing names a real person or place. Idempotent: a hotline that already has contacts is left alone.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from strom.accounts.models import User
from strom.core.roles import Role
from strom.demo.accounts import DemoUser
from strom.demo.services import demo_accounts_create
from strom.directory.models import Municipality, Organisation
from strom.hotline.models import Action, CallerType, Channel, Contact, Sector, Topic
from strom.hotline.services import (
    ContactFields,
    TipFields,
    contact_log,
    rights_page_save,
    tip_create,
    tip_pass,
)
from strom.network.models import NetworkService, ServiceType

# (organisation key, name, country): the hotlines of the demo's directory (strom/demo/accounts.py).
HOTLINES = [
    ("lv_hotline", "Latvian Anti-Trafficking Hotline", "LV"),
    ("ee_hotline", "Estonian Victim Support Hotline", "EE"),
]
OPERATORS = [
    DemoUser("hotline.tallinn@demo.example", "Kadri Mägi", "en", "ee_hotline", Role.HOTLINE_OPERATOR),
    DemoUser("hotline.supervisor@demo.example", "Inese Krūmiņa", "lv", "lv_hotline", Role.SUPERVISOR),
    DemoUser(
        "coordinator.riga@demo.example", "Jānis Vītols", "lv", "lv_coordinator", Role.NATIONAL_COORDINATOR
    ),
]
LV_OPERATOR = "hotline@demo.example"

SUMMARIES = {
    Topic.LABOUR_RIGHTS: "Asks whether an employer may keep back the last month's pay.",
    Topic.POSSIBLE_TRAFFICKING: "Farm work; the recruiter keeps the passport, a debt for the trip grows.",
    Topic.MIGRATION: "Asks how long a seasonal work permit lasts and who may extend it.",
    Topic.SAFETY: "Afraid to go back to the shared flat the employer provides.",
    Topic.OTHER: "Asks for the number of a legal aid service.",
}

RIGHTS = {
    "en": (
        "Your rights at work in Latvia",
        "Everyone who works in Latvia has the right to:\n\n"
        "- a written contract in a language they understand;\n"
        "- be paid at least the minimum wage, on time;\n"
        "- keep their own passport and identity card: nobody else may hold them;\n"
        "- leave a job, and get help without fear of being punished.\n\n"
        "**The hotline is free and confidential.** You do not have to give your name.",
    ),
    "lv": (
        "Jūsu tiesības darbā Latvijā",
        "Ikvienam, kas strādā Latvijā, ir tiesības:\n\n"
        "- uz rakstisku darba līgumu valodā, ko viņš saprot;\n"
        "- saņemt vismaz minimālo algu laikā;\n"
        "- paturēt savu pasi un personas apliecību: neviens cits tās nedrīkst glabāt;\n"
        "- aiziet no darba un saņemt palīdzību bez bailēm no soda.\n\n"
        "**Uzticības tālrunis ir bezmaksas un konfidenciāls.** Jums nav jāsaka savs vārds.",
    ),
    "ru": (
        "Ваши права на работе в Латвии",
        "Каждый, кто работает в Латвии, имеет право:\n\n"
        "- на письменный договор на понятном ему языке;\n"
        "- получать не меньше минимальной зарплаты и вовремя;\n"
        "- хранить свой паспорт и удостоверение личности: никто другой не может их держать;\n"
        "- уйти с работы и получить помощь, не боясь наказания.\n\n"
        "**Горячая линия бесплатная и конфиденциальная.** Вам не нужно называть своё имя.",
    ),
}


def _contact_fields(
    rng: random.Random, country: str, municipality: Municipality | None, days_ago: int
) -> ContactFields:
    topic = rng.choice(list(Topic))
    caller = rng.choice(list(CallerType))
    actions = [Action.INFORMATION] + (
        [Action.POLICE_CONSENT] if topic == Topic.POSSIBLE_TRAFFICKING and rng.random() < 0.3 else []
    )
    return ContactFields(
        channel=rng.choice(
            [Channel.PHONE, Channel.PHONE, Channel.PHONE, Channel.CHAT, Channel.EMAIL, Channel.MESSENGER]
        ),
        caller_type=caller,
        topic=topic,
        occurred_at=timezone.now() - dt.timedelta(days=days_ago, hours=rng.randint(0, 10)),
        duration_minutes=rng.randint(3, 40),
        language=rng.choice(["ru", "en", "uk", country.lower()]),
        interpreter=rng.random() < 0.1,
        country=country,
        municipality=municipality,
        immediate_danger=topic == Topic.SAFETY and rng.random() < 0.5,
        child=rng.random() < 0.05,
        summary=SUMMARIES[topic],
        actions=[str(a) for a in actions],
    )


def _load_contacts(operator: User, hotline: Organisation, count: int, seed: int) -> int:
    rng = random.Random(seed)  # noqa: S311 - synthetic demo data, not security
    places = list(Municipality.objects.filter(country=hotline.country))
    for _ in range(count):
        municipality = rng.choice(places) if places and rng.random() < 0.7 else None
        contact_log(
            by=operator,
            organisation=hotline,
            data=_contact_fields(rng, hotline.country, municipality, days_ago=rng.randint(0, 180)),
        )
    return count


def _load_tips(operator: User, hotline: Organisation) -> int:
    riga = Municipality.objects.filter(country=hotline.country).order_by("name").first()
    farm = TipFields(
        place_name="Demo Berry Farm",
        sector=Sector.AGRICULTURE,
        country=hotline.country,
        municipality=riga,
        indicators=["documents_taken", "living_on_site"],
        description="Seasonal workers sleep in containers; the foreman keeps their passports.",
    )
    first = tip_create(by=operator, organisation=hotline, data=farm)
    tip_create(
        by=operator,
        organisation=hotline,
        data=TipFields(
            **{
                **farm.__dict__,
                "description": "Workers driven to the fields before dawn.",
                "indicators": ["transported", "long_hours"],
            }
        ),
    )
    tip_create(
        by=operator,
        organisation=hotline,
        data=TipFields(
            place_name="Demo Car Wash",
            sector=Sector.RETAIL,
            country=hotline.country,
            indicators=["wages_withheld"],
        ),
    )
    police = NetworkService.objects.filter(
        service_type=ServiceType.LAW_ENFORCEMENT, organisation__country=hotline.country, is_active=True
    ).first()
    if police is not None:
        tip_pass(by=operator, tip=first, service=police, note="Two tips about the same farm this month.")
    return 3


@transaction.atomic
def demo_hotline_load() -> int:
    """Contacts of both demo hotlines; returns how many were made (0 when they exist already)."""
    organisations = {
        key: org
        for key, name, country in HOTLINES
        if (org := Organisation.objects.filter(name=name, country=country).first()) is not None
    }
    coordinator = Organisation.objects.filter(name="National THB Coordinator (LV)", country="LV").first()
    if coordinator is not None:
        organisations["lv_coordinator"] = coordinator
    people = [p for p in OPERATORS if p.org in organisations]
    demo_accounts_create(people, organisations)
    made = 0
    for seed, (key, _name, _country) in enumerate(HOTLINES):
        hotline = organisations.get(key)
        if hotline is None or Contact.objects.filter(organisation=hotline).exists():
            continue
        email = LV_OPERATOR if key == "lv_hotline" else OPERATORS[0].email
        operator = User.objects.filter(email=email).first()
        if operator is None:
            continue
        made += _load_contacts(operator, hotline, count=60 if key == "lv_hotline" else 30, seed=seed)
        if key == "lv_hotline":
            _load_tips(operator, hotline)
    writer = User.objects.filter(email="coordinator.riga@demo.example").first()
    if writer is not None and made:
        for language, (title, body) in RIGHTS.items():
            rights_page_save(by=writer, country="LV", language=language, title=title, body=body)
    return made
