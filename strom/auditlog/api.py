"""GET /api/v1/audit: the audit log with the page's visibility, filters and keyset pagination."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from strom.api.auth import api_user
from strom.auditlog.access import check_may_browse_audit
from strom.auditlog.forms import AuditFilterForm
from strom.auditlog.selectors import PAGE_SIZE, audit_entries_for, audit_page
from strom.auditlog.services import record_browse

router = Router(tags=["audit"])


class AuditEntryOut(Schema):
    seq: int = Field(description="Position in the chain, 1, 2, 3…")
    at: datetime
    actor_id: int | None
    actor: str = Field(alias="actor_label", description="E-mail address of the actor at the time")
    system_actor: str = Field(
        description="The system job that acted when no person did (e.g. retention), else empty"
    )
    organisation_id: int | None
    action: str
    object_type: str
    object_ref: str
    channel: str = Field(description="web, api, cli or worker")
    ip: str | None
    reason: str
    details: dict[str, Any]


class AuditPageOut(Schema):
    items: list[AuditEntryOut]
    older: int | None = Field(description=f"Pass as ?before= for the next {PAGE_SIZE} older entries")
    newer: int | None = Field(description="Pass as ?after= for newer entries")


class AuditQuery(Schema):
    before: int | None = Field(None, ge=1, description="Entries with a lower sequence number (older)")
    after: int | None = Field(None, ge=0, description="Entries with a higher sequence number (newer)")
    date_from: date | None = None
    date_to: date | None = None
    actor: str = Field("", max_length=254, description="Actor's e-mail address, exact")
    action: str = Field("", max_length=64)
    object_type: str = Field("", max_length=64)
    object_ref: str = Field("", max_length=64)
    organisation: int | None = Field(None, description="Organisation id")


@router.get("", response=AuditPageOut, url_name="audit_list")
def audit_list(request: HttpRequest, query: Query[AuditQuery]) -> dict[str, Any]:
    """Org admins see their organisation's entries, system admins all; newest first, 50 per page."""
    user = api_user(request)
    check_may_browse_audit(user)
    data = query.dict(exclude={"before", "after"}, exclude_none=True)
    form = AuditFilterForm(data, user=user)
    if not form.is_valid():
        raise ValidationError(form.errors.as_data())
    page = audit_page(audit_entries_for(user, form.filters()), before=query.before, after=query.after)
    record_browse(
        user, form, paging="after" if query.after is not None else "before" if query.before else "first"
    )
    return {"items": page.entries, "older": page.older, "newer": page.newer}
