"""Writes for referrals. Each checks who may act, validates everything first, runs in one transaction
and is audited; nothing is sent half-way.

Audit entries of the sending side name the case (object "case", the sending organisation's log).
Entries of the receiving side name only the referral (object "referral", the receiving organisation's
log): the receiver's log must not show the case reference it was never given.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ForeignKey
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from strom.audit.actors import REFERRAL_EXPIRY, SystemActor
from strom.audit.services import audit_record
from strom.cases.models import Case, Person
from strom.cases.reads import case_audit_record
from strom.consent.models import Purpose
from strom.consent.selectors import consent_status
from strom.core.errors import NotAllowed
from strom.directory.models import Municipality, Organisation
from strom.network.models import NetworkService
from strom.network.selectors import service_accepts, service_covers
from strom.referrals import access, notify
from strom.referrals.models import (
    CONSENT_ONLY_SECTIONS,
    FINAL_STATES,
    RESPONSE_TIME,
    Basis,
    Kind,
    Referral,
    ReferralChange,
    Section,
    State,
    Urgency,
)
from strom.stages.models import CaseTask
from strom.support.choices import ServiceType as SupportServiceType
from strom.support.services import service_delivered_by_referral

if TYPE_CHECKING:
    from strom.accounts.models import User

Errors = dict[str, list[str]]
MESSAGE_MAX = 4000
REASON_MAX = 2000


def _add(errors: Errors, field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def _audit_sender(
    by: User | SystemActor, referral: Referral, action: str, details: dict[str, Any] | None = None
) -> None:
    # In the sender's log: after a transfer the case belongs to the receiver, the referral does not.
    case_audit_record(
        by=by,
        case=referral.case,
        action=action,
        organisation_id=referral.from_organisation_id,
        details={"referral": str(referral.uuid), **(details or {})},
    )


def _audit_receiver(by: User, referral: Referral, action: str, details: dict[str, Any] | None = None) -> None:
    audit_record(
        actor=by,
        action=action,
        object_type="referral",
        object_ref=str(referral.uuid),
        organisation_id=referral.to_organisation_id,
        details=details or {},
    )


def _change(referral: Referral, state: str, by: User | SystemActor, at: dt.datetime) -> list[str]:
    """Move the (locked) referral to `state`; returns the fields this changed, for `update_fields`.

    The change names the person who made it; a system job's change names nobody (its audit entry
    names the job)."""
    referral.state = state
    referral.version += 1
    person = None if isinstance(by, SystemActor) else by
    ReferralChange.objects.create(referral=referral, state=state, at=at, by=person)
    return ["state", "version"]


# Related rows a caller usually has loaded already; the locked row reuses them when they are the same
# rows, so the audit entry and the notices after a change cost no extra queries.
_RELATED = ("case", "from_organisation", "to_organisation", "service", "municipality")


def _relation(name: str) -> ForeignKey[Any, Any]:
    field = Referral._meta.get_field(name)
    assert isinstance(field, ForeignKey)
    return field


def _lock(referral: Referral) -> Referral:
    """The referral's current row, locked until the transaction ends.

    Every write goes to this row and never to the caller's object: that copy may have been read
    before another writer committed, and saving it would silently undo that writer's change.
    """
    locked = Referral.objects.select_for_update().get(pk=referral.pk)
    for name in _RELATED:
        field = _relation(name)
        if field.is_cached(referral) and getattr(referral, field.attname) == getattr(locked, field.attname):
            field.set_cached_value(locked, field.get_cached_value(referral))
    return locked


def _save(locked: Referral, fields: Iterable[str], *, into: Referral) -> Referral:
    """Write `fields` of the locked row, and show the caller's object the row as it now is."""
    names = list(dict.fromkeys(fields))
    locked.save(update_fields=names)
    if into is not locked:
        for field in Referral._meta.concrete_fields:
            setattr(into, field.attname, getattr(locked, field.attname))
        for name in (*_RELATED, "sent_by", "responded_by", "handled_by", "withdrawn_by", "support_service"):
            field = _relation(name)
            if field.is_cached(locked):
                field.set_cached_value(into, field.get_cached_value(locked))
            elif field.is_cached(into):
                field.delete_cached_value(into)
    return locked


