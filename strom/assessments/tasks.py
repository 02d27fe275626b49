"""Reminders before a round's deadline, run by `strom worker` each round: the members of every
organisation that has not submitted hear a week before and a day before, once each (RoundReminder,
claimed with SKIP LOCKED, so two workers never send one twice). The job acts as the system actor
"assessment reminders"; the message holds no answers, only the round's deadline and a link.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext_lazy

from strom.accounts.models import Notification, User
from strom.assessments.models import EDITABLE, Round, RoundReminder, RoundStatus
from strom.audit.actors import ASSESSMENT_REMINDERS
from strom.audit.services import audit_record
from strom.core.roles import Perm, Role, perms_for

logger = logging.getLogger("strom.worker")

# Days before the deadline a reminder goes out.
REMIND_DAYS = (7, 1)

MESSAGES: dict[str, Any] = {
    "assessment_deadline": ngettext_lazy(
        "An assessment your organisation has not submitted is due in %(count)s day.",
        "An assessment your organisation has not submitted is due in %(count)s days.",
        "count",
    ),
}


def respondents(organisation_id: int) -> list[User]:
    roles = [r.value for r in Role if Perm.ASSESSMENTS_ANSWER in perms_for(r)]
    return list(
        User.objects.filter(
            is_active=True,
            memberships__organisation_id=organisation_id,
            memberships__is_active=True,
            memberships__role__in=roles,
        ).distinct()
    )


def _remind(round_: Round, days: int) -> int:
    notes: list[Notification] = []
    for response in round_.responses.filter(status__in=EDITABLE).order_by("pk"):
        url = reverse("assessments:response", args=[response.pk])
        notes.extend(
            Notification(user=u, message_key="assessment_deadline", params={"count": days}, url=url)
            for u in respondents(response.organisation_id)
        )
    Notification.objects.bulk_create(notes)
    return len(notes)


def send_deadline_reminders(*, today: dt.date | None = None) -> int:
    """Remind the respondents of every open round whose deadline is REMIND_DAYS away or nearer; returns
    how many notifications were sent."""
    today = today or timezone.localdate()
    sent = 0
    with transaction.atomic():
        rounds = (
            Round.objects.select_for_update(skip_locked=True)
            .filter(
                status=RoundStatus.OPEN,
                deadline__gte=today,
                deadline__lte=today + dt.timedelta(days=max(REMIND_DAYS)),
            )
            .order_by("pk")
        )
        for round_ in rounds:
            left = (round_.deadline - today).days
            days = min(d for d in REMIND_DAYS if d >= left)
            _reminder, created = RoundReminder.objects.get_or_create(
                round=round_, days_before=days, defaults={"sent_at": timezone.now()}
            )
            if created:
                sent += _remind(round_, max(left, 1))
        if sent:
            audit_record(
                actor=ASSESSMENT_REMINDERS,
                action="assessment.reminders",
                object_type="assessment_round",
                details={"sent": sent},
            )
    return sent


def reminders_job() -> str:
    """The worker's job (registered in apps.py)."""
    sent = send_deadline_reminders()
    if sent:
        logger.info("assessment reminders: %s sent", sent)
    return f"assessment reminders: {sent}"
