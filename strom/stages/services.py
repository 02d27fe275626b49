"""Write functions for the chain of assistance: decisions, stage changes, the reflection period,
return plans, residence permits, proceedings and tasks. One per operation; each validates first,
audits inside its transaction, and keeps the clocks (when each is due: strom/stages/clocks.py; their
tasks: the end of this module) and Case.next_due_at.

Moves that change the case's stage or status claim the case's next version (case_bump_version), so
two people changing the stage at once cannot both succeed: the second gets EditConflict.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypedDict, Unpack

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Min
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from strom.audit.actors import CLOCKS, SystemActor
from strom.cases import access, hooks
from strom.cases.choices import CaseStatus, Stage, TraffickingStatus
from strom.cases.models import Case
from strom.cases.reads import case_audit_record
from strom.cases.services import case_bump_version
from strom.core.countries import is_country
from strom.core.errors import NotAllowed
from strom.stages import clocks, country_rules, stages
from strom.stages.models import (
    CaseStageChange,
    CaseTask,
    ClosureReason,
    Decision,
    DecisionKind,
    DecisionMaker,
    Outcome,
    PermitBasis,
    PermitDecision,
    PermitRenewal,
    Proceeding,
    ProceedingKind,
    ProceedingRole,
    ProceedingStatus,
    ReflectionExtension,
    ReflectionPeriod,
    ResidencePermit,
    ReturnKind,
    ReturnPlan,
)

if TYPE_CHECKING:
    from strom.accounts.models import User
    from strom.stages.country_rules import CountryRules


def _check_may_edit(by: User, case: Case) -> None:
    if not access.can_edit_case(by, case):
        raise NotAllowed(_("You may not change this case."))


def _today() -> dt.date:
    return timezone.localdate()


def _opened_on(case: Case) -> dt.date:
    return timezone.localdate(case.opened_at)


def _check_day(errors: dict[str, str], field: str, day: dt.date | None, case: Case, *, label: str) -> None:
    """A recorded event date: not in the future, not before the case was opened."""
    if day is None:
        return
    if day > _today():
        errors[field] = _("%(label)s cannot be in the future.") % {"label": label}
    elif day < _opened_on(case):
        errors[field] = _("%(label)s cannot be before the case was opened (%(opened)s).") % {
            "label": label,
            "opened": _opened_on(case).isoformat(),
        }


# --- decisions -----------------------------------------------------------------------------------------


def own_decision_maker(case: Case) -> str:
    """The kind of decision-making body the case's organisation is (HTCDS value)."""
    return country_rules.DECISION_MAKER_FOR_ORG_TYPE.get(case.organisation.org_type, DecisionMaker.OTHER)


def _check_decision_maker(
    errors: dict[str, str], case: Case, *, kind: str, decided_at: dt.date, maker: str, on_behalf: bool
) -> None:
    """The country's rules in force on the day of the decision must let this kind of body take it."""
    rules = country_rules.rules_for(case.country, decided_at)
    if maker not in DecisionMaker.values:
        errors["decided_by_org_type"] = _("Choose who decided from the list.")
    elif not rules.may_decide(kind, maker):
        allowed = ", ".join(str(DecisionMaker(m).label) for m in rules.deciders.get(kind, ()))
        if on_behalf:
            errors["decided_by_org_type"] = _(
                "In this country a %(maker)s cannot take this decision. Bodies that can: %(allowed)s."
            ) % {"maker": DecisionMaker(maker).label, "allowed": allowed}
        else:
            errors["decided_by_org_type"] = _(
                "In this country your organisation cannot take this decision. Record the decision "
                "of the body that took it (one of: %(allowed)s)."
            ) % {"allowed": allowed}


def _check_decision_timing(errors: dict[str, str], case: Case, *, kind: str, decided_at: dt.date) -> None:
    """Each decision belongs to a stage, and identification comes after reasonable grounds."""
    _check_day(errors, "decided_at", decided_at, case, label=_("The date of the decision"))
    if kind == DecisionKind.REASONABLE_GROUNDS and case.stage != Stage.SCREENING:
        errors["kind"] = _("Reasonable grounds are decided while the case is in screening.")
    if kind == DecisionKind.FORMAL_IDENTIFICATION:
        if case.stage != Stage.REFLECTION:
            errors["kind"] = _("Formal identification is decided during the reflection and recovery period.")
        rg = (
            Decision.objects.filter(case=case, kind=DecisionKind.REASONABLE_GROUNDS, outcome=Outcome.POSITIVE)
            .order_by("-decided_at")
            .first()
        )
        if rg is not None and decided_at and decided_at < rg.decided_at:
            errors["decided_at"] = _(
                "The identification decision cannot be before the reasonable-grounds decision (%(day)s)."
            ) % {"day": date_format(rg.decided_at, "SHORT_DATE_FORMAT")}


