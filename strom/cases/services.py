"""Write functions for persons and cases. One per operation; each audits inside its transaction.

Edits are optimistic: the caller passes the `version` it started from, and the UPDATE only succeeds
if nobody saved in between. Otherwise `EditConflict` lists what is stored now against what the caller
sent, so the second person sees the first one's change instead of silently overwriting it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypedDict, TypeVar, Unpack

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from strom.audit.services import audit_record
from strom.cases import access
from strom.cases.choices import ChildBasis, Stage
from strom.cases.models import Case, IdentityDocument, Person, PersonNameKey
from strom.cases.reads import case_audit_record
from strom.cases.refs import new_ref
from strom.core.countries import is_country
from strom.core.errors import NotAllowed
from strom.core.roles import Perm
from strom.crypto import service as crypto
from strom.directory.models import Municipality, Organisation

if TYPE_CHECKING:
    from strom.accounts.models import User


class PersonFields(TypedDict, total=False):
    """What a caller may give for a person; an update changes only the fields given."""

    given_name: str
    family_name: str
    other_names: str
    gender: str
    birth_date: str  # ISO date
    age_estimate: int | None
    age_uncertain: bool
    believed_child: bool
    citizenships: list[str]
    languages: list[str]
    contact: str
    address: str
    migration_status: str


class CaseFields(TypedDict, total=False):
    """What `case_update` changes on a case; only the fields given."""

    forms_of_exploitation: list[str]
    municipality: Municipality
    owner: User | None


PERSON_FIELDS = tuple(PersonFields.__annotations__)
CASE_EDITABLE_FIELDS = tuple(CaseFields.__annotations__)


@dataclass(frozen=True)
class FieldChange:
    field: str
    label: str
    stored: Any
    submitted: Any


M = TypeVar("M", bound=models.Model)


class EditConflict(Exception):
    """Someone else saved first. `changes` holds the fields where the stored value differs from ours."""

    def __init__(self, changes: list[FieldChange], *, stored_version: int) -> None:
        super().__init__("edit conflict")
        self.changes = changes
        self.stored_version = stored_version


# --- persons -----------------------------------------------------------------------------------------


def _parse_birth_date(value: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValidationError({"birth_date": _("Enter the date of birth as YYYY-MM-DD.")}) from None


def _validate_person(data: Mapping[str, Any]) -> None:
    errors: dict[str, str] = {}
    try:
        birth = _parse_birth_date(data.get("birth_date") or "")
    except ValidationError as exc:
        errors.update({k: v[0] for k, v in exc.message_dict.items()})
        birth = None
    today = timezone.localdate()
    if birth and birth > today:
        errors["birth_date"] = _("The date of birth cannot be in the future.")
    if birth and (today.year - birth.year) > 120:
        errors["birth_date"] = _("The date of birth is more than 120 years ago.")
    age = data.get("age_estimate")
    if age is not None and not (0 <= int(age) <= 120):
        errors["age_estimate"] = _("The estimated age must be between 0 and 120.")
    for code in data.get("citizenships") or []:
        if not is_country(code):
            errors["citizenships"] = _("“%(code)s” is not an ISO 3166 country code.") % {"code": code}
    for code in data.get("languages") or []:
        if not (isinstance(code, str) and code.isalpha() and code.islower() and len(code) in (2, 3)):
            errors["languages"] = _("“%(code)s” is not an ISO 639 language code.") % {"code": code}
    if errors:
        raise ValidationError(errors)


def name_keys_for(person: Person) -> list[PersonNameKey]:
    """The blind-index rows for every spelling of a person's names (unsaved); bulk imports write them too."""
    keys: set[tuple[str, str]] = set()
    for name in person.all_names():
        full = crypto.name_index(name)
        if full:
            keys.add((PersonNameKey.Kind.FULL, full))
        for word_key in crypto.name_token_indexes(name):
            keys.add((PersonNameKey.Kind.WORD, word_key))
    return [PersonNameKey(person=person, kind=k, key=v) for k, v in sorted(keys)]


def _rebuild_name_keys(person: Person) -> None:
    PersonNameKey.objects.filter(person=person).delete()
    PersonNameKey.objects.bulk_create(name_keys_for(person))


def person_create(*, by: User, organisation: Organisation, **data: Unpack[PersonFields]) -> Person:
    if not by.has_perm_in(Perm.CASE_CREATE, organisation.pk):
        raise NotAllowed(_("You may not record persons for this organisation."))
    unknown = set(data) - set(PERSON_FIELDS)
    if unknown:
        raise TypeError(f"unknown person fields: {sorted(unknown)}")
    _validate_person(data)
    with transaction.atomic():
        person = Person(organisation=organisation, **data)
        person.save()
        _rebuild_name_keys(person)
        audit_record(
            actor=by,
            action="person.create",
            object_type="person",
            object_ref=person.pk,
            organisation_id=organisation.pk,
            details={"fields": sorted(k for k, v in data.items() if v not in ("", None, [], False))},
        )
    return person


