"""/api/v1/cases/{ref}/...: stages, decisions, reflection period, closure and follow-up, residence
permits, proceedings, return plans and tasks. Same access functions and services as the pages.

A stage move sends the case `version` it was based on; a stale one answers 409 (problem+json).
No `from __future__ import annotations` here: ninja reads the annotations at runtime.
"""

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from strom.accounts.models import User
from strom.api.auth import api_user
from strom.api.errors import edit_conflict
from strom.api.openapi import EditConflictProblem
from strom.cases.access import can_decide, get_case_for
from strom.cases.models import Case
from strom.cases.reads import case_read_record
from strom.cases.services import EditConflict
from strom.stages import access as stage_access
from strom.stages import selectors as sel
from strom.stages import services as svc
from strom.stages import services_requests as req_svc
from strom.stages import stages
from strom.stages.models import (
    CaseTask,
    ClosureReason,
    Decision,
    DecisionMaker,
    DecisionRequest,
    Outcome,
    PermitBasis,
    PermitDecision,
    Proceeding,
    ProceedingKind,
    ProceedingRole,
    ProceedingStatus,
    ReflectionPeriod,
    ResidencePermit,
    ReturnKind,
    ReturnPlan,
)

router = Router(tags=["stages and clocks"])


# --- schemas -------------------------------------------------------------------------------------------


class MoveOut(Schema):
    stage: str
    allowed: bool
    refusal: str = Field("", description="Why the move is not possible now (translated)")


class DecisionOut(Schema):
    id: int
    kind: str
    outcome: Outcome
    decided_by_org_type: DecisionMaker = Field(description="HTCDS vic_TraffickingStatusDecisionMakingOrg")
    decided_by_user_id: int | None = Field(description="Empty when an outside body decided")
    recorded_by_user_id: int
    decided_at: dt.date
    reason: str


class ReflectionOut(Schema):
    starts_on: dt.date
    ends_on: dt.date = Field(description="Last day of the period")
    base_days: int
    extension_days: int
    extension_days_left: int
    rule_version: int | None = Field(
        description="The version of the country's rules the period follows (/api/v1/country-rules/{country})"
    )


class StageOut(Schema):
    ref: str
    stage: str
    status: str = Field(description="HTCDS cas_Status")
    trafficking_status: str = Field(description="HTCDS vic_TraffickingStatus")
    version: int
    next_due_at: dt.date | None
    closure_reason: str
    next_stages: list[MoveOut]
    decisions: list[DecisionOut]
    reflection: ReflectionOut | None
    services_allowed: bool


class DecisionIn(Schema):
    outcome: Outcome
    decided_at: dt.date
    version: int
    reason: str = Field("", max_length=5000)
    decided_by_org_type: DecisionMaker | None = Field(
        None, description="The body that decided, when it is not your own organisation"
    )


class ReasonableGroundsIn(DecisionIn):
    start_reflection: bool = Field(False, description="Positive decisions: start the reflection period now")


class StageIn(Schema):
    to_stage: str
    version: int
    reason: str = Field("", max_length=2000)
    reflection_start: dt.date | None = None


class ExtensionIn(Schema):
    days: int
    reason: str = Field(max_length=2000)


class ClosureIn(Schema):
    version: int
    closure_reason: ClosureReason
    closure_details: str = Field("", max_length=5000)


class FollowUpIn(Schema):
    version: int
    action: Literal["start", "end"]


class PermitOut(Schema):
    id: int
    basis: list[str]
    applied_on: dt.date
    decision: PermitDecision
    decided_on: dt.date | None
    valid_from: dt.date | None
    valid_until: dt.date | None


class PermitIn(Schema):
    basis: list[PermitBasis] = Field(min_length=1)
    applied_on: dt.date
    decision: PermitDecision = PermitDecision.PENDING
    decided_on: dt.date | None = None
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None


class PermitPatch(Schema):
    basis: list[PermitBasis] | None = None
    applied_on: dt.date | None = None
    decision: PermitDecision | None = None
    decided_on: dt.date | None = None
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None


class RenewalIn(Schema):
    valid_from: dt.date
    valid_until: dt.date


class ProceedingOut(Schema):
    id: int
    kind: ProceedingKind
    role: ProceedingRole = Field(description="The person's role in the proceedings")
    compensation_claimed: bool
    compensation_amount: Decimal | None
    compensation_currency: str
    status: ProceedingStatus
    authority: str


