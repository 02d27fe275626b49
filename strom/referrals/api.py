"""/api/v1/referrals: referrals sent and received, with the same rules as the pages.

A receiver gets the case only as `shared`: the sections of the scope, built by the same function as
the receiver's page. The case reference is given to the sending side only.
"""

import datetime as dt
import uuid
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from strom.api.auth import api_user
from strom.api.pagination import LimitOffsetPagination
from strom.audit.services import audit_read
from strom.casefile.filetypes import download_content
from strom.cases import access as case_access
from strom.core.downloads import document_response
from strom.core.errors import NotAllowed
from strom.directory.models import Municipality, Organisation
from strom.network.access import get_service_for
from strom.referrals import access, services
from strom.referrals.models import Kind, Referral, Section, State, Urgency
from strom.referrals.selectors import disclosure_record, inbox_for, outbox_for, shared_sections

router = Router(tags=["referrals"])


class ReferralOut(Schema):
    uuid: uuid.UUID
    short_ref: str
    kind: Kind
    state: State
    from_organisation_id: int
    to_organisation_id: int
    service_id: int | None
    municipality_id: int
    urgency: Urgency
    scope: list[Section] = Field(description="The sections of the case the receiver may see while it is live")
    sent_at: dt.datetime | None
    respond_by: dt.datetime | None
    responded_at: dt.datetime | None
    started_at: dt.datetime | None
    completed_at: dt.datetime | None
    withdrawn_at: dt.datetime | None
    expired_at: dt.datetime | None
    case_ref: str | None = Field(None, description="Given to the sending side only")
    basis: str = Field("", description="consent or override; sending side only")
    message: str = ""
    decline_reason: str = ""
    completion_note: str = ""

    @staticmethod
    def resolve_case_ref(obj: Referral, context: dict[str, Any]) -> str | None:
        return obj.case.ref if access.is_sender(context["request"].auth, obj) else None

    @staticmethod
    def resolve_basis(obj: Referral, context: dict[str, Any]) -> str:
        return obj.basis if access.is_sender(context["request"].auth, obj) else ""


class SharedOut(Schema):
    child: bool
    scope: list[Section] = Field(description="What this user may see now; empty once access has ended")
    sections: dict[str, Any] = Field(description="One entry per section in scope, and nothing else")


class ReferralDetailOut(Schema):
    referral: ReferralOut
    shared: SharedOut | None = Field(None, description="For the receiving side only")


class ReferralIn(Schema):
    case_ref: str
    kind: Kind = Kind.REFERRAL
    service_id: int | None = Field(None, description="Required for a referral")
    to_organisation_id: int | None = Field(None, description="Required for a transfer")
    municipality_id: int | None = Field(None, description="Default: the case's municipality")
    scope: list[Section] = Field(default_factory=list)
    urgency: Urgency = Urgency.URGENT
    message: str = Field("", max_length=4000)
    override: bool = False
    override_reason: str = Field("", max_length=2000)
    send: bool = Field(False, description="Send at once; otherwise a draft is saved")


class DraftIn(Schema):
    version: int
    scope: list[Section] | None = None
    urgency: Urgency | None = None
    message: str | None = Field(None, max_length=4000)
    municipality_id: int | None = None


class SendIn(Schema):
    override: bool = False
    override_reason: str = Field("", max_length=2000)


class ReasonIn(Schema):
    reason: str = Field("", max_length=2000)


class CompleteIn(Schema):
    delivered_until: dt.date | None = None
    note: str = Field("", max_length=2000)


class ListFilter(Schema):
    box: Literal["received", "sent"] = "sent"
    state: str = Field("", description="A state, or 'open' for the ones still under way")


class DisclosureOut(Schema):
    referral: uuid.UUID
    # "referral", "transfer", or "transnational" for a referral to another country's STROM instance.
    kind: str
    sent_at: dt.datetime
    recipient: str
    recipient_country: str
    service: str
    shared: list[str]
    basis: str
    state: str
    first_opened_at: dt.datetime | None
    access_ended_at: dt.datetime | None


