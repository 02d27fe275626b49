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
(strom/stages/periods.py). These functions run inside the caller's transaction (the write services in
strom/stages/services.py); only `case_opened` runs from a hook. docs/clocks.md explains each rule.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Min, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from strom.audit.services import audit_record
from strom.cases import hooks
from strom.stages import country_rules

if TYPE_CHECKING:
    from strom.accounts.models import User
    from strom.cases.models import Case
    from strom.stages.country_rules import CountryRules
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


def refresh_next_due(case: Case) -> None:
    """Case.next_due_at = earliest open task's due date; the case list filters overdue on it."""
    from strom.cases.models import Case as CaseModel

    earliest = open_tasks(case).aggregate(earliest=Min("due_date"))["earliest"]
    # A plain UPDATE of one column: tasks must not bump the case version or race case edits.
    CaseModel.objects.filter(pk=case.pk).update(next_due_at=earliest)
    case.next_due_at = earliest


def start_clock(
    case: Case,
    kind: str,
    due: dt.date,
    *,
    by: User | None,
    rules: CountryRules,
    source: str = "",
    params: dict[str, Any] | None = None,
) -> CaseTask:
    from strom.stages.models import CaseTask

    task = CaseTask.objects.create(
        case=case,
        kind=kind,
        title_key=kind,
        title_params=params or {},
        source=source,
        due_date=due,
        rule_version_id=rules.version_id,
        assignee_id=case.owner_id,
        created_by=by,
    )
    audit_record(
        actor=by,
        action="task.create",
        object_type="case",
        object_ref=case.ref,
        organisation_id=case.organisation_id,
        details={"task": task.pk, "kind": kind, "rule_version": rules.version_id},
    )
    return task


def move_clock(case: Case, kind: str, due: dt.date, *, by: User | None, source: str = "") -> int:
    moved = open_tasks(case).filter(kind=kind, source=source).update(due_date=due)
    if moved:
        audit_record(
            actor=by,
            action="task.move",
            object_type="case",
            object_ref=case.ref,
            organisation_id=case.organisation_id,
            details={"kind": kind},
        )
    return int(moved)


def stop_clocks(
    case: Case, kinds: tuple[str, ...], *, by: User | None, done: bool, source: str | None = None
) -> int:
    """Mark the open tasks of these clocks done (the thing happened) or cancelled (no longer due)."""
    now = timezone.now()
    tasks = open_tasks(case).filter(kind__in=kinds)
    if source is not None:
        tasks = tasks.filter(source=source)
    changes: dict[str, Any] = {"done_at": now, "done_by": by} if done else {"cancelled_at": now}
    count = int(tasks.update(**changes))
    if count:
        audit_record(
            actor=by,
            action="task.complete" if done else "task.cancel",
            object_type="case",
            object_ref=case.ref,
            organisation_id=case.organisation_id,
            details={"kinds": sorted(kinds), "count": count},
        )
    return count


def has_open(case: Case, kind: str) -> bool:
    return bool(open_tasks(case).filter(kind=kind).exists())


# --- the clocks -------------------------------------------------------------------------------------


def on_case_opened(case_id: int) -> None:
    from strom.cases.models import Case

    with transaction.atomic():
        case = Case.objects.select_related("owner").get(pk=case_id)
        if has_open(case, RG_DUE):
            return
        opened = timezone.localdate(case.opened_at)
        rules = country_rules.rules_for(case.country, opened)
        start_clock(case, RG_DUE, rules.reasonable_grounds_due.after(opened), by=None, rules=rules)
        refresh_next_due(case)


hooks.register("case_opened", on_case_opened)


def on_reflection_started(case: Case, *, period: ReflectionPeriod, by: User) -> None:
    """The period keeps the rules in force on its first day; so do the clocks it starts."""
    rules = country_rules.rules_for_clock(case.country, period.rule_version, started_on=period.starts_on)
    stop_clocks(case, (RG_DUE,), by=by, done=True)
    start_clock(case, REFLECTION_ENDS, period.ends_on, by=by, rules=rules)
    if not has_open(case, IDENTIFICATION_DUE):
        due = rules.formal_identification_due.after(period.starts_on)
        start_clock(case, IDENTIFICATION_DUE, due, by=by, rules=rules)
    ensure_plan_review(case, from_day=period.starts_on, by=by)


def ensure_plan_review(case: Case, *, from_day: dt.date, by: User | None) -> None:
    if has_open(case, PLAN_REVIEW):
        return
    rules = country_rules.rules_for(case.country, from_day)
    start_clock(case, PLAN_REVIEW, rules.support_plan_review.after(from_day), by=by, rules=rules)


def on_closed(case: Case, *, closed_on: dt.date, by: User) -> None:
    stop_clocks(case, ACTIVE_CLOCKS, by=by, done=False)
    rules = country_rules.rules_for(case.country, closed_on)
    periods = rules.follow_up
    for number, period in enumerate(periods, start=1):
        start_clock(
            case,
            FOLLOW_UP_CONTACT,
            period.after(closed_on),
            by=by,
            rules=rules,
            params={"number": number, "total": len(periods)},
        )


def on_permit_validity(case: Case, *, permit_id: int, valid_until: dt.date | None, by: User) -> None:
    """Keep one open renewal task per permit, due the notice period before it runs out.

    The first task takes the rules in force that day; a renewal moves it with the rules it kept.
    """
    source = f"permit:{permit_id}"
    if valid_until is None:
        stop_clocks(case, (PERMIT_RENEWAL,), by=by, done=False, source=source)
        return
    running = (
        open_tasks(case).filter(kind=PERMIT_RENEWAL, source=source).select_related("rule_version").first()
    )
    if running is not None:
        started_on = timezone.localdate(running.created_at)
        rules = country_rules.rules_for_clock(case.country, running.rule_version, started_on=started_on)
        move_clock(
            case, PERMIT_RENEWAL, rules.permit_renewal_notice.before(valid_until), by=by, source=source
        )
        return
    rules = country_rules.rules_for(case.country, timezone.localdate())
    due = rules.permit_renewal_notice.before(valid_until)
    start_clock(case, PERMIT_RENEWAL, due, by=by, rules=rules, source=source)


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
        "verified_on": item["verified_on"],
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