class ProceedingIn(Schema):
    kind: ProceedingKind
    role: ProceedingRole
    compensation_claimed: bool = False
    compensation_amount: Decimal | None = None
    compensation_currency: str = Field("", max_length=3)
    status: ProceedingStatus = ProceedingStatus.ONGOING
    authority: str = Field("", max_length=200, description="Court or authority, never a person")


class ProceedingPatch(Schema):
    kind: ProceedingKind | None = None
    role: ProceedingRole | None = None
    compensation_claimed: bool | None = None
    compensation_amount: Decimal | None = None
    compensation_currency: str | None = Field(None, max_length=3)
    status: ProceedingStatus | None = None
    authority: str | None = Field(None, max_length=200)


class ReturnPlanIn(Schema):
    kind: ReturnKind
    destination_country: str = Field("", max_length=2, description="ISO 3166-1 alpha-2")
    risk_assessment_done: bool = False
    risk_assessment_on: dt.date | None = None
    planned_on: dt.date | None = None


class ReturnPlanOut(Schema):
    id: int
    kind: ReturnKind
    destination_country: str
    risk_assessment_done: bool
    risk_assessment_on: dt.date | None
    planned_on: dt.date | None


class TaskOut(Schema):
    id: int
    case_ref: str
    kind: str = Field(description="The clock that set it, or 'manual'")
    title_key: str
    title: str = Field(description="Translated title")
    due_date: dt.date
    assignee_id: int | None
    done_at: dt.datetime | None
    cancelled_at: dt.datetime | None
    overdue: bool


class TaskIn(Schema):
    title_key: str = Field(description="One of the manual task titles (see strom/stages/clocks.py)")
    due_date: dt.date
    assignee_id: int | None = None


# --- helpers -----------------------------------------------------------------------------------------


def _decision_out(d: Decision) -> dict[str, Any]:
    return {
        "id": d.pk,
        "kind": d.kind,
        "outcome": d.outcome,
        "decided_by_org_type": d.decided_by_org_type,
        "decided_by_user_id": d.decided_by_id,
        "recorded_by_user_id": d.recorded_by_id,
        "decided_at": d.decided_at,
        "reason": d.reason,
    }


def _stage_out(case: Case) -> dict[str, Any]:
    from strom.stages import clocks

    case.refresh_from_db()
    period = ReflectionPeriod.objects.filter(case=case).select_related("rule_version").first()
    return {
        "ref": case.ref,
        "stage": case.stage,
        "status": case.status,
        "trafficking_status": case.trafficking_status,
        "version": case.version,
        "next_due_at": case.next_due_at,
        "closure_reason": case.closure_reason,
        "next_stages": [
            {"stage": s, "allowed": r is None, "refusal": r or ""}
            for s in stages.next_stages(case.stage)
            for r in [stages.refusal(case, s)]
        ],
        "decisions": [
            _decision_out(d) for d in Decision.objects.filter(case=case).order_by("-decided_at", "-id")
        ],
        "reflection": {
            "starts_on": period.starts_on,
            "ends_on": period.ends_on,
            "base_days": period.base_days,
            "extension_days": period.extension_days,
            "extension_days_left": clocks.reflection_days_left(case.country, period),
            "rule_version": period.rule_version.number if period.rule_version else None,
        }
        if period
        else None,
        "services_allowed": stages.services_allowed(case),
    }


def _task_out(task: CaseTask) -> dict[str, Any]:
    from django.utils import timezone

    return {
        "id": task.pk,
        "case_ref": task.case.ref,
        "kind": task.kind,
        "title_key": task.title_key,
        "title": task.title,
        "due_date": task.due_date,
        "assignee_id": task.assignee_id,
        "done_at": task.done_at,
        "cancelled_at": task.cancelled_at,
        "overdue": task.is_open and task.due_date < timezone.localdate(),
    }


def _read_case(request: HttpRequest, ref: str) -> Case:
    """The case for a GET that answers with its data, its read recorded (one entry per response)."""
    user = api_user(request)
    case = get_case_for(user, ref)
    case_read_record(by=user, case=case)
    return case


# --- stage and decisions -------------------------------------------------------------------------------


