"""Who may see and change a case's support rows. Missing and forbidden both raise NotAllowed.

Built on strom.cases.access: a support row is visible exactly when its case is, and may be changed by
whoever may edit the case (`can_edit_case`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from strom.cases.access import get_case_for
from strom.core.errors import NotAllowed
from strom.support.models import Service

if TYPE_CHECKING:
    from strom.accounts.models import User


def get_service_for(user: User, ref: str, service_id: int, *, write: bool = False) -> Service:
    case = get_case_for(user, ref, write=write)
    try:
        service = (
            Service.objects.visible_to(user)
            .select_related("provider_organisation")
            .get(case=case, pk=service_id)
        )
    except (Service.DoesNotExist, ValueError, TypeError):
        raise NotAllowed from None
    service.case = case
    return service
