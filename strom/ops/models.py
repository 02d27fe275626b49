"""What the operations app records: one row per backup run, for monitoring and for the operator.

A row holds times, the outcome and a summary of the manifest (counts, sizes, versions), never a
name, a reference or any other personal data: it is read by `/metrics` without a user.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class BackupResult(models.TextChoices):
    RUNNING = "running", _("running")
    OK = "ok", _("succeeded")
    FAILED = "failed", _("failed")


class BackupRun(models.Model):
    """One `strom backup` run. Rows live for ever: a few hundred bytes a night, and the history of
    backups is what an auditor asks for. The directory is the operator's own path, not personal data."""

    started_at = models.DateTimeField(_("started"))
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    result = models.CharField(
        _("result"), max_length=16, choices=BackupResult.choices, default=BackupResult.RUNNING
    )
    out_dir = models.CharField(_("directory"), max_length=1000, blank=True)
    # Row totals, file count and bytes, STROM version and migration state: see strom/ops/backup.py.
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    # Why a run failed, in the operator's words; exception text never carries record values here.
    error = models.CharField(_("error"), max_length=1000, blank=True)

    class Meta:
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["result", "-finished_at"], name="ops_backup_result_finished")]
        verbose_name = _("backup run")
        verbose_name_plural = _("backup runs")

    def __str__(self) -> str:
        return f"backup {self.started_at:%Y-%m-%d %H:%M} {self.result}"
