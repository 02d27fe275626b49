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
from strom.stages import clocks, rows, stages
from strom.stages.models import (
    CaseTask,
    ClosureReason,
    DecisionKind,
    ReflectionPeriod,
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
    decisions = rows.decisions(user, case)
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
        "return_plans": rows.return_plans(user, case),
        "permits": rows.permits(user, case),
        "proceedings": rows.proceedings(user, case),
        "history": rows.stage_changes(user, case),
        "closure_reason_label": ClosureReason(case.closure_reason).label
        if case.closure_reason in ClosureReason.values
        else "",
        "services_allowed": stages.services_allowed(case),
        **decision_requests_context(user, case),
    }


def tasks_context(user: User, case: Case) -> dict[str, Any]:
    """Everything stages/_tasks.html needs."""
    tasks = rows.tasks(user, case)
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


# --- who decides, and the requests for a decision ---------------------------------------------------------


def deciders(case: Case) -> list[User]:
    """The people of the case's organisation who may record its decisions (case.decide and case.edit
    there), by name: who a case worker asks, and who a decision's clock is assigned to."""
    from strom.accounts.models import User
    from strom.core.roles import Role, perms_for

    roles = [r.value for r in Role if {Perm.CASE_DECIDE, Perm.CASE_EDIT} <= perms_for(r)]
    people = User.objects.filter(
        is_active=True,
        memberships__organisation_id=case.organisation_id,
        memberships__organisation__is_active=True,
        memberships__is_active=True,
        memberships__role__in=roles,
    ).distinct()
    # Names are encrypted: sorted here, not by the database.
    return sorted(people, key=lambda u: (u.get_full_name().casefold(), u.pk))


def decision_due(case: Case) -> str:
    """The decision the case's stage waits for ("" when none): reasonable grounds while screening,
    formal identification during the reflection period."""
    if case.stage == Stage.SCREENING:
        return str(DecisionKind.REASONABLE_GROUNDS)
    if case.stage == Stage.REFLECTION:
        return str(DecisionKind.FORMAL_IDENTIFICATION)
    return ""


def decision_requests_context(user: User, case: Case) -> dict[str, Any]:
    """What stages/_decision_requests.html needs: who may decide, the open request for the decision
    due and the last answer to one. `case` must come from get_case_for(user, ...)."""
    from strom.stages.models import DecisionRequest, DecisionRequestState

    kind = decision_due(case)
    requests = list(
        DecisionRequest.objects.visible_to(user)
        .filter(case=case)
        .select_related("requested_by", "addressed_to", "answered_by")
        .order_by("-created_at", "-pk")[:10]
    )
    may_ask = bool(kind) and access.can_edit_case(user, case) and not access.can_decide(user, case)
    return {
        "decision_kind": kind,
        "decision_kind_label": DecisionKind(kind).label if kind else "",
        "deciders": deciders(case) if may_ask else [],
        "may_ask": may_ask,
        "open_requests": [r for r in requests if r.state == DecisionRequestState.OPEN],
        "answered_requests": [r for r in requests if r.state != DecisionRequestState.OPEN][:3],
    }


def decision_requests_for(user: User) -> dict[str, Any]:
    """The requests asked of the user's organisations (for those who may decide there) and the ones
    the user made, on cases the user may see."""
    from strom.stages.models import DecisionRequest, DecisionRequestState

    visible = DecisionRequest.objects.visible_to(user).select_related(
        "case", "requested_by", "addressed_to", "answered_by", "task"
    )
    decide_orgs = user.org_ids_with(Perm.CASE_DECIDE)
    return {
        "asked_of_me": list(
            visible.filter(organisation_id__in=decide_orgs, state=DecisionRequestState.OPEN).order_by(
                "created_at", "pk"
            )
        ),
        "asked_by_me": list(visible.filter(requested_by=user).order_by("-created_at", "-pk")[:50]),
    }


def decision_requests_panel(user: User) -> dict[str, Any] | None:
    """The dashboard's requests for a decision (stages/_dashboard_panel.html): counts only, shown when
    something waits, for whoever has casework."""
    from django.db.models import Count, Q

    from strom.stages.models import DecisionRequest, DecisionRequestState

    if not (user.has_any(Perm.CASE_VIEW) or user.has_any(Perm.CASE_CREATE)):
        return None
    counts = (
        DecisionRequest.objects.visible_to(user)
        .filter(state=DecisionRequestState.OPEN)
        .aggregate(
            asked_of_me=Count("pk", filter=Q(organisation_id__in=user.org_ids_with(Perm.CASE_DECIDE))),
            asked_by_me=Count("pk", filter=Q(requested_by_id=user.pk)),
        )
    )
    if not (counts["asked_of_me"] or counts["asked_by_me"]):
        return None
    return {"decision_requests": counts}
