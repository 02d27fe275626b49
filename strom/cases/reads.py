"""The audit entries about one case: what was done to it (`case_audit_record`), and who was shown its
data (one audit read per page or API response).

Every view of one case that shows its stored data — the case page, a section's page, an edit form
filled with the stored values, a list of its permits or tasks — calls `case_read_record` once before
it answers, so the audit log can say who saw which case, when and through which page.
`tests/test_audited_reads.py` calls every GET route and holds each to exactly one read entry.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from strom.audit.services import audit_read, audit_record

if TYPE_CHECKING:
    from collections.abc import Sequence

    from strom.accounts.models import User
    from strom.audit.actors import SystemActor
    from strom.cases.models import Case
    from strom.cases.selectors import ListedCase


def case_audit_record(
    *,
    by: User | SystemActor,
    case: Case,
    action: str,
    details: dict[str, Any] | None = None,
    reason: str = "",
    organisation_id: int | None = None,
) -> None:
    """Record a change to a case, named by its reference (never by personal data) in its organisation.

    `organisation_id` names another organisation's log instead, for a change seen from there (the
    organisation a transferred case leaves, the sender of a referral).
    """
    audit_record(
        actor=by,
        action=action,
        object_type="case",
        object_ref=case.ref,
        organisation_id=case.organisation_id if organisation_id is None else organisation_id,
        reason=reason,
        details=details,
    )


def case_read_record(*, by: User, case: Case, section: str = "") -> None:
    audit_read(
        actor=by,
        object_type="case",
        object_ref=case.ref,
        organisation_id=case.organisation_id,
        details={"section": section} if section else None,
    )


def audit_case_list(user: User, rows: Sequence[Case | ListedCase], *, channel_page: str = "list") -> None:
    """One audit entry per page of results, naming the cases whose persons were shown."""
    if not rows:
        return
    org_ids = {c.organisation_id for c in rows}
    audit_read(
        actor=user,
        object_type="case",
        object_ref=rows[0].ref if len(rows) == 1 else "",
        organisation_id=org_ids.pop() if len(org_ids) == 1 else None,
        details={"list": channel_page, "refs": [c.ref for c in rows]},
    )
