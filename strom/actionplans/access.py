"""Who may read and keep recommendations and action plans. Missing and forbidden both raise NotAllowed.

Decision: every member (Perm.HUB_VIEW, any organisation) reads recommendations and the plans that
are adopted or closed: following up the region's recommendations in the open is the point. A draft
plan is read only by those who keep it. A plan is kept by the members holding
Perm.ACTION_PLANS_EDIT in its owner organisation (a national plan's owner is the national
coordinator's office, a municipal plan's the municipality's services); recommendations by the
members holding Perm.RECOMMENDATIONS_EDIT in the organisation that recorded them. Nothing here is
anyone's personal data: plans name organisations, not people (strom/actionplans/models.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q

from strom.core.errors import NotAllowed
from strom.core.numbers import whole_number
from strom.core.roles import Perm

if TYPE_CHECKING:
    from strom.accounts.models import User
    from strom.actionplans.models import ActionPlan, ActionPlanQuerySet, Measure, Recommendation


def _logged_in(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active)


def may_read(user: User) -> bool:
    return _logged_in(user) and user.has_any(Perm.HUB_VIEW)


def check_may_read(user: User) -> None:
    if not may_read(user):
        raise NotAllowed


def plan_org_ids(user: User) -> set[int]:
    return user.org_ids_with(Perm.ACTION_PLANS_EDIT) if _logged_in(user) else set()


def recommendation_org_ids(user: User) -> set[int]:
    return user.org_ids_with(Perm.RECOMMENDATIONS_EDIT) if _logged_in(user) else set()


def may_keep_plans(user: User) -> bool:
    """May create plans at all (for some organisation)."""
    return _logged_in(user) and user.has_any(Perm.ACTION_PLANS_EDIT)


def may_edit_plan(user: User, plan: ActionPlan) -> bool:
    return _logged_in(user) and user.has_perm_in(Perm.ACTION_PLANS_EDIT, plan.owner_id)


def may_record_recommendations(user: User) -> bool:
    return _logged_in(user) and user.has_any(Perm.RECOMMENDATIONS_EDIT)


def may_edit_recommendation(user: User, recommendation: Recommendation) -> bool:
    return _logged_in(user) and user.has_perm_in(Perm.RECOMMENDATIONS_EDIT, recommendation.organisation_id)


def check_may_keep_plans_for(user: User, organisation_id: int) -> None:
    if not (_logged_in(user) and user.has_perm_in(Perm.ACTION_PLANS_EDIT, organisation_id)):
        raise NotAllowed


def check_may_record_for(user: User, organisation_id: int) -> None:
    if not (_logged_in(user) and user.has_perm_in(Perm.RECOMMENDATIONS_EDIT, organisation_id)):
        raise NotAllowed


def plans_visible_to(user: User, qs: ActionPlanQuerySet) -> ActionPlanQuerySet:
    from strom.actionplans.models import PlanStatus

    if not may_read(user):
        return qs.none()
    if user.has_global(Perm.ACTION_PLANS_EDIT):
        return qs
    return qs.filter(~Q(status=PlanStatus.DRAFT) | Q(owner_id__in=plan_org_ids(user)))


def _pk(value: object) -> int:
    number = whole_number(str(value))
    if number is None:
        raise NotAllowed
    return number


def get_plan_for(user: User, plan_id: object, *, write: bool = False) -> ActionPlan:
    from strom.actionplans.models import ActionPlan

    plan = (
        ActionPlan.objects.visible_to(user)
        .select_related("owner", "municipality")
        .filter(pk=_pk(plan_id))
        .first()
    )
    if plan is None or (write and not may_edit_plan(user, plan)):
        raise NotAllowed
    return plan


def get_measure_for(user: User, measure_id: object, *, write: bool = False) -> Measure:
    from strom.actionplans.models import Measure

    measure = (
        Measure.objects.filter(pk=_pk(measure_id), plan__in=_visible_plans(user))
        .select_related("plan", "plan__owner", "plan__municipality", "responsible")
        .first()
    )
    if measure is None or (write and not may_edit_plan(user, measure.plan)):
        raise NotAllowed
    return measure


def _visible_plans(user: User) -> ActionPlanQuerySet:
    from strom.actionplans.models import ActionPlan

    return ActionPlan.objects.visible_to(user)


def get_recommendation_for(user: User, recommendation_id: object, *, write: bool = False) -> Recommendation:
    from strom.actionplans.models import Recommendation

    recommendation = (
        Recommendation.objects.visible_to(user)
        .select_related(
            "session",
            "session__event",
            "session__day",
            "organisation",
            "addressee_organisation",
            "addressee_municipality",
        )
        .filter(pk=_pk(recommendation_id))
        .first()
    )
    if recommendation is None or (write and not may_edit_recommendation(user, recommendation)):
        raise NotAllowed
    return recommendation
