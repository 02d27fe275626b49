"""Who may reach a row of the chain of assistance: whoever may see its case (strom.cases.access).

Each function takes a case that came from `get_case_for(user, ref)` and finds the row through the
model's `visible_to(user)`, so a row of another case, or of a case the user may not see, is
NotAllowed alike.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from strom.core.errors import NotAllowed
from strom.stages.models import CaseTask, DecisionRequest, Proceeding, ResidencePermit

if TYPE_CHECKING:
    from strom.accounts.models import User
    from strom.cases.models import Case


def get_task_for(user: User, case: Case, task_id: int) -> CaseTask:
    task = (
        CaseTask.objects.visible_to(user)
        .select_related("case", "case__organisation")
        .filter(pk=task_id, case=case)
        .first()
    )
    if task is None:
        raise NotAllowed
    return task


def get_permit_for(user: User, case: Case, permit_id: int) -> ResidencePermit:
    permit = (
        ResidencePermit.objects.visible_to(user)
        .select_related("case")
        .filter(pk=permit_id, case=case)
        .first()
    )
    if permit is None:
        raise NotAllowed
    return permit


def get_proceeding_for(user: User, case: Case, proceeding_id: int) -> Proceeding:
    proceeding = (
        Proceeding.objects.visible_to(user).select_related("case").filter(pk=proceeding_id, case=case).first()
    )
    if proceeding is None:
        raise NotAllowed
    return proceeding


def get_decision_request_for(user: User, case: Case, request_id: int) -> DecisionRequest:
    request = (
        DecisionRequest.objects.visible_to(user)
        .select_related("case", "requested_by")
        .filter(pk=request_id, case=case)
        .first()
    )
    if request is None:
        raise NotAllowed
    return request
