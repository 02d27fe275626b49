"""Pairs and merges for tests, between synthetic persons of organisation A, made through the services."""

from __future__ import annotations

from typing import TYPE_CHECKING

from strom.cases.tests.factories import make_case
from strom.linkage.models import CandidatePair, PersonMerge
from strom.linkage.services import persons_merge

if TYPE_CHECKING:
    from tests.personas import Cast


def make_pair(cast: Cast, org: str = "a", other_org: str | None = None) -> CandidatePair:
    """Two records of one (synthetic) person, Юлия Иванова and Julija Ivanova, as an open pair."""
    first = make_case(cast, org, given_name="Юлия", family_name="Иванова", birth_date="1990-03-12")
    second = make_case(
        cast, other_org or org, given_name="Julija", family_name="Ivanova", birth_date="1990-03-12"
    )
    a, b = sorted([first.person_id, second.person_id])
    return CandidatePair.objects.create(person_a_id=a, person_b_id=b, probability=0.97)


def make_merge(cast: Cast) -> PersonMerge:
    pair = make_pair(cast)
    return persons_merge(by=cast.users["supervisor_a"], pair=pair, keep=pair.person_a)