def _clean_scope(errors: Errors, scope: Iterable[str]) -> list[str]:
    chosen = set(scope)
    unknown = chosen - set(Section.values)
    if unknown:
        _add(errors, "scope", _("Choose the parts of the case from the list."))
    return [s for s in Section.values if s in chosen]


def _text(errors: Errors, field: str, value: str, limit: int) -> str:
    value = (value or "").strip()
    if len(value) > limit:
        _add(
            errors,
            field,
            ngettext("Write at most %(max)d character.", "Write at most %(max)d characters.", limit)
            % {"max": limit},
        )
    return value


# --- the checks a referral must pass before it is sent -------------------------------------------------


def _check_target(
    errors: Errors,
    *,
    case: Case,
    kind: str,
    service: NetworkService | None,
    to_organisation: Organisation,
    municipality: Municipality,
) -> None:
    if not to_organisation.is_active:
        _add(errors, "service", _("This organisation is no longer active in the network."))
    if to_organisation.pk == case.organisation_id:
        _add(
            errors,
            "service",
            _("The case already belongs to %(org)s: assign it to a colleague instead of referring it.")
            % {"org": to_organisation.name},
        )
    if kind == Kind.TRANSFER:
        if to_organisation.country != case.country:
            _add(
                errors,
                "service",
                _(
                    "A case can be transferred only within its country. To hand over to %(country)s, "
                    "send a referral with the parts of the case the partner needs; they open their own case."
                )
                % {"country": to_organisation.get_country_display()},
            )
        if municipality.country != case.country:
            _add(errors, "municipality", _("Choose a municipality in the case's country."))
        return
    if service is None:
        _add(errors, "service", _("Choose the service you refer the person to."))
        return
    if not service.is_active:
        _add(errors, "service", _("This service is no longer offered. Choose another one in the network."))
    if not service_covers(service, municipality):
        _add(
            errors,
            "municipality",
            _(
                "%(service)s does not cover %(municipality)s. Choose a service that covers it (the network "
                "search filters by municipality), or the municipality where the person will use the service."
            )
            % {"service": service.name, "municipality": municipality.name},
        )
    if not service_accepts(service, child=case.is_child):
        if case.is_child:
            message = _(
                "%(service)s does not take children, and this is a child's case. Choose a service for "
                "children, or involve child protection."
            )
        else:
            message = _("%(service)s takes only children. Choose a service for adults.")
        _add(errors, "service", message % {"service": service.name})


def _check_basis(
    errors: Errors,
    *,
    by: User,
    case: Case,
    to_organisation: Organisation,
    scope: list[str],
    kind: str,
    override: bool,
    override_reason: str,
) -> dict[str, Any]:
    """Consent for disclosure to this organisation (and for the transfer abroad), or an override."""
    disclosure = consent_status(case, Purpose.DISCLOSURE, to_organisation)
    abroad = to_organisation.country != case.country
    transfer_ok = True
    cross = None
    if abroad:
        cross = consent_status(case, Purpose.CROSS_BORDER, to_organisation.country)
        transfer_ok = cross.given
    consent_ok = disclosure.given and transfer_ok
    result: dict[str, Any] = {"basis": "", "consent": None, "cross_border_consent": None}
    if consent_ok and not override:
        result.update(
            basis=Basis.CONSENT,
            consent=disclosure.record,
            cross_border_consent=cross.record if cross else None,
        )
        return result
    if override:
        if not access.may_override(by, case):
            _add(errors, "override", _("Only a supervisor may refer without the person's consent."))
        if not override_reason:
            _add(errors, "override_reason", _("Say why the referral cannot wait for the person's consent."))
        needs_consent = [str(Section(s).label) for s in scope if s in CONSENT_ONLY_SECTIONS]
        if needs_consent and kind != Kind.TRANSFER:
            _add(
                errors,
                "scope",
                _(
                    "Without the person's consent these parts cannot be shared: %(parts)s. Remove them "
                    "from the scope, or record the person's consent to disclosure first."
                )
                % {"parts": "; ".join(needs_consent)},
            )
        result["basis"] = Basis.OVERRIDE
        return result
    # No consent and no override: say exactly what is missing and the two ways on.
    missing = []
    if not disclosure.given:
        missing.append(
            _("consent to disclosure to %(org)s (now: %(status)s)")
            % {"org": to_organisation.name, "status": disclosure.label}
        )
    if abroad and cross is not None and not cross.given:
        missing.append(
            _("consent to a transfer to %(country)s (now: %(status)s)")
            % {"country": to_organisation.get_country_display(), "status": cross.label}
        )
    consent_parts = [str(Section(s).label) for s in scope if s in CONSENT_ONLY_SECTIONS]
    if consent_parts and kind != Kind.TRANSFER:
        _add(
            errors,
            "scope",
            _("These parts can be shared only with the person's consent to disclosure: %(parts)s.")
            % {"parts": "; ".join(consent_parts)},
        )
    _add(
        errors,
        "basis",
        _(
            "The person has not given %(missing)s. Record the person's answer on the case's consent page, "
            "or, if the referral cannot wait, a supervisor may override with a reason."
        )
        % {"missing": _(" and ").join(str(m) for m in missing)},
    )
    return result


