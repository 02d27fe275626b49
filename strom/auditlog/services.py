"""Browsing the audit log is itself recorded."""

from __future__ import annotations

from typing import TYPE_CHECKING

from strom.audit.services import audit_record
from strom.core.roles import Perm

if TYPE_CHECKING:
    from strom.accounts.models import User
    from strom.auditlog.forms import AuditFilterForm


def record_browse(user: User, form: AuditFilterForm, *, paging: str) -> None:
    """Looking at the log is itself logged: which filters (never their values), and from where."""
    filters = form.filters()
    org_ids = user.org_ids_with(Perm.AUDIT_VIEW_ORG)
    organisation_id = filters.organisation_id
    if organisation_id is None and len(org_ids) == 1 and not user.has_global(Perm.AUDIT_VIEW_ALL):
        organisation_id = next(iter(org_ids))
    audit_record(
        actor=user,
        action="audit.browse",
        object_type="audit",
        organisation_id=organisation_id,
        details={"filters": filters.used(), "page": paging},
    )
