"""Writes of retention and erasure: anonymising or erasing a case, erasing a person.

What is due and what anonymisation does to each model live in strom/cases/retention.py, the walk
over a person's rows and the erasure plan in strom/cases/erasure.py; these functions change the rows
and write the audit entry in the same transaction, and delete files only once it has committed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from strom.audit.actors import RETENTION, SystemActor
from strom.audit.services import audit_record
from strom.cases import related
from strom.cases.erasure import ErasureSummary, can_erase, delete_rows, erasure_plan
from strom.cases.models import Case, Person
from strom.cases.reads import case_audit_record
from strom.cases.retention import DueCase, RetentionReport, anonymise_rows
from strom.core.errors import NotAllowed

if TYPE_CHECKING:
    from strom.accounts.models import User


def _person_done(person_id: int, except_case: int) -> bool:
    """True when no other case of the person still holds identifying data."""
    return (
        not Case.objects.filter(person_id=person_id, anonymised_at__isnull=True)
        .exclude(pk=except_case)
        .exists()
    )


def case_anonymise(
    *, case: Case, reason: str = "retention", now: dt.datetime | None = None, by: SystemActor = RETENTION
) -> dict[str, int]:
    """Anonymise one case (and the person with their last case). A system job acts: `by` names it."""
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        if case.anonymised_at is not None:
            return {}
        rows = related.collect({Case: {case.pk}})
        person_too = _person_done(case.person_id, case.pk)
        if person_too:
            person_rows = related.collect({Person: {case.person_id}})
            # Only the person's own rows and this case's: other, already anonymised cases stay as they are.
            other_cases = person_rows.get(Case, set()) - {case.pk}
            other_case_rows = related.collect({Case: other_cases}) if other_cases else {}
            for model, pks in person_rows.items():
                pks = pks - other_case_rows.get(model, set())
                if pks:
                    rows.setdefault(model, set()).update(pks)
        counts, files = anonymise_rows(rows)
        Case.objects.filter(pk=case.pk).update(anonymised_at=now or timezone.now())
        case_audit_record(
            by=by,
            case=case,
            action="case.anonymise",
            reason=reason,
            details={"counts": counts, "person": "anonymised" if person_too else "kept", "files": len(files)},
        )
        transaction.on_commit(lambda: related.delete_files(files))
    return counts


def case_erase(*, case: Case, reason: str = "retention", by: SystemActor = RETENTION) -> dict[str, int]:
    """Erase one case's rows (and the person with their last remaining case). A system job acts."""
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        rows = related.collect({Case: {case.pk}})
        person_id = case.person_id
        last = not Case.objects.filter(person_id=person_id).exclude(pk=case.pk).exists()
        if last:
            rows = related.collect({Person: {person_id}})
        elif _person_done(person_id, case.pk):
            # The other cases are anonymised skeletons: the person's identifying data goes now.
            person_rows = related.collect({Person: {person_id}})
            keep = related.collect({Case: person_rows.get(Case, set()) - {case.pk}})
            extra = {m: pks - keep.get(m, set()) - rows.get(m, set()) for m, pks in person_rows.items()}
            extra.pop(Case, None)
            anonymise_rows({m: p for m, p in extra.items() if p})
        counts = {related.label(m): len(p) for m, p in rows.items()}
        files = delete_rows(rows)
        case_audit_record(
            by=by,
            case=case,
            action="case.erase",
            reason=reason,
            details={"counts": counts, "person": "erased" if last else "kept", "files": len(files)},
        )
        transaction.on_commit(lambda: related.delete_files(files))
    return counts


def retention_apply(report: RetentionReport, *, batch_size: int = 100) -> Iterator[tuple[DueCase, str]]:
    """Handle every actionable due case, each in its own transaction. Yields (case, "done"/"gone")."""
    todo = report.actionable
    for start in range(0, len(todo), batch_size):
        batch = todo[start : start + batch_size]
        cases = {c.pk: c for c in Case.objects.filter(pk__in=[d.case_id for d in batch])}
        for due in batch:
            case = cases.get(due.case_id)
            if case is None:
                yield due, "gone"  # erased meanwhile (for example with an earlier case of the same person)
                continue
            if due.action == "erase":
                case_erase(case=case)
            else:
                case_anonymise(case=case)
            yield due, "done"


def person_erase(*, by: User, person: Person, reason: str, dry_run: bool = False) -> ErasureSummary:
    """Erase the person, every case and every row hanging off them (GDPR Art. 17), or plan it (`dry_run`).

    The audit entry names the case references, the row counts and the reason, never the person.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for the erasure (for example the request).")})
    if not can_erase(by, person):
        raise NotAllowed(_("You may not erase this person."))
    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=person.pk)
        plan = erasure_plan(person)
        if dry_run:
            return plan
        files = delete_rows(plan._rows)
        audit_record(
            actor=by,
            action="person.erase",
            object_type="person",
            object_ref=plan.person_id,
            organisation_id=person.organisation_id,
            reason=reason,
            details={"cases": plan.case_refs, "counts": plan.counts, "files": plan.files},
        )
        transaction.on_commit(lambda: related.delete_files(files))
    plan.dry_run = False
    return plan