def _decision_effects(*, by: User, case: Case, kind: str, outcome: str) -> None:
    """What a decision changes on the case: the trafficking status, and the clock it answers stops."""
    if kind == DecisionKind.FORMAL_IDENTIFICATION:
        case.trafficking_status = (
            TraffickingStatus.ACTUAL if outcome == Outcome.POSITIVE else TraffickingStatus.NOT_A_VICTIM
        )
        case.save(update_fields=["trafficking_status", "updated_at"])
        clocks_stop(by=by, case=case, kinds=(clocks.IDENTIFICATION_DUE,), done=True)
    else:
        clocks_stop(by=by, case=case, kinds=(clocks.RG_DUE,), done=True)
    next_due_refresh(case)


def decision_record(
    *,
    by: User,
    case: Case,
    kind: str,
    outcome: str,
    decided_at: dt.date,
    version: int,
    reason: str = "",
    decided_by_org_type: str | None = None,
    start_reflection: bool = False,
    reflection_start: dt.date | None = None,
) -> Decision:
    """Record a reasonable-grounds or formal-identification decision.

    By default the recording user's own organisation decided. With `decided_by_org_type` naming
    another kind of body (e.g. "Police"), the user records that body's decision on its behalf.
    Either way the country's rules must allow that kind of body to take the decision.
    A positive reasonable-grounds decision may start the reflection period (`start_reflection`).
    """
    from strom.stages.services_requests import decision_requests_answer

    if not access.can_decide(by, case) or not access.can_edit_case(by, case):
        raise NotAllowed(_("You may not record decisions on this case."))
    if kind not in DecisionKind.values:
        raise ValidationError({"kind": _("Unknown kind of decision.")})
    errors: dict[str, str] = {}
    if outcome not in Outcome.values:
        errors["outcome"] = _("Choose positive or negative.")
    own = own_decision_maker(case)
    maker = decided_by_org_type or own
    on_behalf = maker != own
    _check_decision_maker(errors, case, kind=kind, decided_at=decided_at, maker=maker, on_behalf=on_behalf)
    _check_decision_timing(errors, case, kind=kind, decided_at=decided_at)
    if errors:
        raise ValidationError(errors)
    start_reflection = (
        start_reflection and kind == DecisionKind.REASONABLE_GROUNDS and outcome == Outcome.POSITIVE
    )
    with transaction.atomic():
        case_bump_version(case=case, version=version)
        decision = Decision.objects.create(
            case=case,
            kind=kind,
            outcome=outcome,
            decided_by_org_type=maker,
            decided_by=None if on_behalf else by,
            recorded_by=by,
            decided_at=decided_at,
            reason=reason.strip(),
        )
        case_audit_record(
            by=by,
            case=case,
            action="case.decision",
            details={"kind": kind, "outcome": outcome, "decided_by_org_type": maker, "on_behalf": on_behalf},
        )
        _decision_effects(by=by, case=case, kind=kind, outcome=outcome)
        decision_requests_answer(by=by, case=case, decision=decision)
        if start_reflection:
            stage_change(
                by=by,
                case=case,
                to_stage=Stage.REFLECTION,
                version=case.version,
                reflection_start=reflection_start or decided_at,
            )
    return decision


def latest_decision(case: Case, kind: str) -> Decision | None:
    return Decision.objects.filter(case=case, kind=kind).order_by("-decided_at", "-id").first()


# --- stage changes ---------------------------------------------------------------------------------