@router.get("/tasks/overdue", response=list[TaskOut], url_name="case_tasks_overdue")
def overdue_tasks(request: HttpRequest) -> list[dict[str, Any]]:
    """My open tasks on cases I can see: overdue first, then those due within a week."""
    return [_task_out(t) for t in sel.my_tasks(api_user(request))]


@router.get("/{ref}/stage", response=StageOut, url_name="case_stage")
def get_stage(request: HttpRequest, ref: str) -> dict[str, Any]:
    return _stage_out(_read_case(request, ref))


@router.post("/{ref}/stage", response={200: StageOut, 409: EditConflictProblem}, url_name="case_stage_change")
def change_stage(request: HttpRequest, ref: str, payload: StageIn) -> Any:
    user = api_user(request)
    case = get_case_for(user, ref, write=True)
    try:
        svc.stage_change(
            by=user,
            case=case,
            to_stage=payload.to_stage,
            version=payload.version,
            reason=payload.reason,
            reflection_start=payload.reflection_start,
        )
    except EditConflict as exc:
        return edit_conflict(
            request, stored_version=exc.stored_version, changed_fields=[c.field for c in exc.changes]
        )
    return _stage_out(case)


def _decide(request: HttpRequest, ref: str, kind: str, payload: DecisionIn) -> Any:
    user = api_user(request)
    case = get_case_for(user, ref, write=True)
    if not can_decide(user, case):
        raise Http404
    try:
        decision = svc.decision_record(
            by=user,
            case=case,
            kind=kind,
            outcome=payload.outcome.value,
            decided_at=payload.decided_at,
            version=payload.version,
            reason=payload.reason,
            decided_by_org_type=payload.decided_by_org_type.value if payload.decided_by_org_type else None,
            start_reflection=bool(getattr(payload, "start_reflection", False)),
        )
    except EditConflict as exc:
        return edit_conflict(
            request, stored_version=exc.stored_version, changed_fields=[c.field for c in exc.changes]
        )
    return Status(201, _decision_out(decision))


@router.post(
    "/{ref}/decisions/reasonable-grounds",
    response={201: DecisionOut, 409: EditConflictProblem},
    url_name="case_decision_reasonable_grounds",
)
def decide_reasonable_grounds(request: HttpRequest, ref: str, payload: ReasonableGroundsIn) -> Any:
    return _decide(request, ref, "reasonable_grounds", payload)


@router.post(
    "/{ref}/decisions/identification",
    response={201: DecisionOut, 409: EditConflictProblem},
    url_name="case_decision_identification",
)
def decide_identification(request: HttpRequest, ref: str, payload: DecisionIn) -> Any:
    return _decide(request, ref, "formal_identification", payload)


# --- asking for a decision ------------------------------------------------------------------------------


class DecisionRequestIn(Schema):
    kind: Literal["reasonable_grounds", "formal_identification"]
    addressed_to: int | None = Field(
        None,
        description="The user asked; by default the first who may decide in the case's organisation",
    )
    note: str = Field("", max_length=2000)


class DeclineIn(Schema):
    reason: str = Field(..., max_length=2000, description="Why, for the colleague who asked")


class DecisionRequestOut(Schema):
    id: int
    kind: str
    state: str
    addressed_to: int
    created_at: dt.datetime
    answered_at: dt.datetime | None


def _request_out(r: DecisionRequest) -> dict[str, Any]:
    return {
        "id": r.pk,
        "kind": r.kind,
        "state": r.state,
        "addressed_to": r.addressed_to_id,
        "created_at": r.created_at,
        "answered_at": r.answered_at,
    }


@router.post("/{ref}/decision-requests", response={201: DecisionRequestOut}, url_name="case_decision_request")
def ask_for_decision(request: HttpRequest, ref: str, payload: DecisionRequestIn) -> Any:
    """Ask the case's organisation for the decision its stage waits for (for those who may not decide)."""
    user = api_user(request)
    case = get_case_for(user, ref, write=True)
    asked = None
    if payload.addressed_to is not None:
        asked = next((u for u in sel.deciders(case) if u.pk == payload.addressed_to), None)
        if asked is None:
            raise ValidationError({"addressed_to": _("Choose someone who may record this decision.")})
    made = req_svc.decision_request_create(
        by=user, case=case, kind=payload.kind, addressed_to=asked, note=payload.note
    )
    return Status(201, _request_out(made))