def _validate(
    *,
    by: User,
    case: Case,
    kind: str,
    service: NetworkService | None,
    to_organisation: Organisation | None,
    municipality: Municipality | None,
    scope: Iterable[str],
    urgency: str,
    message: str,
    override: bool,
    override_reason: str,
    sending: bool,
) -> dict[str, Any]:
    errors: Errors = {}
    if kind not in Kind.values:
        _add(errors, "kind", _("Choose a referral or a transfer."))
    if urgency not in Urgency.values:
        _add(errors, "urgency", _("Choose how urgent the referral is."))
    clean_scope = _clean_scope(errors, scope)
    message = _text(errors, "message", message, MESSAGE_MAX)
    override_reason = _text(errors, "override_reason", override_reason, REASON_MAX)
    if kind == Kind.TRANSFER:
        clean_scope = list(Section.values)  # the whole case moves
        service = None
    elif service is not None:
        to_organisation = service.organisation
    if to_organisation is None:
        _add(errors, "service", _("Choose the service you refer the person to."))
    municipality = municipality or case.municipality
    data: dict[str, Any] = {
        "kind": kind,
        "service": service,
        "to_organisation": to_organisation,
        "municipality": municipality,
        "scope": clean_scope,
        "urgency": urgency,
        "message": message,
        "override_reason": override_reason if override else "",
    }
    if to_organisation is not None and not errors:
        _check_target(
            errors,
            case=case,
            kind=kind,
            service=service,
            to_organisation=to_organisation,
            municipality=municipality,
        )
        if sending:
            data.update(
                _check_basis(
                    errors,
                    by=by,
                    case=case,
                    to_organisation=to_organisation,
                    scope=clean_scope,
                    kind=kind,
                    override=override,
                    override_reason=override_reason,
                )
            )
    if case.anonymised_at is not None or case.closed_at is not None:
        _add(errors, "__all__", _("A closed case cannot be referred. Reopen it first."))
    if errors:
        raise ValidationError(errors)
    return data


# --- the sending side ----------------------------------------------------------------------------------


def referral_create(
    *,
    by: User,
    case: Case,
    service: NetworkService | None = None,
    to_organisation: Organisation | None = None,
    kind: str = Kind.REFERRAL,
    municipality: Municipality | None = None,
    scope: Iterable[str] = (),
    urgency: str = Urgency.URGENT,
    message: str = "",
    override: bool = False,
    override_reason: str = "",
) -> Referral:
    """Make a referral of the case, a draft; `referral_send` sends it (in the same transaction, for a
    referral sent at once, so that a refused send leaves no draft behind)."""
    if not access.may_send_from(by, case):
        raise NotAllowed
    data = _validate(
        by=by,
        case=case,
        kind=kind,
        service=service,
        to_organisation=to_organisation,
        municipality=municipality,
        scope=scope,
        urgency=urgency,
        message=message,
        override=override,
        override_reason=override_reason,
        sending=False,
    )
    now = timezone.now()
    with transaction.atomic():
        referral = Referral.objects.create(
            case=case,
            from_organisation_id=case.organisation_id,
            created_by=by,
            **{k: v for k, v in data.items() if k in _MODEL_FIELDS},
        )
        ReferralChange.objects.create(referral=referral, state=State.DRAFT, at=now, by=by)
        _audit_sender(by, referral, "referral.create", {"kind": kind, "scope": data["scope"]})
    return referral


_MODEL_FIELDS = {
    "kind",
    "service",
    "to_organisation",
    "municipality",
    "scope",
    "urgency",
    "message",
    "override_reason",
    "basis",
    "consent",
    "cross_border_consent",
}


