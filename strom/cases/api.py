"""/api/v1/cases: the case list and search, opening a case with its person, the case and the person,
with the same access functions, selectors and services as the pages.

Field names follow IOM HTCDS 2.0 where it has them (cas_Status, vic_TypeOfExploitation, prs_FirstName…).
Every response that shows a person's data records one audit read. Edits carry the `version` they
were based on; a stale one answers 409 with the fields someone else changed.
No `from __future__ import annotations` here: ninja reads the annotations at runtime.
"""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from strom.accounts.models import User
from strom.api.auth import api_user
from strom.api.errors import edit_conflict
from strom.api.openapi import EditConflictProblem
from strom.api.schemas import DictOut
from strom.audit.services import audit_read
from strom.cases import access
from strom.cases.choices import (
    CaseStatus,
    ChildBasis,
    DocumentType,
    Exploitation,
    Gender,
    MigrationStatus,
    Stage,
)
from strom.cases.models import Case, IdentityDocument, Person
from strom.cases.reads import audit_case_list, case_read_record
from strom.cases.selectors import MAX_PAGE_SIZE, PAGE_SIZE, CaseFilters, ListedCase, ListedPerson, case_list
from strom.cases.services import (
    PERSON_FIELDS,
    EditConflict,
    case_set_legal_hold,
    case_update,
    identity_document_add,
    person_update,
)
from strom.cases.services_casework import case_open_with_person, person_consistency_errors
from strom.core.errors import NotAllowed
from strom.core.roles import Perm
from strom.directory.models import Municipality, Organisation

router = Router(tags=["cases"])


# --- schemas -----------------------------------------------------------------------------------------


class MunicipalityRef(DictOut):
    id: int
    code: str
    name: str


class UserRef(DictOut):
    id: int
    name: str


class IdentityDocumentOut(DictOut):
    id: int
    doc_type: DocumentType
    number: str = Field(description="prs_IdentityNumber")
    issuing_country: str = Field(description="ISO 3166-1 alpha-2, empty when not known")
    expiry_date: dt.date | None
    held_by_person: bool = Field(description="False when someone else holds the document or it is lost")


class PersonSummaryOut(DictOut):
    id: int
    prs_FirstName: str
    prs_SecondName: str


class PersonOut(PersonSummaryOut):
    other_names: list[str] = Field(description="Other names and spellings")
    prs_Gender: Gender
    prs_Birthdate: dt.date | None
    age_estimate: int | None
    age_uncertain: bool
    believed_child: bool = Field(
        description="Reasons to believe the person is a child (with the age uncertain)"
    )
    prs_Citizenship: list[str] = Field(description="ISO 3166-1 alpha-2")
    languages: list[str] = Field(description="ISO 639 codes")
    contact: str
    address: str
    migration_status: MigrationStatus
    documents: list[IdentityDocumentOut]
    version: int


class CaseOut(DictOut):
    ref: str
    cas_Status: CaseStatus
    stage: Stage
    is_child: bool = Field(description="Handled as a child's case")
    child_basis: ChildBasis = Field(description="'age', 'presumed' or '' (adult)")
    vic_TraffickingStatus: str
    vic_TypeOfExploitation: list[Exploitation]
    cas_CaseOwner: UserRef | None
    organisation_id: int
    municipality: MunicipalityRef
    country: str
    opened_at: dt.datetime
    closed_at: dt.datetime | None
    next_due_at: dt.date | None
    legal_hold: bool = Field(description="Kept beyond the retention period while true")
    version: int
    person: PersonSummaryOut


class CaseDetailOut(CaseOut):
    person: PersonOut


class CasePageOut(DictOut):
    items: list[CaseOut]
    next_cursor: str = Field(
        description="Pass as ?cursor= for the next (older) cases; empty on the last page"
    )
    prev_cursor: str = Field(description="Pass as ?cursor= for the previous (newer) cases")


class CaseQuery(Schema):
    q: str = Field(
        "", max_length=200, description="Case reference, a name in any spelling, or a document number"
    )
    stage: Stage | None = None
    overdue: bool = False
    owner: int | None = Field(None, description="User id of the case worker")
    municipality: int | None = Field(None, description="Municipality id")
    exploitation: Exploitation | None = None
    child: bool | None = None
    cursor: str = Field("", max_length=500)
    limit: int = Field(PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)


class DocumentIn(Schema):
    doc_type: DocumentType
    number: str = Field(min_length=1, max_length=100)
    issuing_country: str = Field("", max_length=2)
    expiry_date: dt.date | None = None
    held_by_person: bool = True