@router.post(
    "/{ref}/decision-requests/{request_id}/decline",
    response=DecisionRequestOut,
    url_name="case_decision_request_decline",
)
def decline_decision_request(
    request: HttpRequest, ref: str, request_id: int, payload: DeclineIn
) -> dict[str, Any]:
    user = api_user(request)
    case = get_case_for(user, ref, write=True)
    if not can_decide(user, case):
        raise Http404
    asked = stage_access.get_decision_request_for(user, case, request_id)
    return _request_out(req_svc.decision_request_decline(by=user, request=asked, reason=payload.reason))


@router.post("/{ref}/reflection/extensions", response=ReflectionOut, url_name="case_reflection_extend")
def extend_reflection(request: HttpRequest, ref: str, payload: ExtensionIn) -> dict[str, Any]:
    user = api_user(request)
    case = get_case_for(user, ref, write=True)
    period = svc.reflection_extend(by=user, case=case, days=payload.days, reason=payload.reason)
    reflection = _stage_out(case)["reflection"]
    assert reflection is not None
    assert reflection["ends_on"] == period.ends_on
    return dict(reflection)


@router.post("/{ref}/closure", response={200: StageOut, 409: EditConflictProblem}, url_name="case_close")
def close_case(request: HttpRequest, ref: str, payload: ClosureIn) -> Any:
    user = api_user(request)
    case = get_case_for(user, ref, write=True)
    try:
        svc.case_close(
            by=user,
            case=case,
            version=payload.version,
            closure_reason=payload.closure_reason.value,
            closure_details=payload.closure_details,
        )
    except EditConflict as exc:
        return edit_conflict(
            request, stored_version=exc.stored_version, changed_fields=[c.field for c in exc.changes]
        )
    return _stage_out(case)


@router.post(
    "/{ref}/follow-up", response={200: StageOut, 409: EditConflictProblem}, url_name="case_follow_up"
)
def follow_up(request: HttpRequest, ref: str, payload: FollowUpIn) -> Any:
    """Start follow-up on a closed case, or end it (the case is closed again)."""
    user = api_user(request)
    case = get_case_for(user, ref, write=True)
    action = svc.follow_up_start if payload.action == "start" else svc.follow_up_end
    try:
        action(by=user, case=case, version=payload.version)
    except EditConflict as exc:
        return edit_conflict(
            request, stored_version=exc.stored_version, changed_fields=[c.field for c in exc.changes]
        )
    return _stage_out(case)


@router.post("/{ref}/return-plans", response={201: ReturnPlanOut}, url_name="case_return_plan_create")
def create_return_plan(request: HttpRequest, ref: str, payload: ReturnPlanIn) -> Any:
    user = api_user(request)
    case = get_case_for(user, ref, write=True)
    plan: ReturnPlan = svc.return_plan_record(
        by=user,
        case=case,
        kind=payload.kind.value,
        destination_country=payload.destination_country.upper(),
        risk_assessment_done=payload.risk_assessment_done,
        risk_assessment_on=payload.risk_assessment_on,
        planned_on=payload.planned_on,
    )
    return Status(201, plan)


# --- residence permits -------------------------------------------------------------------------------


@router.get("/{ref}/residence-permits", response=list[PermitOut], url_name="case_permit_list")
def list_permits(request: HttpRequest, ref: str) -> list[ResidencePermit]:
    case = _read_case(request, ref)
    return list(ResidencePermit.objects.filter(case=case).order_by("-applied_on", "-id"))


@router.post("/{ref}/residence-permits", response={201: PermitOut}, url_name="case_permit_create")
def create_permit(request: HttpRequest, ref: str, payload: PermitIn) -> Any:
    user = api_user(request)
    case = get_case_for(user, ref, write=True)
    permit = svc.permit_record(
        by=user,
        case=case,
        basis=[b.value for b in payload.basis],
        applied_on=payload.applied_on,
        decision=payload.decision.value,
        decided_on=payload.decided_on,
        valid_from=payload.valid_from,
        valid_until=payload.valid_until,
    )
    return Status(201, permit)