def _detail(user: Any, referral: Referral) -> dict[str, Any]:
    result: dict[str, Any] = {"referral": referral, "shared": None}
    if access.is_receiver(user, referral):
        scope = access.receiver_scope(user, referral)
        result["shared"] = {
            "child": referral.case.is_child,
            "scope": sorted(scope, key=Section.values.index),
            "sections": {s.key: s.as_json() for s in shared_sections(user, referral)},
        }
        if scope:
            audit_read(
                actor=user,
                object_type="referral",
                object_ref=str(referral.uuid),
                organisation_id=referral.to_organisation_id,
                details={"sections": sorted(scope), "channel": "api"},
            )
    return result


@router.get("", response=list[ReferralOut], url_name="referral_list")
@paginate(LimitOffsetPagination)
def list_referrals(request: HttpRequest, filters: Query[ListFilter]) -> Any:
    user = api_user(request)
    state = filters.state if filters.state in ("", "open", *State.values) else "open"
    qs = inbox_for(user, state=state) if filters.box == "received" else outbox_for(user, state=state)
    return qs.select_related("case", "case__owner")


def _get(request: HttpRequest, referral_uuid: uuid.UUID) -> tuple[Any, Referral]:
    user = api_user(request)
    return user, access.get_referral_for(user, referral_uuid)


@router.post("", response={201: ReferralDetailOut}, url_name="referral_create")
def create_referral(request: HttpRequest, payload: ReferralIn) -> dict[str, Any]:
    user = api_user(request)
    case = case_access.get_case_for(user, payload.case_ref)
    service = None
    organisation = None
    if payload.kind == Kind.REFERRAL:
        if payload.service_id is None:
            raise ValidationError({"service_id": [_("Choose the service you refer the person to.")]})
        try:
            service = get_service_for(user, payload.service_id)
        except NotAllowed:
            raise ValidationError({"service_id": [_("There is no service with this id.")]}) from None
    elif payload.to_organisation_id is not None:
        organisation = Organisation.objects.filter(pk=payload.to_organisation_id).first()
        if organisation is None:
            raise ValidationError({"to_organisation_id": [_("There is no organisation with this id.")]})
    municipality = None
    if payload.municipality_id is not None:
        municipality = Municipality.objects.filter(pk=payload.municipality_id).first()
        if municipality is None:
            raise ValidationError({"municipality_id": [_("There is no municipality with this id.")]})
    # Sent at once, all or nothing: a refused send leaves no draft behind.
    with transaction.atomic():
        referral = services.referral_create(
            by=user,
            case=case,
            service=service,
            to_organisation=organisation,
            kind=payload.kind.value,
            municipality=municipality,
            scope=[s.value for s in payload.scope],
            urgency=payload.urgency.value,
            message=payload.message,
            override=payload.override,
            override_reason=payload.override_reason,
        )
        if payload.send:
            services.referral_send(
                by=user, referral=referral, override=payload.override, override_reason=payload.override_reason
            )
    return _detail(user, referral)


@router.get("/{referral_uuid}", response=ReferralDetailOut, url_name="referral_detail")
def get_referral(request: HttpRequest, referral_uuid: uuid.UUID) -> dict[str, Any]:
    user, referral = _get(request, referral_uuid)
    return _detail(user, referral)


@router.patch("/{referral_uuid}", response=ReferralDetailOut, url_name="referral_update")
def update_referral(request: HttpRequest, referral_uuid: uuid.UUID, payload: DraftIn) -> dict[str, Any]:
    user, referral = _get(request, referral_uuid)
    municipality = None
    if payload.municipality_id is not None:
        municipality = Municipality.objects.filter(pk=payload.municipality_id).first()
        if municipality is None:
            raise ValidationError({"municipality_id": [_("There is no municipality with this id.")]})
    services.referral_update(
        by=user,
        referral=referral,
        version=payload.version,
        scope=None if payload.scope is None else [s.value for s in payload.scope],
        urgency=payload.urgency.value if payload.urgency else None,
        message=payload.message,
        municipality=municipality,
    )
    return _detail(user, referral)


