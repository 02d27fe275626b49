"""Writes for needs, the support plan, its reviews and services. One function per operation, each audited.

Nothing here asks about proceedings or the person's cooperation with an investigation: assistance is
unconditional, and services may be recorded at any stage of the case, screening included.
Audit details name fields and ids only: a service type next to a case reference is already
sensitive (it can say "medical care"), so it stays out of the log.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypedDict, Unpack

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, ForeignKey, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from strom.cases import access
from strom.cases.choices import CaseStatus
from strom.cases.models import Case
from strom.cases.reads import case_audit_record
from strom.cases.services import EditConflict, FieldChange
from strom.core.errors import NotAllowed
from strom.directory.models import Organisation
from strom.stages import clocks
from strom.stages.country_rules import rules_for
from strom.stages.services import clock_move, clock_start, clocks_stop, next_due_refresh
from strom.support.choices import STATUTORY_MINIMUM, Priority, ServiceStatus, ServiceType
from strom.support.currencies import DEFAULT_CURRENCY, is_currency
from strom.support.models import (
    Need,
    NeedsAssessment,
    NotNeeded,
    PlanReview,
    Service,
    SupportPlan,
    SupportPlanRevision,
)

if TYPE_CHECKING:
    from strom.accounts.models import User

PROVIDER_NAME_MAX = 200


class ServiceFields(TypedDict, total=False):
    """What `service_update` changes on a support service; only the fields given."""

    service_type: str
    status: str
    provider_organisation: Organisation | None
    provider_name: str
    planned_start: dt.date | None
    planned_end: dt.date | None
    actual_start: dt.date | None
    actual_end: dt.date | None
    cost: Decimal | None
    currency: str
    notes: str


SERVICE_FIELDS = tuple(ServiceFields.__annotations__)
PLAN_FIELDS = (
    "start_date",
    "objectives",
    "action_plan",
    "planned_end_date",
    "actual_end_date",
    "next_review_due",
)

Errors = dict[str, list[str]]


def _add(errors: Errors, field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def _check_may_edit(by: User, case: Case) -> None:
    if not access.can_edit_case(by, case):
        raise NotAllowed(_("You may not edit this case."))


def _not_future(errors: Errors, field: str, value: dt.date | None, message: str) -> None:
    if value is not None and value > timezone.localdate():
        _add(errors, field, message)


def _ordered(
    errors: Errors, end_field: str, start: dt.date | None, end: dt.date | None, message: str
) -> None:
    if start is not None and end is not None and end < start:
        _add(errors, end_field, message)


def _review_due(case: Case, day: dt.date) -> dt.date:
    """The next review after `day`, by the country's rules in force that day (months are months)."""
    return rules_for(case.country, day).support_plan_review.after(day)


# --- needs -------------------------------------------------------------------------------------------


def needs_assessment_record(
    *,
    by: User,
    case: Case,
    assessed_at: dt.date,
    needs: dict[str, str],
    summary: str = "",
    next_review_at: dt.date | None = None,
) -> NeedsAssessment:
    """Record an assessment. `needs` maps service type → priority; an empty map means "no needs now"."""
    _check_may_edit(by, case)
    errors: Errors = {}
    _not_future(errors, "assessed_at", assessed_at, _("The assessment date cannot be in the future."))
    _ordered(
        errors,
        "next_review_at",
        assessed_at,
        next_review_at,
        _("The next review cannot be before the assessment."),
    )
    for service_type, priority in needs.items():
        if service_type not in ServiceType.values:
            _add(errors, "needs", _("“%(value)s” is not a service type.") % {"value": service_type})
        if priority not in Priority.values:
            _add(errors, "needs", _("“%(value)s” is not a priority.") % {"value": priority})
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        assessment = NeedsAssessment.objects.create(
            case=case,
            assessed_at=assessed_at,
            assessed_by=by,
            summary=summary.strip(),
            next_review_at=next_review_at,
        )
        Need.objects.bulk_create(
            [Need(assessment=assessment, service_type=t, priority=p) for t, p in sorted(needs.items())]
        )
        case_audit_record(
            by=by,
            case=case,
            action="support.needs_assess",
            details={"assessment": assessment.pk, "needs": len(needs), "summary": bool(summary.strip())},
        )
    return assessment