def person_update(*, by: User, person: Person, version: int, **data: Unpack[PersonFields]) -> Person:
    unknown = set(data) - set(PERSON_FIELDS)
    if unknown:
        raise TypeError(f"unknown person fields: {sorted(unknown)}")
    _validate_person({**{f: getattr(person, f) for f in PERSON_FIELDS}, **data})
    with transaction.atomic():
        stored, changed = save_versioned(Person, person.pk, version=version, submitted=dict(data))
        if not changed:
            return stored
        if {"given_name", "family_name", "other_names"} & set(changed):
            _rebuild_name_keys(stored)
        for case in stored.cases.all():
            _refresh_child_status(case, stored)
        audit_record(
            actor=by,
            action="person.update",
            object_type="person",
            object_ref=stored.pk,
            organisation_id=stored.organisation_id,
            details={"fields": sorted(changed)},
        )
    return stored


def save_versioned(
    model: type[M],
    pk: int,
    *,
    version: int,
    submitted: dict[str, Any],
    touch: dict[str, Any] | None = None,
    also: tuple[str, ...] = ("updated_at",),
) -> tuple[M, list[str]]:
    """The optimistic edit every versioned record shares; call it inside the caller's transaction,
    which also writes the audit entry.

    Locks the row, refuses a stale `version` with an EditConflict that lists what differs, sets the
    submitted fields that changed and bumps the version. `touch` sets more fields when something
    changed (an edit time); `also` names further columns to save (auto_now timestamps, a blind index
    derived from a changed field). Returns the row and the changed field names; none: nothing written.
    """
    stored: Any = model._default_manager.select_for_update().get(pk=pk)
    if stored.version != version:
        raise EditConflict(_changes(stored, submitted, model), stored_version=stored.version)
    changed = [name for name, value in submitted.items() if getattr(stored, name) != value]
    if changed:
        for name, value in {**{n: submitted[n] for n in changed}, **(touch or {})}.items():
            setattr(stored, name, value)
        stored.version = version + 1
        stored.save(update_fields=[*changed, *(touch or {}), "version", *also])
    return stored, changed


def _changes(
    stored: models.Model, submitted: Mapping[str, Any], model: type[models.Model]
) -> list[FieldChange]:
    result = []
    for field, value in submitted.items():
        current = getattr(stored, field)
        if current != value:
            model_field = model._meta.get_field(field)
            label = str(getattr(model_field, "verbose_name", field))
            result.append(FieldChange(field=field, label=label, stored=current, submitted=value))
    return result


def identity_document_add(
    *,
    by: User,
    person: Person,
    doc_type: str,
    number: str,
    issuing_country: str = "",
    expiry_date: dt.date | None = None,
    held_by_person: bool = True,
) -> IdentityDocument:
    errors: dict[str, str] = {}
    if not crypto.normalise_document_number(number):
        errors["number"] = _("Enter the document number.")
    if issuing_country and not is_country(issuing_country):
        errors["issuing_country"] = _("“%(code)s” is not an ISO 3166 country code.") % {
            "code": issuing_country
        }
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        doc = IdentityDocument.objects.create(
            person=person,
            doc_type=doc_type,
            number=number.strip(),
            issuing_country=issuing_country,
            expiry_date=expiry_date,
            held_by_person=held_by_person,
        )
        audit_record(
            actor=by,
            action="person.document_add",
            object_type="person",
            object_ref=person.pk,
            organisation_id=person.organisation_id,
            details={"doc_type": doc_type},
        )
    return doc


# --- cases -------------------------------------------------------------------------------------------


def age_on(person: Person, day: dt.date) -> int | None:
    birth = _parse_birth_date(person.birth_date)
    if birth:
        return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))
    return person.age_estimate


def child_basis_for(person: Person, day: dt.date) -> str:
    """Under 18 by known age, or presumed a child: age uncertain and reason to think the person is one."""
    age = age_on(person, day)
    if age is not None and age < 18 and not person.age_uncertain:
        return ChildBasis.AGE
    if person.age_uncertain and (person.believed_child or (age is not None and age < 18)):
        return ChildBasis.PRESUMED
    return ChildBasis.NOT_CHILD


def _refresh_child_status(case: Case, person: Person) -> None:
    if case.stage in (Stage.CLOSED, Stage.FOLLOW_UP):
        return
    basis = child_basis_for(person, case.opened_at.date())
    if basis != case.child_basis:
        case.child_basis = basis
        case.is_child = basis != ChildBasis.NOT_CHILD
        case.age_at_opening = age_on(person, case.opened_at.date())
        case.save(update_fields=["child_basis", "is_child", "age_at_opening", "updated_at"])


