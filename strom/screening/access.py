"""Who may see, make and convert screenings. Missing and forbidden both raise NotAllowed.

A screening is visible to the worker who made it, to the members of its organisation who hold
case.view, and, once it belongs to a case, to everyone who can see that case. Screening is for the
people who open cases or take hotline calls (case.create or hotline.log).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q

from strom.core.errors import NotAllowed
from strom.core.roles import Perm

if TYPE_CHECKING:
    from strom.accounts.models import User
    from strom.screening.indicators import IndicatorSet
    from strom.screening.models import Screening, ScreeningQuerySet, ScreeningRecheckQuerySet

SCREEN_PERMS = (Perm.CASE_CREATE, Perm.HOTLINE_LOG)


def may_screen(user: User) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return any(user.has_any(perm) for perm in SCREEN_PERMS)


def may_screen_in(user: User, organisation_id: int) -> bool:
    return any(user.has_perm_in(perm, organisation_id) for perm in SCREEN_PERMS)


def screening_org_ids(user: User) -> set[int]:
    """Organisations in which the user may make an anonymous pre-screening."""
    ids: set[int] = set()
    for perm in SCREEN_PERMS:
        ids |= set(user.org_ids_with(perm))
    return ids


def check_may_screen(user: User) -> None:
    if not may_screen(user):
        raise NotAllowed


def may_list_screenings(user: User) -> bool:
    return may_screen(user) or (user.is_authenticated and user.has_any(Perm.CASE_VIEW))


def check_may_list_screenings(user: User) -> None:
    if not may_list_screenings(user):
        raise NotAllowed


def screenings_visible_to(user: User, qs: ScreeningQuerySet) -> ScreeningQuerySet:
    from strom.cases.models import Case

    if not may_list_screenings(user):
        return qs.none()
    org_ids = user.org_ids_with(Perm.CASE_VIEW)
    visible_cases = Case.objects.visible_to(user).values("pk")
    return qs.filter(Q(created_by_id=user.pk) | Q(organisation_id__in=org_ids) | Q(case_id__in=visible_cases))


def get_screening_for(user: User, screening_id: int) -> Screening:
    from strom.screening.models import Screening

    try:
        return (
            Screening.objects.visible_to(user)
            .select_related("organisation", "case", "municipality", "created_by")
            .get(pk=screening_id)
        )
    except (Screening.DoesNotExist, ValueError, TypeError):
        raise NotAllowed from None


def may_convert(user: User, screening: Screening) -> bool:
    """Permission only; whether it is still unconverted is the service's check (a clear message, not 404)."""
    return user.has_perm_in(Perm.CASE_CREATE, screening.organisation_id)


def get_screening_to_convert(user: User, screening_id: int) -> Screening:
    screening = get_screening_for(user, screening_id)
    if not may_convert(user, screening):
        raise NotAllowed
    return screening


# --- indicator sets: who may publish a corrected version ----------------------------------------------
# A shared set (the ILO lists, STROM's adaptations) belongs to the whole instance: its system admin.
# A country's own set belongs to that country's national coordinators, who hold nrm.oversee in an
# organisation of the country (keeping the national referral mechanism's tools is their office's work).


def coordinator_countries(user: User) -> set[str]:
    if not user.is_authenticated or not user.is_active:
        return set()
    return {
        m.organisation.country
        for m in user.active_memberships()
        if m.organisation_id in user.org_ids_with(Perm.NRM_OVERSEE)
    }


def may_publish_set(user: User, indicator_set: IndicatorSet) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if indicator_set.country:
        return indicator_set.country in coordinator_countries(user)
    return user.has_global(Perm.SYSTEM_MANAGE)


def may_adapt_for_country(user: User) -> bool:
    """A coordinator may start their country's own version of a shared set."""
    return bool(coordinator_countries(user))


def check_may_publish(user: User, indicator_set: IndicatorSet) -> None:
    if not may_publish_set(user, indicator_set):
        raise NotAllowed


# --- screenings to look at again after a rule change ----------------------------------------------------
# The organisation's supervisors (case.assign) see and close the list; national coordinators see only
# how many there are per organisation of their country, never which screenings.


def rechecks_visible_to(user: User, qs: ScreeningRecheckQuerySet) -> ScreeningRecheckQuerySet:
    if not user.is_authenticated or not user.is_active:
        return qs.none()
    return qs.filter(organisation_id__in=user.org_ids_with(Perm.CASE_ASSIGN))


def may_see_rechecks(user: User) -> bool:
    return user.is_authenticated and (user.has_any(Perm.CASE_ASSIGN) or bool(coordinator_countries(user)))


def check_may_see_rechecks(user: User) -> None:
    if not may_see_rechecks(user):
        raise NotAllowed
