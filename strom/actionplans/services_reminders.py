"""Reminders, run by `strom worker` each round: a plan's owners hear when a measure's progress report
is due soon and again when it is overdue, once per report period and kind (ReportReminder, claimed
with SKIP LOCKED, so two workers never send one twice). The job acts as the system actor
"action plan reminders"; messages hold no details, only a count and a link (strom/core/notifications.py).
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import ngettext_lazy

from strom.accounts.models import Notification, User
from strom.actionplans.models import ACTIVE_STATUSES, Measure, ReminderKind, ReportReminder
from strom.actionplans.selectors import DUE_SOON_DAYS, report_due, with_last_report
from strom.audit.actors import ACTION_PLAN_REMINDERS
from strom.audit.services import audit_record
from strom.core.mail import send_in_language
from strom.core.roles import Perm, Role, perms_for

logger = logging.getLogger("strom.worker")

MESSAGES: dict[str, Any] = {
    "actionplan_report_due": ngettext_lazy(
        "A progress report on a measure of your action plan is due soon.",
        "%(count)s progress reports on measures of your action plans are due soon.",
        "count",
    ),
    "actionplan_report_overdue": ngettext_lazy(
        "A progress report on a measure of your action plan is overdue.",
        "%(count)s progress reports on measures of your action plans are overdue.",
        "count",
    ),
}
KEYS: dict[str, str] = {
    ReminderKind.DUE: "actionplan_report_due",
    ReminderKind.OVERDUE: "actionplan_report_overdue",
}


def plan_owners(organisation_id: int) -> list[User]:
    """Everyone who keeps the owner organisation's plans."""
    roles = [r.value for r in Role if Perm.ACTION_PLANS_EDIT in perms_for(r)]
    return list(
        User.objects.filter(
            is_active=True,
            memberships__organisation_id=organisation_id,
            memberships__is_active=True,
            memberships__role__in=roles,
        ).distinct()
    )


def _kind(due: dt.date, today: dt.date) -> str | None:
    if due < today:
        return ReminderKind.OVERDUE
    if due <= today + dt.timedelta(days=DUE_SOON_DAYS):
        return ReminderKind.DUE
    return None


def _notify(key: str, users: list[User], measure: Measure) -> None:
    url = reverse("actionplans:measure", args=[measure.pk])
    Notification.objects.bulk_create(
        [Notification(user=u, message_key=key, params={"count": 1}, url=url) for u in users]
    )
    mails = [(u.email, u.language or settings.LANGUAGE_CODE) for u in users]
    transaction.on_commit(lambda: _send_mails(key, mails, url))


def _send_mails(key: str, mails: list[tuple[str, str]], url: str) -> None:
    # Lazy: formatted while each mail is rendered, in its reader's language.
    message = lazy(lambda: str(MESSAGES[key] % {"count": 1}), str)()
    for email, language in mails:
        try:
            send_in_language(
                email,
                language,
                "actionplans/email/report",
                {"message": message, "link": settings.SITE_URL + url},
            )
        except Exception:  # a mail server outage must not stop the round; the inbox entry is saved
            logger.exception("action plan reminder e-mail could not be sent")


def send_report_reminders(*, today: dt.date | None = None) -> int:
    """Tell the owners of every active measure whose report is due soon or overdue; returns how many
    reminders were sent (one per measure, period and kind)."""
    today = today or timezone.localdate()
    sent = 0
    with transaction.atomic():
        measures = with_last_report(
            Measure.objects.filter(status__in=ACTIVE_STATUSES, start_date__lte=today).select_related("plan")
        )
        candidates = []
        for measure in measures.order_by("pk"):
            due = report_due(measure, measure.last_report)  # type: ignore[attr-defined]  # annotated
            kind = _kind(due, today) if due else None
            if kind and due:
                candidates.append((measure, due, kind))
        claimed = set(
            Measure.objects.select_for_update(skip_locked=True)
            .filter(pk__in=[m.pk for m, _due, _kind in candidates])
            .values_list("pk", flat=True)
        )
        for measure, due, kind in candidates:
            if measure.pk not in claimed:
                continue
            _reminder, created = ReportReminder.objects.get_or_create(
                measure=measure, due=due, kind=kind, defaults={"sent_at": timezone.now()}
            )
            if created:
                _notify(KEYS[kind], plan_owners(measure.plan.owner_id), measure)
                sent += 1
        if sent:
            audit_record(
                actor=ACTION_PLAN_REMINDERS,
                action="actionplan.reminders",
                object_type="action_plan",
                details={"sent": sent},
            )
    return sent


def reminders_job() -> str:
    """The worker's job (registered in apps.py)."""
    sent = send_report_reminders()
    if sent:
        logger.info("action plan reminders: %s sent", sent)
    return f"action plan report reminders: {sent}"
