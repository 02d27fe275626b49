"""The rows of a case's stage records that both the stage panel and the timeline show, each read in one
query that carries what both need (strom/cases/loader.py): on a page with both, each is read once.

Every read goes through `visible_to(user)`; `case` must come from `get_case_for(user, ...)`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Prefetch

from strom.cases.loader import case_rows
from strom.stages.models import (
    CaseStageChange,
    CaseTask,
    Decision,
    PermitRenewal,
    Proceeding,
    ResidencePermit,
    ReturnPlan,
)

if TYPE_CHECKING:
    from strom.accounts.models import User
    from strom.cases.models import Case


def decisions(user: User, case: Case) -> list[Decision]:
    """Newest first."""
    return case_rows(
        user,
        case,
        "stages.decisions",
        lambda: list(
            Decision.objects.visible_to(user)
            .filter(case=case)
            .select_related("decided_by", "recorded_by")
            .order_by("-decided_at", "-id")
        ),
    )


def stage_changes(user: User, case: Case) -> list[CaseStageChange]:
    """Newest first."""
    return case_rows(
        user,
        case,
        "stages.stage_changes",
        lambda: list(
            CaseStageChange.objects.visible_to(user).filter(case=case).select_related("by").order_by("-at")
        ),
    )


def return_plans(user: User, case: Case) -> list[ReturnPlan]:
    return case_rows(
        user,
        case,
        "stages.return_plans",
        lambda: list(ReturnPlan.objects.visible_to(user).filter(case=case).select_related("created_by")),
    )


def permits(user: User, case: Case) -> list[ResidencePermit]:
    """Most recently applied for first, with their renewals."""
    return case_rows(
        user,
        case,
        "stages.permits",
        lambda: list(
            ResidencePermit.objects.visible_to(user)
            .filter(case=case)
            .select_related("created_by")
            .prefetch_related(Prefetch("renewals", queryset=PermitRenewal.objects.select_related("by")))
            .order_by("-applied_on")
        ),
    )


def proceedings(user: User, case: Case) -> list[Proceeding]:
    """Newest first."""
    return case_rows(
        user,
        case,
        "stages.proceedings",
        lambda: list(
            Proceeding.objects.visible_to(user)
            .filter(case=case)
            .select_related("created_by")
            .order_by("-created_at")
        ),
    )


def tasks(user: User, case: Case) -> list[CaseTask]:
    """Open tasks first, by due date; then done and cancelled ones."""
    return case_rows(
        user,
        case,
        "stages.tasks",
        lambda: list(
            CaseTask.objects.visible_to(user)
            .filter(case=case)
            .select_related("assignee", "rule_version", "done_by")
            .order_by("done_at", "cancelled_at", "due_date", "pk")
        ),
    )
