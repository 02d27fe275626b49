from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from strom.ops.models import BackupResult, BackupRun
from strom.ops.selectors import last_backup_finished_at, last_backup_run

pytestmark = pytest.mark.django_db


def test_no_backup_yet_is_none() -> None:
    assert last_backup_finished_at() is None
    assert last_backup_run() is None


def test_the_last_successful_run_counts_not_a_later_failure() -> None:
    now = timezone.now()
    good = now - timedelta(hours=5)
    BackupRun.objects.create(started_at=good - timedelta(minutes=1), finished_at=good, result=BackupResult.OK)
    BackupRun.objects.create(
        started_at=now - timedelta(hours=9), finished_at=now - timedelta(hours=9), result=BackupResult.OK
    )
    BackupRun.objects.create(started_at=now, finished_at=now, result=BackupResult.FAILED)
    BackupRun.objects.create(started_at=now, result=BackupResult.RUNNING)
    assert last_backup_finished_at() == good
    latest = last_backup_run()
    assert latest is not None
    assert latest.result in {BackupResult.FAILED, BackupResult.RUNNING}
