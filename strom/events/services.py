"""Writes for events. Each validates first, runs in one transaction, checks who may and is audited.

`by=None` is the operator at the command line (`strom events import`), who acts for the system.
Registrations lock their event row, so two people taking the last place are counted one after the
other: one is registered, the other waits.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from strom.audit.services import audit_record
from strom.core.countries import is_country
from strom.core.errors import NotAllowed
from strom.events.access import check_may_organise_for, may_manage, may_register
from strom.events.models import (
    Day,
    Event,
    EventKind,
    EventStatus,
    Material,
    PersonRole,
    Registration,
    RegistrationStatus,
    Room,
    Sector,
    Session,
    SessionKind,
    SessionPerson,
)
from strom.events.schedule import ACRONYM_RE, PersonData, Problem, Programme, ScheduleInvalid, SessionData

if TYPE_CHECKING:
    from strom.accounts.models import User
    from strom.directory.models import Organisation

MAX_DAYS = 31


def _check_manage(by: User | None, event: Event) -> None:
    if by is not None and not may_manage(by, event):
        raise NotAllowed


def _locked(event: Event) -> Event:
    return Event.objects.select_for_update().get(pk=event.pk)


def _clean_event(
    *,
    title: str,
    acronym: str,
    start_date: dt.date,
    end_date: dt.date,
    timezone_name: str,
    country: str,
    languages: list[str],
) -> dict[str, list[str]]:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    errors: dict[str, list[str]] = {}
    if not title.strip():
        errors["title"] = [_("Enter a title.")]
    if not ACRONYM_RE.match(acronym):
        errors["acronym"] = [_("At least 4 lower-case letters, digits, - or _, for example riga-2015-strom.")]
    elif Event.objects.filter(acronym=acronym).exists():
        errors["acronym"] = [_("An event with this acronym exists.")]
    if end_date < start_date:
        errors["end_date"] = [_("The last day cannot be before the first.")]
    elif (end_date - start_date).days >= MAX_DAYS:
        errors["end_date"] = [_("An event lasts at most %(days)d days.") % {"days": MAX_DAYS}]
    try:
        ZoneInfo(timezone_name)
    except (ZoneInfoNotFoundError, ValueError):
        errors["timezone"] = [_("Choose a time zone such as Europe/Riga.")]
    if country and not is_country(country):
        errors["country"] = [_("“%(code)s” is not an ISO 3166 country code.") % {"code": country}]
    if any(not re.fullmatch(r"[a-z]{2,3}", code) for code in languages):
        errors["languages"] = [_("Write languages as ISO 639 codes, for example en, lv, ru.")]
    return errors


def _days_between(start: dt.date, end: dt.date) -> list[dt.date]:
    return [start + dt.timedelta(days=n) for n in range((end - start).days + 1)]


@transaction.atomic
def event_create(
    *,
    by: User | None,
    organisation: Organisation,
    kind: str,
    title: str,
    acronym: str,
    start_date: dt.date,
    end_date: dt.date,
    timezone_name: str = "Europe/Riga",
    venue: str = "",
    city: str = "",
    country: str = "",
    online: bool = False,
    description: str = "",
    co_funders: str = "",
    languages: list[str] | None = None,
    interpretation: str = "",
    capacity: int | None = None,
    organisers: list[Organisation] | None = None,
) -> Event:
    if by is not None:
        check_may_organise_for(by, organisation.pk)
    acronym = acronym.strip().lower()
    languages = sorted({code.strip().lower() for code in languages or [] if code.strip()})
    errors = _clean_event(
        title=title,
        acronym=acronym,
        start_date=start_date,
        end_date=end_date,
        timezone_name=timezone_name,
        country=country.upper(),
        languages=languages,
    )
    if kind not in EventKind.values:
        errors["kind"] = [_("Choose a kind of event from the list.")]
    if capacity is not None and capacity < 1:
        errors["capacity"] = [_("Give at least one place, or leave it empty for no limit.")]
    if errors:
        raise ValidationError(errors)
    event = Event(
        kind=kind,
        title=" ".join(title.split()),
        slug=slugify(acronym)[:80],
        acronym=acronym,
        description=description.strip(),
        start_date=start_date,
        end_date=end_date,
        timezone=timezone_name,
        venue=venue.strip(),
        city=city.strip(),
        country=country.upper(),
        online=online,
        organisation=organisation,
        co_funders=co_funders.strip(),
        languages=languages,
        interpretation=interpretation.strip(),
        capacity=capacity,
    )
    event.save(force_insert=True)
    event.organisers.set(organisers if organisers is not None else [organisation])
    Day.objects.bulk_create(Day(event=event, date=date) for date in _days_between(start_date, end_date))
    audit_record(
        actor=by,
        action="event.create",
        object_type="event",
        object_ref=event.pk,
        organisation_id=organisation.pk,
        details={"kind": kind, "acronym": acronym},
    )
    return event


@transaction.atomic
def event_publish(*, by: User | None, event: Event) -> Event:
    _check_manage(by, event)
    locked = _locked(event)
    if locked.status != EventStatus.PUBLISHED:
        locked.status = EventStatus.PUBLISHED
        locked.save(update_fields=["status", "updated_at"])
        audit_record(
            actor=by,
            action="event.publish",
            object_type="event",
            object_ref=locked.pk,
            organisation_id=locked.organisation_id,
        )
    return locked


@transaction.atomic
def event_unpublish(*, by: User | None, event: Event) -> Event:
    _check_manage(by, event)
    locked = _locked(event)
    if locked.status != EventStatus.DRAFT:
        locked.status = EventStatus.DRAFT
        locked.save(update_fields=["status", "updated_at"])
        audit_record(
            actor=by,
            action="event.unpublish",
            object_type="event",
            object_ref=locked.pk,
            organisation_id=locked.organisation_id,
        )
    return locked


def _bump(event: Event) -> None:
    event.programme_version += 1
    event.save(update_fields=["programme_version", "updated_at"])


def _add_session(
    event: Event, data: SessionData, days: dict[dt.date, Day], rooms: dict[str, Room]
) -> Session:
    local = data.starts_at.astimezone(event.tz)
    room = None
    if data.room:
        room = rooms.get(data.room)
        if room is None:
            room = Room.objects.create(event=event, name=data.room)
            rooms[data.room] = room
    session = Session.objects.create(
        event=event,
        day=days[local.date()],
        start=local.time().replace(second=0, microsecond=0),
        duration_minutes=data.duration_minutes,
        kind=data.kind,
        title=data.title,
        description=data.description,
        room=room,
        language=data.language,
        **({"guid": data.guid} if data.guid else {}),
    )
    SessionPerson.objects.bulk_create(
        SessionPerson(
            session=session,
            role=person.role,
            name=person.name,
            function=person.function,
            organisation_name=person.organisation_name,
            country=person.country,
            talk_title=person.talk_title,
            position=position,
        )
        for position, person in enumerate(data.people)
    )
    Material.objects.bulk_create(
        Material(session=session, title=title[:300], url=url[:500]) for title, url in data.links
    )
    return session


def _existing_as_data(event: Event) -> list[SessionData]:
    return [
        SessionData(
            where=str(session.pk),
            title=session.title,
            starts_at=session.starts_at(event.tz),
            duration_minutes=session.duration_minutes,
            room=session.room.name if session.room else "",
        )
        for session in event.sessions.select_related("day", "room")
    ]


@transaction.atomic
def session_add(
    *,
    by: User | None,
    event: Event,
    date: dt.date,
    start: dt.time,
    duration_minutes: int,
    kind: str,
    title: str,
    description: str = "",
    room_name: str = "",
    language: str = "",
    people: list[PersonData] | None = None,
) -> Session:
    """One session on the programme; refused when outside the event's days or clashing in its room."""
    _check_manage(by, event)
    event = _locked(event)
    errors: dict[str, list[str]] = {}
    if not title.strip():
        errors["title"] = [_("Enter a title.")]
    if kind not in SessionKind.values:
        errors["kind"] = [_("Choose a session type from the list.")]
    if not 1 <= duration_minutes <= 24 * 60:
        errors["duration_minutes"] = [_("A session lasts from 1 minute to 24 hours.")]
    if not event.start_date <= date <= event.end_date:
        errors["date"] = [_("The date must be one of the event's days.")]
    for person in people or []:
        if not person.name.strip():
            errors["people"] = [_("Every moderator, speaker and trainer needs a name.")]
        if person.role not in PersonRole.values:
            errors["people"] = [_("Choose moderator, speaker or trainer.")]
        if person.country and not is_country(person.country):
            errors["people"] = [_("“%(code)s” is not an ISO 3166 country code.") % {"code": person.country}]
    if errors:
        raise ValidationError(errors)
    data = SessionData(
        where=_("new session"),
        title=" ".join(title.split()),
        starts_at=dt.datetime.combine(date, start, tzinfo=event.tz),
        duration_minutes=duration_minutes,
        kind=kind,
        room=" ".join(room_name.split()),
        description=description.strip(),
        language=language.strip().lower(),
        people=[PersonData(**{**vars(p), "name": " ".join(p.name.split())}) for p in people or []],
    )
    clashes: list[Problem] = []
    from strom.events.schedule import check_overlaps

    check_overlaps([*_existing_as_data(event), data], clashes)
    if clashes:
        raise ValidationError({"start": [str(p.why) for p in clashes]})
    days = {day.date: day for day in event.days.all()}
    rooms = {room.name: room for room in event.rooms.all()}
    session = _add_session(event, data, days, rooms)
    _bump(event)
    audit_record(
        actor=by,
        action="event.session_add",
        object_type="event",
        object_ref=event.pk,
        organisation_id=event.organisation_id,
        details={"session": session.pk, "people": len(data.people)},
    )
    return session