def referral_update(
    *,
    by: User,
    referral: Referral,
    version: int | None = None,
    scope: Iterable[str] | None = None,
    urgency: str | None = None,
    message: str | None = None,
    municipality: Municipality | None = None,
) -> Referral:
    """Change a draft. A sent referral is not edited: withdraw it and send a new one."""
    if not access.may_manage(by, referral):
        raise NotAllowed
    if referral.state != State.DRAFT:
        raise ValidationError(_("Only a draft can be changed. Withdraw the referral and send a new one."))
    if version is not None and version != referral.version:
        raise ValidationError(_("Someone else changed this draft meanwhile. Reload it and try again."))
    data = _validate(
        by=by,
        case=referral.case,
        kind=referral.kind,
        service=referral.service,
        to_organisation=referral.to_organisation,
        municipality=municipality or referral.municipality,
        scope=referral.scope if scope is None else scope,
        urgency=urgency or referral.urgency,
        message=referral.message if message is None else message,
        override=False,
        override_reason="",
        sending=False,
    )
    with transaction.atomic():
        locked = _lock(referral)
        if locked.version != referral.version or locked.state != State.DRAFT:
            raise ValidationError(_("Someone else changed this draft meanwhile. Reload it and try again."))
        for name in ("scope", "urgency", "message", "municipality"):
            setattr(locked, name, data[name])
        locked.version += 1
        _save(locked, ["scope", "urgency", "message", "municipality", "version"], into=referral)
        _audit_sender(by, locked, "referral.update", {"scope": data["scope"]})
    return referral


_SEND_FIELDS = [
    "basis",
    "consent",
    "cross_border_consent",
    "override_reason",
    "sent_by",
    "sent_at",
    "respond_by",
]


def _send(by: User, referral: Referral, data: dict[str, Any], now: dt.datetime, *, into: Referral) -> None:
    """Send the draft `referral`, locked by the caller."""
    referral.basis = data["basis"]
    referral.consent = data["consent"]
    referral.cross_border_consent = data["cross_border_consent"]
    referral.override_reason = data["override_reason"]
    referral.sent_by = by
    referral.sent_at = now
    referral.respond_by = now + RESPONSE_TIME[referral.urgency]
    changed = _change(referral, State.SENT, by, now)
    _save(referral, [*_SEND_FIELDS, *changed], into=into)
    _audit_sender(
        by,
        referral,
        "referral.send",
        {
            "kind": referral.kind,
            "to": referral.to_organisation_id,
            "scope": referral.scope,
            "basis": referral.basis,
            "consent": referral.consent_id,
        },
    )
    notify.new_referral(referral)


def referral_send(
    *, by: User, referral: Referral, override: bool = False, override_reason: str = ""
) -> Referral:
    """Send a draft: every check again (consent may have changed since the draft was saved)."""
    if not access.may_manage(by, referral):
        raise NotAllowed
    with transaction.atomic():
        # What is checked and sent is the draft as it is now, not as the caller read it.
        locked = _lock(referral)
        if locked.state != State.DRAFT:
            raise ValidationError(_("This referral has already been sent."))
        data = _validate(
            by=by,
            case=locked.case,
            kind=locked.kind,
            service=locked.service,
            to_organisation=locked.to_organisation,
            municipality=locked.municipality,
            scope=locked.scope,
            urgency=locked.urgency,
            message=locked.message,
            override=override,
            override_reason=override_reason,
            sending=True,
        )
        _send(by, locked, data, timezone.now(), into=referral)
    return referral


def referral_withdraw(*, by: User, referral: Referral, reason: str = "") -> Referral:
    """The sender takes a sent referral back; the receiver loses access at once.

    A draft was never sent, so there is nothing to take back: it is discarded (`referral_discard`).
    """
    if not access.may_manage(by, referral):
        raise NotAllowed
    errors: Errors = {}
    reason = _text(errors, "reason", reason, REASON_MAX)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = _lock(referral)
        if locked.state == State.DRAFT:
            raise ValidationError(
                _("This referral was never sent, so it cannot be withdrawn. Discard the draft.")
            )
        if locked.state in FINAL_STATES:
            raise ValidationError(
                _("This referral is already %(state)s.") % {"state": locked.get_state_display().lower()}
            )
        now = timezone.now()
        locked.withdrawn_at = now
        locked.withdrawn_by = by
        locked.withdrawal_reason = reason
        changed = _change(locked, State.WITHDRAWN, by, now)
        _save(locked, ["withdrawn_at", "withdrawn_by", "withdrawal_reason", *changed], into=referral)
        _audit_sender(by, locked, "referral.withdraw", {"reason": bool(reason)})
        notify.withdrawn(locked)
    return referral


