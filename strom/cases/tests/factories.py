"""Synthetic persons and cases for tests, made through the services (so audit and name keys are real).

person = make_person(cast, given_name="Jūlija", family_name="Ivanova")
case = make_case(cast, org="b", owner=cast.users["caseworker_b"])
case = make_case(cast, person=person, forms_of_exploitation=["ForcedLabour"])
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING, Any

from strom.cases.models import Case, Person
from strom.cases.services import case_open, person_create

if TYPE_CHECKING:
    from strom.accounts.models import User
    from tests.personas import Cast

_counter = itertools.count(1)

# The persona who records the person and opens the case in each organisation by default.
_OPENER = {"a": "caseworker_a", "b": "caseworker_b"}


def _org(cast: Cast, org: str) -> Any:
    return cast.org_a if org == "a" else cast.org_b


def make_person(cast: Cast, org: str = "a", *, by: User | None = None, **fields: Any) -> Person:
    n = next(_counter)
    data: dict[str, Any] = {"given_name": f"Test{n}", "family_name": "Person"}
    data.update(fields)
    return person_create(by=by or cast.users[_OPENER[org]], organisation=_org(cast, org), **data)


def make_case(
    cast: Cast,
    org: str = "a",
    owner: User | None = None,
    *,
    by: User | None = None,
    person: Person | None = None,
    **fields: Any,
) -> Case:
    """A case in org "a" (Riga) or "b" (Vilnius). `fields`: person fields, or case_open's
    forms_of_exploitation / opened_at / municipality."""
    case_args = {
        k: fields.pop(k) for k in ("forms_of_exploitation", "opened_at", "municipality") if k in fields
    }
    opener = by or cast.users[_OPENER[org]]
    if person is None:
        person = make_person(cast, org, by=opener, **fields)
    municipality = case_args.pop("municipality", None) or (cast.riga if org == "a" else cast.vilnius)
    return case_open(
        by=opener,
        person=person,
        organisation=_org(cast, org),
        municipality=municipality,
        owner=owner,
        **case_args,
    )
