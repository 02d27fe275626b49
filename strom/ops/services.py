"""Writes for operations: the record of backup runs and of restores, each with its audit entry."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from strom.audit.actors import BACKUP
from strom.audit.services import audit_record
from strom.ops.models import BackupResult, BackupRun

ERROR_LIMIT = 1000


@transaction.atomic
def backup_run_start(*, out_dir: str, backup_id: str) -> BackupRun:
    # The id lets a restore of this very backup mark its own row as finished (restore_record).
    run = BackupRun.objects.create(
        started_at=timezone.now(), out_dir=out_dir[:1000], summary={"backup_id": backup_id}
    )
    # Before the snapshot, so the backup's own chain records that a copy of everything was taken.
    audit_record(actor=BACKUP, action="ops.backup", object_type="backup", object_ref=backup_id)
    return run


def backup_run_finish(*, run: BackupRun, summary: dict[str, Any]) -> None:
    run.finished_at = timezone.now()
    run.result = BackupResult.OK
    run.summary = summary
    run.save(update_fields=["finished_at", "result", "summary"])


def backup_run_fail(*, run: BackupRun, error: str) -> None:
    run.finished_at = timezone.now()
    run.result = BackupResult.FAILED
    run.error = error[:ERROR_LIMIT]
    run.save(update_fields=["finished_at", "result", "error"])


@transaction.atomic
def restore_record(*, backup_id: str, created: str, finished: datetime, summary: dict[str, Any]) -> None:
    """After a verified restore: the chain says from which backup this database came back.

    The dump was taken while its own run was still "running"; the restored row learns how it ended."""
    BackupRun.objects.filter(summary__backup_id=backup_id, result=BackupResult.RUNNING).update(
        result=BackupResult.OK, finished_at=finished, summary=summary
    )
    audit_record(
        actor=BACKUP,
        action="ops.restore",
        object_type="backup",
        object_ref=backup_id,
        details={"backup_created": created},
    )