def referral_discard(*, by: User, referral: Referral) -> None:
    """The sender throws a draft away. Nobody else ever saw it, so nothing of it is kept but the audit
    entry; a referral that was sent is withdrawn instead, and its record stays."""
    if not access.may_manage(by, referral):
        raise NotAllowed
    with transaction.atomic():
        locked = _lock(referral)
        if locked.state != State.DRAFT:
            raise ValidationError(
                _("Only a draft can be discarded. This referral was sent: withdraw it instead.")
            )
        _audit_sender(by, locked, "referral.discard")
        locked.delete()


# --- the receiving side --------------------------------------------------------------------------------


def _locked_for_answer(by: User, referral: Referral, allowed: Iterable[str]) -> Referral:
    if not access.may_respond(by, referral):
        raise NotAllowed
    locked = _lock(referral)
    if locked.state not in set(allowed):
        raise ValidationError(
            _("This referral is %(state)s; it cannot be answered that way now.")
            % {"state": locked.get_state_display().lower()}
        )
    return locked


def referral_accept(*, by: User, referral: Referral) -> Referral:
    """The receiver takes the person on. A transfer moves the case to the receiving organisation."""
    with transaction.atomic():
        locked = _locked_for_answer(by, referral, [State.SENT])
        if not access.basis_holds(locked):
            raise ValidationError(
                _("The person's consent for this referral is no longer valid. The sender has been told.")
            )
        now = timezone.now()
        locked.responded_at = now
        locked.responded_by = by
        locked.handled_by = by
        changed = _change(locked, State.ACCEPTED, by, now)
        if locked.is_transfer:
            _transfer_case(by, locked)
        _save(locked, ["responded_at", "responded_by", "handled_by", *changed], into=referral)
        _audit_receiver(by, locked, "referral.accept", {"kind": locked.kind})
        notify.answered(locked)
    return referral


def _transfer_case(by: User, referral: Referral) -> None:
    case = Case.objects.select_for_update().get(pk=referral.case_id)
    old_org = case.organisation_id
    case.organisation_id = referral.to_organisation_id
    case.municipality_id = referral.municipality_id
    case.owner = by
    case.version += 1
    case.save(update_fields=["organisation", "municipality", "owner", "version", "updated_at"])
    # Open tasks move to the new case worker: the old organisation's staff can no longer act on them.
    CaseTask.objects.filter(case=case, done_at__isnull=True, cancelled_at__isnull=True).update(assignee=by)
    # The person's record goes along unless the old organisation still has another case of theirs:
    # reads of the person are audited in the record's organisation, which must be the one reading.
    others = Case.objects.filter(person_id=case.person_id).exclude(
        organisation_id=referral.to_organisation_id
    )
    if not others.exists():
        Person.objects.filter(pk=case.person_id).update(organisation_id=referral.to_organisation_id)
    referral.case = case
    case_audit_record(
        by=by,
        case=case,
        action="case.transfer_in",
        details={"referral": str(referral.uuid), "from": old_org},
    )
    case_audit_record(
        by=by,
        case=case,
        action="case.transfer_out",
        organisation_id=old_org,
        details={"referral": str(referral.uuid), "to": referral.to_organisation_id},
    )


def referral_decline(*, by: User, referral: Referral, reason: str) -> Referral:
    errors: Errors = {}
    reason = _text(errors, "reason", reason, REASON_MAX)
    if not reason:
        _add(errors, "reason", _("Say why you decline, so the sender can find another service."))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = _locked_for_answer(by, referral, [State.SENT])
        now = timezone.now()
        locked.responded_at = now
        locked.responded_by = by
        locked.decline_reason = reason
        changed = _change(locked, State.DECLINED, by, now)
        _save(locked, ["responded_at", "responded_by", "decline_reason", *changed], into=referral)
        _audit_receiver(by, locked, "referral.decline")
        notify.answered(locked)
    return referral


