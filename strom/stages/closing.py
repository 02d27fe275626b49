"""What closing a case leaves running, said before the case is closed.

The reflection and recovery period is this app's own; the other apps register what they keep going
(live referrals, services being delivered) in strom/core/registry.py, which also serves the notices
shown after the case closed.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from strom.cases.models import Case
from strom.core.registry import case_closed_notices
from strom.stages.models import ReflectionPeriod


def reflection_running_notice(case: Case) -> str:
    period = ReflectionPeriod.objects.filter(case=case, ends_on__gte=timezone.localdate()).first()
    if period is None or period.starts_on > timezone.localdate():
        return ""
    return _(
        "The reflection and recovery period runs until %(date)s: the person may not be removed from "
        "the country meanwhile, and closing the case does not end the period."
    ) % {"date": date_format(period.ends_on)}


def closing_warnings(case: Case) -> list[str]:
    """Everything closing `case` leaves running, in words, for the confirmation step."""
    notices = [reflection_running_notice(case), *case_closed_notices(case)]
    return [notice for notice in notices if notice]
