"""The law's clocks: every deadline on a case becomes a CaseTask with a due date.

- `rg_due`: the case opens; due opened + reasonable_grounds_due_days.
- `reflection_ends`: the case enters reflection; due the period's last day, moved by extensions.
- `identification_due`: the case enters reflection; due start + formal_identification_due_days.
- `plan_review`: the case enters reflection or assistance, and again after each review is done;
  due start (or the day the review was done) + support_plan_review_days.
- `permit_renewal`: a permit is granted or renewed; due valid_until - residence_permit_renewal_notice_days.
- `follow_up_contact`: the case closes; due closure + each of follow_up_days.

Periods come from strom/cases/country_rules.py. These functions run inside the caller's transaction
(the write services in strom/cases/services_stages.py); only `case_opened` runs from a hook.
docs/clocks.md explains each rule.
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
from strom.cases import country_rules, hooks

if TYPE_CHECKING:
    from strom.accounts.models import User
    from strom.cases.models import Case
    from strom.cases.models_stages import CaseTask

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

# Lazy plural messages, formatted with {"count": n} in the reader's language (other apps add theirs).
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


def notification_message(key: str, params: dict[str, Any]) -> str:
    message = NOTIFICATION_MESSAGES.get(key)
    if message is None:
        return key
    return str(message % {"count": int(params.get("count", 0))})


# --- keeping tasks ----------------------------------------------------------------------------------


def open_tasks(case: Case) -> Any:
    from strom.cases.models_stages import CaseTask

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
    source: str = "",
    params: dict[str, Any] | None = None,
) -> CaseTask:
    from strom.cases.models_stages import CaseTask

    task = CaseTask.objects.create(
        case=case,
        kind=kind,
        title_key=kind,
        title_params=params or {},
        source=source,
        due_date=due,
        assignee_id=case.owner_id,
        created_by=by,
    )
    audit_record(
        actor=by,
        action="task.create",
        object_type="case",
        object_ref=case.ref,
        organisation_id=case.organisation_id,
        details={"task": task.pk, "kind": kind},
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
        rules = country_rules.rules_for(case.country)
        due = timezone.localdate(case.opened_at) + dt.timedelta(days=rules.reasonable_grounds_due_days)
        start_clock(case, RG_DUE, due, by=None)
        refresh_next_due(case)


hooks.register("case_opened", on_case_opened)


def on_reflection_started(case: Case, *, starts_on: dt.date, ends_on: dt.date, by: User) -> None:
    rules = country_rules.rules_for(case.country)
    stop_clocks(case, (RG_DUE,), by=by, done=True)
    start_clock(case, REFLECTION_ENDS, ends_on, by=by)
    if not has_open(case, IDENTIFICATION_DUE):
        start_clock(
            case,
            IDENTIFICATION_DUE,
            starts_on + dt.timedelta(days=rules.formal_identification_due_days),
            by=by,
        )
    ensure_plan_review(case, from_day=starts_on, by=by)


def ensure_plan_review(case: Case, *, from_day: dt.date, by: User | None) -> None:
    if has_open(case, PLAN_REVIEW):
        return
    rules = country_rules.rules_for(case.country)
    start_clock(case, PLAN_REVIEW, from_day + dt.timedelta(days=rules.support_plan_review_days), by=by)


def on_closed(case: Case, *, closed_on: dt.date, by: User) -> None:
    stop_clocks(case, ACTIVE_CLOCKS, by=by, done=False)
    days = country_rules.rules_for(case.country).follow_up_days
    for number, offset in enumerate(days, start=1):
        start_clock(
            case,
            FOLLOW_UP_CONTACT,
            closed_on + dt.timedelta(days=offset),
            by=by,
            params={"number": number, "total": len(days)},
        )


def permit_renewal_due(case: Case, valid_until: dt.date) -> dt.date:
    notice = country_rules.rules_for(case.country).residence_permit_renewal_notice_days
    return valid_until - dt.timedelta(days=notice)


def on_permit_validity(case: Case, *, permit_id: int, valid_until: dt.date | None, by: User) -> None:
    """Keep one open renewal task per permit, due `notice` days before it runs out."""
    source = f"permit:{permit_id}"
    if valid_until is None:
        stop_clocks(case, (PERMIT_RENEWAL,), by=by, done=False, source=source)
        return
    due = permit_renewal_due(case, valid_until)
    if not move_clock(case, PERMIT_RENEWAL, due, by=by, source=source):
        start_clock(case, PERMIT_RENEWAL, due, by=by, source=source)


def open_task_filter() -> Q:
    return Q(done_at__isnull=True, cancelled_at__isnull=True)
