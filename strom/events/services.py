"""Writes for events. Each validates first, runs in one transaction, checks who may and is audited.

`by` is a user, or a named system actor for the operator at the command line (`strom events import`)
and the demo data; a system actor passes the organiser checks. Registrations lock their event row, so
two people taking the last place are counted one after the other: one is registered, the other waits.
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
from django.utils.translation import ngettext

from strom.audit.actors import SystemActor
from strom.audit.services import audit_record
from strom.core.countries import is_country
from strom.core.errors import NotAllowed
from strom.core.vocabulary import Sector
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
    Session,
    SessionKind,
    SessionPerson,
)
from strom.events.schedule import (
    ACRONYM_RE,
    PersonData,
    Problem,
    Programme,
    ScheduleInvalid,
    SessionData,
    check_overlaps,
)

if TYPE_CHECKING:
    from strom.accounts.models import User
    from strom.directory.models import Organisation

MAX_DAYS = 31
# The first part of pages under /events/ that are not an event's: an event of that slug could not be reached.
RESERVED_SLUGS = frozenset(
    {"calendar-link", "certificates", "feed", "import", "library", "registrations", "trainings"}
)


def _check_manage(by: User | SystemActor, event: Event) -> None:
    if not isinstance(by, SystemActor) and not may_manage(by, event):
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
    target_sectors: list[str],
    acronym_taken: bool,
) -> dict[str, list[str]]:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    errors: dict[str, list[str]] = {}
    if not title.strip():
        errors["title"] = [_("Enter a title.")]
    if not ACRONYM_RE.match(acronym):
        errors["acronym"] = [_("At least 4 lower-case letters, digits, - or _, for example riga-2015-strom.")]
    elif acronym_taken or slugify(acronym) in RESERVED_SLUGS:
        errors["acronym"] = [_("An event with this acronym exists.")]
    if any(sector not in Sector.values for sector in target_sectors):
        errors["target_sectors"] = [_("Choose sectors from the list.")]
    if end_date < start_date:
        errors["end_date"] = [_("The last day cannot be before the first.")]
    elif (end_date - start_date).days >= MAX_DAYS:
        errors["end_date"] = [
            ngettext(
                "An event lasts at most %(days)d day.", "An event lasts at most %(days)d days.", MAX_DAYS
            )
            % {"days": MAX_DAYS}
        ]
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
    by: User | SystemActor,
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
    target_sectors: list[str] | None = None,
) -> Event:
    if not isinstance(by, SystemActor):
        check_may_organise_for(by, organisation.pk)
    acronym = acronym.strip().lower()
    languages = sorted({code.strip().lower() for code in languages or [] if code.strip()})
    target_sectors = sorted(set(target_sectors or []))
    errors = _clean_event(
        title=title,
        acronym=acronym,
        start_date=start_date,
        end_date=end_date,
        timezone_name=timezone_name,
        country=country.upper(),
        languages=languages,
        target_sectors=target_sectors,
        acronym_taken=Event.objects.filter(acronym=acronym).exists(),
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
        target_sectors=target_sectors,
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
def event_publish(*, by: User | SystemActor, event: Event) -> Event:
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
def event_unpublish(*, by: User | SystemActor, event: Event) -> Event:
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


EDITABLE = (
    "kind",
    "title",
    "description",
    "start_date",
    "end_date",
    "timezone",
    "venue",
    "city",
    "country",
    "online",
    "co_funders",
    "languages",
    "interpretation",
    "capacity",
    "target_sectors",
)


@transaction.atomic
def event_update(
    *,
    by: User | SystemActor,
    event: Event,
    kind: str,
    title: str,
    start_date: dt.date,
    end_date: dt.date,
    timezone_name: str,
    venue: str,
    city: str,
    country: str,
    online: bool,
    description: str,
    co_funders: str,
    languages: list[str],
    interpretation: str,
    capacity: int | None,
    target_sectors: list[str],
) -> Event:
    """Change what the event is; the acronym (its id in the schedule format) and slug stay. New dates
    are refused while a session lies outside them; days are added and dropped to match."""
    _check_manage(by, event)
    locked = _locked(event)
    languages = sorted({code.strip().lower() for code in languages if code.strip()})
    errors = _clean_event(
        title=title,
        acronym=locked.acronym,
        start_date=start_date,
        end_date=end_date,
        timezone_name=timezone_name,
        country=country.upper(),
        languages=languages,
        target_sectors=target_sectors,
        acronym_taken=False,
    )
    if kind not in EventKind.values:
        errors["kind"] = [_("Choose a kind of event from the list.")]
    if capacity is not None and capacity < 1:
        errors["capacity"] = [_("Give at least one place, or leave it empty for no limit.")]
    outside = locked.sessions.exclude(day__date__range=(start_date, end_date))
    if "end_date" not in errors and outside.exists():
        errors["start_date"] = [_("Some sessions lie outside these days: move or delete them first.")]
    if errors:
        raise ValidationError(errors)
    values = {
        "kind": kind,
        "title": " ".join(title.split()),
        "description": description.strip(),
        "start_date": start_date,
        "end_date": end_date,
        "timezone": timezone_name,
        "venue": venue.strip(),
        "city": city.strip(),
        "country": country.upper(),
        "online": online,
        "co_funders": co_funders.strip(),
        "languages": languages,
        "interpretation": interpretation.strip(),
        "capacity": capacity,
        "target_sectors": sorted(set(target_sectors)),
    }
    changed = sorted(name for name in EDITABLE if getattr(locked, name) != values[name])
    for name in changed:
        setattr(locked, name, values[name])
    dates = {"start_date", "end_date", "timezone"} & set(changed)
    if dates:
        locked.programme_version += 1
        _match_days(locked, start_date, end_date)
    if changed:
        locked.save(update_fields=[*changed, *(["programme_version"] if dates else []), "updated_at"])
        audit_record(
            actor=by,
            action="event.update",
            object_type="event",
            object_ref=locked.pk,
            organisation_id=locked.organisation_id,
            details={"fields": changed},
        )
    return locked


def _match_days(event: Event, start_date: dt.date, end_date: dt.date) -> None:
    """The event's days are its dates: days outside go (no session is left on them), missing ones come."""
    event.days.exclude(date__range=(start_date, end_date)).delete()
    have = set(event.days.values_list("date", flat=True))
    Day.objects.bulk_create(
        Day(event=event, date=date) for date in _days_between(start_date, end_date) if date not in have
    )