class PersonIn(Schema):
    prs_FirstName: str = Field("", max_length=200)
    prs_SecondName: str = Field("", max_length=200)
    other_names: list[str] = Field(default_factory=list, max_length=50)
    prs_Gender: Gender = Gender.UNKNOWN
    prs_Birthdate: dt.date | None = None
    age_estimate: int | None = Field(None, ge=0, le=120)
    age_uncertain: bool = False
    believed_child: bool = False
    prs_Citizenship: list[str] = Field(default_factory=list)
    languages: list[str] = Field(default_factory=list)
    contact: str = Field("", max_length=500)
    address: str = Field("", max_length=1000)
    migration_status: MigrationStatus = MigrationStatus.UNKNOWN


class PersonPatchIn(Schema):
    version: int
    prs_FirstName: str | None = Field(None, max_length=200)
    prs_SecondName: str | None = Field(None, max_length=200)
    other_names: list[str] | None = None
    prs_Gender: Gender | None = None
    prs_Birthdate: dt.date | None = None
    age_estimate: int | None = Field(None, ge=0, le=120)
    age_uncertain: bool | None = None
    believed_child: bool | None = None
    prs_Citizenship: list[str] | None = None
    languages: list[str] | None = None
    contact: str | None = Field(None, max_length=500)
    address: str | None = Field(None, max_length=1000)
    migration_status: MigrationStatus | None = None


class CaseCreateIn(Schema):
    organisation_id: int
    municipality_id: int
    owner_id: int | None = Field(None, description="Case worker; by default the caller if they work on cases")
    vic_TypeOfExploitation: list[Exploitation] = Field(default_factory=list)
    person_id: int | None = Field(None, description="An already recorded person: another case for them")
    person: PersonIn | None = Field(None, description="A new person (when person_id is not given)")
    document: DocumentIn | None = None


class CasePatchIn(Schema):
    version: int
    municipality_id: int | None = None
    vic_TypeOfExploitation: list[Exploitation] | None = None
    owner_id: int | None = Field(None, description="Reassign (supervisors); null leaves the case unassigned")


# Our field names -> HTCDS names in the API (the rest are the same).
PERSON_API_NAMES = {
    "given_name": "prs_FirstName",
    "family_name": "prs_SecondName",
    "gender": "prs_Gender",
    "birth_date": "prs_Birthdate",
    "citizenships": "prs_Citizenship",
}
CASE_API_NAMES = {
    "forms_of_exploitation": "vic_TypeOfExploitation",
    "municipality": "municipality_id",
    "owner": "owner_id",
}
# POST /cases: where each service error points in the request body.
CREATE_API_NAMES = {
    **{name: "person/" + PERSON_API_NAMES.get(name, name) for name in PERSON_FIELDS},
    **{name: "document/" + name for name in ("doc_type", "number", "issuing_country", "expiry_date")},
    **CASE_API_NAMES,
}


# --- output ------------------------------------------------------------------------------------------


def _person_summary(person: Person | ListedPerson) -> dict[str, Any]:
    return {"id": person.pk, "prs_FirstName": person.given_name, "prs_SecondName": person.family_name}


def _person_out(person: Person, documents: list[IdentityDocument]) -> dict[str, Any]:
    return {
        **_person_summary(person),
        "other_names": [n for n in person.other_names.splitlines() if n.strip()],
        "prs_Gender": person.gender,
        "prs_Birthdate": dt.date.fromisoformat(person.birth_date) if person.birth_date else None,
        "age_estimate": person.age_estimate,
        "age_uncertain": person.age_uncertain,
        "believed_child": person.believed_child,
        "prs_Citizenship": person.citizenships,
        "languages": person.languages,
        "contact": person.contact,
        "address": person.address,
        "migration_status": person.migration_status,
        "documents": [_document_out(d) for d in documents],
        "version": person.version,
    }


def _document_out(doc: IdentityDocument) -> dict[str, Any]:
    return {
        "id": doc.pk,
        "doc_type": doc.doc_type,
        "number": doc.number,
        "issuing_country": doc.issuing_country,
        "expiry_date": doc.expiry_date,
        "held_by_person": doc.held_by_person,
    }


def _case_out(case: Case | ListedCase, person: dict[str, Any]) -> dict[str, Any]:
    owner = case.owner
    return {
        "ref": case.ref,
        "cas_Status": case.status,
        "stage": case.stage,
        "is_child": case.is_child,
        "child_basis": case.child_basis,
        "vic_TraffickingStatus": case.trafficking_status,
        "vic_TypeOfExploitation": case.forms_of_exploitation,
        "cas_CaseOwner": {"id": owner.pk, "name": owner.get_full_name()} if owner else None,
        "organisation_id": case.organisation_id,
        "municipality": {
            "id": case.municipality.pk,
            "code": case.municipality.code,
            "name": case.municipality.name,
        },
        "country": case.country,
        "opened_at": case.opened_at,
        "closed_at": case.closed_at,
        "next_due_at": case.next_due_at,
        "legal_hold": case.legal_hold,
        "version": case.version,
        "person": person,
    }


