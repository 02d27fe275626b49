"""The referral clock, run by `strom worker` each round: reminders before and after the answer deadline,
and expiry of referrals nobody answered. Rows are claimed with SKIP LOCKED and each reminder is recorded
once per referral and kind (ReferralReminder), so several workers never send one twice."""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from strom.referrals import notify
from strom.referrals.models import Referral, ReferralReminder, ReferralReminderKind, State
from strom.referrals.services import referrals_expire_due

logger = logging.getLogger("strom.worker")

# "Due soon": the last quarter of the answer time, at most a day before the deadline.
DUE_SOON_MAX = dt.timedelta(hours=24)
BATCH = 500


def _due_soon_from(referral: Referral) -> dt.datetime:
    assert referral.sent_at is not None
    assert referral.respond_by is not None
    window = referral.respond_by - referral.sent_at
    return referral.respond_by - min(DUE_SOON_MAX, window / 4)


def send_referral_reminders(*, now: dt.datetime | None = None) -> int:
    now = now or timezone.now()
    sent = 0
    with transaction.atomic():
        for kind in (ReferralReminderKind.OVERDUE, ReferralReminderKind.DUE_SOON):
            already = ReferralReminder.objects.filter(referral=OuterRef("pk"), kind=kind)
            candidates = Referral.objects.filter(state=State.SENT).exclude(Exists(already))
            if kind == ReferralReminderKind.OVERDUE:
                candidates = candidates.filter(respond_by__lt=now)
            else:
                candidates = candidates.filter(respond_by__gte=now, respond_by__lte=now + DUE_SOON_MAX * 10)
            claimed = list(
                candidates.select_for_update(skip_locked=True, of=("self",))
                .select_related("case", "case__owner", "sent_by", "created_by", "handled_by")
                .order_by("respond_by")[:BATCH]
            )
            for referral in claimed:
                if kind == ReferralReminderKind.DUE_SOON and now < _due_soon_from(referral):
                    continue
                ReferralReminder.objects.create(referral=referral, kind=kind, sent_at=now)
                if kind == ReferralReminderKind.OVERDUE:
                    notify.send(
                        "referral_overdue",
                        [*notify.responders(referral), *notify.senders(referral)],
                        referral,
                    )
                else:
                    notify.send("referral_due_soon", notify.responders(referral), referral)
                sent += 1
    expired = referrals_expire_due(now=now)
    if sent or expired:
        logger.info("referral reminders: %s sent, %s referrals expired", sent, expired)
    return sent + expired


def reminders_job() -> str:
    """The worker's job (registered in apps.py)."""
    return f"referral reminders and expiries: {send_referral_reminders()}"