# --- plan --------------------------------------------------------------------------------------------


def _validate_plan(data: dict[str, Any]) -> None:
    errors: Errors = {}
    start = data["start_date"]
    if start is None:
        _add(errors, "start_date", _("Enter the date the plan starts."))
    _ordered(
        errors,
        "planned_end_date",
        start,
        data["planned_end_date"],
        _("The planned end date cannot be before the start date."),
    )
    _ordered(
        errors,
        "actual_end_date",
        start,
        data["actual_end_date"],
        _("The actual end date cannot be before the start date."),
    )
    _not_future(
        errors, "actual_end_date", data["actual_end_date"], _("The actual end date cannot be in the future.")
    )
    _ordered(
        errors,
        "next_review_due",
        start,
        data["next_review_due"],
        _("The next review cannot be before the plan starts."),
    )
    if errors:
        raise ValidationError(errors)


def _sync_review_clock(case: Case, plan: SupportPlan, *, by: User) -> None:
    """Keep one open "plan_review" task due on the plan's next review date while the plan runs."""
    if case.closed_at is not None or case.status != CaseStatus.ACTIVE:
        return  # closing the case stopped its clocks; follow-up has its own
    if plan.actual_end_date is not None or plan.next_review_due is None:
        clocks_stop(by=by, case=case, kinds=(clocks.PLAN_REVIEW,), done=False)
    elif not clock_move(by=by, case=case, kind=clocks.PLAN_REVIEW, due=plan.next_review_due):
        rules = rules_for(case.country, timezone.localdate())
        clock_start(by=by, case=case, kind=clocks.PLAN_REVIEW, due=plan.next_review_due, rules=rules)
    next_due_refresh(case)


def _plan_conflict(stored: SupportPlan | None, data: dict[str, Any]) -> EditConflict:
    changes = []
    if stored is not None:
        for name in PLAN_FIELDS:
            current = getattr(stored, name)
            if current != data[name]:
                label = str(getattr(SupportPlan._meta.get_field(name), "verbose_name", name))
                changes.append(FieldChange(field=name, label=label, stored=current, submitted=data[name]))
    return EditConflict(changes, stored_version=stored.version if stored else 0)


def support_plan_save(
    *,
    by: User,
    case: Case,
    version: int,
    start_date: dt.date,
    objectives: str = "",
    action_plan: str = "",
    planned_end_date: dt.date | None = None,
    actual_end_date: dt.date | None = None,
    next_review_due: dt.date | None = None,
) -> SupportPlan:
    """Create (version 0) or replace the case's plan. A stale `version` raises EditConflict.

    Without a next review date a new plan is due for review after the country's review period.
    """
    _check_may_edit(by, case)
    data: dict[str, Any] = {
        "start_date": start_date,
        "objectives": objectives.strip(),
        "action_plan": action_plan.strip(),
        "planned_end_date": planned_end_date,
        "actual_end_date": actual_end_date,
        "next_review_due": next_review_due,
    }
    _validate_plan(data)
    with transaction.atomic():
        stored = SupportPlan.objects.select_for_update().filter(case=case).first()
        stored_version = stored.version if stored else 0
        if stored_version != version:
            raise _plan_conflict(stored, data)
        if stored is None:
            if data["next_review_due"] is None:
                data["next_review_due"] = _review_due(case, start_date)
            try:
                with transaction.atomic():
                    plan = SupportPlan.objects.create(case=case, updated_by=by, version=1, **data)
            except IntegrityError:
                # Someone created the plan between our read and our insert.
                raise _plan_conflict(SupportPlan.objects.filter(case=case).first(), data) from None
            changed = sorted(k for k, v in data.items() if v not in ("", None))
        else:
            plan = stored
            changed = sorted(k for k, v in data.items() if getattr(plan, k) != v)
            for name in changed:
                setattr(plan, name, data[name])
            plan.version = version + 1
            plan.updated_by = by
            plan.save(update_fields=[*changed, "version", "updated_by", "updated_at"])
        SupportPlanRevision.objects.create(
            plan=plan,
            version=plan.version,
            saved_by=by,
            **{k: getattr(plan, k) for k in PLAN_FIELDS},
        )
        _sync_review_clock(case, plan, by=by)
        case_audit_record(
            by=by, case=case, action="support.plan_save", details={"version": plan.version, "fields": changed}
        )
    return plan