def stage_change(
    *,
    by: User,
    case: Case,
    to_stage: str,
    version: int,
    reason: str = "",
    closure_reason: str = "",
    closure_details: str = "",
    reflection_start: dt.date | None = None,
) -> Case:
    _check_may_edit(by, case)
    errors: dict[str, str] = {}
    if to_stage not in Stage.values:
        raise ValidationError({"to_stage": _("Unknown stage.")})
    refused = stages.refusal(case, to_stage)
    if refused:
        raise ValidationError({"to_stage": refused})
    move = stages.move_for(case.stage, to_stage)
    assert move is not None
    start = _today()
    if move.needs_closure_reason and closure_reason not in ClosureReason.values:
        errors["closure_reason"] = _("Choose the reason for closing the case.")
    if to_stage == Stage.REFLECTION:
        rg = latest_decision(case, DecisionKind.REASONABLE_GROUNDS)
        start = reflection_start or (rg.decided_at if rg else _today())
        if rg is not None and start < rg.decided_at:
            errors["reflection_start"] = _(
                "The reflection period cannot start before the reasonable-grounds decision."
            )
        if start > _today():
            errors["reflection_start"] = _("The reflection period cannot start in the future.")
    if errors:
        raise ValidationError(errors)
    from_stage = case.stage
    now = timezone.now()
    with transaction.atomic():
        case_bump_version(case=case, version=version)
        CaseStageChange.objects.create(
            case=case, from_stage=from_stage, to_stage=to_stage, at=now, by=by, reason=reason.strip()
        )
        case.set_stage(to_stage)
        fields = ["stage", "status", "updated_at"]
        if to_stage == Stage.CLOSED and move.needs_closure_reason:
            case.closed_at = now
            case.closure_reason = closure_reason
            case.closure_details = closure_details.strip()
            fields += ["closed_at", "closure_reason", "closure_details"]
        if to_stage == Stage.CLOSED and case.closure_reason == ClosureReason.REFERRED:
            case.status = CaseStatus.CLOSED_REFERRED
        case.save(update_fields=fields)
        case_audit_record(
            by=by,
            case=case,
            action="case.stage_change",
            details={"from_stage": from_stage, "to_stage": to_stage, "closure_reason": closure_reason},
        )
        if to_stage == Stage.REFLECTION:
            rules = country_rules.rules_for(case.country, start)
            ends_on = rules.reflection.last_day(start)
            period = ReflectionPeriod.objects.create(
                case=case,
                starts_on=start,
                base_days=(ends_on - start).days + 1,
                ends_on=ends_on,
                rule_version_id=rules.version_id,
            )
            clocks_on_reflection_started(by=by, case=case, period=period)
        elif to_stage in (Stage.ASSISTANCE, Stage.RETURN_REINTEGRATION):
            clock_plan_review_ensure(by=by, case=case, from_day=_today())
        elif to_stage == Stage.CLOSED and from_stage == Stage.FOLLOW_UP:
            clocks_stop(by=by, case=case, kinds=(clocks.FOLLOW_UP_CONTACT,), done=False)
        elif to_stage == Stage.CLOSED:
            clocks_on_closed(by=by, case=case, closed_on=timezone.localdate(now))
        next_due_refresh(case)
        case_id = case.pk
        transaction.on_commit(lambda: hooks.run("stage_changed", case_id))
    return case


def case_close(*, by: User, case: Case, version: int, closure_reason: str, closure_details: str = "") -> Case:
    return stage_change(
        by=by,
        case=case,
        to_stage=Stage.CLOSED,
        version=version,
        closure_reason=closure_reason,
        closure_details=closure_details,
    )


def follow_up_start(*, by: User, case: Case, version: int) -> Case:
    return stage_change(by=by, case=case, to_stage=Stage.FOLLOW_UP, version=version)


def follow_up_end(*, by: User, case: Case, version: int) -> Case:
    return stage_change(by=by, case=case, to_stage=Stage.CLOSED, version=version)


# --- reflection period ---------------------------------------------------------------------------


def reflection_extend(*, by: User, case: Case, days: int, reason: str) -> ReflectionPeriod:
    _check_may_edit(by, case)
    errors: dict[str, str] = {}
    period = ReflectionPeriod.objects.filter(case=case).select_related("rule_version").first()
    if period is None or case.stage != Stage.REFLECTION:
        raise ValidationError(_("The reflection and recovery period is not running on this case."))
    if not isinstance(days, int) or days <= 0:
        errors["days"] = _("An extension must be at least one day.")
    if not reason.strip():
        errors["reason"] = _("Give the reason for the extension.")
    # The period keeps the rules it started with: a later change of the country's rules does not
    # shorten or lengthen what it may reach.
    last_possible = clocks.reflection_last_possible_day(case.country, period)
    if "days" not in errors and period.ends_on + dt.timedelta(days=days) > last_possible:
        left = clocks.reflection_days_left(case.country, period)
        errors["days"] = ngettext(
            "The rules this period follows let it last until %(last)s at most; %(left)d day is left.",
            "The rules this period follows let it last until %(last)s at most; %(left)d days are left.",
            left,
        ) % {"last": date_format(last_possible, "SHORT_DATE_FORMAT"), "left": left}
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = ReflectionPeriod.objects.select_for_update().get(pk=period.pk)
        if locked.ends_on + dt.timedelta(days=days) > last_possible:  # someone extended in between
            raise ValidationError({"days": _("The period was extended meanwhile. Check the days left.")})
        ReflectionExtension.objects.create(period=locked, days=days, reason=reason.strip(), by=by)
        locked.extension_days += days
        locked.ends_on = locked.ends_on + dt.timedelta(days=days)
        locked.save(update_fields=["extension_days", "ends_on"])
        clock_move(by=by, case=case, kind=clocks.REFLECTION_ENDS, due=locked.ends_on)
        next_due_refresh(case)
        case_audit_record(by=by, case=case, action="case.reflection_extend", details={"days": days})
    return locked


# --- return, reintegration, local integration ---------------------------------------------------------


