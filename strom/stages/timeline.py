"""The case timeline's entries for stages, decisions, the reflection period, plans, permits,
proceedings and tasks, read from the tables that record them (strom/core/registry.py). Everyone who
may see the case sees its stage panel and tasks, so these entries follow the case: every row is read
through `visible_to(user)`, the case's own rule, and the rows the stage panel also shows come from
strom/stages/rows.py, read once on a page that shows both."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from strom.cases.choices import Stage
from strom.core.registry import TimelineItem, register_timeline_source
from strom.stages import rows
from strom.stages.models import (
    DecisionKind,
    DecisionMaker,
    Outcome,
    ProceedingKind,
    ReflectionExtension,
    ReturnKind,
)

if TYPE_CHECKING:
    from strom.accounts.models import User
    from strom.cases.models import Case


def _label(choices: type, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def _actor(user: object | None) -> str:
    return str(user) if user is not None else ""


def _at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12)))


def _stage_items(user: User, case: Case) -> list[TimelineItem]:
    """Stage changes and the decisions that move a case along."""
    items: list[TimelineItem] = []
    for change in rows.stage_changes(user, case):
        items.append(
            TimelineItem(
                at=change.at,
                kind="stage",
                title=_("Stage: %(from)s → %(to)s")
                % {"from": _label(Stage, change.from_stage), "to": _label(Stage, change.to_stage)},
                actor=_actor(change.by),
            )
        )
    for decision in rows.decisions(user, case):
        what = (
            _("Reasonable-grounds decision")
            if decision.kind == DecisionKind.REASONABLE_GROUNDS
            else _("Formal identification decision")
        )
        items.append(
            TimelineItem(
                at=_at(decision.decided_at),
                kind="decision",
                title=_("%(what)s: %(outcome)s (by %(maker)s)")
                % {
                    "what": what,
                    "outcome": _label(Outcome, decision.outcome),
                    "maker": _label(DecisionMaker, decision.decided_by_org_type),
                },
                actor=_actor(decision.recorded_by),
            )
        )
    return items


def _plan_items(user: User, case: Case) -> list[TimelineItem]:
    """Extensions of the reflection period and the return plans recorded."""
    items: list[TimelineItem] = []
    for extension in (
        ReflectionExtension.objects.visible_to(user).filter(period__case=case).select_related("by")
    ):
        items.append(
            TimelineItem(
                at=extension.created_at,
                kind="reflection",
                title=ngettext(
                    "Reflection period extended by %(days)d day",
                    "Reflection period extended by %(days)d days",
                    extension.days,
                )
                % {"days": extension.days},
                actor=_actor(extension.by),
            )
        )
    for plan in rows.return_plans(user, case):
        items.append(
            TimelineItem(
                at=plan.created_at,
                kind="return_plan",
                title=_("Plan recorded: %(kind)s") % {"kind": _label(ReturnKind, plan.kind)},
                actor=_actor(plan.created_by),
            )
        )
    return items


def _legal_items(user: User, case: Case) -> list[TimelineItem]:
    """Residence permits, their renewals and proceedings."""
    items: list[TimelineItem] = []
    permits = rows.permits(user, case)
    for permit in permits:
        items.append(
            TimelineItem(
                at=permit.created_at,
                kind="permit",
                title=_("Residence permit recorded"),
                actor=_actor(permit.created_by),
            )
        )
    # A permit's renewals are visible exactly when the permit is (PermitPartQuerySet).
    for renewal in (r for permit in permits for r in permit.renewals.all()):
        items.append(
            TimelineItem(
                at=renewal.created_at,
                kind="permit",
                title=_("Residence permit renewed until %(day)s")
                % {"day": date_format(renewal.valid_until, "SHORT_DATE_FORMAT")},
                actor=_actor(renewal.by),
            )
        )
    for proceeding in rows.proceedings(user, case):
        items.append(
            TimelineItem(
                at=proceeding.created_at,
                kind="proceeding",
                title=_("Proceedings recorded: %(kind)s") % {"kind": _label(ProceedingKind, proceeding.kind)},
                actor=_actor(proceeding.created_by),
            )
        )
    return items


def _task_items(user: User, case: Case) -> list[TimelineItem]:
    """Tasks done (open tasks are on the stage panel, not in the history)."""
    items: list[TimelineItem] = []
    for task in rows.tasks(user, case):
        if task.done_at is None:
            continue
        items.append(
            TimelineItem(
                at=task.done_at,
                kind="task",
                title=_("Task done: %(title)s") % {"title": task.title},
                actor=_actor(task.done_by),
            )
        )
    return items


@register_timeline_source
def stage_items(user: User, case: Case) -> list[TimelineItem]:
    return [
        *_stage_items(user, case),
        *_plan_items(user, case),
        *_legal_items(user, case),
        *_task_items(user, case),
    ]
