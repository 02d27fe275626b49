"""Reads for record linkage: the persons a run compares, and the pairs a user may see."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from strom.audit.services import audit_read
from strom.cases.models import Case, Person
from strom.core.errors import NotAllowed
from strom.linkage.access import check_reviewer, may_run_system_wide
from strom.linkage.engine import Pair, find_pairs
from strom.linkage.features import PersonRecord, feature_columns
from strom.linkage.models import CandidatePair, PairStatus, PersonMerge

if TYPE_CHECKING:
    from strom.accounts.models import User

CHUNK = 2000


def person_records(persons: QuerySet[Person]) -> Iterator[PersonRecord]:
    """The decrypted values the comparison needs, streamed from the database, kept in memory only."""
    rows = persons.order_by().values_list("pk", "given_name", "family_name", "birth_date", "gender")
    for pk, given, family, born, gender in rows.iterator(chunk_size=CHUNK):
        yield PersonRecord(pk, given or "", family or "", born or "", gender or "")


def pairs_among(persons: QuerySet[Person], *, min_probability: float) -> list[Pair]:
    return find_pairs(feature_columns(person_records(persons)), min_probability=min_probability)


@dataclass(frozen=True)
class FoundPair:
    a_ref: str
    a_source_id: str
    b_ref: str
    b_source_id: str
    probability: float
    a_organisation: str = ""
    b_organisation: str = ""


def _latest_refs(cases: QuerySet[Case], person_ids: Iterable[int]) -> dict[int, tuple[str, str]]:
    """Each person's most recent case (reference, organisation name) among the given cases."""
    refs: dict[int, tuple[str, str]] = {}
    rows = (
        cases.filter(person_id__in=list(person_ids))
        .order_by("person_id", "-opened_at", "-pk")
        .values_list("person_id", "ref", "organisation__name")
    )
    for person_id, ref, organisation in rows:
        refs.setdefault(person_id, (ref, organisation))
    return refs


def described(pairs: list[Pair], cases: QuerySet[Case]) -> list[FoundPair]:
    """Pairs by case reference and source id, most likely first; a person without a case is left out."""
    ids = {p.a for p in pairs} | {p.b for p in pairs}
    refs = _latest_refs(cases, ids)
    sources = dict(Person.objects.filter(pk__in=list(ids)).values_list("pk", "source_id"))
    found = [
        FoundPair(
            a_ref=refs[p.a][0],
            a_source_id=sources.get(p.a, ""),
            b_ref=refs[p.b][0],
            b_source_id=sources.get(p.b, ""),
            probability=p.probability,
            a_organisation=refs[p.a][1],
            b_organisation=refs[p.b][1],
        )
        for p in pairs
        if p.a in refs and p.b in refs
    ]
    return sorted(found, key=lambda f: (-f.probability, f.a_ref, f.b_ref))


def open_pairs_for(user: User) -> QuerySet[CandidatePair]:
    return (
        CandidatePair.objects.visible_to(user)
        .filter(status=PairStatus.OPEN)
        .select_related("person_a", "person_b")
        .order_by("-probability", "pk")
    )


def undoable_merges_for(user: User, now: object) -> QuerySet[PersonMerge]:
    return (
        PersonMerge.objects.visible_to(user)
        .filter(undone_at__isnull=True, undo_until__gt=now)
        .select_related("kept", "merged")
        .order_by("-merged_at")
    )


def case_refs(user: User, person: Person) -> list[str]:
    return list(
        Case.objects.visible_to(user)
        .filter(person=person)
        .order_by("-opened_at")
        .values_list("ref", flat=True)
    )


def duplicates_for_user(*, by: User, min_probability: float) -> list[FoundPair]:
    """Likely pairs among the persons the user may see, by case reference; audited as one read."""
    check_reviewer(by)
    pairs = pairs_among(Person.objects.visible_to(by), min_probability=min_probability)
    found = described(pairs, Case.objects.visible_to(by))
    audit_read(
        actor=by,
        object_type="person",
        object_ref="",
        organisation_id=None,
        details={"duplicates": len(found), "min_probability": min_probability},
    )
    return found


def duplicates_system_wide(*, by: User, min_probability: float) -> list[FoundPair]:
    """For system admins: pairs among all persons of the instance, across organisations, by reference
    and organisation only, for the organisations concerned to look at."""
    if not may_run_system_wide(by):
        raise NotAllowed(_("Only a system administrator may compare every organisation's persons."))
    pairs = pairs_among(
        Person.objects.filter(cases__isnull=False).distinct(), min_probability=min_probability
    )
    found = described(pairs, Case.objects.all())
    audit_read(
        actor=by,
        object_type="person",
        object_ref="",
        organisation_id=None,
        details={"duplicates": len(found), "min_probability": min_probability, "scope": "instance"},
    )
    return found
