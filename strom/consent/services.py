"""Writes for consent: record an answer (given or refused), withdraw a given consent. Both audited.

Nothing is ever edited or deleted: a changed mind is a new record, a withdrawal is a new state of
the record it withdraws. Audit details say which purpose and whether consent was given, never who
the recipient is or why it was withdrawn.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from strom.cases import access
from strom.cases.models import Case
from strom.cases.reads import case_audit_record
from strom.consent.models import ConsentRecord, HowRecorded, Purpose
from strom.core.countries import is_country
from strom.core.errors import NotAllowed
from strom.directory.models import Organisation

if TYPE_CHECKING:
    from strom.accounts.models import User

Errors = dict[str, list[str]]


def _add(errors: Errors, field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def _check_may_edit(by: User, case: Case) -> None:
    if not access.can_edit_case(by, case):
        raise NotAllowed(_("You may not edit this case."))


def consent_record(
    *,
    by: User,
    case: Case,
    purpose: str,
    given: bool,
    given_at: dt.date,
    how: str,
    recipient_organisation: Organisation | None = None,
    recipient_country: str = "",
    valid_until: dt.date | None = None,
    case_only: bool = True,
) -> ConsentRecord:
    """Record the person's answer for one purpose. `case_only=False` makes it apply to all their cases."""
    _check_may_edit(by, case)
    errors: Errors = {}
    recipient_country = (recipient_country or "").strip().upper()
    if purpose not in Purpose.values:
        _add(errors, "purpose", _("Choose a purpose from the list."))
    if purpose == Purpose.DISCLOSURE and recipient_organisation is None:
        _add(
            errors,
            "recipient_organisation",
            _("Consent to disclosure must name the organisation the information may go to."),
        )
    if purpose != Purpose.DISCLOSURE and recipient_organisation is not None:
        _add(errors, "recipient_organisation", _("Only consent to disclosure names an organisation."))
    if purpose == Purpose.CROSS_BORDER:
        if not recipient_country:
            _add(errors, "recipient_country", _("Consent to a transfer must name the country."))
        elif not is_country(recipient_country):
            _add(
                errors,
                "recipient_country",
                _("“%(code)s” is not an ISO 3166 country code.") % {"code": recipient_country},
            )
        elif recipient_country == case.country:
            _add(errors, "recipient_country", _("A transfer to another country must name another country."))
    elif recipient_country:
        _add(errors, "recipient_country", _("Only consent to a transfer names a country."))
    if how not in HowRecorded.values:
        _add(errors, "how", _("Choose how the answer was recorded."))
    if given_at > timezone.localdate():
        _add(errors, "given_at", _("The date of the answer cannot be in the future."))
    if valid_until is not None:
        if not given:
            _add(errors, "valid_until", _("A refusal has no validity period."))
        elif valid_until < given_at:
            _add(errors, "valid_until", _("Consent cannot end before it was given."))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        record = ConsentRecord.objects.create(
            person_id=case.person_id,
            case=case if case_only else None,
            purpose=purpose,
            recipient_organisation=recipient_organisation,
            recipient_country=recipient_country,
            given=given,
            given_at=given_at,
            how=how,
            for_child=case.is_child,
            valid_until=valid_until,
            recorded_by=by,
        )
        case_audit_record(
            by=by,
            case=case,
            action="consent.record",
            details={"consent": record.pk, "purpose": purpose, "given": given, "case_only": case_only},
        )
    return record


def consent_withdraw(
    *,
    by: User,
    case: Case,
    record: ConsentRecord,
    withdrawn_at: dt.date | None = None,
    reason: str = "",
) -> ConsentRecord:
    """The person withdraws a consent they gave. The record keeps what was given; only its state changes."""
    _check_may_edit(by, case)
    if record.person_id != case.person_id:
        raise ValidationError(_("This consent belongs to another person."))
    if not record.given:
        raise ValidationError(_("Only a consent that was given can be withdrawn."))
    if record.withdrawn_at is not None:
        raise ValidationError(_("This consent has already been withdrawn."))
    day = withdrawn_at or timezone.localdate()
    errors: Errors = {}
    if day > timezone.localdate():
        _add(errors, "withdrawn_at", _("The withdrawal date cannot be in the future."))
    if day < record.given_at:
        _add(errors, "withdrawn_at", _("Consent cannot be withdrawn before it was given."))
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    with transaction.atomic():
        updated = ConsentRecord.objects.filter(pk=record.pk, withdrawn_at__isnull=True).update(
            withdrawn_at=day, withdrawal_reason=reason.strip(), withdrawn_by=by, withdrawal_recorded_at=now
        )
        if not updated:
            raise ValidationError(_("This consent has already been withdrawn."))
        case_audit_record(
            by=by,
            case=case,
            action="consent.withdraw",
            details={"consent": record.pk, "purpose": record.purpose, "reason": bool(reason.strip())},
        )
    record.refresh_from_db()
    return record