@transaction.atomic
def event_cancel(*, by: User | SystemActor, event: Event, reason: str) -> Event:
    """Call the event off. Its page stays (registrants learn of it there); registrations are kept and no
    new ones are taken; calendars and the search leave it out."""
    _check_manage(by, event)
    locked = _locked(event)
    if locked.is_cancelled:
        raise ValidationError(_("The event is already cancelled."))
    if not reason.strip():
        raise ValidationError({"reason": [_("Say why the event is cancelled; registrants will read it.")]})
    locked.cancelled_at = timezone.now()
    locked.cancellation_reason = reason.strip()
    locked.save(update_fields=["cancelled_at", "cancellation_reason", "updated_at"])
    audit_record(
        actor=by,
        action="event.cancel",
        object_type="event",
        object_ref=locked.pk,
        organisation_id=locked.organisation_id,
        details={"registrations": locked.registrations.exclude(status=RegistrationStatus.CANCELLED).count()},
    )
    return locked


def _bump(event: Event) -> None:
    event.programme_version += 1
    event.save(update_fields=["programme_version", "updated_at"])


def _people_create(session: Session, people: list[PersonData]) -> None:
    """A session's moderators, speakers and trainers, in the order given."""
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
        for position, person in enumerate(people)
    )


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
    _people_create(session, data.people)
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


