"""Partner instances and transnational referrals (BSR-TRM measures) in signed, encrypted messages.

/api/v1/transnational/jwks and /messages are the two operations another instance calls: without a
user (auth=None), because the message's signature by a partner's pinned key is its authentication.
The others are for this instance's focal points, with the usual authentication.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema, Status

from strom.api.auth import api_user
from strom.api.errors import problem
from strom.api.openapi import Problem
from strom.audit.services import audit_read
from strom.core.errors import NotAllowed
from strom.transnational import access, selectors
from strom.transnational.keys import instance_keys
from strom.transnational.models import Direction, TransnationalReferral
from strom.transnational.services_messages import message_receive

router = Router(tags=["transnational"])


class JwkOut(Schema):
    kty: str
    crv: str
    x: str
    y: str
    kid: str = Field(description="The key's RFC 7638 thumbprint: the fingerprint exchanged out of band")
    use: str = Field(description="sig or enc")
    alg: str


class JwksOut(Schema):
    keys: list[JwkOut]


class MessageIn(Schema):
    token: str = Field(max_length=2_000_000, description="A JWE (compact) holding a JWS (compact)")


class ReceiptOut(Schema):
    code: str = Field(description="received")
    receipt: str = Field(description="A JWS signed by this instance: {for: message id, status, iat}")


class MessageRefusedProblem(Problem):
    code: str = Field(description="Why the message was refused: unknown_key, bad_signature, replayed, ...")
    receipt: str = Field("", description="For `replayed`: a signed receipt saying the message is held")


@router.get("/jwks", response=JwksOut, auth=None, url_name="transnational_jwks")
def jwks(request: HttpRequest) -> dict[str, Any]:
    """This instance's public keys (current first), for partners to check against the fingerprints."""
    return instance_keys().public_jwks()


@router.post(
    "/messages",
    response={
        200: ReceiptOut,
        400: MessageRefusedProblem,
        403: MessageRefusedProblem,
        409: MessageRefusedProblem,
    },
    auth=None,
    url_name="transnational_messages",
)
def messages(request: HttpRequest, payload: MessageIn) -> Any:
    """Receive one message from a partner instance. Refused (and nothing stored) unless it comes from a
    known, active partner, is signed by its key, intact, fresh, about known measures, and new."""
    reception = message_receive(payload.token)
    if reception.status == 200:
        return Status(200, {"code": reception.code, "receipt": reception.receipt})
    response: HttpResponse = problem(
        request,
        reception.status,
        "message-refused",
        "The message was refused",
        reception.code,
        extra={"code": reception.code, "receipt": reception.receipt},
    )
    return response


class TransnationalReferralOut(Schema):
    id: int
    uuid: uuid.UUID
    direction: str = Field(description="out: sent from a case here; in: received from a partner")
    partner: str
    partner_country: str
    measures: list[str]
    scope: list[str]
    state: str
    created_at: dt.datetime
    delivered_at: dt.datetime | None
    answered_at: dt.datetime | None
    case_ref: str | None

    @staticmethod
    def resolve_partner(obj: TransnationalReferral) -> str:
        return obj.partner.name

    @staticmethod
    def resolve_partner_country(obj: TransnationalReferral) -> str:
        return obj.partner.country

    @staticmethod
    def resolve_case_ref(obj: TransnationalReferral) -> str | None:
        return obj.case.ref if obj.case is not None else None


@router.get("/referrals", response=list[TransnationalReferralOut], url_name="transnational_referrals")
def referral_list(
    request: HttpRequest, direction: Direction = Direction.INCOMING
) -> list[TransnationalReferral]:
    """The focal point's inbox (`in`) or outbox (`out`), newest first, at most 100."""
    user = api_user(request)
    if not access.focal_point_org_ids(user):
        raise NotAllowed
    rows = list(selectors.referrals_for(user, direction=direction)[:100])
    audit_read(actor=user, object_type="transnational_referral", object_ref="list", organisation_id=None)
    return rows


@router.get("/referrals/{referral_id}", response=TransnationalReferralOut, url_name="transnational_referral")
def referral_detail(request: HttpRequest, referral_id: int) -> TransnationalReferral:
    user = api_user(request)
    referral = access.get_referral_for(user, referral_id)
    audit_read(
        actor=user,
        object_type="transnational_referral",
        object_ref=str(referral.uuid),
        organisation_id=referral.organisation_id,
    )
    return referral
