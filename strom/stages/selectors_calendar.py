"""Reads for the calendar of deadlines, a worker's deadline feed and the supervisors' workload view.

Every deadline on a case is an open CaseTask with a due date (strom/stages/clocks.py: reasonable
grounds and identification decisions due, the end of a reflection period, plan reviews, permit
renewals, follow-up contacts, and tasks people add). Everything starts from `visible_to(user)`.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Count, Q
from django.utils import timezone

from strom.cases.models import Case
from strom.core.errors import NotAllowed
from strom.core.roles import MATRIX, Perm
from strom.stages.models import CaseTask
from strom.stages.selectors import open_tasks_q, supervised_org_ids

if TYPE_CHECKING:
    from strom.accounts.models import User
    from strom.directory.models import Organisation

# How far a feed reaches: what a worker plans with, not the whole history.
FEED_PAST_DAYS = 30
FEED_FUTURE_DAYS = 400


def deadlines(user: User, start: dt.date, end: dt.date, *, mine: bool = False) -> list[CaseTask]:
    """Open deadlines from `start` to `end` (both included) on the cases the user may see; with
    `mine`, only those assigned to the user or on cases they hold."""
    qs = CaseTask.objects.visible_to(user).filter(due_date__gte=start, due_date__lte=end, **open_tasks_q())
    if mine:
        qs = qs.filter(Q(assignee=user) | Q(case__owner=user))
    return list(qs.select_related("case").order_by("due_date", "case__ref", "pk"))


def feed_deadlines(user: User, *, today: dt.date | None = None) -> list[CaseTask]:
    """What a worker's feed holds: their own open deadlines, from a month back to a year ahead."""
    today = today or timezone.localdate()
    return deadlines(
        user,
        today - dt.timedelta(days=FEED_PAST_DAYS),
        today + dt.timedelta(days=FEED_FUTURE_DAYS),
        mine=True,
    )


@dataclass
class Day:
    date: dt.date
    tasks: list[CaseTask] = field(default_factory=list)


def month_range(month: dt.date) -> tuple[dt.date, dt.date]:
    first = month.replace(day=1)
    return first, first.replace(day=calendar.monthrange(first.year, first.month)[1])


def week_range(day: dt.date) -> tuple[dt.date, dt.date]:
    monday = day - dt.timedelta(days=day.weekday())
    return monday, monday + dt.timedelta(days=6)


def days_with_tasks(start: dt.date, end: dt.date, tasks: list[CaseTask]) -> list[Day]:
    """Every day from start to end with its deadlines (a list of days, read the same on any screen)."""
    by_day: dict[dt.date, list[CaseTask]] = {}
    for task in tasks:
        by_day.setdefault(task.due_date, []).append(task)
    days = []
    current = start
    while current <= end:
        days.append(Day(current, by_day.get(current, [])))
        current += dt.timedelta(days=1)
    return days


# --- workload ------------------------------------------------------------------------------------------


@dataclass
class WorkerLoad:
    worker: User
    open_cases: int = 0
    open_tasks: int = 0
    overdue: int = 0
    due_this_week: int = 0


@dataclass
class OrgLoad:
    organisation: Organisation
    workers: list[WorkerLoad]


def _workers(org_id: int) -> list[User]:
    """The organisation's active members whose role holds cases, by name (names are encrypted, so
    they are ordered here, not by the database)."""
    from strom.accounts.models import User as UserModel

    roles = [role for role, perms in MATRIX.items() if Perm.CASE_VIEW in perms]
    workers = UserModel.objects.filter(
        is_active=True,
        memberships__organisation_id=org_id,
        memberships__role__in=roles,
        memberships__is_active=True,
    ).distinct()
    return sorted(workers, key=lambda w: w.get_full_name().casefold())


def workload(user: User, *, today: dt.date | None = None) -> list[OrgLoad]:
    """Per worker of each organisation the user supervises: open cases held, open and overdue tasks,
    deadlines this week (Monday to Sunday). Anyone who supervises no organisation is refused."""
    org_ids = supervised_org_ids(user)
    if not org_ids:
        raise NotAllowed
    today = today or timezone.localdate()
    monday, sunday = week_range(today)
    result = []
    for membership in user.active_memberships():
        if membership.organisation_id not in org_ids:
            continue
        org_id = membership.organisation_id
        org_ids.discard(org_id)
        workers = {w.pk: WorkerLoad(w) for w in _workers(org_id)}
        cases = (
            Case.objects.visible_to(user)
            .filter(organisation_id=org_id, owner_id__in=workers, closed_at__isnull=True)
            .values("owner_id")
            .annotate(n=Count("id"))
        )
        for row in cases:
            workers[row["owner_id"]].open_cases = row["n"]
        tasks = (
            CaseTask.objects.visible_to(user)
            .filter(case__organisation_id=org_id, assignee_id__in=workers, **open_tasks_q())
            .values("assignee_id")
            .annotate(
                n=Count("id"),
                overdue=Count("id", filter=Q(due_date__lt=today)),
                week=Count("id", filter=Q(due_date__gte=monday, due_date__lte=sunday)),
            )
        )
        for row in tasks:
            load = workers[row["assignee_id"]]
            load.open_tasks, load.overdue, load.due_this_week = row["n"], row["overdue"], row["week"]
        result.append(OrgLoad(membership.organisation, list(workers.values())))
    return result
