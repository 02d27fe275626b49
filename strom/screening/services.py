"""Write functions for screenings: one per operation, validating first, auditing inside its transaction."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from strom.audit.services import audit_record
from strom.cases.access import can_edit_case
from strom.cases.choices import Exploitation, Gender
from strom.cases.services import case_open, person_create
from strom.core.errors import NotAllowed
from strom.screening.access import may_convert, may_screen_in
from strom.screening.indicators import IndicatorSet, get_set
from strom.screening.models import CHILD_AGE_BANDS, AgeBand, Screening
from strom.screening.scoring import score

if TYPE_CHECKING:
    from strom.accounts.models import User
    from strom.cases.models import Case
    from strom.directory.models import Municipality, Organisation

NOTES_MAX = 20_000
# The person fields the conversion asks for; everything else is added on the case afterwards.


def resolve_set(set_id: str, version: int | None) -> IndicatorSet:
    try:
        return get_set(set_id, version)
    except LookupError:
        raise ValidationError({"indicator_set": [_("There is no such indicator set or version.")]}) from None


def screening_create(
    *,
    by: User,
    indicator_set_id: str,
    indicator_set_version: int | None = None,
    observed: list[str],
    notes: str = "",
    case: Case | None = None,
    organisation: Organisation | None = None,
    age_band: str = AgeBand.UNKNOWN,
    gender: str = "",
    exploitation: str = "",
    municipality: Municipality | None = None,
) -> Screening:
    """Save a screening on a case, or an anonymous pre-screening for `organisation` (no case yet).

    The result is computed here, from the set version recorded on the screening, and stored with it.
    """
    indicator_set = resolve_set(indicator_set_id, indicator_set_version)
    errors: dict[str, str] = {}
    if case is not None:
        if not can_edit_case(by, case):
            raise NotAllowed(_("You may not add a screening to this case."))
        organisation = case.organisation
        municipality = case.municipality
        child = case.is_child or indicator_set.audience == "child"
    else:
        if organisation is None:
            raise ValidationError({"organisation": [_("Choose the organisation you screen for.")]})
        if not may_screen_in(by, organisation.pk):
            raise NotAllowed(_("You may not screen for this organisation."))
        if municipality is not None and municipality.country != organisation.country:
            errors["municipality"] = _("The municipality must be in the organisation's country.")
        child = indicator_set.audience == "child" or age_band in CHILD_AGE_BANDS
    if age_band not in AgeBand.values:
        errors["age_band"] = _("Choose an age band from the list.")
    if gender and gender not in Gender.values:
        errors["gender"] = _("Choose a value from the list.")
    if exploitation and exploitation not in Exploitation.values:
        errors["exploitation"] = _("Choose a form of exploitation from the list.")
    if len(notes) > NOTES_MAX:
        errors["notes"] = ngettext(
            "Notes can be at most %(max)d character.", "Notes can be at most %(max)d characters.", NOTES_MAX
        ) % {"max": NOTES_MAX}
    if errors:
        raise ValidationError(errors)
    result = score(indicator_set, observed, child=child)  # raises for ids not in this version

    with transaction.atomic():
        screening = Screening.objects.create(
            organisation=organisation,
            case=case,
            indicator_set_id=indicator_set.id,
            indicator_set_version=indicator_set.version,
            rule_version=result.rule_version,
            observed=list(result.observed),
            notes=notes.strip(),
            result=result.to_dict(),
            level=result.level,
            age_band=age_band,
            gender=gender,
            exploitation=exploitation or indicator_set.exploitation,
            municipality=municipality,
            anonymous=case is None,
            created_by=by,
        )
        audit_record(
            actor=by,
            action="screening.create",
            object_type="screening",
            object_ref=screening.pk,
            organisation_id=organisation.pk,
            details={
                "set": f"{indicator_set.id}/{indicator_set.version}",
                "observed": len(result.observed),
                "level": result.level,
                "case": case.ref if case is not None else None,
            },
        )
    return screening


def screening_convert(
    *,
    by: User,
    screening: Screening,
    municipality: Municipality,
    given_name: str = "",
    family_name: str = "",
    gender: str = "",
    birth_date: str = "",
    age_estimate: int | None = None,
    opened_at: dt.datetime | None = None,
) -> Case:
    """Open a person and a case from an anonymous pre-screening and link the screening, all or nothing.

    `opened_at`: when the person first reached us, if before now (a hotline contact's time): the case's
    clocks count from it."""
    person: dict[str, Any] = {
        "given_name": given_name,
        "family_name": family_name,
        "gender": gender,
        "birth_date": birth_date,
        "age_estimate": age_estimate,
    }
    if not may_convert(by, screening):
        raise NotAllowed(_("You may not open cases for this organisation."))
    if screening.case_id is not None:
        raise ValidationError(_("This screening has already been converted into a case."))
    data = {k: v for k, v in person.items() if v not in (None, "")}
    data.setdefault("gender", screening.gender or Gender.UNKNOWN)
    # Presumption of childhood (Directive 2011/36/EU Art. 13(2)): the pre-screening said "under 18"
    # and no age is known yet, so the case is handled as a child's until shown otherwise.
    if (
        screening.age_band in CHILD_AGE_BANDS
        and not data.get("birth_date")
        and data.get("age_estimate") is None
    ):
        data.update(age_uncertain=True, believed_child=True)
    with transaction.atomic():
        locked = Screening.objects.select_for_update().get(pk=screening.pk)
        if locked.case_id is not None:
            raise ValidationError(_("This screening has already been converted into a case."))
        new_person = person_create(by=by, organisation=screening.organisation, **data)
        case = case_open(
            by=by,
            person=new_person,
            organisation=screening.organisation,
            municipality=municipality,
            forms_of_exploitation=[screening.exploitation] if screening.exploitation else [],
            opened_at=opened_at,
        )
        locked.case = case
        locked.converted_at = timezone.now()
        locked.save(update_fields=["case", "converted_at"])
        audit_record(
            actor=by,
            action="screening.convert",
            object_type="screening",
            object_ref=screening.pk,
            organisation_id=screening.organisation_id,
            details={"case": case.ref},
        )
    screening.case = case
    screening.converted_at = locked.converted_at
    return case