def plan_review_record(
    *,
    by: User,
    case: Case,
    reviewed_at: dt.date,
    summary: str = "",
    next_review_due: dt.date | None = None,
) -> PlanReview:
    """Record a review of the current plan and move its review dates on (claims a new plan version).

    Completes the open "plan_review" task of the case's clocks and starts the next one.
    """
    _check_may_edit(by, case)
    plan = SupportPlan.objects.filter(case=case).first()
    if plan is None:
        raise ValidationError(_("There is no support plan to review yet. Write the plan first."))
    errors: Errors = {}
    _not_future(errors, "reviewed_at", reviewed_at, _("The review date cannot be in the future."))
    _ordered(
        errors, "reviewed_at", plan.start_date, reviewed_at, _("The review cannot be before the plan starts.")
    )
    _ordered(
        errors,
        "next_review_due",
        reviewed_at,
        next_review_due,
        _("The next review cannot be before this review."),
    )
    if errors:
        raise ValidationError(errors)
    due = next_review_due or _review_due(case, reviewed_at)
    with transaction.atomic():
        review = PlanReview.objects.create(
            plan=plan, reviewed_at=reviewed_at, reviewed_by=by, summary=summary.strip(), next_review_due=due
        )
        last = plan.last_reviewed_at
        SupportPlan.objects.filter(pk=plan.pk).update(
            last_reviewed_at=reviewed_at if last is None or reviewed_at > last else last,
            next_review_due=due,
            version=F("version") + 1,
            updated_at=timezone.now(),
        )
        # The review that was due is done; the next one is due when this review says.
        clocks_stop(by=by, case=case, kinds=(clocks.PLAN_REVIEW,), done=True)
        plan.next_review_due = due
        _sync_review_clock(case, plan, by=by)
        case_audit_record(
            by=by,
            case=case,
            action="support.plan_review",
            details={"review": review.pk, "summary": bool(summary.strip())},
        )
    return review


# --- services ----------------------------------------------------------------------------------------


def _validate_service(data: dict[str, Any], *, creating: bool, changed: Iterable[str]) -> dict[str, Any]:
    errors: Errors = {}
    changed = set(changed)
    if data["service_type"] not in ServiceType.values:
        _add(errors, "service_type", _("Choose a service type from the list."))
    if data["status"] not in ServiceStatus.values:
        _add(errors, "status", _("Choose a status from the list."))
    elif data["status"] == ServiceStatus.CANCELLED and "status" in changed:
        _add(errors, "status", _("Cancel a service with “Cancel service”, which asks for the reason."))
    name = " ".join((data["provider_name"] or "").split())
    data["provider_name"] = name
    org = data["provider_organisation"]
    if org is not None and name:
        _add(
            errors,
            "provider_name",
            _("Choose a provider from the directory or write the provider's name, not both."),
        )
    if len(name) > PROVIDER_NAME_MAX:
        _add(
            errors,
            "provider_name",
            ngettext(
                "The provider's name can be at most %(max)d character long.",
                "The provider's name can be at most %(max)d characters long.",
                PROVIDER_NAME_MAX,
            )
            % {"max": PROVIDER_NAME_MAX},
        )
    if org is not None and "provider_organisation" in changed and not org.is_active:
        _add(errors, "provider_organisation", _("This organisation is no longer active."))
    _ordered(
        errors,
        "planned_end",
        data["planned_start"],
        data["planned_end"],
        _("The planned end cannot be before the planned start."),
    )
    _ordered(
        errors,
        "actual_end",
        data["actual_start"],
        data["actual_end"],
        _("The actual end cannot be before the actual start."),
    )
    _not_future(errors, "actual_start", data["actual_start"], _("The actual start cannot be in the future."))
    _not_future(errors, "actual_end", data["actual_end"], _("The actual end cannot be in the future."))
    if data["status"] == ServiceStatus.PLANNED and data["actual_end"] is not None:
        _add(errors, "status", _("A service with an actual end date is not just planned: set its status."))
    cost = data["cost"]
    if cost is not None:
        if not isinstance(cost, Decimal):
            cost = Decimal(str(cost))
            data["cost"] = cost
        if not cost.is_finite():
            _add(errors, "cost", _("Enter the cost as a number."))
        elif cost < 0:
            _add(errors, "cost", _("The cost cannot be negative."))
        elif cost >= Decimal("1e10") or cost.as_tuple().exponent < -2:  # type: ignore[operator]
            _add(errors, "cost", _("Enter the cost with at most 10 digits before and 2 after the point."))
    currency = (data["currency"] or "").strip().upper()
    data["currency"] = currency
    if not is_currency(currency):
        _add(errors, "currency", _("“%(value)s” is not an ISO 4217 currency code.") % {"value": currency})
    if errors:
        raise ValidationError(errors)
    data["notes"] = (data["notes"] or "").strip()
    return data


