"""/api/v1/support/{ref}: needs, the support plan and its reviews, services — the same services as the pages.

Field names follow HTCDS where it has them (spl_Objectives → objectives, spl_ActionPlan → action_plan,
spl_PlannedEndDate → planned_end_date, spl_ActualEndDate → actual_end_date, spl_Type → service_type).
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from strom.api.auth import api_user
from strom.api.errors import edit_conflict
from strom.api.openapi import EditConflictProblem
from strom.cases.access import get_case_for
from strom.cases.models import Case
from strom.cases.reads import case_read_record
from strom.cases.services import EditConflict
from strom.directory.models import Organisation
from strom.support import selectors
from strom.support.access import get_service_for
from strom.support.choices import Coverage, Priority, ServiceStatus, ServiceType
from strom.support.models import NeedsAssessment, PlanReview, Service, SupportPlan
from strom.support.services import (
    needs_assessment_record,
    plan_review_record,
    service_cancel,
    service_plan,
    service_update,
    support_plan_save,
)

router = Router(tags=["support"])


# --- schemas -----------------------------------------------------------------------------------------


class NeedIO(Schema):
    service_type: ServiceType = Field(description="HTCDS spl_Type, or a statutory minimum service")
    priority: Priority


class NeedsAssessmentOut(Schema):
    id: int
    assessed_at: dt.date
    assessed_by: str
    needs: list[NeedIO]
    summary: str
    next_review_at: dt.date | None


class NeedsAssessmentIn(Schema):
    assessed_at: dt.date
    needs: list[NeedIO] = Field(default_factory=list, max_length=len(ServiceType.values))
    summary: str = Field("", max_length=20000)
    next_review_at: dt.date | None = None


class PlanOut(Schema):
    version: int = Field(description="Send it back with PUT; a stale version answers 409")
    start_date: dt.date
    objectives: str = Field(description="HTCDS spl_Objectives")
    action_plan: str = Field(description="HTCDS spl_ActionPlan")
    planned_end_date: dt.date | None = Field(description="HTCDS spl_PlannedEndDate")
    actual_end_date: dt.date | None = Field(description="HTCDS spl_ActualEndDate")
    last_reviewed_at: dt.date | None
    next_review_due: dt.date | None


class PlanIn(Schema):
    version: int = Field(ge=0, description="The version you started from; 0 when the case has no plan yet")
    start_date: dt.date
    objectives: str = Field("", max_length=20000)
    action_plan: str = Field("", max_length=20000)
    planned_end_date: dt.date | None = None
    actual_end_date: dt.date | None = None
    next_review_due: dt.date | None = Field(
        None, description="Empty on a new plan: the country's review period from the start date"
    )


class ReviewIn(Schema):
    reviewed_at: dt.date
    summary: str = Field("", max_length=20000)
    next_review_due: dt.date | None = Field(
        None, description="Empty: the country's review period from this review"
    )


class ReviewOut(Schema):
    id: int
    reviewed_at: dt.date
    reviewed_by: str
    summary: str
    next_review_due: dt.date | None


class SupportServiceOut(Schema):
    id: int
    service_type: ServiceType = Field(description="HTCDS spl_Type, or a statutory minimum service")
    status: ServiceStatus
    provider_organisation_id: int | None
    provider_name: str
    planned_start: dt.date | None
    planned_end: dt.date | None
    actual_start: dt.date | None
    actual_end: dt.date | None
    cost: Decimal | None
    currency: str = Field(description="ISO 4217")
    notes: str
    cancellation_reason: str


class ServiceIn(Schema):
    service_type: ServiceType
    status: ServiceStatus = ServiceStatus.PLANNED
    provider_organisation_id: int | None = None
    provider_name: str = Field("", max_length=200, description="A service or business, never a person's name")
    planned_start: dt.date | None = None
    planned_end: dt.date | None = None
    actual_start: dt.date | None = None
    actual_end: dt.date | None = None
    cost: Decimal | None = Field(None, description="≥ 0, at most 2 decimals")
    currency: str = Field("EUR", max_length=3, description="ISO 4217")
    notes: str = Field("", max_length=20000)


class ServicePatchIn(Schema):
    status: ServiceStatus | None = Field(
        None, description="“cancelled” cancels the service; send only cancellation_reason with it"
    )
    provider_organisation_id: int | None = None
    provider_name: str | None = Field(None, max_length=200)
    planned_start: dt.date | None = None
    planned_end: dt.date | None = None
    actual_start: dt.date | None = None
    actual_end: dt.date | None = None
    cost: Decimal | None = None
    currency: str | None = Field(None, max_length=3)
    notes: str | None = Field(None, max_length=20000)
    cancellation_reason: str = Field("", max_length=20000)


class CostTotalOut(Schema):
    currency: str
    recorded: Decimal = Field(description="All services that are not cancelled")
    delivered: Decimal


class CoverageOut(Schema):
    service_type: ServiceType
    state: Coverage
    priority: Priority | None = Field(description="From the latest needs assessment")


class ServicesOut(Schema):
    services: list[SupportServiceOut]
    totals: list[CostTotalOut]
    coverage: list[CoverageOut] = Field(
        description="The seven statutory minimum services; “missing” is flagged"
    )


# --- helpers -----------------------------------------------------------------------------------------


def _case(request: HttpRequest, ref: str, *, write: bool = False, section: str = "") -> Case:
    user = api_user(request)
    case = get_case_for(user, ref, write=write)
    if section:
        case_read_record(by=user, case=case, section=section)
    return case


def _name(user: object) -> str:
    return str(getattr(user, "full_name", "") or getattr(user, "email", ""))


def _assessment_out(assessment: NeedsAssessment) -> NeedsAssessmentOut:
    return NeedsAssessmentOut(
        id=assessment.pk,
        assessed_at=assessment.assessed_at,
        assessed_by=_name(assessment.assessed_by),
        needs=[
            NeedIO(service_type=ServiceType(n.service_type), priority=Priority(n.priority))
            for n in assessment.needs.all()
        ],
        summary=assessment.summary,
        next_review_at=assessment.next_review_at,
    )


def _review_out(review: PlanReview) -> ReviewOut:
    return ReviewOut(
        id=review.pk,
        reviewed_at=review.reviewed_at,
        reviewed_by=_name(review.reviewed_by),
        summary=review.summary,
        next_review_due=review.next_review_due,
    )


def _organisation(request: HttpRequest, organisation_id: int | None) -> Organisation | None:
    if organisation_id is None:
        return None
    organisation = Organisation.objects.visible_to(api_user(request)).filter(pk=organisation_id).first()
    if organisation is None:
        raise ValidationError({"provider_organisation_id": [_("There is no organisation with this id.")]})
    return organisation


# --- needs -------------------------------------------------------------------------------------------


@router.get("/{ref}/needs", response=list[NeedsAssessmentOut], url_name="support_needs_list")
def list_needs(request: HttpRequest, ref: str) -> list[NeedsAssessmentOut]:
    case = _case(request, ref, section="support.needs")
    assessments = (
        NeedsAssessment.objects.visible_to(api_user(request))
        .filter(case=case)
        .select_related("assessed_by")
        .prefetch_related("needs")
    )
    return [_assessment_out(a) for a in assessments]


@router.post("/{ref}/needs", response={201: NeedsAssessmentOut}, url_name="support_needs_create")
def create_needs(request: HttpRequest, ref: str, payload: NeedsAssessmentIn) -> NeedsAssessmentOut:
    case = _case(request, ref, write=True)
    needs = {n.service_type.value: n.priority.value for n in payload.needs}
    if len(needs) != len(payload.needs):
        raise ValidationError({"needs": [_("List each need once.")]})
    assessment = needs_assessment_record(
        by=api_user(request),
        case=case,
        assessed_at=payload.assessed_at,
        needs=needs,
        summary=payload.summary,
        next_review_at=payload.next_review_at,
    )
    return _assessment_out(assessment)


# --- plan --------------------------------------------------------------------------------------------


@router.get("/{ref}/plan", response=PlanOut, url_name="support_plan_detail")
def get_plan(request: HttpRequest, ref: str) -> SupportPlan:
    case = _case(request, ref, section="support.plan")
    plan = selectors.plan_for(api_user(request), case)
    if plan is None:
        raise Http404
    return plan


@router.put("/{ref}/plan", response={200: PlanOut, 409: EditConflictProblem}, url_name="support_plan_save")
def put_plan(request: HttpRequest, ref: str, payload: PlanIn) -> SupportPlan | HttpResponse:
    case = _case(request, ref, write=True)
    try:
        return support_plan_save(by=api_user(request), case=case, **payload.dict())
    except EditConflict as exc:
        return edit_conflict(
            request, stored_version=exc.stored_version, changed_fields=[c.field for c in exc.changes]
        )


@router.post("/{ref}/plan/reviews", response={201: ReviewOut}, url_name="support_plan_review")
def create_review(request: HttpRequest, ref: str, payload: ReviewIn) -> ReviewOut:
    case = _case(request, ref, write=True)
    review = plan_review_record(by=api_user(request), case=case, **payload.dict())
    return _review_out(review)


# --- services ----------------------------------------------------------------------------------------


@router.get("/{ref}/services", response=ServicesOut, url_name="support_service_list")
def list_services(request: HttpRequest, ref: str) -> ServicesOut:
    case = _case(request, ref, section="support.services")
    user = api_user(request)
    services = selectors.services_for(user, case)
    rows = selectors.coverage(
        services, selectors.not_needed_for(user, case), selectors.latest_assessment(user, case)
    )
    return ServicesOut(
        services=[SupportServiceOut.from_orm(s) for s in services],
        totals=[
            CostTotalOut(currency=t.currency, recorded=t.recorded, delivered=t.delivered)
            for t in selectors.cost_totals(services)
        ],
        coverage=[
            CoverageOut(
                service_type=ServiceType(r.service_type),
                state=r.state,
                priority=Priority(r.priority) if r.priority else None,
            )
            for r in rows
        ],
    )


@router.post("/{ref}/services", response={201: SupportServiceOut}, url_name="support_service_create")
def create_service(request: HttpRequest, ref: str, payload: ServiceIn) -> Service:
    case = _case(request, ref, write=True)
    data = payload.dict()
    data["service_type"] = payload.service_type.value
    data["status"] = payload.status.value
    data["provider_organisation"] = _organisation(request, data.pop("provider_organisation_id"))
    return service_plan(by=api_user(request), case=case, **data)


@router.patch("/{ref}/services/{service_id}", response=SupportServiceOut, url_name="support_service_update")
def update_service(request: HttpRequest, ref: str, service_id: int, payload: ServicePatchIn) -> Service:
    user = api_user(request)
    service = get_service_for(user, ref, service_id, write=True)
    sent = payload.model_fields_set - {"cancellation_reason"}
    if payload.status == ServiceStatus.CANCELLED:
        if sent - {"status"}:
            raise ValidationError({"status": [_("Cancel a service on its own, without other changes.")]})
        return service_cancel(by=user, service=service, reason=payload.cancellation_reason)
    changes: dict[str, Any] = {}
    for name in sent:
        value = getattr(payload, name)
        if name == "provider_organisation_id":
            changes["provider_organisation"] = _organisation(request, value)
        elif name == "status":
            if value is None:
                raise ValidationError({"status": [_("Choose a status from the list.")]})
            changes["status"] = value.value
        elif name in {"provider_name", "notes", "currency"}:
            changes[name] = value or ""
        else:
            changes[name] = value
    return service_update(by=user, service=service, **changes)