def return_plan_record(
    *,
    by: User,
    case: Case,
    kind: str,
    destination_country: str = "",
    risk_assessment_done: bool = False,
    risk_assessment_on: dt.date | None = None,
    planned_on: dt.date | None = None,
) -> ReturnPlan:
    _check_may_edit(by, case)
    errors: dict[str, str] = {}
    if kind not in ReturnKind.values:
        errors["kind"] = _("Choose the type of plan.")
    if destination_country and not is_country(destination_country):
        errors["destination_country"] = _("“%(code)s” is not an ISO 3166 country code.") % {
            "code": destination_country
        }
    if kind == ReturnKind.RETURN and not destination_country:
        errors["destination_country"] = _("Give the country the person returns to.")
    if risk_assessment_done and risk_assessment_on is None:
        errors["risk_assessment_on"] = _("Give the date of the risk assessment.")
    if not risk_assessment_done and risk_assessment_on is not None:
        errors["risk_assessment_on"] = _("A date is only given when the risk assessment is done.")
    _check_day(errors, "risk_assessment_on", risk_assessment_on, case, label=_("The risk assessment date"))
    if planned_on is not None and planned_on < _opened_on(case):
        errors["planned_on"] = _("The planned date cannot be before the case was opened.")
    if case.stage not in (Stage.ASSISTANCE, Stage.RETURN_REINTEGRATION):
        errors["kind"] = _("Plans for return or integration are made during assistance.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        plan = ReturnPlan.objects.create(
            case=case,
            kind=kind,
            destination_country=destination_country,
            risk_assessment_done=risk_assessment_done,
            risk_assessment_on=risk_assessment_on,
            planned_on=planned_on,
            created_by=by,
        )
        case_audit_record(
            by=by,
            case=case,
            action="case.return_plan",
            details={"kind": kind, "risk_assessment_done": risk_assessment_done},
        )
    return plan


# --- residence permits --------------------------------------------------------------------------------


class PermitFields(TypedDict, total=False):
    """What `permit_update` changes on a residence permit; only the fields given."""

    basis: list[str]
    applied_on: dt.date
    decision: str
    decided_on: dt.date | None
    valid_from: dt.date | None
    valid_until: dt.date | None


PERMIT_FIELDS = tuple(PermitFields.__annotations__)


def _validate_permit(case: Case, data: dict[str, Any]) -> None:
    errors: dict[str, str] = {}
    basis = data.get("basis") or []
    if not basis or set(basis) - set(PermitBasis.values):
        errors["basis"] = _("Choose the basis: personal situation, cooperation, or both.")
    applied = data.get("applied_on")
    if applied is None:
        errors["applied_on"] = _("Give the date of the application.")
    elif applied > _today():
        errors["applied_on"] = _("The application date cannot be in the future.")
    decision = data.get("decision") or PermitDecision.PENDING
    if decision not in PermitDecision.values:
        errors["decision"] = _("Choose the decision from the list.")
    decided = data.get("decided_on")
    if decision == PermitDecision.PENDING and decided is not None:
        errors["decided_on"] = _("A pending application has no decision date.")
    if decision in (PermitDecision.GRANTED, PermitDecision.REFUSED) and decided is None:
        errors["decided_on"] = _("Give the date of the decision.")
    if decided is not None and decided > _today():
        errors["decided_on"] = _("The decision date cannot be in the future.")
    if decided is not None and applied is not None and decided < applied:
        errors["decided_on"] = _("The decision cannot be before the application.")
    valid_from, valid_until = data.get("valid_from"), data.get("valid_until")
    if decision == PermitDecision.GRANTED:
        if valid_from is None:
            errors["valid_from"] = _("Give the first day the permit is valid.")
        if valid_until is None:
            errors["valid_until"] = _("Give the last day the permit is valid.")
    elif valid_from is not None or valid_until is not None:
        errors["valid_from"] = _("Only a granted permit has validity dates.")
    if valid_from is not None and valid_until is not None and valid_until <= valid_from:
        errors["valid_until"] = _("“Valid until” must be after “valid from”.")
    if errors:
        raise ValidationError(errors)


def permit_record(
    *,
    by: User,
    case: Case,
    basis: list[str],
    applied_on: dt.date,
    decision: str = PermitDecision.PENDING,
    decided_on: dt.date | None = None,
    valid_from: dt.date | None = None,
    valid_until: dt.date | None = None,
) -> ResidencePermit:
    _check_may_edit(by, case)
    data = {
        "basis": sorted(set(basis)),
        "applied_on": applied_on,
        "decision": decision,
        "decided_on": decided_on,
        "valid_from": valid_from,
        "valid_until": valid_until,
    }
    _validate_permit(case, data)
    with transaction.atomic():
        permit = ResidencePermit.objects.create(case=case, created_by=by, **data)
        clock_permit_renewal_keep(by=by, case=case, permit_id=permit.pk, valid_until=valid_until)
        next_due_refresh(case)
        case_audit_record(
            by=by,
            case=case,
            action="case.permit_record",
            details={"permit": permit.pk, "basis": data["basis"], "decision": decision},
        )
    return permit