@router.post("/{referral_uuid}/send", response=ReferralDetailOut, url_name="referral_send")
def send_referral(request: HttpRequest, referral_uuid: uuid.UUID, payload: SendIn) -> dict[str, Any]:
    user, referral = _get(request, referral_uuid)
    services.referral_send(
        by=user, referral=referral, override=payload.override, override_reason=payload.override_reason
    )
    return _detail(user, referral)


@router.post("/{referral_uuid}/withdraw", response=ReferralDetailOut, url_name="referral_withdraw")
def withdraw_referral(request: HttpRequest, referral_uuid: uuid.UUID, payload: ReasonIn) -> dict[str, Any]:
    user, referral = _get(request, referral_uuid)
    services.referral_withdraw(by=user, referral=referral, reason=payload.reason)
    return _detail(user, referral)


@router.delete("/{referral_uuid}", response={204: None}, url_name="referral_discard")
def discard_referral(request: HttpRequest, referral_uuid: uuid.UUID) -> Status[None]:
    """Discard a draft. A referral that was sent is withdrawn instead (POST …/withdraw)."""
    user, referral = _get(request, referral_uuid)
    services.referral_discard(by=user, referral=referral)
    return Status(204, None)


@router.post("/{referral_uuid}/accept", response=ReferralDetailOut, url_name="referral_accept")
def accept_referral(request: HttpRequest, referral_uuid: uuid.UUID) -> dict[str, Any]:
    user, referral = _get(request, referral_uuid)
    services.referral_accept(by=user, referral=referral)
    return _detail(user, referral)


@router.post("/{referral_uuid}/decline", response=ReferralDetailOut, url_name="referral_decline")
def decline_referral(request: HttpRequest, referral_uuid: uuid.UUID, payload: ReasonIn) -> dict[str, Any]:
    user, referral = _get(request, referral_uuid)
    services.referral_decline(by=user, referral=referral, reason=payload.reason)
    return _detail(user, referral)


@router.post("/{referral_uuid}/start", response=ReferralDetailOut, url_name="referral_start")
def start_referral(request: HttpRequest, referral_uuid: uuid.UUID) -> dict[str, Any]:
    user, referral = _get(request, referral_uuid)
    services.referral_start(by=user, referral=referral)
    return _detail(user, referral)


@router.post("/{referral_uuid}/complete", response=ReferralDetailOut, url_name="referral_complete")
def complete_referral(request: HttpRequest, referral_uuid: uuid.UUID, payload: CompleteIn) -> dict[str, Any]:
    user, referral = _get(request, referral_uuid)
    services.referral_complete(
        by=user, referral=referral, delivered_until=payload.delivered_until, note=payload.note
    )
    return _detail(user, referral)


@router.get(
    "/{referral_uuid}/documents/{document_uuid}",
    url_name="referral_document",
    response={200: None},
    openapi_extra={
        "responses": {200: {"description": "The file, in its detected type", "content": download_content()}}
    },
)
def referral_document(
    request: HttpRequest, referral_uuid: uuid.UUID, document_uuid: uuid.UUID
) -> HttpResponse:
    user = api_user(request)
    referral, _scope = access.get_received_for(user, referral_uuid, Section.DOCUMENTS)
    document, data = services.referral_document_read(by=user, referral=referral, document_uuid=document_uuid)
    return document_response(data, document)


@router.get("/persons/{person_id}/disclosures", response=list[DisclosureOut], url_name="referral_disclosures")
def person_disclosures(request: HttpRequest, person_id: int) -> list[dict[str, Any]]:
    user = api_user(request)
    person = case_access.get_person_for(user, person_id)
    audit_read(
        actor=user,
        object_type="person",
        object_ref=person.pk,
        organisation_id=person.organisation_id,
        details={"section": "disclosures"},
    )
    return [
        {
            "referral": d.ref,
            "kind": d.kind,
            "sent_at": d.sent_at,
            "recipient": d.recipient,
            "recipient_country": d.recipient_country,
            "service": d.service,
            "shared": d.shared,
            "basis": d.basis,
            "state": d.state,
            "first_opened_at": d.first_opened_at,
            "access_ended_at": d.access_ended_at,
        }
        for d in disclosure_record(user, person)
    ]