def _case_detail(case: Case) -> dict[str, Any]:
    person = case.person
    return _case_out(case, _person_out(person, list(person.documents.order_by("-created_at"))))


def _api_names(exc: ValidationError, names: dict[str, str]) -> ValidationError:
    """A service's ValidationError with the API's field names."""
    if not hasattr(exc, "error_dict"):
        return exc
    return ValidationError(
        {
            (field if field == "__all__" else names.get(field, field)): errors
            for field, errors in exc.error_dict.items()
        }
    )


def _get(model: Any, pk: int | None, field: str) -> Any:
    if pk is None:
        return None
    obj = model.objects.filter(pk=pk).first()
    if obj is None:
        raise ValidationError({field: [_("There is nothing with this id.")]})
    return obj


def _person_data(payload: PersonIn | PersonPatchIn, *, only_sent: bool) -> dict[str, Any]:
    sent = payload.model_fields_set if only_sent else set(PersonIn.model_fields)
    reverse = {v: k for k, v in PERSON_API_NAMES.items()}
    data: dict[str, Any] = {}
    for api_name in sent - {"version"}:
        value = getattr(payload, api_name)
        name = reverse.get(api_name, api_name)
        if value is None and name not in ("birth_date", "age_estimate"):
            raise ValidationError({api_name: [_("This field cannot be null.")]})
        if name == "birth_date":
            value = value.isoformat() if value else ""
        elif name == "other_names":
            value = "\n".join(n.strip() for n in value if n.strip())
        elif hasattr(value, "value"):
            value = value.value
        elif isinstance(value, str):
            value = value.strip()
        data[name] = value
    return data


def _check_person(data: dict[str, Any], *, prefix: str = "") -> None:
    errors = person_consistency_errors(data)
    if errors:
        raise ValidationError({prefix + PERSON_API_NAMES.get(k, k): [v] for k, v in errors.items()})


# --- operations --------------------------------------------------------------------------------------


@router.get("", response=CasePageOut, url_name="case_list")
def list_cases(request: HttpRequest, query: Query[CaseQuery]) -> dict[str, Any]:
    """Cases you can see, newest first; keyset pages through `cursor` (no totals are counted)."""
    user = api_user(request)
    access.check_casework(user)
    filters = CaseFilters(
        q=query.q,
        stage=query.stage.value if query.stage else "",
        overdue=query.overdue,
        owner_id=query.owner,
        municipality_id=query.municipality,
        exploitation=query.exploitation.value if query.exploitation else "",
        child=query.child,
    )
    page = case_list(user, filters, cursor=query.cursor, limit=query.limit)
    audit_case_list(user, page.rows, channel_page="api")
    return {
        "items": [_case_out(c, _person_summary(c.person)) for c in page.rows],
        "next_cursor": page.next_cursor,
        "prev_cursor": page.prev_cursor,
    }


@router.post("", response={201: CaseDetailOut}, url_name="case_create")
def create_case(request: HttpRequest, payload: CaseCreateIn) -> Status[dict[str, Any]]:
    """Open a case for a new person (`person`) or one already recorded (`person_id`), with an optional
    identity document. All or nothing: any invalid part answers 422 and nothing is saved."""
    user = api_user(request)
    if not user.has_any(Perm.CASE_CREATE):
        raise Http404
    if (payload.person is None) == (payload.person_id is None):
        raise ValidationError({"person": [_("Send either “person” (a new person) or “person_id”.")]})
    person = access.get_person_for(user, payload.person_id) if payload.person_id is not None else None
    # An organisation the user may not open cases for answers as a missing one does: 404.
    organisation = Organisation.objects.filter(pk=payload.organisation_id).first()
    if organisation is None or not access.can_create_case_in(user, organisation.pk):
        raise NotAllowed(_("You may not open cases for this organisation."))
    person_data = _person_data(payload.person, only_sent=False) if payload.person else None
    if person_data is not None:
        _check_person(person_data, prefix="person/")
    document = payload.document.dict() if payload.document else None
    if document:
        document["doc_type"] = payload.document.doc_type.value  # type: ignore[union-attr]
    try:
        case = case_open_with_person(
            by=user,
            organisation=organisation,
            municipality=_get(Municipality, payload.municipality_id, "municipality_id"),
            owner=_get(User, payload.owner_id, "owner_id"),
            forms_of_exploitation=[f.value for f in payload.vic_TypeOfExploitation],
            person=person,
            person_data=person_data,
            document=document,
        )
    except ValidationError as exc:
        raise _api_names(exc, CREATE_API_NAMES) from None
    case = Case.objects.select_related("person", "owner", "municipality").get(pk=case.pk)
    return Status(201, _case_detail(case))


