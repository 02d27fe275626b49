"""The bulk import of persons: each row a person with an open case, all rows or none.

Rows are written in batches inside one transaction, so a failure halfway (a lost connection, a
full disk) leaves nothing behind. Every row is written, also one that looks like another: the old
system's duplicates are found afterwards by the duplicate detection and reviewed by a person, never
dropped silently. Names are encrypted and indexed by the same code as the forms' (the fields'
encryption and `strom.cases.services.name_keys_for`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from strom.audit.actors import SystemActor
from strom.audit.services import audit_record
from strom.cases.choices import ChildBasis, Stage
from strom.cases.models import Case, Person, PersonNameKey
from strom.cases.refs import new_ref
from strom.cases.services import age_on, child_basis_for, name_keys_for
from strom.core.roles import Role, may_hold
from strom.directory.models import Municipality, Organisation
from strom.linkage.importer import MUNICIPALITY, PersonRow, Problem, Report, check_row, table_rows

BATCH_SIZE = 1000
Progress = Callable[[str, int, int], None]


class ImportRejected(Exception):
    """Nothing was imported: the problems found, the first ones listed and all of them counted."""

    def __init__(self, report: Report) -> None:
        super().__init__("import rejected")
        self.report = report


@dataclass(frozen=True)
class ImportResult:
    persons: int
    first_ref: str
    last_ref: str


def _check_file(
    path: Path, organisation: Organisation, default: Municipality | None, progress: Progress | None
) -> tuple[Report, dict[str, Municipality]]:
    """The first pass: every row checked, nothing kept but the problems and the municipality codes."""
    report = Report()
    first_use: dict[str, int] = {}
    for line, values in table_rows(path):
        report.rows += 1
        row, problems = check_row(line, values)
        for problem in problems:
            report.add(problem)
        if row is not None:
            if row.municipality:
                first_use.setdefault(row.municipality, line)
            elif default is None:
                report.add(Problem(line, MUNICIPALITY, _("Give a municipality code, or --municipality.")))
        if progress and report.rows % BATCH_SIZE == 0:
            progress("check", report.rows, 0)
    municipalities = {
        m.code.upper(): m
        for m in Municipality.objects.filter(country=organisation.country, code__in=list(first_use))
    }
    for code, line in first_use.items():
        if code not in municipalities:
            report.add(
                Problem(
                    line,
                    MUNICIPALITY,
                    _("No municipality with the code %(code)s in %(country)s.")
                    % {"code": code, "country": organisation.country},
                )
            )
    if report.rows == 0:
        report.add(Problem(1, "", _("The file has a header but no rows.")))
    return report, municipalities


def persons_import(
    *,
    by: SystemActor,
    path: Path,
    organisation: Organisation,
    municipality: Municipality | None = None,
    progress: Progress | None = None,
) -> ImportResult:
    """Check every row, then write them all (a person and an open case each) or, on any problem, none.

    Raises ImportRejected with the row-level report, or ImportFileError for a file that cannot be read.
    """
    if not may_hold(organisation.org_type, Role.CASE_WORKER):
        # The same rule as for people: an organisation that may have no case workers holds no cases.
        raise ImportRejected(
            Report(problems=[Problem(1, "", _("This organisation does not keep cases."))], problem_count=1)
        )
    if municipality is not None and municipality.country != organisation.country:
        raise ImportRejected(
            Report(
                problems=[Problem(1, "", _("The municipality must be in the organisation's country."))],
                problem_count=1,
            )
        )
    report, municipalities = _check_file(path, organisation, municipality, progress)
    if report.problem_count:
        raise ImportRejected(report)
    opened = timezone.now()
    done = 0
    first_ref = last_ref = ""
    with transaction.atomic():
        for batch in _batches(path):
            refs = _write_batch(
                by=by,
                rows=batch,
                organisation=organisation,
                municipalities=municipalities,
                default=municipality,
                opened=opened,
            )
            first_ref = first_ref or refs[0]
            last_ref = refs[-1]
            done += len(batch)
            if progress:
                progress("write", done, report.rows)
        audit_record(
            actor=by,
            action="person.import_done",
            object_type="organisation",
            object_ref=organisation.pk,
            organisation_id=organisation.pk,
            details={"persons": done},
        )
    return ImportResult(persons=done, first_ref=first_ref, last_ref=last_ref)


def _batches(path: Path) -> Iterator[list[PersonRow]]:
    batch: list[PersonRow] = []
    for line, values in table_rows(path):
        row, problems = check_row(line, values)
        if row is None:  # the file changed since the first pass
            raise ImportRejected(Report(rows=line, problems=problems, problem_count=len(problems)))
        batch.append(row)
        if len(batch) == BATCH_SIZE:
            yield batch
            batch = []
    if batch:
        yield batch


def _write_batch(
    *,
    by: SystemActor,
    rows: list[PersonRow],
    organisation: Organisation,
    municipalities: dict[str, Municipality],
    default: Municipality | None,
    opened: dt.datetime,
) -> list[str]:
    persons = [
        Person(
            organisation=organisation,
            given_name=row.given_name,
            family_name=row.family_name,
            birth_date=row.birth_date,
            gender=row.gender,
            citizenships=row.citizenships,
            languages=row.languages,
            source_id=row.source_id,
        )
        for row in rows
    ]
    Person.objects.bulk_create(persons)
    PersonNameKey.objects.bulk_create([key for person in persons for key in name_keys_for(person)])
    cases = []
    for row, person in zip(rows, persons, strict=True):
        place = municipalities[row.municipality] if row.municipality else default
        assert place is not None  # the first pass refused a row without one
        basis = child_basis_for(person, opened.date())
        case = Case(
            person=person,
            organisation=organisation,
            municipality=place,
            country=organisation.country,
            child_basis=basis,
            is_child=basis != ChildBasis.NOT_CHILD,
            age_at_opening=age_on(person, opened.date()),
            opened_at=opened,
        )
        case.set_stage(Stage.SCREENING)
        cases.append(case)
    _insert_with_fresh_refs(cases)
    refs = [case.ref for case in cases]
    # One entry per batch names its cases: a million entries would serialise every other writer
    # on the audit chain's head for the whole import.
    audit_record(
        actor=by,
        action="person.import",
        object_type="case",
        organisation_id=organisation.pk,
        details={"refs": refs, "rows": [rows[0].line, rows[-1].line]},
    )
    return refs


def _insert_with_fresh_refs(cases: list[Case]) -> None:
    """Random references collide now and then at this size: redraw the taken ones, then insert."""
    for _attempt in range(4):
        used: set[str] = set()
        pending = cases
        for _draw in range(8):
            for case in pending:
                case.ref = new_ref(case.country, case.municipality.code)
                while case.ref in used:
                    case.ref = new_ref(case.country, case.municipality.code)
                used.add(case.ref)
            taken = set(Case.objects.filter(ref__in=[c.ref for c in pending]).values_list("ref", flat=True))
            pending = [case for case in pending if case.ref in taken]
            if not pending:
                break
        try:
            with transaction.atomic():
                Case.objects.bulk_create(cases)
            return
        except IntegrityError:
            continue  # another writer took one of them meanwhile: draw again
    raise RuntimeError("could not allocate unique case references")
