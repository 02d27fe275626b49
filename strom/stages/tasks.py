"""Background work without a broker: reminders for tasks that are due soon or overdue.

`strom worker` (strom/core/management/commands/worker.py) calls `send_due_reminders()` every
minute. Each call claims the tasks that need a reminder with SELECT ... FOR UPDATE SKIP LOCKED, so two
workers never take the same task, and records a Reminder row per task and kind, so each reminder
goes out once. Each assignee gets one in-app notification per kind and one e-mail per run; the
e-mail says how many tasks there are and where to log in: no names, no case references.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from strom.accounts.models import Notification
from strom.core.mail import send_in_language
from strom.stages.models import CaseTask, Reminder, ReminderKind

logger = logging.getLogger("strom.worker")

DUE_SOON_DAYS = 3
BATCH = 500


@dataclass
class _Counts:
    email: str
    language: str
    due_soon: int = 0
    overdue: int = 0
    task_ids: list[int] = field(default_factory=list)


def _claim(kind: str, today: dt.date) -> list[CaseTask]:
    already = Reminder.objects.filter(task=OuterRef("pk"), kind=kind)
    tasks = CaseTask.objects.filter(
        done_at__isnull=True,
        cancelled_at__isnull=True,
        assignee__isnull=False,
        assignee__is_active=True,
    ).exclude(Exists(already))
    if kind == ReminderKind.OVERDUE:
        tasks = tasks.filter(due_date__lt=today)
    else:
        tasks = tasks.filter(due_date__gte=today, due_date__lte=today + dt.timedelta(days=DUE_SOON_DAYS))
    # Rows another worker holds are skipped, not waited for: that worker sends their reminders.
    locked = tasks.select_for_update(skip_locked=True, of=("self",)).order_by("due_date", "pk")[:BATCH]
    return list(locked.select_related("assignee"))


def send_due_reminders(*, today: dt.date | None = None) -> int:
    """Send the reminders that are due; returns how many tasks got one."""
    today = today or timezone.localdate()
    now = timezone.now()
    per_user: dict[int, _Counts] = {}
    sent = 0
    with transaction.atomic():
        for kind in (ReminderKind.OVERDUE, ReminderKind.DUE_SOON):
            tasks = _claim(kind, today)
            Reminder.objects.bulk_create([Reminder(task=t, kind=kind, sent_at=now) for t in tasks])
            for task in tasks:
                user = task.assignee
                assert user is not None
                counts = per_user.setdefault(
                    user.pk, _Counts(email=user.email, language=user.language or settings.LANGUAGE_CODE)
                )
                if kind == ReminderKind.OVERDUE:
                    counts.overdue += 1
                else:
                    counts.due_soon += 1
            sent += len(tasks)
        url = reverse("cases:overdue")
        notifications = []
        for user_id, counts in per_user.items():
            for key, count in (("tasks_overdue", counts.overdue), ("tasks_due_soon", counts.due_soon)):
                if count:
                    notifications.append(
                        Notification(user_id=user_id, message_key=key, params={"count": count}, url=url)
                    )
        Notification.objects.bulk_create(notifications)
        mails = list(per_user.values())
        transaction.on_commit(lambda: _send_mails(mails))
    if sent:
        logger.info("reminders sent for %s tasks to %s users", sent, len(per_user))
    return sent


def _send_mails(mails: list[_Counts]) -> None:
    link = settings.SITE_URL + reverse("cases:overdue")
    for counts in mails:
        context = {"due_soon": counts.due_soon, "overdue": counts.overdue, "link": link}
        try:
            send_in_language(counts.email, counts.language, "stages/email/reminder", context)
        except Exception:  # a mail server outage must not stop the other reminders
            # The in-app notification is already saved; the address is personal data and is not logged.
            logger.exception("reminder e-mail could not be sent")


def reminders_job() -> str:
    """The worker's job (registered in apps.py)."""
    return f"Reminders sent for {send_due_reminders()} tasks"
