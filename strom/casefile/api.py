"""/api/v1/casefile/{ref}/…: events, perpetrators, notes and documents of a case, through the same
access functions and services as the pages. Value names are HTCDS 2.0 (the description of each field
names its HTCDS field). Every response that shows personal data records one audit read."""

import datetime as dt
import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Router, Schema
from ninja.files import UploadedFile

from strom.api.auth import api_user
from strom.api.errors import edit_conflict
from strom.api.openapi import EditConflictProblem
from strom.casefile import access, services
from strom.casefile.choices import (
    DocumentKind,
    EventType,
    Industry,
    MeansOfControl,
    PerpetratorRole,
    RecruitmentMethod,
    Relationship,
    SexExploitationType,
    WebsiteOrApp,
)
from strom.casefile.dates import as_text, parse_partial_date
from strom.casefile.filetypes import download_content
from strom.casefile.models import CaseDocument, CaseNote, Perpetrator, TraffickingEvent
from strom.casefile.selectors import visible_documents, visible_notes
from strom.cases.access import get_case_for
from strom.cases.choices import Exploitation, Gender
from strom.cases.models import Case
from strom.cases.reads import case_read_record
from strom.cases.services import EditConflict
from strom.core.downloads import document_response

router = Router(tags=["casefile"])

PARTIAL_DATE = r"^[0-9]{4}(-[0-9]{1,2}(-[0-9]{1,2})?)?$"  # [0-9]: \d takes other scripts' digits
DATE_DOC = "YYYY-MM-DD, or YYYY-MM / YYYY when only the month or year is known"


# --- events ------------------------------------------------------------------------------------------


class EventOut(Schema):
    id: int
    event_type: EventType = Field(description="HTCDS hte_Type")
    date_from: str = Field(description=f"HTCDS hte_Date; {DATE_DOC}; empty when not known")
    date_to: str = Field(description=DATE_DOC)
    country: str = Field(description="HTCDS hte_Country, ISO 3166-1 alpha-2")
    state: str = Field(description="HTCDS hte_State")
    city: str = Field(description="HTCDS hte_City")
    street: str = Field(description="HTCDS hte_Street")
    postal_code: str = Field(description="HTCDS hte_PostalCode")
    description: str = Field(description="HTCDS hte_Description")
    forms_of_exploitation: list[Exploitation] = Field(description="HTCDS vic_TypeOfExploitation")
    industry: Industry | None = Field(description="HTCDS vic_ForcedLabourIndustry")
    sex_exploitation_types: list[SexExploitationType] = Field(description="HTCDS vic_TypeOfSexExploitation")
    means_of_control: list[MeansOfControl] = Field(description="HTCDS vic_MethodsOfControl")
    recruitment_methods: list[RecruitmentMethod] = Field(description="HTCDS vic_MethodOfRecruitment")
    websites_and_apps: list[WebsiteOrApp] = Field(
        description="HTCDS vic_RecruitmentWebsitesAndApps (recruitment) or vic_ExploitationWebsitesAndApps"
    )
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_date_from(obj: TraffickingEvent) -> str:
        return as_text(obj.date_from, obj.date_from_precision)

    @staticmethod
    def resolve_date_to(obj: TraffickingEvent) -> str:
        return as_text(obj.date_to, obj.date_to_precision)

    @staticmethod
    def resolve_industry(obj: TraffickingEvent) -> str | None:
        return obj.industry or None


class EventIn(Schema):
    event_type: EventType
    date_from: str | None = Field(None, pattern=PARTIAL_DATE, description=DATE_DOC)
    date_to: str | None = Field(None, pattern=PARTIAL_DATE, description=DATE_DOC)
    country: str = Field("", max_length=2)
    state: str = Field("", max_length=100)
    city: str = Field("", max_length=100)
    street: str = ""
    postal_code: str = ""
    description: str = ""
    forms_of_exploitation: list[Exploitation] = []
    industry: Industry | None = None
    sex_exploitation_types: list[SexExploitationType] = []
    means_of_control: list[MeansOfControl] = []
    recruitment_methods: list[RecruitmentMethod] = []
    websites_and_apps: list[WebsiteOrApp] = []


