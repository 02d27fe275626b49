"""The apps register what the case page, the dashboard, the worker and `migrate` gather, in order."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from strom.core import registry
from strom.core.registry import WorkerJob


def test_the_case_page_sections_come_in_page_order() -> None:
    names = [section.name for section in registry.case_sections()]
    # The practices for the case's stage sit right under the stage panel they belong to.
    assert names == [
        "stages",
        "practices",
        "support",
        "consent",
        "referrals",
        "transnational",
        "casefile",
        "hotline",
        "screening",
    ]
    templates = [t for section in registry.case_sections() for t in section.templates]
    assert templates[:2] == ["stages/_stage_panel.html", "stages/_tasks.html"]
    assert templates[-1] == "screening/_case_section.html"


def test_the_worker_runs_the_reminders_first_and_the_audit_checkpoint_last() -> None:
    names = [job.name for job in registry.worker_jobs()]
    assert names[:2] == ["task reminders", "referral reminders"]
    assert "statistics round" in names
    assert names[-1] == "audit checkpoint"


def test_migrate_rechecks_screenings_afterwards() -> None:
    from strom.screening.services_recheck import recheck_after_migrate

    assert recheck_after_migrate in registry.after_migrate_tasks()


@pytest.mark.django_db
def test_a_failing_job_ends_a_single_round_with_its_name_and_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken() -> str:
        raise OSError("disk full")

    jobs = {"broken job": WorkerJob(name="broken job", order=0, run=broken)}
    monkeypatch.setattr(registry, "_WORKER_JOBS", jobs)
    err = StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("worker", "--once", stdout=StringIO(), stderr=err)
    assert exit_info.value.code == 1
    assert "The broken job failed: disk full" in err.getvalue()