def case_open(
    *,
    by: User,
    person: Person,
    organisation: Organisation,
    municipality: Municipality,
    owner: User | None = None,
    forms_of_exploitation: list[str] | None = None,
    opened_at: dt.datetime | None = None,
) -> Case:
    from strom.cases.choices import Exploitation

    errors: dict[str, str] = {}
    if not access.can_create_case_in(by, organisation.pk):
        raise NotAllowed(_("You may not open cases for this organisation."))
    if municipality.country != organisation.country:
        errors["municipality"] = _("The municipality must be in the organisation's country.")
    bad_forms = set(forms_of_exploitation or []) - set(Exploitation.values)
    if bad_forms:
        errors["forms_of_exploitation"] = _("Unknown form of exploitation: %(forms)s.") % {
            "forms": ", ".join(sorted(bad_forms))
        }
    if owner is not None and not owner.has_perm_in(Perm.CASE_VIEW, organisation.pk):
        errors["owner"] = _("The case worker must work in this organisation.")
    opened = opened_at or timezone.now()
    if opened > timezone.now() + dt.timedelta(minutes=5):
        errors["opened_at"] = _("A case cannot be opened in the future.")
    if errors:
        raise ValidationError(errors)
    basis = child_basis_for(person, opened.date())
    with transaction.atomic():
        for _attempt in range(8):
            case = Case(
                ref=new_ref(organisation.country, municipality.code),
                person=person,
                organisation=organisation,
                municipality=municipality,
                country=organisation.country,
                # Whoever opens a case owns it until it is assigned: for a hotline operator, who has
                # no view of the organisation's other cases, that is how they keep sight of it.
                owner=owner or by,
                forms_of_exploitation=sorted(set(forms_of_exploitation or [])),
                child_basis=basis,
                is_child=basis != ChildBasis.NOT_CHILD,
                age_at_opening=age_on(person, opened.date()),
                opened_at=opened,
                created_by=by,
            )
            case.set_stage(Stage.SCREENING)
            try:
                with transaction.atomic():
                    case.save(force_insert=True)
                break
            except IntegrityError:
                continue  # reference collision: draw again
        else:
            raise RuntimeError("could not allocate a unique case reference")
        case_audit_record(by=by, case=case, action="case.open", details={"child": case.is_child})
        transaction.on_commit(lambda: _after_open(case.pk))
    return case


def _after_open(case_id: int) -> None:
    """Hook for clocks that start when a case opens (strom/stages/clocks.py registers them)."""
    from strom.cases import hooks

    hooks.run("case_opened", case_id)


def case_update(*, by: User, case: Case, version: int, **data: Unpack[CaseFields]) -> Case:
    unknown = set(data) - set(CASE_EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"not editable here: {sorted(unknown)}")
    if not access.can_edit_case(by, case):
        raise NotAllowed(_("You may not edit this case."))
    errors: dict[str, str] = {}
    municipality = data.get("municipality")
    if municipality is not None and municipality.country != case.country:
        errors["municipality"] = _("The municipality must be in the case's country.")
    owner = data.get("owner")
    if owner is not None and not owner.has_perm_in(Perm.CASE_VIEW, case.organisation_id):
        errors["owner"] = _("The case worker must work in this organisation.")
    if "owner" in data and data["owner"] != case.owner and not access.can_assign(by, case):
        errors["owner"] = _("Only a supervisor can reassign a case.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        updated = Case.objects.filter(pk=case.pk, version=version).update(
            version=F("version") + 1, updated_at=timezone.now(), **data
        )
        if not updated:
            stored = Case.objects.get(pk=case.pk)
            raise EditConflict(_changes(stored, data, Case), stored_version=stored.version)
        case_audit_record(by=by, case=case, action="case.update", details={"fields": sorted(data)})
    case.refresh_from_db()
    return case


def case_bump_version(*, case: Case, version: int) -> None:
    """For writes on a case's parts (decisions, plans) that must also not race: claim the next version."""
    if not Case.objects.filter(pk=case.pk, version=version).update(version=F("version") + 1):
        stored = Case.objects.get(pk=case.pk)
        raise EditConflict([], stored_version=stored.version)
    case.version = version + 1


def case_set_legal_hold(*, by: User, case: Case, hold: bool, reason: str = "") -> Case:
    """Keep a case beyond its retention period (a court order, a pending compensation claim), or release it.

    Supervisors decide. The reason is about the proceedings, never about the person, and is required
    when placing a hold.
    """
    reason = reason.strip()
    if not access.can_assign(by, case):
        raise NotAllowed(_("Only a supervisor of the case's organisation can place or lift a legal hold."))
    if hold and not reason:
        raise ValidationError({"reason": _("Say why the case must be kept, e.g. the court order.")})
    if len(reason) > 200:
        raise ValidationError({"reason": _("Keep the reason under 200 characters.")})
    if case.legal_hold == hold and (not hold or case.legal_hold_reason == reason):
        return case
    with transaction.atomic():
        Case.objects.filter(pk=case.pk).update(
            legal_hold=hold, legal_hold_reason=reason if hold else "", updated_at=timezone.now()
        )
        case_audit_record(
            by=by, case=case, action="case.legal_hold" if hold else "case.legal_hold_release", reason=reason
        )
    case.legal_hold = hold
    case.legal_hold_reason = reason if hold else ""
    return case
