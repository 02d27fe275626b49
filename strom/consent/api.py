"""/api/v1/consent/{ref}: what the person has and has not consented to, record an answer, withdraw.

The statistics purpose corresponds to HTCDS con_Consent / vic_AgreementToManagePersonalData.
"""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from strom.api.auth import api_user
from strom.cases.access import get_case_for
from strom.cases.models import Case
from strom.cases.reads import case_read_record
from strom.consent.access import get_consent_for
from strom.consent.models import ConsentRecord, HowRecorded, Purpose
from strom.consent.selectors import Reason, overview, records_for_case
from strom.consent.services import consent_record, consent_withdraw
from strom.directory.models import Organisation

router = Router(tags=["consent"])


class ConsentOut(Schema):
    id: int
    purpose: Purpose
    recipient_organisation_id: int | None
    recipient_country: str = Field(description="ISO 3166-1 alpha-2, for cross_border")
    given: bool = Field(description="False: the person refused")
    given_at: dt.date
    how: HowRecorded
    valid_until: dt.date | None
    applies_to_case_only: bool
    child_without_guardian: bool = Field(description="A child's case, not recorded through a guardian")
    withdrawn_at: dt.date | None
    withdrawal_reason: str

    @staticmethod
    def resolve_applies_to_case_only(obj: ConsentRecord) -> bool:
        return obj.case_id is not None


class StatusOut(Schema):
    purpose: Purpose
    recipient_organisation_id: int | None
    recipient_country: str
    given: bool = Field(description="True only if consented, not withdrawn and not expired")
    reason: Reason
    consent_id: int | None


class ConsentListOut(Schema):
    summary: list[StatusOut] = Field(
        description=(
            "Current state per purpose and recipient asked about. Anything not listed is not consented."
        )
    )
    records: list[ConsentOut] = Field(description="Every answer that applies to the case, newest first")


class ConsentIn(Schema):
    purpose: Purpose
    recipient_organisation_id: int | None = Field(None, description="Required for disclosure")
    recipient_country: str = Field(
        "", max_length=2, description="ISO 3166-1 alpha-2; required for cross_border"
    )
    given: bool
    given_at: dt.date
    how: HowRecorded
    valid_until: dt.date | None = None
    case_only: bool = Field(True, description="False: the answer applies to all the person's cases")


class WithdrawIn(Schema):
    withdrawn_at: dt.date | None = Field(None, description="Default today")
    reason: str = Field("", max_length=20000)


def _case(request: HttpRequest, ref: str, *, write: bool = False) -> Case:
    return get_case_for(api_user(request), ref, write=write)


@router.get("/{ref}", response=ConsentListOut, url_name="consent_list")
def list_consent(request: HttpRequest, ref: str) -> dict[str, Any]:
    user = api_user(request)
    case = _case(request, ref)
    records = records_for_case(user, case)
    case_read_record(by=user, case=case, section="consent")
    summary = [
        StatusOut(
            purpose=Purpose(row.purpose),
            recipient_organisation_id=row.status.record.recipient_organisation_id
            if row.status.record
            else None,
            recipient_country=row.status.record.recipient_country if row.status.record else "",
            given=row.status.given,
            reason=row.status.reason,
            consent_id=row.status.record.pk if row.status.record else None,
        )
        for row in overview(records)
    ]
    return {"summary": summary, "records": records}


@router.post("/{ref}", response={201: ConsentOut}, url_name="consent_record")
def create_consent(request: HttpRequest, ref: str, payload: ConsentIn) -> ConsentRecord:
    user = api_user(request)
    case = _case(request, ref, write=True)
    organisation = None
    if payload.recipient_organisation_id is not None:
        organisation = (
            Organisation.objects.visible_to(user).filter(pk=payload.recipient_organisation_id).first()
        )
        if organisation is None:
            raise ValidationError(
                {"recipient_organisation_id": [_("There is no organisation with this id.")]}
            )
    record = consent_record(
        by=user,
        case=case,
        purpose=payload.purpose.value,
        given=payload.given,
        given_at=payload.given_at,
        how=payload.how.value,
        recipient_organisation=organisation,
        recipient_country=payload.recipient_country,
        valid_until=payload.valid_until,
        case_only=payload.case_only,
    )
    return record


@router.post("/{ref}/{consent_id}/withdraw", response=ConsentOut, url_name="consent_withdraw")
def withdraw_consent(request: HttpRequest, ref: str, consent_id: int, payload: WithdrawIn) -> ConsentRecord:
    case = _case(request, ref, write=True)
    record = get_consent_for(api_user(request), case, consent_id)
    return consent_withdraw(
        by=api_user(request),
        case=case,
        record=record,
        withdrawn_at=payload.withdrawn_at,
        reason=payload.reason,
    )
