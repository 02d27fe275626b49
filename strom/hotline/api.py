"""/api/v1/hotline: the hotline's contacts (signals), tips about places, and its statistics.

The same rules as the pages: operators see their hotline's contacts, supervisors of the hotline review
them, statistics go through disclosure control. A contact's identifying fields are shown to the people
who see the contact, as a person's are to the people who see the case.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from strom.api.auth import api_user
from strom.audit.services import audit_read
from strom.directory.models import Municipality, Organisation
from strom.hotline import access
from strom.hotline.models import Contact, Tip
from strom.hotline.selectors import DIMENSIONS, audit_contacts_read, hotline_table, queue
from strom.hotline.services import ContactFields, TipFields, contact_log, tip_create
from strom.network.models import NetworkService

router = Router(tags=["hotline"])


class ContactOut(Schema):
    id: int
    organisation_id: int
    source: str
    channel: str
    direction: str
    occurred_at: dt.datetime
    duration_minutes: int | None
    caller_type: str
    language: str
    interpreter: bool
    country: str
    municipality_id: int | None
    topic: str
    immediate_danger: bool
    child: bool
    summary: str
    actions: list[str]
    referred_service_id: int | None
    caller_name: str
    callback: str
    contact_me: bool
    recognised_caller: bool = Field(
        description="The caller agreed to be recognised by their number (never shown)"
    )
    status: str
    case_ref: str | None
    screening_id: int | None
    reviewed_at: dt.datetime | None


class ContactIn(Schema):
    organisation_id: int
    channel: str = Field(max_length=12)
    caller_type: str = Field(max_length=20)
    topic: str = Field(max_length=24)
    direction: str = Field("inbound", max_length=10)
    occurred_at: dt.datetime | None = None
    duration_minutes: int | None = Field(None, ge=0, le=1440)
    language: str = Field("", max_length=3)
    interpreter: bool = False
    country: str = Field("", max_length=2)
    municipality_id: int | None = None
    immediate_danger: bool = False
    child: bool = False
    summary: str = Field("", max_length=4000)
    actions: list[str] = Field(default_factory=list, max_length=10)
    referred_service_id: int | None = None
    caller_name: str = Field("", max_length=200)
    callback: str = Field("", max_length=200)
    contact_me: bool = False
    caller_phone: str = Field(
        "", max_length=40, description="Only with recognise_consent; kept as a key, never stored"
    )
    recognise_consent: bool = False


class TipOut(Schema):
    id: int
    organisation_id: int
    place_name: str
    address: str
    country: str
    municipality_id: int | None
    sector: str
    indicators: list[str]
    description: str
    group_id: int | None
    received_at: dt.datetime


class TipIn(Schema):
    organisation_id: int
    place_name: str = Field(max_length=200)
    sector: str = Field(max_length=20)
    country: str = Field(max_length=2)
    address: str = Field("", max_length=200)
    municipality_id: int | None = None
    indicators: list[str] = Field(default_factory=list, max_length=20)
    description: str = Field("", max_length=4000)


class StatRowOut(Schema):
    label: str
    count: int | None = Field(description="None: withheld by disclosure control")


class StatsOut(Schema):
    by: str
    rows: list[StatRowOut]
    total: StatRowOut


class QueueFilter(Schema):
    status: Literal["open", "closed", "all"] = "open"
    urgent: bool = False


class StatsFilter(Schema):
    by: Literal["channel", "caller_type", "topic", "outcome", "month", "region"] = "channel"
    country: str = Field("", max_length=2)
    year: int | None = Field(None, ge=2000, le=2100)


def _contact_out(contact: Contact) -> dict[str, Any]:
    return {
        **{f: getattr(contact, f) for f in ContactOut.model_fields if hasattr(contact, f)},
        "recognised_caller": bool(contact.caller_key),
        "case_ref": contact.case.ref if contact.case_id and contact.case else None,
    }


def _tip_out(tip: Tip) -> dict[str, Any]:
    return {f: getattr(tip, f) for f in TipOut.model_fields}


def _organisation(organisation_id: int) -> Organisation:
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None:
        raise ValidationError({"organisation_id": [_("There is no organisation with this id.")]})
    return organisation


def _municipality(municipality_id: int | None) -> Municipality | None:
    if municipality_id is None:
        return None
    found = Municipality.objects.filter(pk=municipality_id).first()
    if found is None:
        raise ValidationError({"municipality_id": [_("There is no municipality with this id.")]})
    return found


@router.get("/contacts", response=list[ContactOut], url_name="hotline_contacts")
def list_contacts(request: HttpRequest, filters: Query[QueueFilter]) -> list[dict[str, Any]]:
    """The queue: the newest 50 contacts of the caller's hotlines, urgent first."""
    user = api_user(request)
    access.check_hotline(user)
    rows = queue(user, status=filters.status, urgent=filters.urgent)
    audit_contacts_read(user, rows, page="api")
    return [_contact_out(c) for c in rows]


