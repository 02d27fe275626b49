"""/api/v1/events: events, their programmes and registrations, with the same access functions as the pages."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from strom.api.auth import api_user
from strom.api.pagination import PageNumberPagination
from strom.audit.services import audit_read
from strom.core.errors import NotAllowed
from strom.core.vocabulary import Sector
from strom.directory.models import Organisation
from strom.events.access import (
    check_may_see_training_report,
    get_event_for,
    get_library_material_for,
    get_registration_for,
    get_session_for,
)
from strom.events.models import (
    CurriculumModule,
    Event,
    EventKind,
    EventQuerySet,
    EventStatus,
    LibraryMaterial,
    LibraryMaterialQuerySet,
    PersonRole,
    Registration,
    RegistrationQuerySet,
    RegistrationStatus,
    Session,
    SessionKind,
)
from strom.events.schedule import PersonData, ScheduleInvalid, parse_schedule
from strom.events.selectors import TrainedRow, event_list, library, people_trained, programme
from strom.events.services import (
    attendance_mark,
    event_cancel,
    event_create,
    event_publish,
    event_update,
    programme_import,
    registration_cancel,
    registration_create,
    session_add,
    session_delete,
    session_update,
)
from strom.events.services_trainings import (
    certificates_issue,
    library_material_add,
    library_material_attach,
    module_add,
)

router = Router(tags=["events"])


class EventInfoOut(Schema):
    slug: str
    acronym: str
    kind: EventKind
    title: str
    description: str
    start_date: dt.date
    end_date: dt.date
    timezone: str
    venue: str
    city: str
    country: str
    online: bool
    organisation_id: int
    co_funders: str
    languages: list[str]
    interpretation: str
    status: EventStatus
    capacity: int | None
    programme_version: int
    target_sectors: list[str]
    cancelled_at: dt.datetime | None
    cancellation_reason: str


class SessionPersonOut(Schema):
    role: PersonRole
    name: str
    function: str
    organisation_name: str
    country: str
    talk_title: str


class ProgrammeSessionOut(Schema):
    id: int
    guid: str
    date: dt.date
    start: str = Field(description="HH:MM, the event's local time")
    duration_minutes: int
    kind: SessionKind
    title: str
    description: str
    room: str
    language: str
    people: list[SessionPersonOut]

    @staticmethod
    def resolve_guid(obj: Session) -> str:
        return str(obj.guid)

    @staticmethod
    def resolve_start(obj: Session) -> str:
        return obj.start.strftime("%H:%M")

    @staticmethod
    def resolve_date(obj: Session) -> dt.date:
        return obj.day.date

    @staticmethod
    def resolve_room(obj: Session) -> str:
        return obj.room.name if obj.room else ""

    @staticmethod
    def resolve_people(obj: Session) -> list[SessionPersonOut]:
        return [SessionPersonOut.model_validate(p, from_attributes=True) for p in obj.people.all()]


class EventProgrammeOut(EventInfoOut):
    sessions: list[ProgrammeSessionOut]

    @staticmethod
    def resolve_sessions(obj: Event) -> list[Session]:
        return [session for day in programme(obj) for slot in day.slots for session in slot.sessions]


class EventCreateIn(Schema):
    organisation_id: int
    kind: EventKind = EventKind.CONFERENCE
    title: str = Field(max_length=300)
    acronym: str = Field(max_length=60, description="At least 4 of a-z, 0-9, - and _")
    start_date: dt.date
    end_date: dt.date
    timezone: str = Field("Europe/Riga", max_length=60)
    venue: str = Field("", max_length=300)
    city: str = Field("", max_length=120)
    country: str = Field("", max_length=2)
    online: bool = False
    description: str = ""
    co_funders: str = ""
    languages: list[str] = []
    interpretation: str = Field("", max_length=300)
    capacity: int | None = Field(None, ge=1)
    target_sectors: list[Sector] = []


class EventUpdateIn(Schema):
    kind: EventKind
    title: str = Field(max_length=300)
    start_date: dt.date
    end_date: dt.date
    timezone: str = Field("Europe/Riga", max_length=60)
    venue: str = Field("", max_length=300)
    city: str = Field("", max_length=120)
    country: str = Field("", max_length=2)
    online: bool = False
    description: str = ""
    co_funders: str = ""
    languages: list[str] = []
    interpretation: str = Field("", max_length=300)
    capacity: int | None = Field(None, ge=1)
    target_sectors: list[Sector] = []


class EventCancelIn(Schema):
    reason: str = Field(min_length=1, max_length=2000)


class CurriculumModuleIn(Schema):
    title: str = Field(max_length=300)
    learning_goals: str = Field("", description="One goal a line", max_length=5000)
    duration_minutes: int = Field(ge=1, le=6000)
    session_ids: list[int] = Field([], max_length=200)


class CurriculumModuleOut(Schema):
    id: int
    title: str
    learning_goals: list[str] = Field(alias="goals")
    duration_minutes: int


class LibraryMaterialIn(Schema):
    organisation_id: int
    title: str = Field(max_length=300)
    description: str = Field("", max_length=5000)
    language: str = Field("", max_length=3)
    sectors: list[Sector] = []
    url: str = Field(max_length=500, description="A link; files are uploaded on the library page")


class LibraryMaterialOut(Schema):
    id: int
    title: str
    description: str
    language: str
    sectors: list[str]
    url: str
    organisation_id: int


class LibraryAttachIn(Schema):
    material_id: int
    session_id: int | None = None


class CertificatesIssuedOut(Schema):
    issued: int


class PeopleTrainedQuery(Schema):
    year: int | None = Field(None, ge=1990, le=2100)
    country: str = Field("", max_length=2, description="ISO 3166-1 alpha-2")
    sector: Sector | None = None


class LibraryQuery(Schema):
    sector: Sector | None = None
    language: str = Field("", max_length=3)
    q: str = Field("", max_length=200)


class PeopleTrainedOut(Schema):
    year: int
    country: str
    sector: str
    people: int


class SessionPersonIn(Schema):
    role: PersonRole = PersonRole.SPEAKER
    name: str = Field(max_length=200)
    function: str = Field("", max_length=300)
    organisation_name: str = Field("", max_length=300)
    country: str = Field("", max_length=2)
    talk_title: str = Field("", max_length=500)


class ProgrammeSessionIn(Schema):
    date: dt.date
    start: str = Field(
        pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$", description="HH:MM, the event's local time"
    )
    duration_minutes: int = Field(ge=1, le=1440)
    kind: SessionKind = SessionKind.TALK
    title: str = Field(max_length=500)
    description: str = ""
    room: str = Field("", max_length=200)
    language: str = Field("", max_length=3)
    people: list[SessionPersonIn] = []


class ScheduleImportIn(Schema):
    organisation_id: int
    schedule: str = Field(description="The schedule XML or JSON document as text", max_length=5_000_000)
    replace: bool = False


class EventRegistrationIn(Schema):
    name: str = Field(max_length=200)
    email: str = Field(max_length=254)
    organisation_name: str = Field("", max_length=300)
    sector: Sector | None = None
    country: str = Field("", max_length=2)
    needs: str = Field("", max_length=2000)
    consent_list: bool = False
    consent_contact: bool = False
    for_self: bool = Field(True, description="False: an organiser registers someone else")


class EventRegistrationOut(Schema):
    id: int
    event_slug: str = Field(alias="event.slug")
    name: str
    email: str
    organisation_name: str
    sector: str
    country: str
    needs: str
    consent_list: bool
    consent_contact: bool
    status: RegistrationStatus
    attended_at: dt.datetime | None
    certificate_code: str


class EventAttendanceIn(Schema):
    attended: bool = True


class EventCancelOut(Schema):
    promoted_id: int | None = Field(description="The registration that got the freed place, if any")


def _organisation(organisation_id: int) -> Organisation:
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None:
        raise NotAllowed
    return organisation


@router.get("/", response=list[EventInfoOut], url_name="events_list")
@paginate(PageNumberPagination)
def list_events(request: HttpRequest) -> EventQuerySet:
    return event_list(api_user(request))


@router.post("/", response={201: EventInfoOut}, url_name="events_create")
def create_event(request: HttpRequest, payload: EventCreateIn) -> Status[Event]:
    user = api_user(request)
    data = payload.model_dump()
    organisation = _organisation(data.pop("organisation_id"))
    data["timezone_name"] = data.pop("timezone")
    data["kind"] = payload.kind.value
    data["target_sectors"] = [sector.value for sector in payload.target_sectors]
    return Status(201, event_create(by=user, organisation=organisation, **data))


@router.post("/import", response={201: EventInfoOut}, url_name="events_import")
def import_programme(request: HttpRequest, payload: ScheduleImportIn) -> Status[Event]:
    user = api_user(request)
    organisation = _organisation(payload.organisation_id)
    try:
        parsed = parse_schedule(payload.schedule.encode())
        event = programme_import(
            by=user, programme=parsed, organisation=organisation, replace=payload.replace
        )
    except ScheduleInvalid as exc:
        raise ValidationError({"schedule": [str(p) for p in exc.problems]}) from exc
    return Status(201, event)


@router.get("/library", response=list[LibraryMaterialOut], url_name="events_library")
@paginate(PageNumberPagination)
def list_library(request: HttpRequest, query: Query[LibraryQuery]) -> LibraryMaterialQuerySet:
    return library(
        api_user(request),
        sector=query.sector.value if query.sector else "",
        language=query.language.lower(),
        query=query.q,
    )


@router.post("/library", response={201: LibraryMaterialOut}, url_name="events_library_add")
def add_library_material(request: HttpRequest, payload: LibraryMaterialIn) -> Status[LibraryMaterial]:
    user = api_user(request)
    material = library_material_add(
        by=user,
        organisation=_organisation(payload.organisation_id),
        title=payload.title,
        description=payload.description,
        language=payload.language,
        sectors=[sector.value for sector in payload.sectors],
        url=payload.url,
    )
    return Status(201, material)


@router.get("/trainings/report", response=list[PeopleTrainedOut], url_name="events_training_report")
def training_report(request: HttpRequest, query: Query[PeopleTrainedQuery]) -> list[TrainedRow]:
    check_may_see_training_report(api_user(request))
    return people_trained(
        year=query.year, country=query.country.upper(), sector=query.sector.value if query.sector else ""
    )


@router.get("/{slug}", response=EventProgrammeOut, url_name="events_detail")
def get_event(request: HttpRequest, slug: str) -> Event:
    return get_event_for(api_user(request), slug)


@router.post("/{slug}/publish", response=EventInfoOut, url_name="events_publish")
def publish_event(request: HttpRequest, slug: str) -> Event:
    user = api_user(request)
    return event_publish(by=user, event=get_event_for(user, slug, manage=True))


@router.put("/{slug}", response=EventInfoOut, url_name="events_update")
def update_event(request: HttpRequest, slug: str, payload: EventUpdateIn) -> Event:
    user = api_user(request)
    event = get_event_for(user, slug, manage=True)
    return event_update(
        by=user,
        event=event,
        kind=payload.kind.value,
        title=payload.title,
        start_date=payload.start_date,
        end_date=payload.end_date,
        timezone_name=payload.timezone,
        venue=payload.venue,
        city=payload.city,
        country=payload.country,
        online=payload.online,
        description=payload.description,
        co_funders=payload.co_funders,
        languages=payload.languages,
        interpretation=payload.interpretation,
        capacity=payload.capacity,
        target_sectors=[sector.value for sector in payload.target_sectors],
    )


@router.post("/{slug}/cancel", response=EventInfoOut, url_name="events_cancel")
def cancel_event(request: HttpRequest, slug: str, payload: EventCancelIn) -> Event:
    user = api_user(request)
    return event_cancel(by=user, event=get_event_for(user, slug, manage=True), reason=payload.reason)


@router.post("/{slug}/sessions", response={201: ProgrammeSessionOut}, url_name="events_session_add")
def add_session(request: HttpRequest, slug: str, payload: ProgrammeSessionIn) -> Status[Session]:
    user = api_user(request)
    event = get_event_for(user, slug, manage=True)
    session = session_add(
        by=user,
        event=event,
        date=payload.date,
        start=dt.time.fromisoformat(payload.start),
        duration_minutes=payload.duration_minutes,
        kind=payload.kind.value,
        title=payload.title,
        description=payload.description,
        room_name=payload.room,
        language=payload.language,
        people=[PersonData(**{**p.model_dump(), "role": p.role.value}) for p in payload.people],
    )
    return Status(201, session)


@router.put("/{slug}/sessions/{session_id}", response=ProgrammeSessionOut, url_name="events_session_update")
def update_session(request: HttpRequest, slug: str, session_id: int, payload: ProgrammeSessionIn) -> Session:
    user = api_user(request)
    session = get_session_for(user, get_event_for(user, slug, manage=True), session_id)
    return session_update(
        by=user,
        session=session,
        date=payload.date,
        start=dt.time.fromisoformat(payload.start),
        duration_minutes=payload.duration_minutes,
        kind=payload.kind.value,
        title=payload.title,
        description=payload.description,
        room_name=payload.room,
        language=payload.language,
        people=[PersonData(**{**p.model_dump(), "role": p.role.value}) for p in payload.people],
    )


@router.delete("/{slug}/sessions/{session_id}", response={204: None}, url_name="events_session_delete")
def delete_session(request: HttpRequest, slug: str, session_id: int) -> Status[None]:
    user = api_user(request)
    session = get_session_for(user, get_event_for(user, slug, manage=True), session_id)
    session_delete(by=user, session=session)
    return Status(204, None)


@router.post("/{slug}/modules", response={201: CurriculumModuleOut}, url_name="events_module_add")
def add_module(request: HttpRequest, slug: str, payload: CurriculumModuleIn) -> Status[CurriculumModule]:
    user = api_user(request)
    event = get_event_for(user, slug, manage=True)
    wanted = {pk for pk in payload.session_ids if 0 < pk < 2**63}
    sessions = list(event.sessions.filter(pk__in=wanted))
    if len(sessions) != len(set(payload.session_ids)):
        raise ValidationError({"session_ids": [_("Choose sessions of this training.")]})
    module = module_add(
        by=user,
        event=event,
        title=payload.title,
        learning_goals=payload.learning_goals,
        duration_minutes=payload.duration_minutes,
        sessions=sessions,
    )
    return Status(201, module)


@router.post("/{slug}/library", response={204: None}, url_name="events_library_attach")
def attach_library_material(request: HttpRequest, slug: str, payload: LibraryAttachIn) -> Status[None]:
    user = api_user(request)
    event = get_event_for(user, slug, manage=True)
    material = get_library_material_for(user, payload.material_id)
    session = None
    if payload.session_id is not None:
        session = get_session_for(user, event, payload.session_id)
    library_material_attach(by=user, material=material, event=event, session=session)
    return Status(204, None)


@router.post("/{slug}/certificates", response=CertificatesIssuedOut, url_name="events_certificates_issue")
def issue_certificates(request: HttpRequest, slug: str) -> CertificatesIssuedOut:
    user = api_user(request)
    return CertificatesIssuedOut(
        issued=certificates_issue(by=user, event=get_event_for(user, slug, manage=True))
    )


@router.get("/{slug}/registrations", response=list[EventRegistrationOut], url_name="events_registrations")
@paginate(PageNumberPagination)
def list_registrations(request: HttpRequest, slug: str) -> RegistrationQuerySet:
    user = api_user(request)
    event = get_event_for(user, slug, manage=True)
    registrations = Registration.objects.visible_to(user).filter(event=event).select_related("event")
    count = registrations.count()
    if count:
        audit_read(
            actor=user,
            object_type="event_registrations",
            object_ref=event.pk,
            organisation_id=event.organisation_id,
            details={"count": count},
        )
    return registrations


@router.post("/{slug}/registrations", response={201: EventRegistrationOut}, url_name="events_register")
def register(request: HttpRequest, slug: str, payload: EventRegistrationIn) -> Status[Registration]:
    user = api_user(request)
    event = get_event_for(user, slug)
    registration = registration_create(
        by=user,
        event=event,
        name=payload.name,
        email=payload.email,
        organisation_name=payload.organisation_name,
        sector=payload.sector.value if payload.sector else "",
        country=payload.country,
        needs=payload.needs,
        consent_list=payload.consent_list,
        consent_contact=payload.consent_contact,
        for_self=payload.for_self,
    )
    return Status(201, registration)


@router.post(
    "/registrations/{registration_id}/cancel", response=EventCancelOut, url_name="events_registration_cancel"
)
def cancel(request: HttpRequest, registration_id: int) -> EventCancelOut:
    user = api_user(request)
    promoted = registration_cancel(by=user, registration=get_registration_for(user, registration_id))
    return EventCancelOut(promoted_id=promoted.pk if promoted else None)


@router.post(
    "/registrations/{registration_id}/attendance",
    response=EventRegistrationOut,
    url_name="events_registration_attendance",
)
def attendance(request: HttpRequest, registration_id: int, payload: EventAttendanceIn) -> Registration:
    user = api_user(request)
    registration = get_registration_for(user, registration_id, manage=True)
    return attendance_mark(by=user, registration=registration, attended=payload.attended)
