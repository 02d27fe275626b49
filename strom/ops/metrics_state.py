"""The figures /metrics reads from the database and var/ at each scrape: counts, ages and times only.

- `strom_worker_backlog{job}` and `strom_worker_lag_seconds{job}`: what a worker job has due and not yet
  done, and how long the oldest of it has waited. A worker that stopped shows as a growing lag;
  a healthy one keeps the backlog near zero (the audit checkpoint's lag up to
  STROM_AUDIT_CHECKPOINT_MINUTES, by design).
- `strom_overdue_clocks{kind}`: open cases past their next deadline, sent referrals past their answer
  date, open tasks past their due date.
- `strom_audit_verification_timestamp_seconds` and `strom_audit_verification_ok`: the worker's last
  verification of the audit chain (strom/ops/metrics_audit.py).
- `strom_backup_last_success_timestamp_seconds` and `strom_backup_age_seconds`: the last backup that
  finished well (strom/ops/selectors.py).

Each query counts rows or takes a minimum over an index; none reads a person's data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.db.models import Count, Exists, Min, OuterRef, Q
from django.utils import timezone
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.metrics_core import Metric

from strom.audit.models import AuditEntry
from strom.audit.services import CHECKPOINT_ACTIONS
from strom.cases.models import Case
from strom.ops.metrics_audit import last_verification
from strom.ops.selectors import last_backup_finished_at
from strom.referrals.models import Referral, ReferralReminder, ReferralReminderKind, State
from strom.referrals.services import EXPIRE_AFTER
from strom.stages.models import CaseTask, Reminder, ReminderKind
from strom.stats.models import ImportJob, ImportState


@dataclass(frozen=True)
class Backlog:
    job: str  # the worker job's name, as `strom worker` reports it
    count: int
    oldest: dt.datetime | None  # when the oldest waiting item became due

    def lag(self, now: dt.datetime) -> float:
        return max(0.0, (now - self.oldest).total_seconds()) if self.oldest else 0.0


def _start_of_day_after(day: dt.date | None) -> dt.datetime | None:
    """A task due on `day` is overdue from the next midnight, local time."""
    if day is None:
        return None
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time()))


def task_reminders_backlog(now: dt.datetime) -> Backlog:
    today = timezone.localdate(now)
    reminded = Reminder.objects.filter(task=OuterRef("pk"), kind=ReminderKind.OVERDUE)
    waiting = CaseTask.objects.filter(
        done_at__isnull=True,
        cancelled_at__isnull=True,
        assignee__isnull=False,
        assignee__is_active=True,
        due_date__lt=today,
    ).exclude(Exists(reminded))
    figures = waiting.aggregate(count=Count("pk"), oldest=Min("due_date"))
    return Backlog("task reminders", figures["count"], _start_of_day_after(figures["oldest"]))


def referral_reminders_backlog(now: dt.datetime) -> Backlog:
    """Overdue referrals without their reminder, and those a week overdue that should have expired."""
    reminded = ReferralReminder.objects.filter(referral=OuterRef("pk"), kind=ReferralReminderKind.OVERDUE)
    sent = Referral.objects.filter(state=State.SENT)
    waiting = sent.filter(Q(respond_by__lt=now - EXPIRE_AFTER) | Q(Q(respond_by__lt=now) & ~Exists(reminded)))
    figures = waiting.aggregate(count=Count("pk"), oldest=Min("respond_by"))
    return Backlog("referral reminders", figures["count"], figures["oldest"])


def statistics_backlog(now: dt.datetime) -> Backlog:
    figures = ImportJob.objects.filter(state=ImportState.QUEUED).aggregate(
        count=Count("pk"), oldest=Min("created_at")
    )
    return Backlog("statistics round", figures["count"], figures["oldest"])


def audit_checkpoint_backlog(now: dt.datetime) -> Backlog:
    """Entries the last signed checkpoint does not cover yet (the checkpoints' own records aside)."""
    last = AuditEntry.objects.filter(action__in=CHECKPOINT_ACTIONS).order_by("-seq").first()
    covered = int(last.details.get("seq", 0)) if last is not None else 0
    figures = (
        AuditEntry.objects.filter(seq__gt=covered)
        .exclude(action__in=CHECKPOINT_ACTIONS)
        .aggregate(count=Count("pk"), oldest=Min("at"))
    )
    return Backlog("audit checkpoint", figures["count"], figures["oldest"])


BACKLOGS = (task_reminders_backlog, referral_reminders_backlog, statistics_backlog, audit_checkpoint_backlog)


def overdue_clocks(now: dt.datetime) -> dict[str, int]:
    today = timezone.localdate(now)
    return {
        "case": Case.objects.filter(closed_at__isnull=True, next_due_at__lt=today).count(),
        "referral": Referral.objects.filter(state=State.SENT, respond_by__lt=now).count(),
        "task": CaseTask.objects.filter(
            done_at__isnull=True, cancelled_at__isnull=True, due_date__lt=today
        ).count(),
    }


class StateCollector:
    """A prometheus-client collector: every figure is read afresh at each scrape."""

    def collect(self) -> Iterable[Metric]:
        now = timezone.now()
        return [*self._worker(now), *self._clocks(now), *self._audit(), *self._backup(now)]

    def _worker(self, now: dt.datetime) -> Iterator[Metric]:
        backlog = GaugeMetricFamily(
            "strom_worker_backlog", "Items a worker job has due and not yet done.", labels=["job"]
        )
        lag = GaugeMetricFamily(
            "strom_worker_lag_seconds",
            "How long the oldest item a worker job has due has waited (0 when none waits).",
            labels=["job"],
        )
        for read in BACKLOGS:
            item = read(now)
            backlog.add_metric([item.job], item.count)
            lag.add_metric([item.job], item.lag(now))
        yield backlog
        yield lag

    def _clocks(self, now: dt.datetime) -> Iterator[Metric]:
        clocks = GaugeMetricFamily(
            "strom_overdue_clocks",
            "Open cases past their next deadline, sent referrals past their answer date, open tasks "
            "past their due date.",
            labels=["kind"],
        )
        for kind, count in overdue_clocks(now).items():
            clocks.add_metric([kind], count)
        yield clocks

    def _audit(self) -> Iterator[Metric]:
        last = last_verification()
        if last is None:
            return  # never verified: absent, so an alert on `absent(...)` fires
        yield GaugeMetricFamily(
            "strom_audit_verification_timestamp_seconds",
            "When the worker last verified the audit chain and its checkpoints (Unix time).",
            value=last.at.timestamp(),
        )
        yield GaugeMetricFamily(
            "strom_audit_verification_ok",
            "1 when the worker's last audit verification found the chain intact, 0 when it did not.",
            value=1 if last.ok else 0,
        )

    def _backup(self, now: dt.datetime) -> Iterator[Metric]:
        finished = last_backup_finished_at()
        if finished is None:
            return
        yield GaugeMetricFamily(
            "strom_backup_last_success_timestamp_seconds",
            "When the last successful `strom backup` finished (Unix time).",
            value=finished.timestamp(),
        )
        yield GaugeMetricFamily(
            "strom_backup_age_seconds",
            "Seconds since the last successful `strom backup` finished.",
            value=max(0.0, (now - finished).total_seconds()),
        )