@router.post("/contacts", response={201: ContactOut}, url_name="hotline_contact_log")
def log_contact(request: HttpRequest, payload: ContactIn) -> Status[dict[str, Any]]:
    user = api_user(request)
    access.check_may_log(user)
    organisation = _organisation(payload.organisation_id)
    service = None
    if payload.referred_service_id is not None:
        service = NetworkService.objects.visible_to(user).filter(pk=payload.referred_service_id).first()
        if service is None:
            raise ValidationError({"referred_service_id": [_("There is no such service in the network.")]})
    data = ContactFields(
        **payload.dict(exclude={"organisation_id", "municipality_id", "referred_service_id"}),
        municipality=_municipality(payload.municipality_id),
        referred_service=service,
    )
    contact = contact_log(by=user, organisation=organisation, data=data)
    return Status(201, _contact_out(contact))


@router.get("/contacts/{int:contact_id}", response=ContactOut, url_name="hotline_contact")
def get_contact(request: HttpRequest, contact_id: int) -> dict[str, Any]:
    user = api_user(request)
    contact = access.get_contact_for(user, contact_id)
    audit_contacts_read(user, [contact], page="api")
    return _contact_out(contact)


@router.get("/tips", response=list[TipOut], url_name="hotline_tips")
def list_tips(request: HttpRequest) -> list[dict[str, Any]]:
    user = api_user(request)
    rows = list(Tip.objects.visible_to(user).order_by("-received_at", "-pk")[:50])
    if not rows and not access.may_see_tips(user):
        access.check_hotline(user)
    if rows:
        audit_read(
            actor=user,
            object_type="hotline_tip",
            object_ref="",
            organisation_id=None,
            details={"page": "api", "ids": [t.pk for t in rows]},
        )
    return [_tip_out(t) for t in rows]


@router.post("/tips", response={201: TipOut}, url_name="hotline_tip_create")
def create_tip(request: HttpRequest, payload: TipIn) -> Status[dict[str, Any]]:
    user = api_user(request)
    access.check_may_log(user)
    organisation = _organisation(payload.organisation_id)
    data = TipFields(
        **payload.dict(exclude={"organisation_id", "municipality_id"}),
        municipality=_municipality(payload.municipality_id),
    )
    tip = tip_create(by=user, organisation=organisation, data=data)
    return Status(201, _tip_out(tip))


@router.get("/stats", response=StatsOut, url_name="hotline_stats")
def get_stats(request: HttpRequest, filters: Query[StatsFilter]) -> dict[str, Any]:
    """Contacts by one dimension, with the statistics' disclosure control (withheld counts are null)."""
    user = api_user(request)
    access.check_hotline_stats(user)
    country = filters.country.upper()
    rows, total = hotline_table(dimension=filters.by, country=country, year=filters.year)
    assert filters.by in DIMENSIONS
    return {"by": filters.by, "rows": rows, "total": total}