def permit_update(*, by: User, permit: ResidencePermit, **changes: Unpack[PermitFields]) -> ResidencePermit:
    case = permit.case
    _check_may_edit(by, case)
    unknown = set(changes) - set(PERMIT_FIELDS)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    if "basis" in changes:
        changes["basis"] = sorted(set(changes["basis"] or []))
    with transaction.atomic():
        locked = ResidencePermit.objects.select_for_update().get(pk=permit.pk)
        data = {f: getattr(locked, f) for f in PERMIT_FIELDS} | changes
        _validate_permit(case, data)
        changed = [f for f, v in changes.items() if getattr(locked, f) != v]
        if not changed:
            return locked
        for field in changed:
            setattr(locked, field, data[field])
        locked.save(update_fields=[*changed, "updated_at"])
        granted = locked.decision == PermitDecision.GRANTED
        clock_permit_renewal_keep(
            by=by, case=case, permit_id=locked.pk, valid_until=locked.valid_until if granted else None
        )
        next_due_refresh(case)
        case_audit_record(
            by=by,
            case=case,
            action="case.permit_update",
            details={"permit": locked.pk, "fields": sorted(changed)},
        )
    return locked


def permit_renew(
    *, by: User, permit: ResidencePermit, valid_from: dt.date, valid_until: dt.date
) -> ResidencePermit:
    case = permit.case
    _check_may_edit(by, case)
    with transaction.atomic():
        locked = ResidencePermit.objects.select_for_update().get(pk=permit.pk)
        errors: dict[str, str] = {}
        if locked.decision != PermitDecision.GRANTED:
            raise ValidationError(_("Only a granted permit can be renewed."))
        if valid_until <= valid_from:
            errors["valid_until"] = _("“Valid until” must be after “valid from”.")
        if locked.valid_until is not None and valid_until <= locked.valid_until:
            errors["valid_until"] = _("A renewal must run beyond the current end of validity (%(day)s).") % {
                "day": date_format(locked.valid_until, "SHORT_DATE_FORMAT")
            }
        if errors:
            raise ValidationError(errors)
        PermitRenewal.objects.create(permit=locked, valid_from=valid_from, valid_until=valid_until, by=by)
        locked.valid_until = valid_until
        locked.save(update_fields=["valid_until", "updated_at"])
        clock_permit_renewal_keep(by=by, case=case, permit_id=locked.pk, valid_until=valid_until)
        next_due_refresh(case)
        case_audit_record(by=by, case=case, action="case.permit_renew", details={"permit": locked.pk})
    return locked


# --- proceedings -------------------------------------------------------------------------------------


class ProceedingFields(TypedDict, total=False):
    """What `proceeding_update` changes on a proceeding; only the fields given."""

    kind: str
    role: str
    compensation_claimed: bool
    compensation_amount: Decimal | None
    compensation_currency: str
    status: str
    authority: str


PROCEEDING_FIELDS = tuple(ProceedingFields.__annotations__)
_CURRENCY = re.compile(r"^[A-Z]{3}$")


def _validate_proceeding(data: dict[str, Any]) -> None:
    errors: dict[str, str] = {}
    if data.get("kind") not in ProceedingKind.values:
        errors["kind"] = _("Choose criminal, civil or administrative.")
    if data.get("role") not in ProceedingRole.values:
        errors["role"] = _("Choose the person's role from the list.")
    if data.get("status") not in ProceedingStatus.values:
        errors["status"] = _("Choose the status from the list.")
    amount = data.get("compensation_amount")
    currency = data.get("compensation_currency") or ""
    if amount is not None:
        if not data.get("compensation_claimed"):
            errors["compensation_amount"] = _("An amount is only given when compensation is claimed.")
        elif Decimal(amount) < 0:
            errors["compensation_amount"] = _("The amount cannot be negative.")
        if not currency:
            errors["compensation_currency"] = _("Give the currency of the amount (e.g. EUR).")
    if currency and not _CURRENCY.match(currency):
        errors["compensation_currency"] = _("Give the currency as a three-letter ISO 4217 code, e.g. EUR.")
    if len(data.get("authority") or "") > 200:
        errors["authority"] = _("Keep the name of the court or authority under 200 characters.")
    if errors:
        raise ValidationError(errors)


def proceeding_record(
    *,
    by: User,
    case: Case,
    kind: str,
    role: str,
    compensation_claimed: bool = False,
    compensation_amount: Decimal | None = None,
    compensation_currency: str = "",
    status: str = ProceedingStatus.ONGOING,
    authority: str = "",
) -> Proceeding:
    _check_may_edit(by, case)
    data = {
        "kind": kind,
        "role": role,
        "compensation_claimed": compensation_claimed,
        "compensation_amount": compensation_amount,
        "compensation_currency": (compensation_currency or "").strip().upper(),
        "status": status,
        "authority": authority.strip(),
    }
    _validate_proceeding(data)
    with transaction.atomic():
        proceeding = Proceeding.objects.create(case=case, created_by=by, **data)
        case_audit_record(
            by=by,
            case=case,
            action="case.proceeding_record",
            details={"proceeding": proceeding.pk, "kind": kind, "role": role},
        )
    return proceeding


