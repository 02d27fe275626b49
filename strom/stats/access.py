"""Who may see statistics. Missing and forbidden both raise NotAllowed.

Decision: anyone holding Perm.STATS_VIEW in any organisation (supervisors, national coordinators,
analysts) sees tables over every dataset, STROM's own cases included: what leaves is only ever
disclosure-controlled, so there is nothing organisation-specific to hide. Importing a dataset changes
what all of them count, so it takes Perm.STATS_IMPORT (national coordinators and analysts). The
coordinator's dashboard (open cases, overdue clocks, referral response times) is for
those with Perm.NRM_OVERSEE, over the countries of their organisations. An import job is seen only
by the user who uploaded it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from strom.core.errors import NotAllowed
from strom.core.roles import Perm
from strom.stats.models import ImportJob

if TYPE_CHECKING:
    from strom.accounts.models import User


def may_see_stats(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active and user.has_any(Perm.STATS_VIEW))


def check_stats_allowed(user: User) -> None:
    if not may_see_stats(user):
        raise NotAllowed


def may_import(user: User) -> bool:
    return bool(may_see_stats(user) and user.has_any(Perm.STATS_IMPORT))


def check_may_import(user: User) -> None:
    if not may_import(user):
        raise NotAllowed


def may_see_dashboard(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active and user.has_any(Perm.NRM_OVERSEE))


def check_dashboard_allowed(user: User) -> None:
    if not may_see_dashboard(user):
        raise NotAllowed


def get_import_job_for(user: User, job_id: int) -> ImportJob:
    check_stats_allowed(user)
    job = ImportJob.objects.filter(pk=job_id, created_by_id=user.pk).first()
    if job is None:
        raise NotAllowed
    return job
