from __future__ import annotations

import datetime as dt

from strom.events.models import Event, EventKind, Registration, SessionKind
from strom.events.schedule import PersonData
from strom.events.services import event_create, event_publish, registration_create, session_add
from tests.personas import Cast


def make_event(
    cast: Cast, *, acronym: str = "riga-2015-test", publish: bool = True, capacity: int | None = None
) -> Event:
    """An event of the Latvian coordinator's office, managed by coordinator_a, with one panel."""
    event = event_create(
        by=None,
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
        by=None,
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
    return event_publish(by=None, event=event) if publish else event


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