def proceeding_update(*, by: User, proceeding: Proceeding, **changes: Unpack[ProceedingFields]) -> Proceeding:
    case = proceeding.case
    _check_may_edit(by, case)
    unknown = set(changes) - set(PROCEEDING_FIELDS)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    if "compensation_currency" in changes:
        changes["compensation_currency"] = (changes["compensation_currency"] or "").strip().upper()
    if "authority" in changes:
        changes["authority"] = (changes["authority"] or "").strip()
    with transaction.atomic():
        locked = Proceeding.objects.select_for_update().get(pk=proceeding.pk)
        data = {f: getattr(locked, f) for f in PROCEEDING_FIELDS} | changes
        _validate_proceeding(data)
        changed = [f for f, v in changes.items() if getattr(locked, f) != v]
        if not changed:
            return locked
        for field in changed:
            setattr(locked, field, data[field])
        locked.save(update_fields=[*changed, "updated_at"])
        case_audit_record(
            by=by,
            case=case,
            action="case.proceeding_update",
            details={"proceeding": locked.pk, "fields": sorted(changed)},
        )
    return locked


# --- tasks ---------------------------------------------------------------------------------------------


def _check_assignee(case: Case, assignee: User | None, *, kind: str = clocks.MANUAL) -> None:
    if assignee is None:
        return
    if not assignee.is_active or not Case.objects.visible_to(assignee).filter(pk=case.pk).exists():
        raise ValidationError({"assignee": _("Tasks can only be assigned to someone who can see the case.")})
    if kind in clocks.DECISION_TASK_KINDS and not access.can_decide(assignee, case):
        raise ValidationError(
            {"assignee": _("This task needs a decision: assign it to someone who may record decisions.")}
        )


def _clock_assignee_id(case: Case, kind: str) -> int | None:
    """Who a clock's task goes to: the case's worker, unless the task is a decision the worker may not
    record; then the first of the organisation's deciders, or nobody (the supervisors' overdue list
    shows it) rather than someone who cannot do it."""
    if kind not in clocks.DECISION_TASK_KINDS:
        return case.owner_id
    if case.owner is not None and access.can_decide(case.owner, case):
        return case.owner_id
    from strom.stages.selectors import deciders

    people = deciders(case)
    return people[0].pk if people else None


def task_create(
    *, by: User, case: Case, title_key: str, due_date: dt.date, assignee: User | None = None
) -> CaseTask:
    _check_may_edit(by, case)
    errors: dict[str, str] = {}
    if title_key not in clocks.MANUAL_TASK_TITLES:
        errors["title_key"] = _("Choose what is to be done from the list.")
    if due_date < _today():
        errors["due_date"] = _("The due date cannot be in the past.")
    if due_date > _today() + dt.timedelta(days=5 * 366):
        errors["due_date"] = _("The due date is more than five years away.")
    if errors:
        raise ValidationError(errors)
    if assignee is None:
        assignee = case.owner if case.owner_id else by
    _check_assignee(case, assignee)
    with transaction.atomic():
        task = CaseTask.objects.create(
            case=case,
            kind=clocks.MANUAL,
            title_key=title_key,
            due_date=due_date,
            assignee=assignee,
            created_by=by,
        )
        next_due_refresh(case)
        case_audit_record(
            by=by, case=case, action="task.create", details={"task": task.pk, "kind": clocks.MANUAL}
        )
    return task


def _lock_task(task: CaseTask) -> CaseTask:
    """The task's row, locked for the rest of the transaction: its state is checked and saved on it."""
    return CaseTask.objects.select_for_update().get(pk=task.pk)


def task_assign(*, by: User, task: CaseTask, assignee: User) -> CaseTask:
    case = task.case
    _check_may_edit(by, case)
    _check_assignee(case, assignee, kind=task.kind)
    with transaction.atomic():
        locked = _lock_task(task)
        locked.assignee = assignee
        locked.save(update_fields=["assignee"])
        # A new assignee gets the reminders afresh.
        locked.reminders.all().delete()
        case_audit_record(
            by=by, case=case, action="task.assign", details={"task": locked.pk, "assignee": assignee.pk}
        )
    return locked


def task_complete(*, by: User, task: CaseTask) -> CaseTask:
    case = task.case
    _check_may_edit(by, case)
    with transaction.atomic():
        locked = _lock_task(task)
        if not locked.is_open:
            raise ValidationError(_("This task is already done or cancelled."))
        locked.done_at = timezone.now()
        locked.done_by = by
        locked.save(update_fields=["done_at", "done_by"])
        case_audit_record(
            by=by, case=case, action="task.complete", details={"task": locked.pk, "kind": locked.kind}
        )
        if locked.kind == clocks.PLAN_REVIEW and case.stage in (
            Stage.REFLECTION,
            Stage.ASSISTANCE,
            Stage.RETURN_REINTEGRATION,
        ):
            clock_plan_review_ensure(by=by, case=case, from_day=_today())
        next_due_refresh(case)
    return locked


