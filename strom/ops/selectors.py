"""Reads for operations: when the last backup finished. Used by `/metrics`; holds no personal data."""

from __future__ import annotations

from datetime import datetime

from strom.ops.models import BackupResult, BackupRun


def last_backup_finished_at() -> datetime | None:
    """The time the last successful backup finished, or None when none ever did."""
    return (
        BackupRun.objects.filter(result=BackupResult.OK, finished_at__isnull=False)
        .order_by("-finished_at")
        .values_list("finished_at", flat=True)
        .first()
    )


def last_backup_run() -> BackupRun | None:
    """The latest run whatever its outcome, so a failing nightly backup shows as failing."""
    return BackupRun.objects.order_by("-started_at").first()
