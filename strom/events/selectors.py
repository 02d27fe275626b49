"""Reads for events: the programme as days and time slots, lists, participants."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Count, Prefetch, Q
from django.db.models.functions import ExtractYear

from strom.events.models import (
    Event,
    EventKind,
    EventQuerySet,
    LibraryMaterial,
    LibraryMaterialQuerySet,
    PersonRole,
    Registration,
    RegistrationStatus,
    Session,
    SessionPerson,
)

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
            "library",
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


def calendar_events_of(user: User) -> EventQuerySet:
    """The events a user registered for (or waits for) and may still see. A cancelled event stays in:
    its sessions go out with STATUS:CANCELLED, so calendar apps take them off the person's days."""
    active = Registration.objects.filter(user_id=user.pk).exclude(status=RegistrationStatus.CANCELLED)
    return (
        Event.objects.visible_to(user).filter(pk__in=active.values("event_id")).order_by("start_date", "pk")
    )


def trainers(event: Event) -> list[SessionPerson]:
    """The training's trainers, once each, in the order they first appear in the programme."""
    seen: dict[str, SessionPerson] = {}
    people = SessionPerson.objects.filter(session__event=event, role=PersonRole.TRAINER).order_by(
        "session__day__date", "session__start", "position", "pk"
    )
    for person in people:
        seen.setdefault(person.name, person)
    return list(seen.values())


def library(
    user: User, *, sector: str = "", language: str = "", query: str = "", event_slug: str = ""
) -> LibraryMaterialQuerySet:
    materials = LibraryMaterial.objects.visible_to(user).select_related("organisation")
    if sector:
        materials = materials.filter(sectors__contains=[sector])
    if language:
        materials = materials.filter(language=language)
    if query:
        materials = materials.filter(Q(title__icontains=query) | Q(description__icontains=query))
    if event_slug:
        materials = materials.filter(events__slug=event_slug)
    return materials.annotate(uses=Count("events", distinct=True)).order_by("title", "pk")


@dataclass(frozen=True)
class TrainedRow:
    year: int
    country: str
    sector: str
    people: int


def people_trained(*, year: int | None = None, country: str = "", sector: str = "") -> list[TrainedRow]:
    """People trained per year, country and sector: participants marked present at trainings that were
    not cancelled. Counts only; who they were never leaves this function. A person who attended two
    trainings counts twice (they were trained twice)."""
    rows = Registration.objects.filter(
        event__kind=EventKind.TRAINING,
        event__cancelled_at__isnull=True,
        status=RegistrationStatus.REGISTERED,
        attended_at__isnull=False,
    )
    if year is not None:
        rows = rows.filter(event__start_date__year=year)
    if country:
        rows = rows.filter(country=country)
    if sector:
        rows = rows.filter(sector=sector)
    counted = (
        rows.annotate(year=ExtractYear("event__start_date"))
        .values("year", "country", "sector")
        .annotate(people=Count("pk"))
        .order_by("-year", "country", "sector")
    )
    return [TrainedRow(r["year"], r["country"], r["sector"], r["people"]) for r in counted]
