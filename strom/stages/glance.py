"""The stage's part of the case page's overview: where the case stands in the chain of assistance, its
clocks and next deadline, the actions of the current stage and what the next step still needs.

Three reads at most (the open tasks, the reflection period, the decision a move waits for); the stage
panel and the task list load with their tab.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from strom.cases import access
from strom.cases.choices import Stage
from strom.core.registry import CaseAction, CaseGlance, GlanceFact, register_case_glance
from strom.stages import stages
from strom.stages.models import CaseTask, DecisionKind, ReflectionPeriod
from strom.stages.selectors import decision_due, open_tasks_q

if TYPE_CHECKING:
    from strom.accounts.models import User
    from strom.cases.models import Case

TAB = "stages"


def _day(value: dt.date) -> str:
    return formats.date_format(value, "SHORT_DATE_FORMAT")


def _clock_facts(user: User, case: Case) -> list[GlanceFact]:
    today = timezone.localdate()
    tasks = list(CaseTask.objects.of_case(user, case).filter(**open_tasks_q()).order_by("due_date", "pk"))
    if not tasks:
        return [GlanceFact(_("Next deadline"), _("Nothing is due."), tab=TAB)]
    first = tasks[0]
    overdue = sum(1 for t in tasks if t.due_date < today)
    deadline = f"{_day(first.due_date)} — {first.title}"
    if first.due_date < today:
        deadline += " (" + _("overdue") + ")"
    count = ngettext("%(count)d open task", "%(count)d open tasks", len(tasks)) % {"count": len(tasks)}
    if overdue:
        count += ", " + ngettext("%(count)d overdue", "%(count)d overdue", overdue) % {"count": overdue}
    return [
        GlanceFact(_("Next deadline"), deadline, tab=TAB, alert=first.due_date < today),
        GlanceFact(_("Clocks and tasks"), count, tab=TAB, alert=bool(overdue)),
    ]


def _reflection_fact(user: User, case: Case) -> list[GlanceFact]:
    if case.stage != Stage.REFLECTION:
        return []
    period = ReflectionPeriod.objects.of_case(user, case).first()
    if period is None:
        return []
    left = (period.ends_on - timezone.localdate()).days
    value = _("until %(day)s") % {"day": _day(period.ends_on)}
    if left >= 0:
        value += " · " + ngettext("%(count)d day left", "%(count)d days left", left) % {"count": left}
    return [GlanceFact(_("Reflection and recovery period"), value, tab=TAB)]


def _actions(user: User, case: Case) -> tuple[list[CaseAction], list[str]]:
    """The moves the case may make now and the decision it waits for; what a move still needs."""
    actions: list[CaseAction] = []
    missing: list[str] = []
    if not access.can_edit_case(user, case):
        return actions, missing
    kind = decision_due(case)
    if kind and access.can_decide(user, case):
        url = reverse("cases:decision", kwargs={"ref": case.ref, "kind": kind})
        label = _("Record the decision: %(kind)s") % {"kind": DecisionKind(kind).label}
        actions.append(CaseAction(label, url))
    elif kind:
        # Someone who may not decide asks those who may (strom/stages/services_requests.py).
        url = reverse("cases:decision_request", kwargs={"ref": case.ref, "kind": kind})
        actions.append(CaseAction(_("Ask for a decision"), url))
    move_url = reverse("cases:stage_change", kwargs={"ref": case.ref})
    for target in stages.next_stages(case.stage):
        refusal = stages.refusal(case, target)
        if refusal:
            missing.append(refusal)
            continue
        move = _("Move to %(stage)s") % {"stage": Stage(target).label}
        actions.append(CaseAction(move, f"{move_url}?to={target}"))
    return actions, missing


@register_case_glance("stages", order=10)
def stages_glance(user: User, case: Case) -> CaseGlance:
    actions, missing = _actions(user, case)
    facts = [*_clock_facts(user, case), *_reflection_fact(user, case)]
    return CaseGlance(facts=facts, actions=actions, missing=missing)
