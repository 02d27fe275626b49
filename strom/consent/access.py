"""Who may reach a consent record: whoever may see the case it is shown on (strom.cases.access).

The function takes a case that came from `get_case_for(user, ref)` and finds the record among those
that apply to the case (its own and the person-wide ones) through `visible_to(user)`, so a record of
another person, or of a case the user may not see, is NotAllowed alike.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from strom.consent.models import ConsentRecord
from strom.consent.selectors import applying
from strom.core.errors import NotAllowed

if TYPE_CHECKING:
    from strom.accounts.models import User
    from strom.cases.models import Case


def get_consent_for(user: User, case: Case, consent_id: int) -> ConsentRecord:
    record = (
        applying(case).visible_to(user).filter(pk=consent_id).select_related("recipient_organisation").first()
    )
    if record is None:
        raise NotAllowed
    return record
