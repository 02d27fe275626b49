"""Background work of the statistics app, run by `strom worker` every round (and `strom stats imports`).

- Imports uploaded on the statistics page: each job is claimed with SELECT ... FOR UPDATE SKIP LOCKED,
  so two workers never run the same import; progress is saved as the file is checked, so the page
  can show it.
- STROM's own facts are rebuilt when older than STROM_STATS_REFRESH_MINUTES.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from strom.stats.ctdc import ERRORS_KEPT, ImportRejected, RowError
from strom.stats.models import ImportFormat, ImportJob, ImportState
from strom.stats.refresh import refresh_if_stale
from strom.stats.services import ctdc_import, table_import

logger = logging.getLogger("strom.worker")


def _claim() -> ImportJob | None:
    with transaction.atomic():
        job = (
            ImportJob.objects.select_for_update(skip_locked=True)
            .filter(state=ImportState.QUEUED)
            .order_by("created_at", "pk")
            .first()
        )
        if job is None:
            return None
        job.state = ImportState.RUNNING
        job.save(update_fields=["state"])
    return job


def run_import_job(job: ImportJob) -> None:
    # The problems found are kept with the job and read by the person who uploaded the file: in their
    # language, not the worker's.
    with translation.override(job.created_by.language or settings.LANGUAGE_CODE):
        _run_import_job(job)


def _run_import_job(job: ImportJob) -> None:
    data = bytes(job.content)

    def progress(done: int, total: int) -> None:
        ImportJob.objects.filter(pk=job.pk).update(rows_done=done, rows_total=total)

    try:
        if job.format == ImportFormat.TABLE:
            dataset = table_import(
                by=job.created_by, data=data, dataset_name=job.dataset_name, file_name=job.file_name
            )
        else:
            dataset = ctdc_import(
                by=job.created_by,
                data=data,
                dataset_name=job.dataset_name,
                file_name=job.file_name,
                progress=progress,
            )
    except ImportRejected as exc:
        job.state = ImportState.FAILED
        job.errors = [e.as_dict() for e in exc.errors[:ERRORS_KEPT]]
        if len(exc.errors) > ERRORS_KEPT:
            more = len(exc.errors) - ERRORS_KEPT
            why = ngettext(
                "%(count)d more problem is not shown.", "%(count)d more problems are not shown.", more
            ) % {"count": more}
            job.errors.append(RowError(0, "", "", why).as_dict())
    except Exception:  # a crash must not leave the job "running" for ever
        logger.exception("statistics import %s failed", job.pk)
        job.state = ImportState.FAILED
        why = _("STROM could not read this file because of an error of its own, which has been logged.")
        job.errors = [RowError(0, "", "", why).as_dict()]
    else:
        job.state = ImportState.DONE
        job.dataset = dataset
        # A table's rows are its entries (cells and margins); a CTDC file's, its people.
        rows = dataset.cells.count() if job.format == ImportFormat.TABLE else dataset.rows
        job.rows_done = job.rows_total = rows
    job.content = b""
    job.finished_at = timezone.now()
    job.save(
        update_fields=["state", "errors", "dataset", "rows_done", "rows_total", "content", "finished_at"]
    )


def run_import_jobs() -> int:
    done = 0
    while (job := _claim()) is not None:
        run_import_job(job)
        done += 1
    return done


def stats_round() -> None:
    """One round of the worker: pending imports first (someone is watching), then stale facts."""
    run_import_jobs()
    refresh_if_stale()


def stats_job() -> str:
    """The worker's job (registered in apps.py)."""
    stats_round()
    return ""
