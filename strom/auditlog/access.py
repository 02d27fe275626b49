"""Who may browse the audit log: org admins (their organisation's entries) and system admins (all).

Which entries each of them sees is `AuditEntry.objects.visible_to(user)`, beside the record.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from strom.core.errors import NotAllowed
from strom.core.roles import Perm

if TYPE_CHECKING:
    from strom.accounts.models import User


def check_may_browse_audit(user: User) -> None:
    """Org admins and system admins browse the log; everyone else gets the same 404 as for a missing page."""
    if not user.is_authenticated or not user.is_active or not user.has_any(Perm.AUDIT_VIEW_ORG):
        raise NotAllowed