@router.patch("/{ref}/residence-permits/{permit_id}", response=PermitOut, url_name="case_permit_update")
def update_permit(request: HttpRequest, ref: str, permit_id: int, payload: PermitPatch) -> ResidencePermit:
    user = api_user(request)
    case = get_case_for(user, ref, write=True)
    permit = stage_access.get_permit_for(user, case, permit_id)
    changes: dict[str, Any] = {}
    for name in payload.model_fields_set:
        value = getattr(payload, name)
        if name == "basis":
            value = [b.value for b in value or []]
        elif name == "decision":
            value = value.value if value else PermitDecision.PENDING
        changes[name] = value
    return svc.permit_update(by=user, permit=permit, **changes)


@router.post(
    "/{ref}/residence-permits/{permit_id}/renewals", response=PermitOut, url_name="case_permit_renew"
)
def renew_permit(request: HttpRequest, ref: str, permit_id: int, payload: RenewalIn) -> ResidencePermit:
    user = api_user(request)
    case = get_case_for(user, ref, write=True)
    permit = stage_access.get_permit_for(user, case, permit_id)
    return svc.permit_renew(
        by=user, permit=permit, valid_from=payload.valid_from, valid_until=payload.valid_until
    )


# --- proceedings -------------------------------------------------------------------------------------


@router.get("/{ref}/proceedings", response=list[ProceedingOut], url_name="case_proceeding_list")
def list_proceedings(request: HttpRequest, ref: str) -> list[Proceeding]:
    case = _read_case(request, ref)
    return list(Proceeding.objects.filter(case=case).order_by("-created_at"))


@router.post("/{ref}/proceedings", response={201: ProceedingOut}, url_name="case_proceeding_create")
def create_proceeding(request: HttpRequest, ref: str, payload: ProceedingIn) -> Any:
    user = api_user(request)
    case = get_case_for(user, ref, write=True)
    proceeding = svc.proceeding_record(
        by=user,
        case=case,
        kind=payload.kind.value,
        role=payload.role.value,
        compensation_claimed=payload.compensation_claimed,
        compensation_amount=payload.compensation_amount,
        compensation_currency=payload.compensation_currency,
        status=payload.status.value,
        authority=payload.authority,
    )
    return Status(201, proceeding)


@router.patch("/{ref}/proceedings/{proceeding_id}", response=ProceedingOut, url_name="case_proceeding_update")
def update_proceeding(
    request: HttpRequest, ref: str, proceeding_id: int, payload: ProceedingPatch
) -> Proceeding:
    user = api_user(request)
    case = get_case_for(user, ref, write=True)
    proceeding = stage_access.get_proceeding_for(user, case, proceeding_id)
    changes: dict[str, Any] = {}
    for name in payload.model_fields_set:
        value = getattr(payload, name)
        if hasattr(value, "value"):
            value = value.value
        if value is None and name not in ("compensation_amount",):
            continue
        changes[name] = value
    return svc.proceeding_update(by=user, proceeding=proceeding, **changes)


# --- tasks ---------------------------------------------------------------------------------------------


@router.get("/{ref}/tasks", response=list[TaskOut], url_name="case_task_list")
def list_tasks(request: HttpRequest, ref: str) -> list[dict[str, Any]]:
    case = _read_case(request, ref)
    return [_task_out(t) for t in sel.case_tasks(api_user(request), case).select_related("case")]


@router.post("/{ref}/tasks", response={201: TaskOut}, url_name="case_task_create")
def create_task(request: HttpRequest, ref: str, payload: TaskIn) -> Any:
    from django.core.exceptions import ValidationError

    user = api_user(request)
    case = get_case_for(user, ref, write=True)
    assignee = None
    if payload.assignee_id is not None:
        assignee = User.objects.filter(pk=payload.assignee_id, is_active=True).first()
        if assignee is None:
            raise ValidationError(
                {"assignee_id": _("Tasks can only be assigned to someone who can see the case.")}
            )
    task = svc.task_create(
        by=user, case=case, title_key=payload.title_key, due_date=payload.due_date, assignee=assignee
    )
    return Status(201, _task_out(task))


@router.post("/{ref}/tasks/{task_id}/complete", response=TaskOut, url_name="case_task_complete")
def complete_task(request: HttpRequest, ref: str, task_id: int) -> dict[str, Any]:
    user = api_user(request)
    case = get_case_for(user, ref, write=True)
    task = stage_access.get_task_for(user, case, task_id)
    return _task_out(svc.task_complete(by=user, task=task))
