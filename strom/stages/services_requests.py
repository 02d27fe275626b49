"""Asking for a decision: someone who may work on a case but not decide (a case worker) asks those who
may (the supervisors of the case's organisation) to record the reasonable-grounds or identification
decision. The one asked gets a task and a notification; the asker hears back when the decision is
recorded (`decision_requests_answer`, called by `decision_record`) or the request is declined.

Notifications carry message keys and counts only (strom/core/notifications.py) and link to the list of
requests, never to a case.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext_lazy

from strom.accounts.services_notifications import notify
from strom.cases import access
from strom.cases.reads import case_audit_record
from strom.core.errors import NotAllowed
from strom.stages import clocks
from strom.stages.models import CaseTask, DecisionKind, DecisionRequest, DecisionRequestState
from strom.stages.selectors import deciders, decision_due

if TYPE_CHECKING:
    from strom.accounts.models import User
    from strom.cases.models import Case
    from strom.stages.models import Decision

# The task of the one asked; its title says which decision (clocks.TASK_TITLES).
TASK_KIND = "decision_request"
TASK_TITLE = {
    DecisionKind.REASONABLE_GROUNDS: "decision_request_reasonable_grounds",
    DecisionKind.FORMAL_IDENTIFICATION: "decision_request_formal_identification",
}
# The request's task is due when the decision's own clock is; without a running clock, in a week.
DEFAULT_DUE_DAYS = 7
_CLOCK = {
    DecisionKind.REASONABLE_GROUNDS: clocks.RG_DUE,
    DecisionKind.FORMAL_IDENTIFICATION: clocks.IDENTIFICATION_DUE,
}

# Registered with strom.core.notifications by StagesConfig.ready().
NOTIFICATION_MESSAGES: dict[str, Any] = {
    "decision_requested": ngettext_lazy(
        "A colleague asked you for %(count)s decision on a case.",
        "Colleagues asked you for %(count)s decisions on cases.",
        "count",
    ),
    "decision_request_decided": ngettext_lazy(
        "%(count)s decision you asked for was recorded.",
        "%(count)s decisions you asked for were recorded.",
        "count",
    ),
    "decision_request_declined": ngettext_lazy(
        "%(count)s request of yours for a decision was declined, with a reason.",
        "%(count)s requests of yours for a decision were declined, with reasons.",
        "count",
    ),
}


def _list_url() -> str:
    return reverse("cases:decision_requests")


def _due(case: Case, kind: str) -> dt.date:
    clock = clocks.open_tasks(case).filter(kind=_CLOCK[DecisionKind(kind)]).order_by("due_date").first()
    return clock.due_date if clock else timezone.localdate() + dt.timedelta(days=DEFAULT_DUE_DAYS)


def _check_request(by: User, case: Case, kind: str, addressed_to: User | None) -> User:
    """The checks before asking; returns the person asked."""
    if not access.can_edit_case(by, case):
        raise NotAllowed
    if kind not in DecisionKind.values:
        raise ValidationError({"kind": _("Unknown kind of decision.")})
    if access.can_decide(by, case):
        raise ValidationError(_("You may record this decision yourself."))
    if decision_due(case) != kind:
        raise ValidationError(_("This decision is not due at the case's present stage."))
    if DecisionRequest.objects.filter(case=case, kind=kind, state=DecisionRequestState.OPEN).exists():
        raise ValidationError(_("This decision has been asked for already; the request is waiting."))
    people = deciders(case)
    if not people:
        raise ValidationError(
            _(
                "Nobody in your organisation may record this decision. Ask your organisation's admin "
                "to give a colleague the supervisor role."
            )
        )
    if addressed_to is None:
        return people[0]
    if addressed_to.pk not in {p.pk for p in people}:
        raise ValidationError({"addressed_to": _("Choose someone who may record this decision.")})
    return addressed_to


def decision_request_create(
    *, by: User, case: Case, kind: str, addressed_to: User | None = None, note: str = ""
) -> DecisionRequest:
    """Ask the case's organisation for a decision: the request, a task for the one asked (by default the
    first of those who may decide) and a notification to them."""
    from strom.stages.services import next_due_refresh

    asked = _check_request(by, case, kind, addressed_to)
    with transaction.atomic():
        request = DecisionRequest.objects.create(
            case=case,
            kind=kind,
            requested_by=by,
            organisation_id=case.organisation_id,
            addressed_to=asked,
            note=note.strip(),
        )
        request.task = CaseTask.objects.create(
            case=case,
            kind=TASK_KIND,
            title_key=TASK_TITLE[DecisionKind(kind)],
            source=f"request:{request.pk}",
            due_date=_due(case, kind),
            assignee=asked,
            created_by=by,
        )
        request.save(update_fields=["task"])
        next_due_refresh(case)
        case_audit_record(
            by=by,
            case=case,
            action="case.decision_request",
            details={"request": request.pk, "kind": kind, "asked": asked.pk, "task": request.task.pk},
        )
        notify(user_ids=[asked.pk], key="decision_requested", url=_list_url())
    return request


def decision_request_decline(*, by: User, request: DecisionRequest, reason: str) -> DecisionRequest:
    """Decline a request with a reason the asker reads (e.g. "the interview is not done yet"); its task
    is cancelled and the asker notified."""
    from strom.stages.services import next_due_refresh

    case = request.case
    if not (access.can_decide(by, case) and access.can_edit_case(by, case)):
        raise NotAllowed
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why, so your colleague knows what to do next.")})
    with transaction.atomic():
        locked = DecisionRequest.objects.select_for_update().get(pk=request.pk)
        if locked.state != DecisionRequestState.OPEN:
            raise ValidationError(_("This request has been answered already."))
        locked.state = DecisionRequestState.DECLINED
        locked.decline_reason = reason
        locked.answered_by = by
        locked.answered_at = timezone.now()
        locked.save(update_fields=["state", "decline_reason", "answered_by", "answered_at"])
        if locked.task_id:
            CaseTask.objects.filter(
                pk=locked.task_id, done_at__isnull=True, cancelled_at__isnull=True
            ).update(cancelled_at=locked.answered_at)
        next_due_refresh(case)
        case_audit_record(
            by=by,
            case=case,
            action="case.decision_request_decline",
            details={"request": locked.pk, "kind": locked.kind},
        )
        notify(user_ids=[locked.requested_by_id], key="decision_request_declined", url=_list_url())
    return locked


def decision_requests_answer(*, by: User, case: Case, decision: Decision) -> int:
    """A decision was recorded (strom.stages.services.decision_record, inside its transaction): the open
    request for it is answered, its task done and the asker notified. How many were answered."""
    now = timezone.now()
    answered = list(
        DecisionRequest.objects.select_for_update().filter(
            case=case, kind=decision.kind, state=DecisionRequestState.OPEN
        )
    )
    for request in answered:
        request.state = DecisionRequestState.DECIDED
        request.decision = decision
        request.answered_by = by
        request.answered_at = now
        request.save(update_fields=["state", "decision", "answered_by", "answered_at"])
        if request.task_id:
            CaseTask.objects.filter(
                pk=request.task_id, done_at__isnull=True, cancelled_at__isnull=True
            ).update(done_at=now, done_by=by)
        case_audit_record(
            by=by,
            case=case,
            action="case.decision_request_answer",
            details={"request": request.pk, "kind": request.kind, "decision": decision.pk},
        )
    if answered:
        notify(
            user_ids=[r.requested_by_id for r in answered], key="decision_request_decided", url=_list_url()
        )
    return len(answered)