@transaction.atomic
def session_delete(*, by: User | None, session: Session) -> None:
    event = session.event
    _check_manage(by, event)
    event = _locked(event)
    pk = session.pk
    Session.objects.filter(pk=pk, event=event).delete()
    _bump(event)
    audit_record(
        actor=by,
        action="event.session_delete",
        object_type="event",
        object_ref=event.pk,
        organisation_id=event.organisation_id,
        details={"session": pk},
    )


@transaction.atomic
def material_add(
    *, by: User | None, session: Session, title: str, url: str = "", file: UploadedFile | None = None
) -> Material:
    _check_manage(by, session.event)
    errors: dict[str, list[str]] = {}
    if not title.strip():
        errors["title"] = [_("Enter a title.")]
    if bool(url) == bool(file):
        errors["url"] = [_("Give either a link or a file.")]
    elif url:
        try:
            URLValidator(schemes=["https", "http"])(url)
        except ValidationError:
            errors["url"] = [_("Enter a web address starting with https://.")]
    if errors:
        raise ValidationError(errors)
    material = Material(session=session, title=" ".join(title.split()), url=url)
    if file is not None:
        material.file = file
    material.save(force_insert=True)
    audit_record(
        actor=by,
        action="event.material_add",
        object_type="event",
        object_ref=session.event_id,
        organisation_id=session.event.organisation_id,
        details={"session": session.pk, "material": material.pk, "file": file is not None},
    )
    return material