def service_plan(
    *,
    by: User,
    case: Case,
    service_type: str,
    status: str = ServiceStatus.PLANNED,
    provider_organisation: Organisation | None = None,
    provider_name: str = "",
    planned_start: dt.date | None = None,
    planned_end: dt.date | None = None,
    actual_start: dt.date | None = None,
    actual_end: dt.date | None = None,
    cost: Decimal | None = None,
    currency: str = DEFAULT_CURRENCY,
    notes: str = "",
) -> Service:
    """Record a service for the case: planned, or already under way or delivered (recorded afterwards)."""
    _check_may_edit(by, case)
    data = {
        "service_type": service_type,
        "status": status,
        "provider_organisation": provider_organisation,
        "provider_name": provider_name,
        "planned_start": planned_start,
        "planned_end": planned_end,
        "actual_start": actual_start,
        "actual_end": actual_end,
        "cost": cost,
        "currency": currency,
        "notes": notes,
    }
    data = _validate_service(data, creating=True, changed=SERVICE_FIELDS)
    with transaction.atomic():
        service = Service.objects.create(
            case=case,
            created_by=by,
            delivered_recorded_at=timezone.now() if status == ServiceStatus.DELIVERED else None,
            **data,
        )
        case_audit_record(
            by=by,
            case=case,
            action="support.service_plan",
            details={
                "service": service.pk,
                "fields": sorted(k for k, v in data.items() if v not in ("", None)),
            },
        )
    return service


def _lock_service(service: Service) -> Service:
    """The service's current row, locked until the transaction ends: writes go to it, never to the
    caller's copy, which may predate another writer's change."""
    locked: Service = Service.objects.select_for_update().get(pk=service.pk)
    field = Service._meta.get_field("case")
    assert isinstance(field, ForeignKey)
    if service.case_id == locked.case_id and field.is_cached(service):
        field.set_cached_value(locked, field.get_cached_value(service))
    return locked


def _show_caller(service: Service, locked: Service) -> None:
    for field in Service._meta.concrete_fields:
        setattr(service, field.attname, getattr(locked, field.attname))


def service_update(*, by: User, service: Service, **changes: Unpack[ServiceFields]) -> Service:
    """Change a service's status, provider, dates, cost or notes. Only the given fields are written."""
    unknown = set(changes) - set(SERVICE_FIELDS)
    if unknown:
        raise TypeError(f"not editable here: {sorted(unknown)}")
    case = service.case
    _check_may_edit(by, case)
    with transaction.atomic():
        locked = _lock_service(service)
        if locked.status == ServiceStatus.CANCELLED:
            raise ValidationError(_("A cancelled service cannot be changed. Record a new service instead."))
        data = {name: getattr(locked, name) for name in SERVICE_FIELDS}
        data.update(changes)
        changed = [name for name in changes if getattr(locked, name) != data[name]]
        data = _validate_service(data, creating=False, changed=changed)
        changed = [name for name in SERVICE_FIELDS if getattr(locked, name) != data[name]]
        if not changed:
            _show_caller(service, locked)
            return service
        for name in changed:
            setattr(locked, name, data[name])
        fields = [*changed, "updated_at"]
        if "status" in changed and locked.status == ServiceStatus.DELIVERED:
            locked.delivered_recorded_at = timezone.now()
            fields.append("delivered_recorded_at")
        locked.save(update_fields=fields)
        _show_caller(service, locked)
        case_audit_record(
            by=by,
            case=case,
            action="support.service_update",
            details={"service": locked.pk, "fields": sorted(changed)},
        )
    return service