@router.get("/persons/{person_id}", response=PersonOut, url_name="person_detail")
def get_person(request: HttpRequest, person_id: int) -> dict[str, Any]:
    user = api_user(request)
    person = access.get_person_for(user, person_id)
    audit_read(actor=user, object_type="person", object_ref=person.pk, organisation_id=person.organisation_id)
    return _person_out(person, list(person.documents.order_by("-created_at")))


@router.patch(
    "/persons/{person_id}", response={200: PersonOut, 409: EditConflictProblem}, url_name="person_update"
)
def update_person(request: HttpRequest, person_id: int, payload: PersonPatchIn) -> Any:
    """Change the fields you send. `version` is the one you read; a stale one answers 409."""
    user = api_user(request)
    person = access.get_person_for(user, person_id, write=True)
    data = _person_data(payload, only_sent=True)
    _check_person({**{f: getattr(person, f) for f in PERSON_FIELDS}, **data})
    try:
        person = person_update(by=user, person=person, version=payload.version, **data)
    except EditConflict as exc:
        return edit_conflict(
            request,
            stored_version=exc.stored_version,
            changed_fields=[PERSON_API_NAMES.get(c.field, c.field) for c in exc.changes],
        )
    except ValidationError as exc:
        raise _api_names(exc, PERSON_API_NAMES) from None
    return _person_out(person, list(person.documents.order_by("-created_at")))


@router.post(
    "/persons/{person_id}/documents", response={201: IdentityDocumentOut}, url_name="person_document_add"
)
def add_document(request: HttpRequest, person_id: int, payload: DocumentIn) -> Status[dict[str, Any]]:
    user = api_user(request)
    person = access.get_person_for(user, person_id, write=True)
    doc = identity_document_add(
        by=user,
        person=person,
        doc_type=payload.doc_type.value,
        number=payload.number,
        issuing_country=payload.issuing_country,
        expiry_date=payload.expiry_date,
        held_by_person=payload.held_by_person,
    )
    return Status(201, _document_out(doc))


@router.get("/{ref}", response=CaseDetailOut, url_name="case_detail")
def get_case(request: HttpRequest, ref: str) -> dict[str, Any]:
    user = api_user(request)
    case = access.get_case_for(user, ref)
    case_read_record(by=user, case=case)
    return _case_detail(case)


@router.patch("/{ref}", response={200: CaseDetailOut, 409: EditConflictProblem}, url_name="case_update")
def update_case(request: HttpRequest, ref: str, payload: CasePatchIn) -> Any:
    """Municipality, forms of exploitation, case worker (supervisors reassign). Send the `version`
    you read; a stale one answers 409 naming the fields someone else changed."""
    user = api_user(request)
    case = access.get_case_for(user, ref, write=True)
    sent = payload.model_fields_set
    data: dict[str, Any] = {}
    if "municipality_id" in sent:
        if payload.municipality_id is None:
            raise ValidationError({"municipality_id": [_("A case needs a municipality.")]})
        data["municipality"] = _get(Municipality, payload.municipality_id, "municipality_id")
    if "vic_TypeOfExploitation" in sent:
        forms = payload.vic_TypeOfExploitation or []
        data["forms_of_exploitation"] = sorted({f.value for f in forms})
    if "owner_id" in sent:
        data["owner"] = _get(User, payload.owner_id, "owner_id")
    try:
        case = case_update(by=user, case=case, version=payload.version, **data)
    except EditConflict as exc:
        return edit_conflict(
            request,
            stored_version=exc.stored_version,
            changed_fields=[CASE_API_NAMES.get(c.field, c.field) for c in exc.changes],
        )
    except ValidationError as exc:
        raise _api_names(exc, CASE_API_NAMES) from None
    case = Case.objects.select_related("person", "owner", "municipality").get(pk=case.pk)
    return _case_detail(case)


class LegalHoldIn(Schema):
    hold: bool
    reason: str = Field("", max_length=200, description="About the proceedings, never the person")


@router.put("/{ref}/legal-hold", response=CaseDetailOut, url_name="case_legal_hold")
def set_legal_hold(request: HttpRequest, ref: str, payload: LegalHoldIn) -> dict[str, Any]:
    """Place or lift a legal hold (supervisors): retention skips a held case."""
    user = api_user(request)
    case = access.get_case_for(user, ref, write=True)
    if not access.can_assign(user, case):
        raise Http404
    case = case_set_legal_hold(by=user, case=case, hold=payload.hold, reason=payload.reason)
    case = Case.objects.select_related("person", "owner", "municipality").get(pk=case.pk)
    return _case_detail(case)