@transaction.atomic
def programme_import(
    *, by: User | None, programme: Programme, organisation: Organisation, replace: bool = False
) -> Event:
    """Create an event from a parsed schedule, all or nothing. An acronym that exists is refused unless
    `replace`, which replaces that event's programme (days, rooms, sessions) and keeps its registrations."""
    if by is not None:
        check_may_organise_for(by, organisation.pk)
    existing = Event.objects.select_for_update().filter(acronym=programme.acronym).first()
    if existing is not None and not replace:
        raise ScheduleInvalid(
            [
                Problem(
                    "conference/acronym",
                    _("acronym"),
                    _("an event “%(acronym)s” exists; import with --replace to replace its programme")
                    % {"acronym": programme.acronym},
                )
            ]
        )
    if existing is not None:
        _check_manage(by, existing)
        outside = existing.registrations.exists() and (
            programme.start_date != existing.start_date or programme.end_date != existing.end_date
        )
        existing.sessions.all().delete()
        existing.rooms.all().delete()
        existing.days.all().delete()
        existing.title = programme.title
        existing.start_date = programme.start_date
        existing.end_date = programme.end_date
        existing.timezone = programme.timezone
        existing.programme_version += 1
        existing.save(
            update_fields=["title", "start_date", "end_date", "timezone", "programme_version", "updated_at"]
        )
        event = existing
        Day.objects.bulk_create(
            Day(event=event, date=date) for date in _days_between(programme.start_date, programme.end_date)
        )
        action = "event.programme_replace"
        details: dict[str, object] = {"dates_changed_with_registrations": outside}
    else:
        event = event_create(
            by=by,
            organisation=organisation,
            kind=EventKind.CONFERENCE,
            title=programme.title,
            acronym=programme.acronym,
            start_date=programme.start_date,
            end_date=programme.end_date,
            timezone_name=programme.timezone,
        )
        action = "event.programme_import"
        details = {}
    days = {day.date: day for day in event.days.all()}
    rooms: dict[str, Room] = {}
    # A guid another event's session holds (the same schedule imported under a new acronym) is dropped.
    taken = set(
        Session.objects.filter(guid__in=[s.guid for s in programme.sessions if s.guid]).values_list(
            "guid", flat=True
        )
    )
    for data in programme.sessions:
        if data.guid in taken:
            data.guid = None
        if data.guid is not None:
            taken.add(data.guid)
        _add_session(event, data, days, rooms)
    details["sessions"] = len(programme.sessions)
    audit_record(
        actor=by,
        action=action,
        object_type="event",
        object_ref=event.pk,
        organisation_id=event.organisation_id,
        details=details,
    )
    return event


