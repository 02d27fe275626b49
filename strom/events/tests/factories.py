from __future__ import annotations

import datetime as dt

from strom.events.models import Event, EventKind, Registration, SessionKind
from strom.events.schedule import PersonData
from strom.events.services import (
    attendance_mark,
    event_create,
    event_publish,
    material_add,
    registration_create,
    session_add,
)
from tests.personas import Cast


def make_event(
    cast: Cast, *, acronym: str = "riga-2015-test", publish: bool = True, capacity: int | None = None
) -> Event:
    """An event of the Latvian coordinator's office, managed by coordinator_a, with one panel."""
    event = event_create(
        by=cast.coordinator_a,
        organisation=cast.orgs["coordinator_lv"],
        kind=EventKind.CONFERENCE,
        title="Local Action against Human Trafficking",
        acronym=acronym,
        start_date=dt.date(2015, 5, 19),
        end_date=dt.date(2015, 5, 20),
        venue="Albert Hotel",
        city="Riga",
        capacity=capacity,
    )
    session_add(
        by=cast.coordinator_a,
        event=event,
        date=dt.date(2015, 5, 19),
        start=dt.time(14, 0),
        duration_minutes=110,
        kind=SessionKind.PANEL,
        title="Panel 1: Cooperation models",
        room_name="Hall",
        people=[
            PersonData(name="Jan Austad", role="moderator", country="NO"),
            PersonData(name="Aneta Suda", country="PL", talk_title="Regional structures"),
        ],
    )
    return event_publish(by=cast.coordinator_a, event=event) if publish else event


def event_of(cast: Cast) -> Event:
    """One published event per cast (memoised: routes ask for it for the URL and for the data)."""
    existing = cast.__dict__.get("_events_event")
    if existing is None:
        existing = make_event(cast)
        cast.__dict__["_events_event"] = existing
    return existing


def registration_of(cast: Cast, persona: str = "caseworker_b") -> Registration:
    key = f"_events_registration_{persona}"
    existing = cast.__dict__.get(key)
    if existing is None:
        user = cast.users[persona]
        existing = registration_create(
            by=user, event=event_of(cast), name=user.full_name, email=user.email, consent_list=True
        )
        cast.__dict__[key] = existing
    return existing


def make_programme(cast: Cast, *, acronym: str = "vilnius-2016-test") -> Event:
    """A published two-day event with what a programme can hold: parallel rooms, a session in no room
    (the venue), a break, moderators, speakers and trainers with their functions, and a material."""
    event = event_create(
        by=cast.coordinator_a,
        organisation=cast.orgs["coordinator_lv"],
        kind=EventKind.CONFERENCE,
        title="Municipalities against trafficking",
        acronym=acronym,
        start_date=dt.date(2016, 3, 10),
        end_date=dt.date(2016, 3, 11),
        timezone_name="Europe/Vilnius",
        venue="Town hall",
        city="Vilnius",
        country="LT",
        languages=["en", "lt"],
    )
    day1, day2 = dt.date(2016, 3, 10), dt.date(2016, 3, 11)
    rows = [
        (day1, dt.time(10), 60, SessionKind.PLENARY, "Opening", "", []),
        (day1, dt.time(11), 15, SessionKind.BREAK, "Coffee break", "", []),
        (
            day1,
            dt.time(11, 15),
            90,
            SessionKind.PANEL,
            "Panel: shelters",
            "Hall A",
            [
                PersonData(name="Jūratė Petrauskienė", role="moderator", function="Adviser", country="LT"),
                PersonData(
                    name="Юлия Иванова",
                    function="Social worker",
                    organisation_name="City of Narva",
                    country="EE",
                    talk_title="Shelter first",
                ),
            ],
        ),
        (
            day1,
            dt.time(11, 15),
            90,
            SessionKind.TRAINING_MODULE,
            "Workshop: indicators",
            "Room 2",
            [PersonData(name="Anna Trainer", role="trainer", organisation_name="NGO Safe", country="LV")],
        ),
        (day2, dt.time(9, 30), 120, SessionKind.ROUND_TABLE, "Round table: referral", "Hall A", []),
    ]
    for date, start, minutes, kind, title, room, people in rows:
        session = session_add(
            by=cast.coordinator_a,
            event=event,
            date=date,
            start=start,
            duration_minutes=minutes,
            kind=kind,
            title=title,
            room_name=room,
            language="en",
            people=people,
        )
    material_add(by=cast.coordinator_a, session=session, title="Report", url="https://example.org/report.pdf")
    return event_publish(by=cast.coordinator_a, event=event)


def make_training(cast: Cast, *, acronym: str = "riga-2016-training", attended: int = 2) -> Event:
    """A published one-day training with a trainer and `attended` participants marked present."""
    event = event_create(
        by=cast.coordinator_a,
        organisation=cast.orgs["coordinator_lv"],
        kind=EventKind.TRAINING,
        title="Identifying presumed victims: training for social workers",
        acronym=acronym,
        start_date=dt.date(2016, 4, 5),
        end_date=dt.date(2016, 4, 5),
        venue="Riga City Council",
        city="Riga",
        country="LV",
        languages=["lv", "ru"],
        target_sectors=["social_services", "municipal"],
    )
    session_add(
        by=cast.coordinator_a,
        event=event,
        date=dt.date(2016, 4, 5),
        start=dt.time(9, 30),
        duration_minutes=180,
        kind=SessionKind.TRAINING_MODULE,
        title="Module 1: Indicators",
        people=[PersonData(name="Anna Trainer", role="trainer", organisation_name="NGO Safe", country="LV")],
    )
    event = event_publish(by=cast.coordinator_a, event=event)
    people = [
        ("Jānis Bērziņš", "social_services", "LV"),
        ("Ona Kazlauskienė", "police", "LT"),
        ("Ēriks Ozoliņš", "social_services", "LV"),
    ]
    for number, (name, sector, country) in enumerate(people[:attended]):
        registration = registration_create(
            by=cast.coordinator_a,
            event=event,
            name=name,
            email=f"participant{number}@example.test",
            sector=sector,
            country=country,
            for_self=False,
        )
        attendance_mark(by=cast.coordinator_a, registration=registration, attended=True)
    return event


def training_of(cast: Cast) -> Event:
    """One published training per cast, with caseworker_b registered, present and certified."""
    from strom.events.services_trainings import certificates_issue

    existing = cast.__dict__.get("_events_training")
    if existing is None:
        existing = make_training(cast, attended=1)
        user = cast.caseworker_b
        registration = registration_create(by=user, event=existing, name=user.full_name, email=user.email)
        attendance_mark(by=cast.coordinator_a, registration=registration, attended=True)
        certificates_issue(by=cast.coordinator_a, event=existing)
        cast.__dict__["_events_training"] = existing
    return existing