def task_reopen(*, by: User, task: CaseTask) -> CaseTask:
    case = task.case
    _check_may_edit(by, case)
    with transaction.atomic():
        locked = _lock_task(task)
        if locked.is_open:
            raise ValidationError(_("This task is open already."))
        if locked.kind != clocks.MANUAL:
            raise ValidationError(_("Tasks set by a clock cannot be reopened; the clock sets the next one."))
        locked.done_at = None
        locked.done_by = None
        locked.cancelled_at = None
        locked.save(update_fields=["done_at", "done_by", "cancelled_at"])
        case_audit_record(by=by, case=case, action="task.reopen", details={"task": locked.pk})
        next_due_refresh(case)
    return locked


def task_cancel(*, by: User, task: CaseTask) -> CaseTask:
    case = task.case
    _check_may_edit(by, case)
    with transaction.atomic():
        locked = _lock_task(task)
        if not locked.is_open:
            raise ValidationError(_("This task is already done or cancelled."))
        if locked.kind != clocks.MANUAL:
            raise ValidationError(_("A legal deadline cannot be cancelled; it ends when the case moves on."))
        locked.cancelled_at = timezone.now()
        locked.save(update_fields=["cancelled_at"])
        case_audit_record(by=by, case=case, action="task.cancel", details={"task": locked.pk})
        next_due_refresh(case)
    return locked


def task_request(*, by: SystemActor, case: Case, kind: str, due_date: dt.date, source: str) -> CaseTask:
    """A task another part of STROM asks for on a case, with no person acting: for example a child's
    screening to look at again after the screening rule changed (strom/screening/services_recheck.py).

    Not a legal clock (no country rule is behind it) and not a person's manual task. The kind is a
    registered title key (clocks.TASK_TITLES), never free text; the case owner gets the task and its
    reminders like any other. Runs inside the caller's transaction when there is one. `by` is the
    system job that asks (strom.audit.actors), shown in the audit log.
    """
    if kind not in clocks.TASK_TITLES or kind in clocks.CLOCKS or kind in clocks.MANUAL_TASK_TITLES:
        raise ValueError(f"not a registered requested-task kind: {kind}")
    with transaction.atomic():
        task = CaseTask.objects.create(
            case=case,
            kind=kind,
            title_key=kind,
            source=source,
            due_date=due_date,
            assignee_id=case.owner_id,
            created_by=None,
        )
        next_due_refresh(case)
        case_audit_record(by=by, case=case, action="task.create", details={"task": task.pk, "kind": kind})
    return task


def tasks_request_cancel(*, by: SystemActor, case: Case, source: str) -> int:
    """Cancel the open tasks another part of STROM asked for on a case under `source`, when what they
    were for ended (a return plan whose referral was withdrawn or declined). Returns how many.
    Unlike `clocks_stop`, which ends a clock's tasks with one entry, each task cancelled here was
    created with an entry of its own (`task_request`) and ends with one."""
    with transaction.atomic():
        open_tasks = list(clocks.open_tasks(case).select_for_update().filter(source=source).order_by("id"))
        now = timezone.now()
        for task in open_tasks:
            task.cancelled_at = now
            task.save(update_fields=["cancelled_at"])
            case_audit_record(
                by=by, case=case, action="task.cancel", details={"task": task.pk, "kind": task.kind}
            )
        if open_tasks:
            next_due_refresh(case)
    return len(open_tasks)


# --- the clocks' tasks ---------------------------------------------------------------------------------
# strom/stages/clocks.py says when each clock's task is due; these functions write the tasks and their
# audit entries. They run inside the caller's transaction, except `clocks_on_case_opened` (a hook).


def next_due_refresh(case: Case) -> None:
    """Case.next_due_at = earliest open task's due date; the case list filters overdue on it."""
    earliest = clocks.open_tasks(case).aggregate(earliest=Min("due_date"))["earliest"]
    # A plain UPDATE of one column: tasks must not bump the case version or race case edits.
    Case.objects.filter(pk=case.pk).update(next_due_at=earliest)
    case.next_due_at = earliest


def _user(by: User | SystemActor) -> User | None:
    """The person to store in a `created_by` or `done_by` column: none when a system job acted (the
    audit entry names the job)."""
    return None if isinstance(by, SystemActor) else by


def clock_start(
    *,
    by: User | SystemActor,
    case: Case,
    kind: str,
    due: dt.date,
    rules: CountryRules,
    source: str = "",
    params: dict[str, Any] | None = None,
) -> CaseTask:
    """Start a clock: its task, due `due`, keeping the rule version it started with."""
    task = CaseTask.objects.create(
        case=case,
        kind=kind,
        title_key=kind,
        title_params=params or {},
        source=source,
        due_date=due,
        rule_version_id=rules.version_id,
        assignee_id=_clock_assignee_id(case, kind),
        created_by=_user(by),
    )
    case_audit_record(
        by=by,
        case=case,
        action="task.create",
        details={"task": task.pk, "kind": kind, "rule_version": rules.version_id},
    )
    return task


