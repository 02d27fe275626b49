"""Writes of the statistics app: publishing a table (audited with the rule applied) and imports.

An import is checked whole first (strom/stats/ctdc.py for CTDC files, strom/stats/exchange.py for a
table exchange file), then written here in one transaction with its audit entry: all or nothing.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction

from strom.audit.actors import SystemActor
from strom.audit.services import audit_record
from strom.stats.ctdc import COPY_COLUMNS, ImportRejected, Progress, check_file, check_name, ctdc_check
from strom.stats.disclosure import control
from strom.stats.engine import Spec, build_table, perturbation_rule
from strom.stats.exchange import FORMAT, VERSION, combined_publish, table_check, threshold_for
from strom.stats.models import BUILTIN, AggregateCell, Dataset, DatasetKind, ImportFormat, ImportJob
from strom.stats.refresh import refresh_if_stale
from strom.stats.tables import Published

if TYPE_CHECKING:
    from strom.accounts.models import User


def table_publish(*, by: User | SystemActor, spec: Spec, audit: bool = True) -> Published:
    """Count, perturb, apply disclosure control, and record who published which table under which rule.

    `by` is the statistics system actor for the command line, which runs as the operator of the server.
    """
    if any(d.name == BUILTIN for d in spec.datasets):
        refresh_if_stale()
    if any(d.kind == DatasetKind.AGGREGATE for d in spec.datasets):
        values, controlled = combined_publish(spec)
    else:
        counts, values = build_table(spec)
        controlled = control(
            counts,
            values,
            threshold=threshold_for(spec),
            rounding=spec.rounding,
            perturbation=perturbation_rule(spec.datasets),
        )
    published = Published(spec=spec, values=values, controlled=controlled)
    if audit:
        audit_record(
            actor=by,
            action="stats.table",
            object_type="stats_table",
            details={**spec.describe(), "rule": controlled.rule},
        )
    return published


def import_queue(
    *, by: User, dataset_name: str, file_name: str, content: bytes, format: str = ImportFormat.CTDC
) -> ImportJob:
    """Queue an uploaded file for `strom worker`; the name is checked now, the file when it runs."""
    from strom.stats.access import check_may_import

    check_may_import(by)
    problems = check_name(dataset_name)
    if problems:
        raise ValidationError({"name": [p.why for p in problems]})
    with transaction.atomic():
        job = ImportJob.objects.create(
            dataset_name=dataset_name,
            file_name=file_name[:200],
            format=format,
            content=content,
            created_by=by,
        )
        audit_record(
            actor=by,
            action="stats.import.queue",
            object_type="stats_import",
            object_ref=job.pk,
            details={"name": dataset_name, "format": format, "bytes": len(content)},
        )
    return job


def _dataset_create(
    *,
    kind: str,
    name: str,
    data: bytes,
    file_name: str,
    rows: int,
    by: User | SystemActor,
    exchange: dict[str, Any] | None = None,
) -> Dataset:
    """Create an imported dataset, inside the caller's transaction, after checking the name and the
    file again: another import of the same file or name may have finished since the rows were checked."""
    late = check_name(name) + check_file(data)
    if late:
        raise ImportRejected(late)
    return Dataset.objects.create(
        name=name,
        kind=kind,
        source_sha256=hashlib.sha256(data).hexdigest(),
        source_name=file_name[:200],
        rows=rows,
        imported_by=None if isinstance(by, SystemActor) else by,
        exchange=exchange or {},
    )


def ctdc_import(
    *,
    by: User | SystemActor,
    data: bytes,
    dataset_name: str,
    file_name: str = "",
    progress: Progress | None = None,
) -> Dataset:
    """Check the whole CTDC file, then import it as a new dataset; ImportRejected lists every problem."""
    checked = ctdc_check(data=data, dataset_name=dataset_name, progress=progress)
    with transaction.atomic():
        dataset = _dataset_create(
            kind=DatasetKind.CTDC,
            name=dataset_name,
            data=data,
            file_name=file_name,
            rows=len(checked.rows),
            by=by,
        )
        with (
            connection.cursor() as cursor,
            cursor.copy(f"COPY stats_fact ({', '.join(COPY_COLUMNS)}) FROM STDIN") as copy,
        ):
            for row in checked.rows:
                row[0] = dataset.pk
                copy.write_row(row)
        audit_record(
            actor=by,
            action="stats.dataset.import",
            object_type="stats_dataset",
            object_ref=dataset.pk,
            details={
                "name": dataset.name,
                "kind": dataset.kind,
                "rows": len(checked.rows),
                "sha256": dataset.source_sha256,
            },
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE stats_fact")
    if progress is not None:
        progress(checked.estimated_rows, checked.estimated_rows)
    return dataset


def table_import(*, by: User | SystemActor, data: bytes, dataset_name: str, file_name: str = "") -> Dataset:
    """Check the whole exchange file, then store it as an aggregated dataset, or raise ImportRejected."""
    errors = check_name(dataset_name) + check_file(data)
    document, dimensions, found, file_errors = table_check(data)
    errors += file_errors
    if errors:
        raise ImportRejected(errors)
    names = [d.name for d in dimensions]
    rows_by_key = {key: count for key, (_s, _r, count) in found.items()}
    grand = rows_by_key.get(tuple(None for _ in names))
    with transaction.atomic():
        dataset = _dataset_create(
            kind=DatasetKind.AGGREGATE,
            name=dataset_name,
            data=data,
            file_name=file_name,
            rows=grand or 0,
            by=by,
            exchange={
                "format": FORMAT,
                "version": VERSION,
                "source": document["source"],
                "generated_at": document["generated_at"],
                "datasets": document.get("datasets", []),
                "by": names,
                "where": document["where"],
                "rule": document["rule"],
            },
        )
        cells = [
            AggregateCell(dataset=dataset, values=[entry[n] for n in names], count=entry["count"])
            for section in ("cells", "totals")
            for entry in document[section]
        ]
        AggregateCell.objects.bulk_create(cells, batch_size=5000)
        audit_record(
            actor=by,
            action="stats.dataset.import",
            object_type="stats_dataset",
            object_ref=dataset.pk,
            details={
                "name": dataset.name,
                "kind": dataset.kind,
                "source": document["source"],
                "by": names,
                "entries": len(cells),
                "sha256": dataset.source_sha256,
            },
        )
    return dataset
