"""Reads for the chain of assistance: a case's stage panel and tasks, my tasks, an organisation's overdue.

Every read starts from a case the user may see (get_case_for / Case.objects.visible_to).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.utils import timezone

from strom.cases import access
from strom.cases.choices import Stage
from strom.cases.models import Case
from strom.core.errors import NotAllowed
from strom.core.roles import Perm
from strom.stages import clocks, stages
from strom.stages.models import (
    CaseStageChange,
    CaseTask,
    ClosureReason,
    Decision,
    DecisionKind,
    Proceeding,
    ReflectionPeriod,
    ResidencePermit,
    ReturnPlan,
)

if TYPE_CHECKING:
    from strom.accounts.models import User

SOON_DAYS = 7


def open_tasks_q() -> dict[str, Any]:
    return {"done_at__isnull": True, "cancelled_at__isnull": True}


def case_tasks(user: User, case: Case) -> QuerySet[CaseTask]:
    return (
        CaseTask.objects.visible_to(user)
        .filter(case=case)
        .select_related("assignee", "rule_version")
        .order_by("done_at", "cancelled_at", "due_date", "pk")
    )


def my_tasks(user: User, *, today: dt.date | None = None) -> list[CaseTask]:
    """Open tasks assigned to me on cases I can see, overdue first, then due within a week."""
    today = today or timezone.localdate()
    return list(
        CaseTask.objects.visible_to(user)
        .filter(
            assignee=user,
            due_date__lte=today + dt.timedelta(days=SOON_DAYS),
            **open_tasks_q(),
        )
        .select_related("case")
        .order_by("due_date", "pk")
    )


def supervised_org_ids(user: User) -> set[int]:
    return user.org_ids_with(Perm.CASE_ASSIGN)


def org_overdue(user: User, organisation_id: int, *, today: dt.date | None = None) -> list[CaseTask]:
    """All open overdue tasks of an organisation's cases, for its supervisors; grouped by assignee."""
    if organisation_id not in supervised_org_ids(user):
        raise NotAllowed
    today = today or timezone.localdate()
    return list(
        CaseTask.objects.visible_to(user)
        .filter(case__organisation_id=organisation_id, due_date__lt=today, **open_tasks_q())
        .select_related("case", "assignee")
        .order_by("assignee__email", "due_date", "pk")
    )


def stage_panel_context(user: User, case: Case) -> dict[str, Any]:
    """Everything stages/_stage_panel.html needs. `case` must come from get_case_for(user, ...)."""
    decisions = list(
        Decision.objects.visible_to(user)
        .filter(case=case)
        .select_related("decided_by", "recorded_by")
        .order_by("-decided_at", "-id")
    )
    may_edit = access.can_edit_case(user, case)
    moves = []
    for target in stages.next_stages(case.stage):
        moves.append({"stage": target, "label": Stage(target).label, "refusal": stages.refusal(case, target)})
    reflection = (
        ReflectionPeriod.objects.visible_to(user)
        .filter(case=case)
        .select_related("rule_version")
        .prefetch_related("extensions")
        .first()
    )
    return {
        "case": case,
        "may_edit": may_edit,
        "may_decide": may_edit and access.can_decide(user, case),
        "moves": moves,
        "decisions": decisions,
        "rg_decided": any(d.kind == DecisionKind.REASONABLE_GROUNDS for d in decisions),
        "reflection": reflection,
        "extension_left": clocks.reflection_days_left(case.country, reflection) if reflection else 0,
        "reflection_rule": clocks.reflection_rule(case, reflection) if reflection else None,
        "return_plans": list(ReturnPlan.objects.visible_to(user).filter(case=case)),
        "permits": list(
            ResidencePermit.objects.visible_to(user)
            .filter(case=case)
            .prefetch_related("renewals")
            .order_by("-applied_on")
        ),
        "proceedings": list(Proceeding.objects.visible_to(user).filter(case=case).order_by("-created_at")),
        "history": list(
            CaseStageChange.objects.visible_to(user).filter(case=case).select_related("by").order_by("-at")
        ),
        "closure_reason_label": ClosureReason(case.closure_reason).label
        if case.closure_reason in ClosureReason.values
        else "",
        "services_allowed": stages.services_allowed(case),
    }


def tasks_context(user: User, case: Case) -> dict[str, Any]:
    """Everything stages/_tasks.html needs."""
    tasks = list(case_tasks(user, case))
    today = timezone.localdate()
    open_tasks = [t for t in tasks if t.is_open]
    return {
        "case": case,
        "open_tasks": open_tasks,
        # Each open clock with the rule version and source it follows (None for manual tasks).
        "open_rows": [{"task": t, "rule": clocks.clock_rule(case, t)} for t in open_tasks],
        "closed_tasks": [t for t in tasks if not t.is_open][:20],
        "today": today,
        "may_edit": access.can_edit_case(user, case),
        "manual_kind": clocks.MANUAL,
    }


def stages_section_context(user: User, case: Case) -> dict[str, Any]:
    """The case page's stage panel and task list (registered in apps.py); `has_tasks` lets the page's
    "What is due next" link to the full list."""
    return {**stage_panel_context(user, case), **tasks_context(user, case), "has_tasks": True}
