"""Opening a case together with its person and first identity document: one transaction, so an
error in any part (a bad date, a document number with no letters or digits, a municipality in
another country) leaves nothing saved. Used by the "open a case" page and POST /api/v1/cases.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction

from strom.cases.models import Case, Person
from strom.cases.services import case_open, identity_document_add, person_create
from strom.crypto import service as crypto

if TYPE_CHECKING:
    from strom.accounts.models import User
    from strom.directory.models import Municipality, Organisation


def case_open_with_person(
    *,
    by: User,
    organisation: Organisation,
    municipality: Municipality,
    owner: User | None = None,
    forms_of_exploitation: list[str] | None = None,
    person: Person | None = None,
    person_data: dict[str, Any] | None = None,
    document: dict[str, Any] | None = None,
) -> Case:
    """Open a case for `person` (already recorded) or for a new person made from `person_data`.

    `document` (doc_type, number, issuing_country, expiry_date, held_by_person) is added to the
    person unless an existing person already holds a document with that number.
    """
    if (person is None) == (person_data is None):
        raise TypeError("give either person or person_data")
    with transaction.atomic():
        if person is None:
            person = person_create(by=by, organisation=organisation, **(person_data or {}))
            known = False
        else:
            index = crypto.blind_index(str((document or {}).get("number", "")), kind="document")
            known = bool(index) and person.documents.filter(number_index=index).exists()
        if document is not None and not known:
            identity_document_add(by=by, person=person, **document)
        return case_open(
            by=by,
            person=person,
            organisation=organisation,
            municipality=municipality,
            owner=owner,
            forms_of_exploitation=forms_of_exploitation,
        )


def person_consistency_errors(data: dict[str, Any]) -> dict[str, str]:
    """Checks across the age fields that the page and the API share (the person services check each
    field on its own)."""
    from django.utils.translation import gettext as _

    errors: dict[str, str] = {}
    if data.get("birth_date") and data.get("age_estimate") is not None and not data.get("age_uncertain"):
        errors["age_estimate"] = _(
            "Give the date of birth or an estimated age. "
            "Tick “age uncertain” if the recorded date is doubted."
        )
    if data.get("believed_child") and not data.get("age_uncertain"):
        errors["believed_child"] = _(
            "The presumption applies when the age is uncertain: tick “age uncertain” too."
        )
    return errors
