"""iCalendar (RFC 5545) feeds: one event's programme, or the sessions of events a person registered for."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from icalendar import Calendar
from icalendar import Event as VEvent

from strom.events.models import Event, Session

PRODID = "-//STROM//Events//EN"


def _calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    return calendar


def _vevent(event: Event, session: Session, *, url: str, stamp: dt.datetime) -> VEvent:
    vevent = VEvent()
    vevent.add("uid", f"{session.guid}@strom")
    vevent.add("dtstamp", stamp)
    # UTC instants: every calendar reads them the same, without a VTIMEZONE block per zone.
    vevent.add("dtstart", session.starts_at(event.tz).astimezone(dt.UTC))
    vevent.add("dtend", session.ends_at(event.tz).astimezone(dt.UTC))
    vevent.add("summary", session.title)
    lines = [session.description] if session.description else []
    for person in session.people.all():
        details = ", ".join(p for p in (person.function, person.organisation_name, person.country) if p)
        role = person.get_role_display()
        lines.append(f"{role}: {person.name}" + (f" ({details})" if details else ""))
    if lines:
        vevent.add("description", "\n".join(lines))
    vevent.add("location", session.room.name if session.room else event.place)
    vevent.add("categories", [session.get_kind_display()])
    vevent.add("url", url)
    vevent.add("status", "CANCELLED" if event.is_cancelled else "CONFIRMED")
    return vevent


def _sessions(events: Iterable[Event]) -> list[tuple[Event, Session]]:
    pairs = []
    for event in events:
        for session in event.sessions.select_related("day", "room").prefetch_related("people"):
            pairs.append((event, session))
    return pairs


def event_calendar(event: Event, *, url: str) -> bytes:
    calendar = _calendar(event.title)
    stamp = event.updated_at.astimezone(dt.UTC)
    for ev, session in _sessions([event]):
        calendar.add_component(_vevent(ev, session, url=f"{url}#session-{session.pk}", stamp=stamp))
    body: bytes = calendar.to_ical()
    return body


def person_calendar(events: Iterable[tuple[Event, str]], *, name: str) -> bytes:
    """The programmes of the events one person is registered for; (event, page url) pairs."""
    calendar = _calendar(name)
    for event, url in events:
        stamp = event.updated_at.astimezone(dt.UTC)
        for ev, session in _sessions([event]):
            calendar.add_component(_vevent(ev, session, url=f"{url}#session-{session.pk}", stamp=stamp))
    body: bytes = calendar.to_ical()
    return body