# --- registrations -------------------------------------------------------------------------------


def _places_taken(event: Event) -> int:
    return event.registrations.filter(status=RegistrationStatus.REGISTERED).count()


@transaction.atomic
def registration_create(
    *,
    by: User,
    event: Event,
    name: str,
    email: str,
    organisation_name: str = "",
    sector: str = "",
    country: str = "",
    needs: str = "",
    consent_list: bool = False,
    consent_contact: bool = False,
    for_self: bool = True,
) -> Registration:
    """Register `by` (for_self) or, for the event's organisers, someone else. Full events put people on
    the waiting list, promoted in order when a place frees up."""
    if not may_register(by, event) or (not for_self and not may_manage(by, event)):
        raise NotAllowed
    event = _locked(event)
    name = " ".join(name.split())
    email = email.strip().lower()
    country = country.strip().upper()
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = [_("Enter a name.")]
    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = [_("Enter a valid e-mail address.")]
    if sector and sector not in Sector.values:
        errors["sector"] = [_("Choose a sector from the list.")]
    if country and not is_country(country):
        errors["country"] = [_("“%(code)s” is not an ISO 3166 country code.") % {"code": country}]
    if not errors:
        index = Registration._meta.get_field("email_index").compute(email)
        active = event.registrations.exclude(status=RegistrationStatus.CANCELLED)
        if active.filter(email_index=index).exists():
            errors["email"] = [_("This address is already registered for the event.")]
    if errors:
        raise ValidationError(errors)
    full = event.capacity is not None and _places_taken(event) >= event.capacity
    registration = Registration(
        event=event,
        user=by if for_self else None,
        name=name,
        email=email,
        organisation_name=organisation_name.strip(),
        sector=sector,
        country=country,
        needs=needs.strip(),
        consent_list=consent_list,
        consent_contact=consent_contact,
        status=RegistrationStatus.WAITING if full else RegistrationStatus.REGISTERED,
    )
    registration.save(force_insert=True)
    audit_record(
        actor=by,
        action="event.register",
        object_type="event_registration",
        object_ref=registration.pk,
        organisation_id=event.organisation_id,
        details={"event": event.pk, "status": registration.status, "for_self": for_self},
    )
    return registration


@transaction.atomic
def registration_cancel(*, by: User, registration: Registration) -> Registration | None:
    """Cancel; a place that frees up goes to the first on the waiting list, who is returned."""
    if registration.user_id != by.pk and not may_manage(by, registration.event):
        raise NotAllowed
    event = _locked(registration.event)
    locked = Registration.objects.select_for_update().get(pk=registration.pk)
    if locked.status == RegistrationStatus.CANCELLED:
        return None
    freed = locked.status == RegistrationStatus.REGISTERED
    locked.status = RegistrationStatus.CANCELLED
    locked.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=by,
        action="event.registration_cancel",
        object_type="event_registration",
        object_ref=locked.pk,
        organisation_id=event.organisation_id,
        details={"event": event.pk},
    )
    promoted = None
    if freed and (event.capacity is None or _places_taken(event) < event.capacity):
        promoted = (
            Registration.objects.select_for_update()
            .filter(event=event, status=RegistrationStatus.WAITING)
            .order_by("created_at", "pk")
            .first()
        )
        if promoted is not None:
            promoted.status = RegistrationStatus.REGISTERED
            promoted.save(update_fields=["status", "updated_at"])
            audit_record(
                actor=by,
                action="event.registration_promote",
                object_type="event_registration",
                object_ref=promoted.pk,
                organisation_id=event.organisation_id,
                details={"event": event.pk},
            )
    return promoted


@transaction.atomic
def attendance_mark(*, by: User, registration: Registration, attended: bool) -> Registration:
    """Mark (or unmark) that a registered participant came; organisers only."""
    if not may_manage(by, registration.event):
        raise NotAllowed
    locked = Registration.objects.select_for_update().get(pk=registration.pk)
    if locked.status != RegistrationStatus.REGISTERED:
        raise ValidationError(_("Only registered participants can be marked as present."))
    locked.attended_at = timezone.now() if attended else None
    locked.save(update_fields=["attended_at", "updated_at"])
    audit_record(
        actor=by,
        action="event.attendance",
        object_type="event_registration",
        object_ref=locked.pk,
        organisation_id=registration.event.organisation_id,
        details={"event": registration.event_id, "attended": attended},
    )
    return locked
