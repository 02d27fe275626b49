"""The reminder worker: once per task and kind, in-app and by e-mail, with no personal data."""

from __future__ import annotations

import datetime as dt
import threading
from io import StringIO
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from strom.accounts.models import Notification
from strom.stages.models import CaseTask, Reminder
from strom.stages.services import task_create
from strom.stages.tasks import send_due_reminders
from strom.stages.tests.stage_helpers import opened_case

TODAY = timezone.localdate


def _tasks(cast: Any) -> Any:
    case = opened_case(cast, given_name="Jūlija", family_name="Ivanova")
    soon = task_create(
        by=cast.caseworker_a, case=case, title_key="contact_person", due_date=TODAY() + dt.timedelta(days=2)
    )
    late = task_create(by=cast.caseworker_a, case=case, title_key="check_safety", due_date=TODAY())
    CaseTask.objects.filter(pk=late.pk).update(due_date=TODAY() - dt.timedelta(days=3))
    task_create(
        by=cast.caseworker_a, case=case, title_key="review_case", due_date=TODAY() + dt.timedelta(days=20)
    )
    return case, soon, late


@pytest.mark.django_db
def test_worker_sends_each_reminder_exactly_once(cast: Any, django_capture_on_commit_callbacks: Any) -> None:
    _case, soon, late = _tasks(cast)
    with django_capture_on_commit_callbacks(execute=True):
        assert send_due_reminders() == 2
    with django_capture_on_commit_callbacks(execute=True):
        assert send_due_reminders() == 0
    assert set(Reminder.objects.values_list("task_id", "kind")) == {
        (soon.pk, "due_soon"),
        (late.pk, "overdue"),
    }
    assert len(mail.outbox) == 1
    assert Notification.objects.filter(user=cast.caseworker_a).count() == 2
    # The "due soon" task becomes overdue later: it gets its one overdue reminder then.
    with django_capture_on_commit_callbacks(execute=True):
        assert send_due_reminders(today=TODAY() + dt.timedelta(days=3)) == 1
    assert len(mail.outbox) == 2


@pytest.mark.django_db
def test_reminder_email_holds_no_personal_data(cast: Any, django_capture_on_commit_callbacks: Any) -> None:
    case, _soon, _late = _tasks(cast)
    cast.caseworker_a.language = "lv"
    cast.caseworker_a.save(update_fields=["language"])
    with django_capture_on_commit_callbacks(execute=True):
        send_due_reminders()
    [message] = mail.outbox
    text = f"{message.subject} {message.body}"
    for secret in ("Jūlija", "Ivanova", case.ref, "Caseworker A", "safety", "contact"):
        assert secret not in text
    assert reverse("cases:overdue") in message.body
    assert message.to == [cast.caseworker_a.email]


@pytest.mark.django_db
def test_done_and_unassigned_tasks_get_no_reminder(
    cast: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from strom.stages.services import task_complete

    _case, soon, late = _tasks(cast)
    task_complete(by=cast.caseworker_a, task=soon)
    CaseTask.objects.filter(pk=late.pk).update(assignee=None)
    with django_capture_on_commit_callbacks(execute=True):
        assert send_due_reminders() == 0
    assert not mail.outbox


@pytest.mark.django_db
def test_reminders_reach_the_notifications_centre(cast: Any, as_persona: Any) -> None:
    _tasks(cast)
    send_due_reminders()
    client = as_persona("caseworker_a")
    assert client.get(reverse("cases:notifications")).url == reverse("accounts:notifications")
    response = client.get(reverse("accounts:notifications"))
    assert b"You have 1 overdue task." in response.content


@pytest.mark.django_db
def test_worker_command_once(cast: Any) -> None:
    _tasks(cast)
    out = StringIO()
    call_command("worker", "--once", stdout=out)
    assert "Reminders sent for 2 tasks;" in out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_a_second_worker_skips_the_tasks_the_first_one_holds(cast: Any) -> None:
    """SKIP LOCKED: while one worker holds a task's row, another round leaves it alone."""
    _case, soon, late = _tasks(cast)
    locked = threading.Event()
    release = threading.Event()

    held: list[int] = []

    def hold() -> None:
        with transaction.atomic():
            held.extend(CaseTask.objects.select_for_update().filter(pk=late.pk).values_list("pk", flat=True))
            locked.set()
            release.wait(10)
        connection.close()

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert locked.wait(10)
        assert held == [late.pk]
        send_due_reminders()
        reminded = set(Reminder.objects.values_list("task_id", flat=True))
        assert soon.pk in reminded
        assert late.pk not in reminded
    finally:
        release.set()
        holder.join()
    assert send_due_reminders() == 1
    assert Reminder.objects.filter(task=late).count() == 1
