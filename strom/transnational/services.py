"""Writes for transnational referral: partners, referrals, return plans, and the messages between them.

Every local change writes its audit entry and queues its message to the partner in one transaction
(the outbox, drained by `strom worker`), so a change is never made without its message nor a message
sent for a change that was rolled back. Messages received are applied by `message_receive`: verified
first (envelope.open_message), then applied with their id recorded, all or nothing. Audit details
name referrals by uuid and partners by id, never a person.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from strom.audit.actors import TRANSNATIONAL, SystemActor
from strom.audit.services import audit_record
from strom.cases.reads import case_audit_record
from strom.consent.models import Purpose
from strom.consent.selectors import consent_status
from strom.core.countries import is_country
from strom.core.errors import NotAllowed
from strom.referrals.models import Section
from strom.referrals.selectors import case_sections
from strom.transnational import access
from strom.transnational.envelope import check_partner_url, get_json
from strom.transnational.keys import jwks_thumbprints, rotate_keys
from strom.transnational.models import (
    UNDONE_STATES,
    Change,
    Direction,
    Measure,
    OutboxMessage,
    OutboxState,
    Partner,
    PartnerState,
    PlanState,
    ReturnPlan,
    State,
    TransnationalReferral,
)

if TYPE_CHECKING:
    from strom.accounts.models import User
    from strom.cases.models import Case
    from strom.directory.models import Organisation

logger = logging.getLogger("strom.transnational")

# Files do not travel between instances: a document is asked for and sent by other means.
TRANSNATIONAL_SECTIONS = tuple(s for s in Section.values if s != Section.DOCUMENTS)
HANDOVER_TASK = "trm_return_handover"
FOLLOW_UP_TASK = "trm_return_follow_up"


def trm_audit(
    *,
    by: User | SystemActor,
    action: str,
    referral: TransnationalReferral | None = None,
    partner: Partner | None = None,
    details: dict[str, Any] | None = None,
) -> None:
    """A referral with a case is audited on the case (so the person's export lists it); else on itself."""
    data = {**(details or {})}
    if partner is not None:
        data["partner"] = partner.pk
    if referral is not None:
        data["referral"] = str(referral.uuid)
        if referral.case_id is not None and referral.case is not None:
            case_audit_record(by=by, case=referral.case, action=action, details=data)
            return
        audit_record(
            actor=by,
            action=action,
            object_type="transnational_referral",
            object_ref=str(referral.uuid),
            organisation_id=referral.organisation_id,
            details=data,
        )
        return
    audit_record(
        actor=by,
        action=action,
        object_type="partner",
        object_ref=partner.pk if partner is not None else "",
        organisation_id=partner.organisation_id if partner is not None else None,
        details=data,
    )


def _enqueue(
    *,
    partner: Partner,
    kind: str,
    body: dict[str, Any],
    referral: TransnationalReferral | None = None,
    sign_with: str = "",
) -> OutboxMessage:
    return OutboxMessage.objects.create(
        partner=partner,
        referral=referral,
        kind=kind,
        body=json.dumps(body),
        sign_with=sign_with,
        next_attempt_at=timezone.now(),
    )


def _change(referral: TransnationalReferral, state: str, *, by: User | None, remote: bool) -> None:
    Change.objects.create(referral=referral, state=state, at=timezone.now(), by=by, remote=remote)


# --- partners --------------------------------------------------------------------------------------------


def _check_focal_point_org(organisation: Organisation) -> None:
    from strom.network.models import NetworkService

    marked = NetworkService.objects.filter(organisation=organisation, trm_focal_point=True, is_active=True)
    if not marked.exists():
        raise ValidationError(
            {
                "organisation": _(
                    "The network directory does not mark this organisation as a transnational referral "
                    "focal point."
                )
            }
        )


def _check_jwks(jwks: dict[str, Any], signing: str, encryption: str) -> None:
    errors: dict[str, str] = {}
    if signing not in jwks_thumbprints(jwks, "sig"):
        errors["signing_thumbprint"] = _(
            "The partner's published keys do not include this signing key fingerprint."
        )
    if encryption not in jwks_thumbprints(jwks, "enc"):
        errors["encryption_thumbprint"] = _(
            "The partner's published keys do not include this encryption key fingerprint."
        )
    if errors:
        raise ValidationError(errors)


def partner_add(
    *,
    by: User,
    name: str,
    country: str,
    url: str,
    signing_thumbprint: str,
    encryption_thumbprint: str,
    organisation: Organisation,
    jwks: dict[str, Any] | None = None,
) -> Partner:
    """Trust another instance: its published keys must match the fingerprints given out of band. Only
    those keys are stored (the ones matching the fingerprints). A confirmation goes to the partner."""
    access.check_manage_partners(by)
    url = url.strip().rstrip("/")
    signing_thumbprint, encryption_thumbprint = signing_thumbprint.strip(), encryption_thumbprint.strip()
    errors: dict[str, str] = {}
    if not name.strip():
        errors["name"] = _("Give the partner's name.")
    if not is_country(country.upper()):
        errors["country"] = _("Choose a country.")
    elif country.upper() == organisation.country:
        errors["country"] = _("A partner instance is in another country.")
    if Partner.objects.filter(url=url).exists():
        errors["url"] = _("A partner with this address is already known.")
    if errors:
        raise ValidationError(errors)
    check_partner_url(url)
    _check_focal_point_org(organisation)
    if jwks is None:
        try:
            jwks = get_json(f"{url}/jwks")
        except OSError as exc:
            raise ValidationError(
                {"url": _("The partner's keys could not be fetched: %(error)s") % {"error": exc}}
            ) from exc
    _check_jwks(jwks, signing_thumbprint, encryption_thumbprint)
    pinned = {
        "keys": [
            k
            for k in jwks.get("keys", [])
            if isinstance(k, dict) and k.get("kid") in (signing_thumbprint, encryption_thumbprint)
        ]
    }
    with transaction.atomic():
        partner = Partner.objects.create(
            name=name.strip(),
            country=country.upper(),
            url=url,
            signing_thumbprint=signing_thumbprint,
            encryption_thumbprint=encryption_thumbprint,
            jwks=pinned,
            organisation=organisation,
            added_by=by,
        )
        trm_audit(by=by, action="transnational.partner_add", partner=partner)
        _enqueue(partner=partner, kind="partner.confirm", body={"country": organisation.country})
    return partner


def _lock_partner(partner: Partner) -> Partner:
    return Partner.objects.select_for_update().get(pk=partner.pk)


def partner_suspend(*, by: User, partner: Partner, reason: str) -> Partner:
    """Stop sending to and accepting from the partner; queued messages wait until it is resumed."""
    access.check_manage_partners(by)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the partner is suspended.")})
    with transaction.atomic():
        locked = _lock_partner(partner)
        if locked.state == PartnerState.SUSPENDED:
            raise ValidationError(_("This partner is already suspended."))
        locked.state = PartnerState.SUSPENDED
        locked.suspended_at = timezone.now()
        locked.suspension_reason = reason.strip()[:300]
        locked.save(update_fields=["state", "suspended_at", "suspension_reason"])
        trm_audit(by=by, action="transnational.partner_suspend", partner=locked)
    return locked


def partner_resume(*, by: User, partner: Partner) -> Partner:
    access.check_manage_partners(by)
    with transaction.atomic():
        locked = _lock_partner(partner)
        if locked.state != PartnerState.SUSPENDED:
            raise ValidationError(_("This partner is not suspended."))
        locked.state = PartnerState.ACTIVE if locked.confirmed_at else PartnerState.AWAITING
        locked.suspended_at = None
        locked.suspension_reason = ""
        locked.save(update_fields=["state", "suspended_at", "suspension_reason"])
        trm_audit(by=by, action="transnational.partner_resume", partner=locked)
    return locked


def keys_rotate(*, by: User | SystemActor) -> list[str]:
    """New instance keys; every partner not suspended is told in a message signed with the old key,
    which it already trusts. Returns the new (signing, encryption) key ids."""
    if not isinstance(by, SystemActor):
        access.check_manage_partners(by)
    before, after = rotate_keys()
    body = {"jwks": after.public_jwks()}
    with transaction.atomic():
        for partner in Partner.objects.exclude(state=PartnerState.SUSPENDED):
            _enqueue(partner=partner, kind="partner.keys", body=body, sign_with=before.signing.current)
        audit_record(
            actor=by,
            action="transnational.keys_rotate",
            object_type="instance_keys",
            object_ref=after.signing.current[:16],
        )
    return [after.signing.current, after.encryption.current]


# --- sending a referral ------------------------------------------------------------------------------


def _section_json(case: Case, scope: list[str]) -> list[dict[str, Any]]:
    return [
        {
            "key": section.key,
            "title": str(section.title),
            "rows": [[r.key, r.label, r.value] for r in section.rows],
            "items": [[[r.key, r.label, r.value] for r in item] for item in section.items],
        }
        for section in case_sections(case, scope)
    ]


def _validate_send(case: Case, partner: Partner, measures: list[str], scope: list[str]) -> Any:
    errors: dict[str, str] = {}
    if not partner.is_active:
        errors["partner"] = _("This partner instance is not active.")
    elif partner.organisation_id != case.organisation_id:
        errors["partner"] = _("Your organisation is not this partner's focal point.")
    if not measures:
        errors["measures"] = _("Choose at least one measure.")
    elif set(measures) - set(Measure.values):
        errors["measures"] = _("Choose measures from the list.")
    if set(scope) - set(TRANSNATIONAL_SECTIONS):
        errors["scope"] = _("Choose what to share from the list.")
    status = consent_status(case, Purpose.CROSS_BORDER, partner.country)
    if not status.given:
        errors["consent"] = _(
            "The person's consent to a transfer of their data to %(country)s is not recorded: %(status)s."
        ) % {"country": partner.get_country_display(), "status": status.label}
    if errors:
        raise ValidationError(errors)
    return status.record


def referral_send(
    *, by: User, case: Case, partner: Partner, measures: list[str], scope: list[str], message: str = ""
) -> TransnationalReferral:
    """Queue a referral of `case` to the partner's focal point, carrying only the scoped sections."""
    if not access.may_send_from(by, case):
        raise NotAllowed(_("You may not send transnational referrals of this case."))
    consent = _validate_send(case, partner, measures, scope)
    measures = [m for m in Measure.values if m in measures]
    scope = [s for s in TRANSNATIONAL_SECTIONS if s in scope]
    with transaction.atomic():
        referral = TransnationalReferral.objects.create(
            direction=Direction.OUTGOING,
            partner=partner,
            organisation_id=case.organisation_id,
            case=case,
            measures=measures,
            scope=scope,
            message=message.strip(),
            consent=consent,
            sender_name=case.organisation.name,
            created_by=by,
        )
        _change(referral, State.QUEUED, by=by, remote=False)
        body = {
            "referral": str(referral.uuid),
            "measures": measures,
            "scope": scope,
            "sections": _section_json(case, scope),
            "message": referral.message,
            "sender": case.organisation.name,
            "child": case.is_child,
            "consent": {"country": partner.country, "given_on": consent.given_at.isoformat()},
        }
        _enqueue(partner=partner, kind="referral.send", body=body, referral=referral)
        trm_audit(
            by=by,
            action="transnational.send",
            referral=referral,
            partner=partner,
            details={"measures": measures, "scope": scope},
        )
    return referral


# --- answering ---------------------------------------------------------------------------------------


def _lock(referral: TransnationalReferral) -> TransnationalReferral:
    return (
        TransnationalReferral.objects.select_for_update(of=("self",))
        .select_related("partner", "case")
        .get(pk=referral.pk)
    )


def _set_state(
    referral: TransnationalReferral,
    state: str,
    *,
    by: User | None,
    remote: bool,
    extra: list[str] | None = None,
) -> None:
    referral.state = state
    referral.save(update_fields=["state", *(extra or [])])
    _change(referral, state, by=by, remote=remote)


def _person_from(by: User, referral: TransnationalReferral) -> Any:
    from strom.cases.services import person_create

    identity: dict[str, str] = {}
    for section in json.loads(referral.content or "[]"):
        if section.get("key") == Section.IDENTITY:
            identity = {row[0]: row[2] for row in section.get("rows", []) if len(row) == 3}
    given, family = identity.get("given_name", ""), identity.get("family_name", "")
    if not given and not family:
        raise ValidationError(_("The referral carries no name, so no case can be opened from it."))
    return person_create(
        by=by,
        organisation=referral.organisation,
        given_name=given,
        family_name=family,
        other_names=identity.get("other_names", ""),
    )


def _open_case(by: User, referral: TransnationalReferral) -> Case:
    from strom.cases.services import case_open

    municipality = referral.organisation.municipality
    if municipality is None:
        raise ValidationError(_("Your organisation has no municipality to open the case in."))
    person = _person_from(by, referral)
    return case_open(
        by=by, person=person, organisation=referral.organisation, municipality=municipality, owner=by
    )


def referral_accept(
    *, by: User, referral: TransnationalReferral, open_case: bool = False
) -> TransnationalReferral:
    """The receiving focal point accepts; with `open_case`, a case is opened here from what was sent."""
    if referral.is_outgoing or referral.organisation_id not in access.focal_point_org_ids(by):
        raise NotAllowed(_("You may not answer this referral."))
    with transaction.atomic():
        locked = _lock(referral)
        if locked.state != State.DELIVERED:
            raise ValidationError(_("Only a referral waiting for an answer can be accepted."))
        extra = ["answered_at"]
        locked.answered_at = timezone.now()
        if open_case and locked.case_id is None:
            locked.case = _open_case(by, locked)
            extra.append("case")
        _set_state(locked, State.ACCEPTED, by=by, remote=False, extra=extra)
        _enqueue(
            partner=locked.partner,
            kind="referral.state",
            body={"referral": str(locked.uuid), "state": State.ACCEPTED},
            referral=locked,
        )
        trm_audit(by=by, action="transnational.accept", referral=locked, details={"case_opened": open_case})
    return locked


def referral_decline(*, by: User, referral: TransnationalReferral, reason: str) -> TransnationalReferral:
    if referral.is_outgoing or referral.organisation_id not in access.focal_point_org_ids(by):
        raise NotAllowed(_("You may not answer this referral."))
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for declining.")})
    with transaction.atomic():
        locked = _lock(referral)
        if locked.state != State.DELIVERED:
            raise ValidationError(_("Only a referral waiting for an answer can be declined."))
        locked.decline_reason = reason.strip()
        locked.answered_at = locked.closed_at = timezone.now()
        _set_state(
            locked, State.DECLINED, by=by, remote=False, extra=["decline_reason", "answered_at", "closed_at"]
        )
        _enqueue(
            partner=locked.partner,
            kind="referral.state",
            body={"referral": str(locked.uuid), "state": State.DECLINED, "reason": locked.decline_reason},
            referral=locked,
        )
        trm_audit(by=by, action="transnational.decline", referral=locked)
    return locked


# --- ending a referral: the sender withdraws, the receiver completes -------------------------------------


def _unsent(referral: TransnationalReferral) -> OutboxMessage | None:
    """The referral's own message if no attempt to send it was ever made, locked; else None. A message
    the worker is sending now is locked by it and counts as sent; so does one tried before, whose
    answer may have been lost after the partner stored it."""
    return (
        OutboxMessage.objects.select_for_update(skip_locked=True)
        .filter(referral=referral, kind="referral.send", state=OutboxState.PENDING, attempts=0)
        .first()
    )


def referral_withdraw(*, by: User, referral: TransnationalReferral, reason: str) -> TransnationalReferral:
    """The sender's focal point withdraws a referral that is still open; the partner is told. A
    referral never tried is simply not sent: its queued message, which carries the case's sections,
    is deleted and the partner hears nothing."""
    if not referral.is_outgoing or referral.organisation_id not in access.focal_point_org_ids(by):
        raise NotAllowed(_("You may not withdraw this referral."))
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for withdrawing.")})
    with transaction.atomic():
        locked = _lock(referral)
        if not locked.is_open:
            raise ValidationError(_("Only a referral that is still open can be withdrawn."))
        locked.withdraw_reason = reason.strip()
        locked.closed_at = timezone.now()
        unsent = _unsent(locked) if locked.state == State.QUEUED else None
        _set_state(locked, State.WITHDRAWN, by=by, remote=False, extra=["withdraw_reason", "closed_at"])
        return_plan_tasks_cancel(locked)
        if unsent is not None:
            unsent.delete()
        else:
            pending = (
                OutboxMessage.objects.filter(referral=locked, state=OutboxState.PENDING)
                .order_by("-next_attempt_at")
                .first()
            )
            told = _enqueue(
                partner=locked.partner,
                kind="referral.state",
                body={
                    "referral": str(locked.uuid),
                    "state": State.WITHDRAWN,
                    "reason": locked.withdraw_reason,
                },
                referral=locked,
            )
            if pending is not None and pending.next_attempt_at > told.next_attempt_at:
                # Not before the referral itself, which the partner must hold first.
                told.next_attempt_at = pending.next_attempt_at
                told.save(update_fields=["next_attempt_at"])
        trm_audit(by=by, action="transnational.withdraw", referral=locked, details={"sent": unsent is None})
    return locked


def referral_complete(*, by: User, referral: TransnationalReferral, note: str) -> TransnationalReferral:
    """The receiver's focal point marks an accepted referral done, with a short note for the sender."""
    if referral.is_outgoing or referral.organisation_id not in access.focal_point_org_ids(by):
        raise NotAllowed(_("You may not complete this referral."))
    if not note.strip():
        raise ValidationError({"note": _("Write a short note on what was done.")})
    with transaction.atomic():
        locked = _lock(referral)
        if locked.state != State.ACCEPTED:
            raise ValidationError(_("Only an accepted referral can be marked completed."))
        locked.completion_note = note.strip()
        locked.closed_at = timezone.now()
        _set_state(locked, State.COMPLETED, by=by, remote=False, extra=["completion_note", "closed_at"])
        _enqueue(
            partner=locked.partner,
            kind="referral.state",
            body={"referral": str(locked.uuid), "state": State.COMPLETED, "note": locked.completion_note},
            referral=locked,
        )
        trm_audit(by=by, action="transnational.complete", referral=locked)
    return locked


# --- retention: what a referral that ended undone carried ------------------------------------------------


def closed_referrals_minimise(*, by: SystemActor, now: dt.datetime | None = None, limit: int = 500) -> int:
    """Delete what the partner sent with an incoming referral that was declined or withdrawn
    STROM_TRANSNATIONAL_CLOSED_RETENTION_DAYS ago — the sections, the message, the sender's name — and
    the reasons given and a return plan's agreed follow-up, which may speak of the person. The row
    stays (uuid, partner, measures, states and dates), so the inbox and the audit trail still say what
    happened. Returns how many."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=settings.STROM_TRANSNATIONAL_CLOSED_RETENTION_DAYS)
    cleared = {"content": "", "message": "", "sender_name": "", "decline_reason": "", "withdraw_reason": ""}
    with transaction.atomic():
        due = list(
            TransnationalReferral.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("case")
            .filter(
                direction=Direction.INCOMING,
                state__in=UNDONE_STATES,
                closed_at__lt=cutoff,
                content_deleted_at__isnull=True,
            )
            .order_by("closed_at", "id")[:limit]
        )
        deleted_at = timezone.now()
        plans = {plan.referral_id: plan for plan in ReturnPlan.objects.filter(referral__in=due)}
        for referral in due:
            for name, value in cleared.items():
                setattr(referral, name, value)
            referral.content_deleted_at = deleted_at
            referral.save(update_fields=[*cleared, "content_deleted_at"])
            plan = plans.get(referral.pk)
            if plan is not None and plan.follow_up:
                plan.follow_up = ""
                plan.save(update_fields=["follow_up"])
            trm_audit(
                by=by,
                action="transnational.content_delete",
                referral=referral,
                details={
                    "state": referral.state,
                    "days": settings.STROM_TRANSNATIONAL_CLOSED_RETENTION_DAYS,
                    "return_plan": plan is not None,
                },
            )
    return len(due)


# --- return plans ------------------------------------------------------------------------------------


def _plan_body(referral: TransnationalReferral, plan: ReturnPlan) -> dict[str, Any]:
    return {
        "referral": str(referral.uuid),
        "version": plan.version,
        "handover_on": plan.handover_on.isoformat(),
        "receiving_organisation": plan.receiving_organisation,
        "follow_up": plan.follow_up,
        "follow_up_on": plan.follow_up_on.isoformat() if plan.follow_up_on else "",
    }


def _check_plan_terms(
    handover_on: dt.date, receiving_organisation: str, follow_up_on: dt.date | None
) -> None:
    errors: dict[str, str] = {}
    if handover_on < timezone.localdate():
        errors["handover_on"] = _("The handover date cannot be in the past.")
    if not receiving_organisation.strip():
        errors["receiving_organisation"] = _("Name the organisation that receives the person.")
    if follow_up_on is not None and follow_up_on < handover_on:
        errors["follow_up_on"] = _("The follow-up comes after the handover.")
    if errors:
        raise ValidationError(errors)


def return_plan_propose(
    *,
    by: User,
    referral: TransnationalReferral,
    handover_on: dt.date,
    receiving_organisation: str,
    follow_up: str = "",
    follow_up_on: dt.date | None = None,
) -> ReturnPlan:
    """Either side proposes the terms of the return; the other side agrees to exactly these terms."""
    if referral.organisation_id not in access.focal_point_org_ids(by):
        raise NotAllowed(_("You may not change this referral's return plan."))
    _check_plan_terms(handover_on, receiving_organisation, follow_up_on)
    with transaction.atomic():
        locked = _lock(referral)
        if locked.state != State.ACCEPTED or Measure.RETURN not in locked.measures:
            raise ValidationError(_("A return plan is made for an accepted referral for return."))
        plan = ReturnPlan.objects.select_for_update().filter(referral=locked).first()
        terms = {
            "handover_on": handover_on,
            "receiving_organisation": receiving_organisation.strip(),
            "follow_up": follow_up.strip(),
            "follow_up_on": follow_up_on,
            "state": PlanState.PROPOSED,
            "proposed_remotely": False,
            "agreed_at": None,
        }
        if plan is None:
            plan = ReturnPlan.objects.create(referral=locked, **terms)
        else:
            for name, value in terms.items():
                setattr(plan, name, value)
            plan.version += 1
            plan.save(update_fields=[*terms, "version"])
        _change(locked, "plan_proposed", by=by, remote=False)
        _enqueue(
            partner=locked.partner, kind="return_plan.propose", body=_plan_body(locked, plan), referral=locked
        )
        trm_audit(
            by=by,
            action="transnational.return_plan_propose",
            referral=locked,
            details={"version": plan.version},
        )
    return plan


def return_plan_tasks(referral: TransnationalReferral, plan: ReturnPlan) -> None:
    """The reminders: tasks on the case here (the case owner gets them and their reminders)."""
    from strom.stages.services import task_request

    if referral.case is None:
        return
    source = f"trm:{referral.uuid}"
    task_request(
        by=TRANSNATIONAL, case=referral.case, kind=HANDOVER_TASK, due_date=plan.handover_on, source=source
    )
    if plan.follow_up_on is not None:
        task_request(
            by=TRANSNATIONAL,
            case=referral.case,
            kind=FOLLOW_UP_TASK,
            due_date=plan.follow_up_on,
            source=source,
        )


def return_plan_tasks_cancel(referral: TransnationalReferral) -> None:
    """A referral withdrawn or declined on either side: its return plan's reminders on the case end."""
    from strom.stages.services import tasks_request_cancel

    if referral.case is not None:
        tasks_request_cancel(by=TRANSNATIONAL, case=referral.case, source=f"trm:{referral.uuid}")


def return_plan_agree(*, by: User, referral: TransnationalReferral, version: int) -> ReturnPlan:
    """Agree to the other side's standing proposal, `version` being the one the user read."""
    if referral.organisation_id not in access.focal_point_org_ids(by):
        raise NotAllowed(_("You may not change this referral's return plan."))
    with transaction.atomic():
        locked = _lock(referral)
        plan = ReturnPlan.objects.select_for_update().filter(referral=locked).first()
        if plan is None or plan.state != PlanState.PROPOSED or not plan.proposed_remotely:
            raise ValidationError(_("There is no proposal from the partner to agree to."))
        if plan.version != version:
            raise ValidationError(_("The partner changed the proposal meanwhile: read it again."))
        plan.state, plan.agreed_at = PlanState.AGREED, timezone.now()
        plan.save(update_fields=["state", "agreed_at"])
        _change(locked, "plan_agreed", by=by, remote=False)
        _enqueue(
            partner=locked.partner,
            kind="return_plan.agree",
            body={"referral": str(locked.uuid), "version": plan.version},
            referral=locked,
        )
        return_plan_tasks(locked, plan)
        trm_audit(
            by=by,
            action="transnational.return_plan_agree",
            referral=locked,
            details={"version": plan.version},
        )
    return plan
