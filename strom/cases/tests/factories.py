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

# The persona who records the person and opens the case in each organisation by default. At a hotline
# it is the hotline operator, who then holds the case (tests/personas.py).
_OPENER = {"a": "caseworker_a", "b": "caseworker_b", "hotline_lv": "hotline_a", "hotline_lt": "hotline_b"}


def _org(cast: Cast, org: str) -> Any:
    return cast.orgs[org]


def hotline_supervisor(cast: Cast) -> User:
    """A supervisor at the Latvian hotline: a colleague of `hotline_a` who sees all the hotline's cases."""
    from strom.accounts.models import Membership, User
    from strom.core.roles import Role

    user = User.objects.create_user("hotline.supervisor@example.test", full_name="Hotline Supervisor")
    Membership.objects.create(user=user, organisation=cast.orgs["hotline_lv"], role=Role.SUPERVISOR)
    return user


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
    """A case in org "a" (Riga), "b" (Vilnius) or a hotline ("hotline_lv", "hotline_lt"). `fields`:
    person fields, or case_open's forms_of_exploitation / opened_at / municipality."""
    case_args = {
        k: fields.pop(k) for k in ("forms_of_exploitation", "opened_at", "municipality") if k in fields
    }
    opener = by or cast.users[_OPENER[org]]
    if person is None:
        person = make_person(cast, org, by=opener, **fields)
    municipality = case_args.pop("municipality", None) or (
        cast.riga if _org(cast, org).country == "LV" else cast.vilnius
    )
    return case_open(
        by=opener,
        person=person,
        organisation=_org(cast, org),
        municipality=municipality,
        owner=owner,
        **case_args,
    )


def hotline_owned_case(cast: Cast) -> Case:
    """A case of the Latvian hotline, held by the operator who took the call and opened it."""
    case = make_case(cast, org="hotline_lv")
    assert case.owner == cast.users["hotline_a"]
    return case