def service_cancel(*, by: User, service: Service, reason: str = "") -> Service:
    case = service.case
    _check_may_edit(by, case)
    with transaction.atomic():
        locked = _lock_service(service)
        if locked.status == ServiceStatus.CANCELLED:
            raise ValidationError(_("This service is already cancelled."))
        locked.status = ServiceStatus.CANCELLED
        locked.cancelled_at = timezone.now()
        locked.cancellation_reason = reason.strip()
        locked.save(update_fields=["status", "cancelled_at", "cancellation_reason", "updated_at"])
        _show_caller(service, locked)
        case_audit_record(
            by=by,
            case=case,
            action="support.service_cancel",
            details={"service": locked.pk, "reason": bool(reason.strip())},
        )
    return service


# --- coverage of the statutory minimum ---------------------------------------------------------------


def coverage_mark_not_needed(*, by: User, case: Case, service_type: str, reason: str = "") -> NotNeeded:
    """Say explicitly that a statutory minimum service is not needed; the coverage check stops flagging it."""
    _check_may_edit(by, case)
    if service_type not in STATUTORY_MINIMUM:
        raise ValidationError(
            {"service_type": [_("Only the statutory minimum services are checked for coverage.")]}
        )
    with transaction.atomic():
        try:
            with transaction.atomic():
                mark = NotNeeded.objects.create(
                    case=case, service_type=service_type, reason=reason.strip(), decided_by=by
                )
        except IntegrityError:
            raise ValidationError(_("This service is already marked as not needed.")) from None
        case_audit_record(
            by=by,
            case=case,
            action="support.not_needed",
            details={"mark": mark.pk, "reason": bool(reason.strip())},
        )
    return mark


def coverage_revoke_not_needed(*, by: User, case: Case, service_type: str) -> None:
    _check_may_edit(by, case)
    with transaction.atomic():
        mark = (
            NotNeeded.objects.select_for_update()
            .filter(case=case, service_type=service_type, revoked_at__isnull=True)
            .first()
        )
        if mark is None:
            raise ValidationError(_("This service is not marked as not needed."))
        mark.revoked_at = timezone.now()
        mark.revoked_by = by
        mark.save(update_fields=["revoked_at", "revoked_by"])
        case_audit_record(by=by, case=case, action="support.not_needed_revoke", details={"mark": mark.pk})


def service_delivered_by_referral(
    *,
    by: User,
    case: Case,
    service_type: str,
    provider_organisation: Organisation,
    actual_start: dt.date | None,
    actual_end: dt.date,
    referral_id: int,
) -> Service:
    """A completed referral records its service as delivered in the plan.

    The receiver who completes it may not edit the sender's case, so there is no edit check here; the
    caller (strom.referrals.services.referral_complete) has checked that `by` answers the referral. An
    open planned service of the same type with that provider (or none yet) is marked delivered rather
    than recorded twice.
    """
    with transaction.atomic():
        open_service = (
            Service.objects.select_for_update()
            .filter(
                case=case,
                service_type=service_type,
                status__in=[ServiceStatus.PLANNED, ServiceStatus.IN_PROGRESS],
            )
            .filter(
                Q(provider_organisation=provider_organisation)
                | Q(provider_organisation__isnull=True, provider_name="")
            )
            .order_by("created_at", "pk")
            .first()
        )
        now = timezone.now()
        service: Service
        if open_service is not None:
            open_service.status = ServiceStatus.DELIVERED
            open_service.provider_organisation = provider_organisation
            open_service.actual_start = open_service.actual_start or actual_start
            open_service.actual_end = actual_end
            open_service.delivered_recorded_at = now
            open_service.save(
                update_fields=[
                    "status",
                    "provider_organisation",
                    "actual_start",
                    "actual_end",
                    "delivered_recorded_at",
                    "updated_at",
                ]
            )
            service = open_service
        else:
            service = Service.objects.create(
                case=case,
                service_type=service_type,
                status=ServiceStatus.DELIVERED,
                provider_organisation=provider_organisation,
                actual_start=actual_start,
                actual_end=actual_end,
                created_by=by,
                delivered_recorded_at=now,
            )
        case_audit_record(
            by=by,
            case=case,
            action="support.service_delivered_by_referral",
            details={"service": service.pk, "referral": referral_id, "updated": open_service is not None},
        )
    return service
