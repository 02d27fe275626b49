"""Demo events: the Riga conference of 19-20 May 2015 as its programme was published, and one training.

The conference is written here once, by hand, from the published programme (the speakers in their
public roles at the time, by country); it is not parsed at run time. Names of institutions are kept
as published. The training is made up for the demo. `load_demo_events()` writes through the services
and skips events that exist, so loading twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from strom.audit.actors import DEMO
from strom.core.roles import Perm
from strom.core.vocabulary import Sector
from strom.directory.models import Organisation
from strom.events.models import Event, EventKind, PersonRole, SessionKind
from strom.events.schedule import PersonData
from strom.events.services import event_create, event_publish, session_add
from strom.events.services_trainings import library_material_add, library_material_attach, module_add

M, S, T = PersonRole.MODERATOR, PersonRole.SPEAKER, PersonRole.TRAINER
POLATSIDE = (
    "Vineta Polatside",
    "Senior Adviser, Head of Task-Force against Trafficking in Human Beings",
    "Council of the Baltic Sea States",
    "",
)
VARMA = (
    "Brian Oedayrajsingh Varma",
    "Senior Policy Advisor in the Administrative Approach against Organised Crime",
    "City of Amsterdam",
    "NL",
)
ARBEIT_UND_LEBEN = "Arbeit und Leben Berlin/Alliance against Labour Trafficking"

RIGA_2015: dict[str, Any] = {
    "kind": EventKind.CONFERENCE,
    "title": "Local Action against Human Trafficking",
    "acronym": "riga-2015-strom",
    "start_date": dt.date(2015, 5, 19),
    "end_date": dt.date(2015, 5, 20),
    "timezone_name": "Europe/Riga",
    "venue": 'Hotel "Albert Hotel", Dzirnavu str. 33',
    "city": "Riga",
    "country": "LV",
    "languages": ["en"],
    "co_funders": (
        "Ministry of the Interior of Latvia, CBSS Project Support Facility, Swedish Institute and the "
        "Ministry of Security and Justice of the Netherlands"
    ),
    "description": (
        'Project STROM "Strengthening the Role of Municipalities in the Work against Trafficking in Human '
        'Beings in the Baltic Sea Region" (CBSSPSF/SC 042014/1).\n\n'
        "This conference aims to provide a platform for sharing knowledge and expertise on how to deal "
        "with cases of human trafficking at the municipal level.\n\n"
        "Specific objectives:\n"
        "- To identify common challenges and proven practices to counteract trafficking in human beings "
        "at the local level in the Baltic Sea Region and beyond.\n"
        "- To provide local stakeholders with expert knowledge and tools needed to deal efficiently with "
        "human trafficking cases.\n"
        "- To expand national and regional cooperation networks by strengthening the role of "
        "municipalities and local stakeholders in the chain of assistance to victims."
    ),
}

# (day, start, minutes, kind, title, description, [(role, name, function, organisation, country, talk)])
RIGA_2015_SESSIONS: list[tuple[int, str, int, str, str, str, list[tuple[str, str, str, str, str, str]]]] = [
    (1, "11:00", 60, SessionKind.BREAK, "Welcome coffee and registration", "", []),
    (
        1,
        "12:00",
        40,
        SessionKind.PLENARY,
        "Welcome and opening remarks",
        "",
        [
            (
                S,
                "Ilze Pētersone-Godmane",
                "State Secretary",
                "Ministry of the Interior of the Republic of Latvia",
                "LV",
                "",
            ),
            (S, "Anthony Jay Olsson", "Head of Media and Communication Unit", "CBSS", "", ""),
            (
                S,
                "Dainis Turlais",
                "Head of Public Order and Corruption Prevention Committee",
                "Council of Riga",
                "LV",
                "",
            ),
            (
                S,
                "Arnoldas Abramavicius",
                "CIVEX Member; Member of Zarasai District Municipal Council",
                "EU Committee of the Regions",
                "LT",
                "",
            ),
            (
                S,
                "Malgorzata Tarasiewicz",
                "Commission on Gender Equality",
                "Union of the Baltic Cities",
                "",
                "",
            ),
        ],
    ),
    (1, "12:40", 60, SessionKind.MEAL, "Lunch", "", []),
    (
        1,
        "13:40",
        20,
        SessionKind.TALK,
        "Baseline assessment study on the role and responsibilities of the municipalities in the chain "
        "of assistance to the victims of trafficking in human beings in the CBSS Member States",
        "",
        [(S, *POLATSIDE, "")],
    ),
    (
        1,
        "14:00",
        110,
        SessionKind.PANEL,
        "Panel 1: Cooperation models and coordination mechanisms at the municipal level",
        "Cooperation between national and local authorities, law enforcement agencies and social "
        "service providers.",
        [
            (
                M,
                "Jan Austad",
                "Trafficking Coordinator; CBSS TF-THB National Coordinator of Norway",
                "Royal Norwegian Ministry of Justice and Public Security",
                "NO",
                "",
            ),
            (
                S,
                "Aneta Suda",
                "Main Expert, Unit against Trafficking in Human Beings, Migration Policy Department",
                "Ministry of Interior",
                "PL",
                "Regional Structures to Prevent Trafficking in Human Beings \u2013 "
                "Polish Experience and Practise",
            ),
            (
                S,
                "Endrit Mujaj",
                "Project Officer",
                "National Coordinators Office against Trafficking at the County Administrative Board of "
                "Stockholm",
                "SE",
                "Cooperating against Trafficking in Human Beings on a local level \u2013 structures and "
                "coordination in Sweden",
            ),
            (
                S,
                "Anders Lisborg",
                "Senior Adviser, Centre against Human Trafficking",
                "National Board of Social Services, Ministry of Children, Gender Equality, Integration and "
                "Social Welfare",
                "DK",
                "Multi-Stakeholder Partnerships to Combat Trafficking in Human Beings \u2013 "
                "The Danish Model",
            ),
            (S, *VARMA, "Integrated approach against human trafficking"),
            (
                S,
                "Luiza Lupascu",
                "",
                ARBEIT_UND_LEBEN,
                "DE",
                "Municipalities as Initiators of Local Networks against Labour Trafficking \u2013 Examples "
                "from Germany",
            ),
        ],
    ),
    (1, "15:50", 20, SessionKind.BREAK, "Coffee break", "", []),
    (
        1,
        "16:10",
        110,
        SessionKind.PANEL,
        "Panel 2: The role of local actors in provision of the rehabilitation and reintegration "
        "assistance to victims of trafficking",
        "How to provide safety nets to the potential victims of trafficking and prevent re-victimization.",
        [
            (
                M,
                "Natalia Zaibert",
                "Director of Information and Consultation Centre on Migration Legislation",
                "St. Petersburg Regional Branch of the Russian Red Cross",
                "RU",
                "",
            ),
            (
                S,
                "Kristina Mišinienė",
                "",
                'NGO "Caritas Lithuania"',
                "LT",
                "The systematic approach in providing the rehabilitation and integration services to the "
                "victims of human trafficking in Lithuania",
            ),
            (
                S,
                "Magdalena Lasota",
                "",
                "NGO Association PoMOC, National Consulting and Intervention Center for the Victims of "
                "Trafficking",
                "PL",
                "Assistance to victims of human trafficking by Association PoMOC, cooperation with "
                "institutions",
            ),
            (
                S,
                "Katri Lyijynen",
                "Senior Advisor, Assistance System for Victims of Trafficking",
                "Joutseno Reception Centre",
                "FI",
                "Experiences in assisting victims of labour trafficking in cooperation with municipalities "
                "in Finland",
            ),
            (
                S,
                "Svein Dahle",
                "Coordinator",
                "City of Oslo",
                "NO",
                "Challenges in coordinating assisstance to victims of trafficking in human beings in Oslo",
            ),
            (
                S,
                "Yulianna Pavlovskaya",
                "Head of the Migrant Assistance Division",
                "IOM Bureau in Moscow",
                "RU",
                "Assistance to victims of trafficking in human beings in Russia: examples of multilevel "
                "cooperation in Moscow and St Petersburg",
            ),
        ],
    ),
    (1, "19:00", 120, SessionKind.MEAL, 'Dinner at the "Albert Hotel"', "", []),
    (
        2,
        "09:00",
        90,
        SessionKind.PANEL,
        "Panel 3: Prevention of human trafficking at the grass root level",
        "Expanding the target group beyond the conventional ones.",
        [
            (M, *POLATSIDE, ""),
            (
                S,
                "Sandra Zalcmane",
                "Chair",
                'NGO "Shelter "Safe House""',
                "LV",
                "Prevention Activities in the Municipalities of Latvia",
            ),
            (
                S,
                "Dr. Philipp Schwertmann",
                'Head of Section "Migration and Decent Work"',
                ARBEIT_UND_LEBEN,
                "DE",
                "Informing workers about the Enforcement of Labour Rights \u2013 A Contribution to the "
                "Prevention of Labour Trafficking in Germany",
            ),
            (
                S,
                "Dr. Reda Sirgediene",
                "Advisor",
                "Ministry of the Interior",
                "LT",
                "Prevention of trafficking in human beings in municipalities of Lithuania",
            ),
            (
                S,
                "Aleksandras Tiaškevičius",
                "Advisor in Legal Affairs",
                "Association of Local Authorities",
                "LT",
                "Prevention of trafficking in human beings in municipalities of Lithuania",
            ),
            (
                S,
                "Sirle Blumberg",
                "Director",
                'NGO "Living for Tomorrow"',
                "EE",
                "Human Trafficking Prevention Hotline Service and Cooperation with Municipalities. "
                "Estonian experience.",
            ),
        ],
    ),
    (2, "10:30", 30, SessionKind.BREAK, "Coffee break", "", []),
    (
        2,
        "11:00",
        120,
        SessionKind.ROUND_TABLE,
        "Session on the role of municipalities within multidisciplinary cooperation against trafficking "
        "in human beings for labour exploitation",
        'Project "TeamWork! Strengthening multidisciplinary cooperation against trafficking for labour '
        'exploitation".',
        [
            (M, *VARMA, ""),
            (M, "Evelien Pennings", "Senior Policy Officer", "Ministry of Security and Justice", "NL", ""),
        ],
    ),
    (
        2,
        "13:00",
        30,
        SessionKind.PLENARY,
        "The development of guidelines for municipalities",
        "Discussion and final remarks.",
        [
            (
                S,
                "Lāsma Stabiņa",
                "Senior Desk Officer, Sectoral Policy Department",
                "Ministry of the Interior",
                "LV",
                "",
            )
        ],
    ),
    (2, "13:30", 90, SessionKind.MEAL, "Lunch", "End of the conference.", []),
]

# Made up for the demo: a one-day training in the spirit of the conference's recommendations.
TRAINING: dict[str, Any] = {
    "kind": EventKind.TRAINING,
    "title": "Identifying and referring presumed victims: training for municipal social workers",
    "acronym": "riga-2015-training",
    "start_date": dt.date(2015, 10, 6),
    "end_date": dt.date(2015, 10, 6),
    "timezone_name": "Europe/Riga",
    "venue": "Riga City Council, training room",
    "city": "Riga",
    "country": "LV",
    "languages": ["lv", "ru"],
    "interpretation": "Latvian\u2013Russian",
    "capacity": 25,
    "description": "Indicators, the first conversation, reasonable grounds and referral to assistance.",
    "target_sectors": [Sector.SOCIAL_SERVICES, Sector.MUNICIPAL],
}
# The training's curriculum: (title, learning goals, minutes, the session titles it is taught in).
CURRICULUM = [
    (
        "Indicators of trafficking",
        "Name the indicators of the forms of exploitation met in a municipality\n"
        "Tell a presumed victim's situation from other hardship",
        90,
        ["Module 1: Indicators of trafficking"],
    ),
    (
        "The first conversation and reasonable grounds",
        "Hold a first conversation safely, with an interpreter where needed\n"
        "Decide whether there are reasonable grounds and write them down",
        105,
        ["Module 2: The first conversation and reasonable grounds"],
    ),
    (
        "Referral to assistance",
        "Refer a presumed victim to assistance in the municipality the same day",
        120,
        ["Module 3: Referral to assistance in the municipality"],
    ),
]
LIBRARY = [
    (
        "Indicator card for social workers (demo)",
        "A one-page list of indicators to keep at hand during a first conversation.",
        "lv",
        [Sector.SOCIAL_SERVICES, Sector.MUNICIPAL],
        "https://example.org/strom-demo/indicator-card.pdf",
    ),
]
TRAINER = ("Demo Trainer", "Trainer", "Shelter “Safe House”", "LV", "")
TRAINING_SESSIONS: list[tuple[int, str, int, str, str, str, list[tuple[str, str, str, str, str, str]]]] = [
    (1, "09:30", 90, SessionKind.TRAINING_MODULE, "Module 1: Indicators of trafficking", "", [(T, *TRAINER)]),
    (1, "11:00", 15, SessionKind.BREAK, "Coffee break", "", []),
    (
        1,
        "11:15",
        105,
        SessionKind.TRAINING_MODULE,
        "Module 2: The first conversation and reasonable grounds",
        "",
        [(T, *TRAINER)],
    ),
    (1, "13:00", 60, SessionKind.MEAL, "Lunch", "", []),
    (
        1,
        "14:00",
        120,
        SessionKind.TRAINING_MODULE,
        "Module 3: Referral to assistance in the municipality",
        "",
        [(T, *TRAINER)],
    ),
]


def _organiser() -> Organisation | None:
    """The organisation of the first member who may organise events: a national coordinator's office."""
    from strom.core.roles import MATRIX, Role

    roles = [
        role for role, perms in MATRIX.items() if Perm.EVENTS_ORGANISE in perms and role != Role.SYSTEM_ADMIN
    ]
    organisation: Organisation | None = (
        Organisation.objects.filter(memberships__role__in=roles).order_by("memberships__pk").first()
        or Organisation.objects.order_by("pk").first()
    )
    return organisation