class EventPatchIn(Schema):
    version: int = Field(description="The version you read; a newer stored version answers 409")
    event_type: EventType | None = None
    date_from: str | None = Field(None, pattern=PARTIAL_DATE, description=f"{DATE_DOC}; null clears")
    date_to: str | None = Field(None, pattern=PARTIAL_DATE, description=f"{DATE_DOC}; null clears")
    country: str | None = Field(None, max_length=2)
    state: str | None = Field(None, max_length=100)
    city: str | None = Field(None, max_length=100)
    street: str | None = None
    postal_code: str | None = None
    description: str | None = None
    forms_of_exploitation: list[Exploitation] | None = None
    industry: Industry | None = None
    sex_exploitation_types: list[SexExploitationType] | None = None
    means_of_control: list[MeansOfControl] | None = None
    recruitment_methods: list[RecruitmentMethod] | None = None
    websites_and_apps: list[WebsiteOrApp] | None = None


def _plain(value: Any) -> Any:
    if isinstance(value, list):
        return [getattr(v, "value", v) for v in value]
    return getattr(value, "value", value)


def _event_data(payload: Schema, fields: set[str]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for name in fields:
        value = getattr(payload, name)
        if name in ("date_from", "date_to"):
            try:
                parsed = parse_partial_date(value or "")
            except ValidationError as exc:
                raise ValidationError({name: exc.messages}) from None
            data[name] = parsed[0] if parsed else None
            if parsed:
                data[f"{name}_precision"] = parsed[1]
        elif name == "industry":
            data[name] = _plain(value) or ""
        elif value is None:
            # null on a text or list field clears it; event_type cannot be cleared.
            if name == "event_type":
                raise ValidationError({name: [_("Choose recruitment, transit or exploitation.")]})
            data[name] = [] if name in services.EVENT_MULTI else ""
        else:
            data[name] = _plain(value)
    return data


@router.get("/{ref}/events", response=list[EventOut], url_name="casefile_event_list")
def list_events(request: HttpRequest, ref: str) -> list[TraffickingEvent]:
    user = api_user(request)
    case = get_case_for(user, ref)
    events = list(access.events_visible_to(user, case))
    case_read_record(by=user, case=case, section="events")
    return events


@router.post("/{ref}/events", response={201: EventOut}, url_name="casefile_event_create")
def create_event(request: HttpRequest, ref: str, payload: EventIn) -> TraffickingEvent:
    user = api_user(request)
    case = get_case_for(user, ref, write=True)
    return services.event_record(by=user, case=case, **_event_data(payload, set(EventIn.model_fields)))


@router.patch(
    "/{ref}/events/{event_id}",
    response={200: EventOut, 409: EditConflictProblem},
    url_name="casefile_event_update",
)
def update_event(request: HttpRequest, ref: str, event_id: int, payload: EventPatchIn) -> Any:
    user = api_user(request)
    event = access.get_event_for(user, ref, event_id, write=True)
    data = _event_data(payload, payload.model_fields_set - {"version"})
    try:
        return services.event_update(by=user, event=event, version=payload.version, **data)
    except EditConflict as exc:
        return edit_conflict(
            request, stored_version=exc.stored_version, changed_fields=[c.field for c in exc.changes]
        )


# --- perpetrators ------------------------------------------------------------------------------------


class PerpetratorOut(Schema):
    id: int
    name: str
    aliases: list[str] = Field(description="Other names and spellings")
    gender: Gender
    nationality: str = Field(description="ISO 3166-1 alpha-2")
    roles: list[PerpetratorRole] = Field(description="HTCDS per_RoleInProcess")
    relationship: Relationship = Field(description="HTCDS vic_RelationshipToTrafficker; empty when not known")
    details: str = Field(description="HTCDS per_RoleDetails")
    version: int
    created_at: dt.datetime

    @staticmethod
    def resolve_aliases(obj: Perpetrator) -> list[str]:
        return obj.alias_list


class PerpetratorIn(Schema):
    name: str = Field("", max_length=300)
    aliases: list[str] = []
    gender: Gender = Gender.UNKNOWN
    nationality: str = Field("", max_length=2)
    roles: list[PerpetratorRole] = []
    relationship: Relationship = Relationship.UNKNOWN
    details: str = ""


def _perpetrator_case(request: HttpRequest, ref: str, *, write: bool) -> Case:
    user = api_user(request)
    case = get_case_for(user, ref, write=write)
    allowed = access.can_edit_perpetrators(user, case) if write else access.can_see_perpetrators(user, case)
    if not allowed:
        raise Http404
    return case


@router.get("/{ref}/perpetrators", response=list[PerpetratorOut], url_name="casefile_perpetrator_list")
def list_perpetrators(request: HttpRequest, ref: str) -> list[Perpetrator]:
    case = _perpetrator_case(request, ref, write=False)
    perpetrators = list(access.perpetrators_visible_to(api_user(request), case))
    case_read_record(by=api_user(request), case=case, section="perpetrators")
    return perpetrators


@router.post("/{ref}/perpetrators", response={201: PerpetratorOut}, url_name="casefile_perpetrator_create")
def create_perpetrator(request: HttpRequest, ref: str, payload: PerpetratorIn) -> Perpetrator:
    case = _perpetrator_case(request, ref, write=True)
    return services.perpetrator_add(
        by=api_user(request),
        case=case,
        name=payload.name,
        aliases="\n".join(a.strip() for a in payload.aliases if a.strip()),
        gender=payload.gender.value,
        nationality=payload.nationality,
        roles=[r.value for r in payload.roles],
        relationship=payload.relationship.value,
        details=payload.details,
    )


# --- notes -------------------------------------------------------------------------------------------


class NoteOut(Schema):
    id: int
    body: str = Field(description="HTCDS cco_CaseComment")
    restricted: bool = Field(description="Readable only by the author and the organisation's supervisors")
    author_id: int
    author_name: str
    created_at: dt.datetime
    edited_at: dt.datetime | None
    version: int

    @staticmethod
    def resolve_author_name(obj: CaseNote) -> str:
        return obj.author.get_full_name()


class NoteIn(Schema):
    body: str = Field(max_length=20_000)
    restricted: bool = False


class NotePatchIn(Schema):
    version: int
    body: str = Field(max_length=20_000)
    restricted: bool | None = None


@router.get("/{ref}/notes", response=list[NoteOut], url_name="casefile_note_list")
def list_notes(request: HttpRequest, ref: str) -> list[CaseNote]:
    user = api_user(request)
    case = get_case_for(user, ref)
    notes = list(visible_notes(user, case))
    case_read_record(by=api_user(request), case=case, section="notes")
    return notes


@router.post("/{ref}/notes", response={201: NoteOut}, url_name="casefile_note_create")
def create_note(request: HttpRequest, ref: str, payload: NoteIn) -> CaseNote:
    user = api_user(request)
    case = get_case_for(user, ref, write=True)
    return services.note_add(by=user, case=case, body=payload.body, restricted=payload.restricted)


@router.patch(
    "/{ref}/notes/{note_id}",
    response={200: NoteOut, 409: EditConflictProblem},
    url_name="casefile_note_update",
)
def update_note(request: HttpRequest, ref: str, note_id: int, payload: NotePatchIn) -> Any:
    user = api_user(request)
    note = access.get_note_for(user, ref, note_id, write=True)
    try:
        return services.note_edit(
            by=user, note=note, version=payload.version, body=payload.body, restricted=payload.restricted
        )
    except EditConflict as exc:
        return edit_conflict(
            request, stored_version=exc.stored_version, changed_fields=[c.field for c in exc.changes]
        )


# --- documents ---------------------------------------------------------------------------------------


class CaseDocumentOut(Schema):
    uuid: uuid.UUID
    title: str
    kind: DocumentKind
    file_name: str = Field(alias="original_name")
    content_type: str = Field(description="Detected from the content")
    size: int
    sha256: str = Field(description="Of the plaintext")
    uploaded_by_id: int
    uploaded_at: dt.datetime


@router.get("/{ref}/documents", response=list[CaseDocumentOut], url_name="casefile_document_list")
def list_documents(request: HttpRequest, ref: str) -> list[CaseDocument]:
    user = api_user(request)
    case = get_case_for(user, ref)
    documents = list(visible_documents(user, case))
    case_read_record(by=user, case=case, section="documents")
    return documents


@router.post("/{ref}/documents", response={201: CaseDocumentOut}, url_name="casefile_document_upload")
def upload_document(
    request: HttpRequest,
    ref: str,
    file: File[UploadedFile],
    title: Form[str],
    kind: Form[DocumentKind],
) -> CaseDocument:
    user = api_user(request)
    case = get_case_for(user, ref, write=True)
    return services.document_upload(by=user, case=case, file=file, title=title, kind=kind.value)


@router.get(
    "/{ref}/documents/{document_uuid}",
    url_name="casefile_document_download",
    openapi_extra={
        "responses": {
            200: {"description": "The file, decrypted, in its detected type", "content": download_content()}
        }
    },
)
def download_document(request: HttpRequest, ref: str, document_uuid: uuid.UUID) -> HttpResponse:
    user = api_user(request)
    document = access.get_document_for(user, ref, document_uuid)
    return document_response(services.document_read(by=user, document=document), document)
