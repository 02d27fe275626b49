"""The reminder job: the plan's owners hear once per report period when a report is due and when it
is overdue, in the inbox; the job acts as its named system actor."""

from __future__ import annotations

import datetime as dt

from django.core import mail
from django.urls import reverse

from strom.accounts.models import Notification
from strom.actionplans.services import progress_report_add
from strom.actionplans.services_reminders import reminders_job, send_report_reminders
from strom.actionplans.tests.factories import make_measure, make_plan
from strom.audit.models import AuditEntry
from strom.core.registry import worker_jobs
from tests.personas import Cast


def test_owners_are_reminded_once_per_period(cast: Cast, django_capture_on_commit_callbacks: object) -> None:
    measure = make_measure(cast, make_plan(cast))  # starts 2024-02-01, a report every 3 months
    assert send_report_reminders(today=dt.date(2024, 4, 1)) == 0
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]  # pytest-django fixture
        assert send_report_reminders(today=dt.date(2024, 4, 25)) == 1  # due 2024-05-01
    assert send_report_reminders(today=dt.date(2024, 4, 28)) == 0
    notes = Notification.objects.filter(message_key="actionplan_report_due")
    assert [n.user for n in notes] == [cast.supervisor_a]
    assert notes[0].url == reverse("actionplans:measure", args=[measure.pk])
    assert "is due soon" in notes[0].message
    assert [m.to for m in mail.outbox] == [[cast.supervisor_a.email]]
    assert send_report_reminders(today=dt.date(2024, 5, 3)) == 1
    assert send_report_reminders(today=dt.date(2024, 5, 20)) == 0
    assert Notification.objects.filter(message_key="actionplan_report_overdue").count() == 1
    entry = AuditEntry.objects.filter(action="actionplan.reminders").latest("seq")
    assert (entry.actor_id, entry.system_actor) == (None, "action-plan-reminders")
    # A report starts the next period: the next reminder is for 2024-08-10.
    progress_report_add(by=cast.supervisor_a, measure=measure, date=dt.date(2024, 5, 10), text="Started.")
    assert send_report_reminders(today=dt.date(2024, 6, 1)) == 0
    assert send_report_reminders(today=dt.date(2024, 8, 1)) == 1


def test_the_worker_runs_the_job(cast: Cast) -> None:
    assert "action plan reminders" in [job.name for job in worker_jobs()]
    assert reminders_job().startswith("action plan report reminders:")