def clock_move(*, by: User | SystemActor, case: Case, kind: str, due: dt.date, source: str = "") -> int:
    """Move the open task of a running clock to a new due date; how many moved (0: none running)."""
    moved = int(clocks.open_tasks(case).filter(kind=kind, source=source).update(due_date=due))
    if moved:
        case_audit_record(by=by, case=case, action="task.move", details={"kind": kind})
    return moved


def clocks_stop(
    *, by: User | SystemActor, case: Case, kinds: tuple[str, ...], done: bool, source: str | None = None
) -> int:
    """Mark the open tasks of these clocks done (the thing happened) or cancelled (no longer due)."""
    now = timezone.now()
    tasks = clocks.open_tasks(case).filter(kind__in=kinds)
    if source is not None:
        tasks = tasks.filter(source=source)
    changes: dict[str, Any] = {"done_at": now, "done_by": _user(by)} if done else {"cancelled_at": now}
    count = int(tasks.update(**changes))
    if count:
        case_audit_record(
            by=by,
            case=case,
            action="task.complete" if done else "task.cancel",
            details={"kinds": sorted(kinds), "count": count},
        )
    return count


def clocks_on_case_opened(case_id: int) -> None:
    """The case_opened hook (strom/cases/hooks.py): the reasonable-grounds clock starts."""
    with transaction.atomic():
        case = Case.objects.select_related("owner").get(pk=case_id)
        if clocks.has_open(case, clocks.RG_DUE):
            return
        opened = timezone.localdate(case.opened_at)
        rules = country_rules.rules_for(case.country, opened)
        due = rules.reasonable_grounds_due.after(opened)
        # Nobody acts here: the country's rule starts the clock, so the clocks' system job does.
        clock_start(by=CLOCKS, case=case, kind=clocks.RG_DUE, due=due, rules=rules)
        next_due_refresh(case)


def clocks_on_reflection_started(*, by: User, case: Case, period: ReflectionPeriod) -> None:
    """The period keeps the rules in force on its first day; so do the clocks it starts."""
    rules = country_rules.rules_for_clock(case.country, period.rule_version, started_on=period.starts_on)
    clocks_stop(by=by, case=case, kinds=(clocks.RG_DUE,), done=True)
    clock_start(by=by, case=case, kind=clocks.REFLECTION_ENDS, due=period.ends_on, rules=rules)
    if not clocks.has_open(case, clocks.IDENTIFICATION_DUE):
        due = rules.formal_identification_due.after(period.starts_on)
        clock_start(by=by, case=case, kind=clocks.IDENTIFICATION_DUE, due=due, rules=rules)
    clock_plan_review_ensure(by=by, case=case, from_day=period.starts_on)


def clock_plan_review_ensure(*, by: User | SystemActor, case: Case, from_day: dt.date) -> None:
    """Start the support plan review clock unless one is running."""
    if clocks.has_open(case, clocks.PLAN_REVIEW):
        return
    rules = country_rules.rules_for(case.country, from_day)
    due = rules.support_plan_review.after(from_day)
    clock_start(by=by, case=case, kind=clocks.PLAN_REVIEW, due=due, rules=rules)


def clocks_on_closed(*, by: User, case: Case, closed_on: dt.date) -> None:
    """The active clocks stop; the follow-up contacts start."""
    clocks_stop(by=by, case=case, kinds=clocks.ACTIVE_CLOCKS, done=False)
    rules = country_rules.rules_for(case.country, closed_on)
    periods = rules.follow_up
    for number, period in enumerate(periods, start=1):
        clock_start(
            by=by,
            case=case,
            kind=clocks.FOLLOW_UP_CONTACT,
            due=period.after(closed_on),
            rules=rules,
            params={"number": number, "total": len(periods)},
        )


def clock_permit_renewal_keep(*, by: User, case: Case, permit_id: int, valid_until: dt.date | None) -> None:
    """Keep one open renewal task per permit, due the notice period before it runs out.

    The first task takes the rules in force that day; a renewal moves it with the rules it kept.
    """
    source = f"permit:{permit_id}"
    kind = clocks.PERMIT_RENEWAL
    if valid_until is None:
        clocks_stop(by=by, case=case, kinds=(kind,), done=False, source=source)
        return
    running = clocks.open_tasks(case).filter(kind=kind, source=source).select_related("rule_version").first()
    if running is not None:
        started_on = timezone.localdate(running.created_at)
        rules = country_rules.rules_for_clock(case.country, running.rule_version, started_on=started_on)
        due = rules.permit_renewal_notice.before(valid_until)
        clock_move(by=by, case=case, kind=kind, due=due, source=source)
        return
    rules = country_rules.rules_for(case.country, timezone.localdate())
    due = rules.permit_renewal_notice.before(valid_until)
    clock_start(by=by, case=case, kind=kind, due=due, rules=rules, source=source)