def referral_start(*, by: User, referral: Referral, started_at: dt.datetime | None = None) -> Referral:
    if referral.is_transfer:
        raise ValidationError(_("A transfer ends with its acceptance: the case is now yours."))
    with transaction.atomic():
        locked = _locked_for_answer(by, referral, [State.ACCEPTED])
        now = timezone.now()
        locked.started_at = started_at or now
        changed = _change(locked, State.IN_PROGRESS, by, now)
        _save(locked, ["started_at", *changed], into=referral)
        _audit_receiver(by, locked, "referral.start")
    return referral


def referral_complete(
    *, by: User, referral: Referral, delivered_until: dt.date | None = None, note: str = ""
) -> Referral:
    """The service was delivered: the referral completes and the sender's support plan records it."""
    errors: Errors = {}
    note = _text(errors, "note", note, REASON_MAX)
    today = timezone.localdate()
    delivered_until = delivered_until or today
    if delivered_until > today:
        _add(errors, "delivered_until", _("The date the service was delivered cannot be in the future."))
    with transaction.atomic():
        # The start date comes from the row as it is now: the service may have been started meanwhile.
        locked = _locked_for_answer(by, referral, [State.ACCEPTED, State.IN_PROGRESS])
        if locked.is_transfer:
            _add(errors, "__all__", _("A transfer ends with its acceptance: the case is now yours."))
        start = timezone.localtime(locked.started_at or locked.responded_at or timezone.now()).date()
        if delivered_until < start:
            _add(
                errors,
                "delivered_until",
                _("The service cannot end before it started (%(date)s).")
                % {"date": date_format(start, "SHORT_DATE_FORMAT")},
            )
        if errors:
            raise ValidationError(errors)
        now = timezone.now()
        locked.completed_at = now
        locked.completed_on = delivered_until
        locked.completion_note = note
        if locked.started_at is None:
            locked.started_at = locked.responded_at
        service = locked.service
        assert service is not None
        if service.service_type in SupportServiceType.values:
            locked.support_service = service_delivered_by_referral(
                by=by,
                case=locked.case,
                service_type=service.service_type,
                provider_organisation=locked.to_organisation,
                actual_start=start,
                actual_end=delivered_until,
                referral_id=locked.pk,
            )
        changed = _change(locked, State.COMPLETED, by, now)
        fields = ["completed_at", "completed_on", "completion_note", "started_at", "support_service"]
        _save(locked, [*fields, *changed], into=referral)
        _audit_receiver(by, locked, "referral.complete", {"in_plan": locked.support_service_id is not None})
        notify.completed(locked)
    return referral


# --- the clock -----------------------------------------------------------------------------------------

EXPIRE_AFTER = dt.timedelta(days=7)


def referrals_expire_due(*, now: dt.datetime | None = None) -> int:
    """Referrals still unanswered a week after their deadline expire (the worker calls this)."""
    now = now or timezone.now()
    expired = 0
    with transaction.atomic():
        due = list(
            Referral.objects.select_for_update(skip_locked=True)
            .filter(state=State.SENT, respond_by__lt=now - EXPIRE_AFTER)
            .select_related("case", "to_organisation")
            .order_by("respond_by")[:500]
        )
        for referral in due:
            # Rows of this query are locked by it, so they are the current rows.
            referral.expired_at = now
            changed = _change(referral, State.EXPIRED, REFERRAL_EXPIRY, now)
            referral.save(update_fields=["expired_at", *changed])
            _audit_sender(REFERRAL_EXPIRY, referral, "referral.expire")
            notify.expired(referral)
            expired += 1
    return expired


def referral_document_read(
    *, by: User, referral: Referral, document_uuid: uuid.UUID | str
) -> tuple[Any, bytes]:
    """A document of the referred case for the receiver; the caller checked `documents` is in scope.

    Audited twice: the download in the case's log (as any download) and the referral's read in the
    receiving organisation's log.
    """
    from strom.casefile.models import CaseDocument
    from strom.casefile.services import document_read

    try:
        document = CaseDocument.objects.get(case=referral.case, uuid=document_uuid)
    except (CaseDocument.DoesNotExist, ValueError, ValidationError):
        raise NotAllowed from None
    document.case = referral.case
    data = document_read(by=by, document=document)
    _audit_receiver(by, referral, "referral.document_download", {"document": str(document.uuid)})
    return document, data
