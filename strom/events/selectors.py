"""Reads for events: the programme as days and time slots, lists, participants."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Count, Prefetch, Q

from strom.events.models import Event, EventQuerySet, Registration, RegistrationStatus, Session, SessionPerson

if TYPE_CHECKING:
    from strom.accounts.models import User


@dataclass
class Slot:
    start: dt.time
    end: dt.time
    sessions: list[Session] = field(default_factory=list)


@dataclass
class ProgrammeDay:
    date: dt.date
    number: int
    slots: list[Slot] = field(default_factory=list)


def programme(event: Event) -> list[ProgrammeDay]:
    """Days in order; within a day, sessions starting at the same time share a slot (parallel rooms)."""
    sessions = (
        Session.objects.filter(event=event)
        .select_related("day", "room")
        .prefetch_related(
            Prefetch("people", queryset=SessionPerson.objects.order_by("role", "position", "pk")),
            "materials",
        )
        .order_by("day__date", "start", "room__name", "pk")
    )
    days: dict[dt.date, ProgrammeDay] = {}
    for number, day in enumerate(event.days.order_by("date"), start=1):
        days[day.date] = ProgrammeDay(date=day.date, number=number)
    for session in sessions:
        on = days[session.day.date]
        if not on.slots or on.slots[-1].start != session.start:
            on.slots.append(Slot(start=session.start, end=session.end))
        slot = on.slots[-1]
        slot.sessions.append(session)
        slot.end = max(slot.end, session.end)
    return list(days.values())


def event_list(user: User, *, upcoming_only: bool = False) -> EventQuerySet:
    events = Event.objects.visible_to(user).annotate(
        registered=Count("registrations", filter=Q(registrations__status=RegistrationStatus.REGISTERED))
    )
    if upcoming_only:
        events = events.filter(end_date__gte=dt.date.today())
    return events


def participant_list(event: Event) -> list[Registration]:
    """Who the other participants may see: registered people who consented to appear."""
    return list(event.registrations.on_participant_list().order_by("created_at", "pk"))


def registrations_for_organisers(user: User, event: Event) -> list[Registration]:
    return list(
        Registration.objects.visible_to(user).filter(event=event).order_by("status", "created_at", "pk")
    )


def own_registration(user: User, event: Event) -> Registration | None:
    return (
        Registration.objects.filter(event=event, user_id=user.pk)
        .exclude(status=RegistrationStatus.CANCELLED)
        .first()
    )


def places_taken(event: Event) -> int:
    return event.registrations.filter(status=RegistrationStatus.REGISTERED).count()
