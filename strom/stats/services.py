"""Writes of the statistics app: publishing a table (audited with the rule applied) and imports."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction

from strom.audit.actors import SystemActor
from strom.audit.services import audit_record
from strom.stats.ctdc import check_name
from strom.stats.disclosure import control
from strom.stats.engine import Spec, build_table, perturbation_rule
from strom.stats.exchange import combined_publish, threshold_for
from strom.stats.models import BUILTIN, DatasetKind, ImportFormat, ImportJob
from strom.stats.refresh import refresh_if_stale
from strom.stats.tables import Published

if TYPE_CHECKING:
    from strom.accounts.models import User


def table_publish(*, by: User | SystemActor, spec: Spec, audit: bool = True) -> Published:
    """Count, perturb, apply disclosure control, and record who published which table under which rule.

    `by` is None for the command line, which runs as the operator of the server.
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