def _load(event_data: dict[str, Any], sessions: list[Any], organisation: Organisation) -> Event:
    event = event_create(by=DEMO, organisation=organisation, **event_data)
    for day, start, minutes, kind, title, description, people in sessions:
        session_add(
            by=DEMO,
            event=event,
            date=event.start_date + dt.timedelta(days=day - 1),
            start=dt.time.fromisoformat(start),
            duration_minutes=minutes,
            kind=kind,
            title=title,
            description=description,
            language="en" if event.kind == EventKind.CONFERENCE else "lv",
            people=[
                PersonData(
                    role=role,
                    name=name,
                    function=function,
                    organisation_name=org,
                    country=country,
                    talk_title=talk,
                )
                for role, name, function, org, country, talk in people
            ],
        )
    if event.kind == EventKind.TRAINING:
        _curriculum(event, organisation)
    return event_publish(by=DEMO, event=event)


def _curriculum(event: Event, organisation: Organisation) -> None:
    for title, goals, minutes, session_titles in CURRICULUM:
        module_add(
            by=DEMO,
            event=event,
            title=title,
            learning_goals=goals,
            duration_minutes=minutes,
            sessions=list(event.sessions.filter(title__in=session_titles)),
        )
    for title, description, language, sectors, url in LIBRARY:
        material = library_material_add(
            by=DEMO,
            organisation=organisation,
            title=title,
            description=description,
            language=language,
            sectors=list(sectors),
            url=url,
        )
        library_material_attach(by=DEMO, material=material, event=event)


def load_demo_events(*, organisation: Organisation | None = None) -> list[Event]:
    """The Riga 2015 conference and the training, published; those that exist are left as they are."""
    organisation = organisation or _organiser()
    if organisation is None:
        return []
    loaded = []
    for event_data, sessions in ((RIGA_2015, RIGA_2015_SESSIONS), (TRAINING, TRAINING_SESSIONS)):
        existing = Event.objects.filter(acronym=event_data["acronym"]).first()
        loaded.append(existing or _load(event_data, sessions, organisation))
    return loaded
