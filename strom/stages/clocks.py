"""The law's clocks: every deadline on a case becomes a CaseTask with a due date.

- `rg_due`: the case opens; due opened + reasonable_grounds_due.
- `reflection_ends`: the case enters reflection; due the period's last day, moved by extensions.
- `identification_due`: the case enters reflection; due start + formal_identification_due.
- `plan_review`: the case enters reflection or assistance, and again after each review is done;
  due start (or the day the review was done) + support_plan_review.
- `permit_renewal`: a permit is granted or renewed; due valid_until - permit_renewal_notice.
- `follow_up_contact`: the case closes; due closure + each follow_up period.

Periods come from the country's rules in force on the day a clock starts (strom/stages/country_rules.py);
the task stores that rule version (`CaseTask.rule_version`) and keeps it when the clock moves, so a
later change of the country's rules never moves a running clock. Periods in months are calendar months
(strom/stages/periods.py). This module says when each clock's task is due and reads the open tasks;
the writes that start, move and stop clocks, with their audit entries, are in strom/stages/services.py
(`clock_start`, `clock_move`, `clocks_stop` and the `clocks_on_*` reactions). docs/clocks.md explains
each rule.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from strom.stages import country_rules

if TYPE_CHECKING:
    from strom.cases.models import Case
    from strom.stages.models import CaseTask, ReflectionPeriod

RG_DUE = "rg_due"
REFLECTION_ENDS = "reflection_ends"
IDENTIFICATION_DUE = "identification_due"
PLAN_REVIEW = "plan_review"
PERMIT_RENEWAL = "permit_renewal"
FOLLOW_UP_CONTACT = "follow_up_contact"
MANUAL = "manual"

CLOCKS = (RG_DUE, REFLECTION_ENDS, IDENTIFICATION_DUE, PLAN_REVIEW, PERMIT_RENEWAL, FOLLOW_UP_CONTACT)
# Clocks that stop when the case closes (follow-up contacts start then).
ACTIVE_CLOCKS = (RG_DUE, REFLECTION_ENDS, IDENTIFICATION_DUE, PLAN_REVIEW, PERMIT_RENEWAL)

# The rule item each clock counts with, to name its source and status beside the task.
CLOCK_RULE_ITEM: dict[str, str] = {
    RG_DUE: "reasonable_grounds_due",
    REFLECTION_ENDS: "reflection",
    IDENTIFICATION_DUE: "formal_identification_due",
    PLAN_REVIEW: "support_plan_review",
    PERMIT_RENEWAL: "permit_renewal_notice",
    FOLLOW_UP_CONTACT: "follow_up",
}

TASK_TITLES: dict[str, Any] = {
    RG_DUE: _("Decide whether there are reasonable grounds"),
    REFLECTION_ENDS: _("The reflection and recovery period ends"),
    IDENTIFICATION_DUE: _("Formal identification decision due"),
    PLAN_REVIEW: _("Review the support plan"),
    PERMIT_RENEWAL: _("Apply to renew the residence permit"),
    FOLLOW_UP_CONTACT: _("Follow-up contact %(number)s of %(total)s"),
}
# Manual tasks pick one of these: no free text, so task lists and reminders hold no personal data.
MANUAL_TASK_TITLES: dict[str, Any] = {
    "contact_person": _("Contact the person"),
    "arrange_interpreter": _("Arrange an interpreter"),
    "accompany_appointment": _("Accompany the person to an appointment"),
    "prepare_documents": _("Prepare or collect documents"),
    "check_services": _("Check that planned services are delivered"),
    "case_conference": _("Hold a case conference"),
    "check_safety": _("Check the person's safety"),
    "review_case": _("Review the case"),
}
TASK_TITLES.update(MANUAL_TASK_TITLES)
# The task of someone asked for a decision (strom/stages/services_requests.py).
TASK_TITLES.update(
    {
        "decision_request_reasonable_grounds": _(
            "Record the reasonable-grounds decision a colleague asked for"
        ),
        "decision_request_formal_identification": _(
            "Record the formal identification decision a colleague asked for"
        ),
    }
)
# Tasks only someone who may record decisions (case.decide) can do: never assigned to anyone else.
DECISION_TASK_KINDS = frozenset({RG_DUE, IDENTIFICATION_DUE, "decision_request"})

# Lazy plural messages, formatted with {"count": n} in the reader's language; registered with
# strom.core.notifications by StagesConfig.ready().
NOTIFICATION_MESSAGES: dict[str, Any] = {
    "tasks_due_soon": ngettext_lazy(
        "You have %(count)s task due soon.", "You have %(count)s tasks due soon.", "count"
    ),
    "tasks_overdue": ngettext_lazy(
        "You have %(count)s overdue task.", "You have %(count)s overdue tasks.", "count"
    ),
}


def task_title(key: str, params: dict[str, Any]) -> str:
    template = TASK_TITLES.get(key)
    if template is None:
        return key
    try:
        return str(template) % params if params else str(template)
    except (KeyError, TypeError, ValueError):
        return str(template)


# --- keeping tasks ----------------------------------------------------------------------------------


def open_tasks(case: Case) -> Any:
    from strom.stages.models import CaseTask

    return CaseTask.objects.filter(case=case, done_at__isnull=True, cancelled_at__isnull=True)


def has_open(case: Case, kind: str) -> bool:
    return bool(open_tasks(case).filter(kind=kind).exists())


def open_task_filter() -> Q:
    return Q(done_at__isnull=True, cancelled_at__isnull=True)


def reflection_last_possible_day(country: str, period: ReflectionPeriod) -> dt.date:
    """The last day the period may reach with every extension, by the rules it started with."""
    rules = country_rules.rules_for_clock(country, period.rule_version, started_on=period.starts_on)
    return rules.reflection_longest.last_day(period.starts_on)


def reflection_days_left(country: str, period: ReflectionPeriod) -> int:
    return max(0, (reflection_last_possible_day(country, period) - period.ends_on).days)


def rule_shown(
    country: str, version_id: int | None, items: dict[str, Any], number: int, key: str
) -> dict[str, Any]:
    """What a page shows of the rule behind a clock: value, source, status and version."""
    item = items[key]
    return {
        "country": country,
        "version_id": version_id,
        "version": number,
        "label": country_rules.ITEMS[key].label,
        "value": country_rules.value_text(key, item["value"]),
        "source": country_rules.source_text(item["source"]),
        "verified": item["status"] == country_rules.VERIFIED,
        "verified_by": item["verified_by"],
        "verified_on": country_rules.day_text(item["verified_on"]) if item["verified_on"] else "",
    }


def clock_rule(case: Case, task: CaseTask) -> dict[str, Any] | None:
    """The rule a clock's task follows (its stored version; the shipped file for older tasks)."""
    key = CLOCK_RULE_ITEM.get(task.kind)
    if key is None:
        return None
    version = task.rule_version
    if version is None:
        shipped = country_rules.shipped_rules(case.country)
        return rule_shown(case.country, None, shipped.items, 0, key)
    return rule_shown(version.country, version.pk, version.items, version.number, key)


def reflection_rule(case: Case, period: ReflectionPeriod) -> dict[str, Any]:
    rules = country_rules.rules_for_clock(case.country, period.rule_version, started_on=period.starts_on)
    return rule_shown(case.country, rules.version_id, rules.items, rules.version_number, "reflection")