def _session_data(
    event: Event,
    *,
    date: dt.date,
    start: dt.time,
    duration_minutes: int,
    kind: str,
    title: str,
    description: str,
    room_name: str,
    language: str,
    people: list[PersonData],
    ignore: Session | None = None,
) -> SessionData:
    """Check one session against the event (its days, its rooms' other sessions) and return it clean."""
    errors: dict[str, list[str]] = {}
    if not title.strip():
        errors["title"] = [_("Enter a title.")]
    if kind not in SessionKind.values:
        errors["kind"] = [_("Choose a session type from the list.")]
    if not 1 <= duration_minutes <= 24 * 60:
        errors["duration_minutes"] = [_("A session lasts from 1 minute to 24 hours.")]
    if not event.start_date <= date <= event.end_date:
        errors["date"] = [_("The date must be one of the event's days.")]
    for person in people:
        if not person.name.strip():
            errors["people"] = [_("Every moderator, speaker and trainer needs a name.")]
        if person.role not in PersonRole.values:
            errors["people"] = [_("Choose moderator, speaker or trainer.")]
        if person.country and not is_country(person.country):
            errors["people"] = [_("“%(code)s” is not an ISO 3166 country code.") % {"code": person.country}]
    if errors:
        raise ValidationError(errors)
    data = SessionData(
        where=_("this session"),
        title=" ".join(title.split()),
        starts_at=dt.datetime.combine(date, start, tzinfo=event.tz),
        duration_minutes=duration_minutes,
        kind=kind,
        room=" ".join(room_name.split()),
        description=description.strip(),
        language=language.strip().lower(),
        people=[PersonData(**{**vars(p), "name": " ".join(p.name.split())}) for p in people],
    )
    others = [d for d in _existing_as_data(event) if ignore is None or d.where != str(ignore.pk)]
    clashes: list[Problem] = []
    check_overlaps([*others, data], clashes)
    if clashes:
        raise ValidationError({"start": [str(p.why) for p in clashes]})
    return data


@transaction.atomic
def session_add(
    *,
    by: User | SystemActor,
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
    data = _session_data(
        event,
        date=date,
        start=start,
        duration_minutes=duration_minutes,
        kind=kind,
        title=title,
        description=description,
        room_name=room_name,
        language=language,
        people=people or [],
    )
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
def session_update(
    *,
    by: User | SystemActor,
    session: Session,
    date: dt.date,
    start: dt.time,
    duration_minutes: int,
    kind: str,
    title: str,
    description: str,
    room_name: str,
    language: str,
    people: list[PersonData],
) -> Session:
    """Change a session; its people are replaced by `people`; its guid and materials stay."""
    _check_manage(by, session.event)
    event = _locked(session.event)
    locked = Session.objects.select_for_update().get(pk=session.pk, event=event)
    data = _session_data(
        event,
        date=date,
        start=start,
        duration_minutes=duration_minutes,
        kind=kind,
        title=title,
        description=description,
        room_name=room_name,
        language=language,
        people=people,
        ignore=locked,
    )
    room = None
    if data.room:
        room, _created = Room.objects.get_or_create(event=event, name=data.room)
    locked.day = event.days.get(date=date)
    locked.start = start.replace(second=0, microsecond=0)
    locked.duration_minutes = duration_minutes
    locked.kind = kind
    locked.title = data.title
    locked.description = data.description
    locked.room = room
    locked.language = data.language
    locked.save(
        update_fields=["day", "start", "duration_minutes", "kind", "title", "description", "room", "language"]
    )
    locked.people.all().delete()
    _people_create(locked, data.people)
    _bump(event)
    audit_record(
        actor=by,
        action="event.session_update",
        object_type="event",
        object_ref=event.pk,
        organisation_id=event.organisation_id,
        details={"session": locked.pk, "people": len(data.people)},
    )
    return locked


@transaction.atomic
def session_delete(*, by: User | SystemActor, session: Session) -> None:
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
    *, by: User | SystemActor, session: Session, title: str, url: str = "", file: UploadedFile | None = None
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
    *, by: User | SystemActor, programme: Programme, organisation: Organisation, replace: bool = False
) -> Event:
    """Create an event from a parsed schedule, all or nothing. An acronym that exists is refused unless
    `replace`, which replaces that event's programme (days, rooms, sessions) and keeps its registrations."""
    if not isinstance(by, SystemActor):
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
    # Asked of the locked row: the caller's copy may not know the event was cancelled meanwhile.
    event = _locked(event)
    if not may_register(by, event) or (not for_self and not may_manage(by, event)):
        raise NotAllowed
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
