"""Erasure of a person (GDPR Art. 17): the person, every case and every row hanging off them, everywhere.

One transaction: rows are deleted children first (the walk in strom/cases/related.py finds them in
every app), then the code checks that no row anywhere still points at an erased row and rolls back
if one does. Files on disk are deleted only once the transaction has committed. What stays is one
audit entry "person.erase" with the case references (not personal data), the row counts and the
reason. Earlier audit entries stay too: the log is append-only and names objects by reference only.
The write itself is `person_erase` in strom/cases/services_retention.py; this module plans it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from strom.cases import related
from strom.cases.models import Case, Person
from strom.core.roles import Perm

if TYPE_CHECKING:
    from strom.accounts.models import User


@dataclass
class ErasureSummary:
    person_id: int
    case_refs: list[str]
    counts: dict[str, int]  # model label -> rows
    files: int
    dry_run: bool = False
    _rows: dict[related.Model, set[Any]] = field(default_factory=dict, repr=False)


def can_erase(user: User, person: Person) -> bool:
    """A supervisor in every organisation holding one of the person's cases, or a system admin."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.has_global(Perm.SYSTEM_MANAGE):
        return True
    org_ids = set(Case.objects.filter(person=person).values_list("organisation_id", flat=True))
    org_ids = org_ids or {person.organisation_id}
    return all(user.has_perm_in(Perm.CASE_ASSIGN, org_id) for org_id in org_ids)


def erasure_plan(person: Person) -> ErasureSummary:
    rows = related.collect({Person: {person.pk}})
    files = [f for model, pks in rows.items() for f in related.stored_files(model, pks)]
    return ErasureSummary(
        person_id=person.pk,
        case_refs=sorted(Case.objects.filter(pk__in=rows.get(Case, set())).values_list("ref", flat=True)),
        counts={related.label(model): len(pks) for model, pks in sorted(rows.items(), key=_order)},
        files=len(files),
        dry_run=True,
        _rows=rows,
    )


def _order(item: tuple[related.Model, set[Any]]) -> tuple[int, str]:
    return related.depth(item[0]), related.label(item[0])


def delete_rows(rows: dict[related.Model, set[Any]]) -> list[related.StoredFile]:
    """Delete the rows children first; return their files for deletion after commit.

    Must run inside the caller's transaction. Raises RuntimeError (rolling the caller back) if any
    row still refers to an erased one: a relation the walk did not see.
    """
    files = [f for model, pks in rows.items() for f in related.stored_files(model, pks)]
    for model, pks in sorted(rows.items(), key=_order, reverse=True):
        model._base_manager.filter(pk__in=pks).delete()
    left = related.remaining_references(rows)
    if left:
        raise RuntimeError(f"rows still refer to erased data: {left}")
    return files
