from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse

from strom.accounts.http import AuthenticatedHttpRequest
from strom.accounts.selectors import display_names
from strom.audit.actions import action_label, channel_label, field_labels, object_type_label
from strom.audit.models import AuditEntry
from strom.auditlog.access import check_may_browse_audit
from strom.auditlog.forms import AuditFilterForm
from strom.auditlog.selectors import AuditPage, audit_entries_for, audit_page
from strom.auditlog.services import record_browse
from strom.core.htmx import render_htmx
from strom.core.numbers import whole_number
from strom.directory.models import Organisation

PAGING = ("before", "after")


def _position(request: HttpRequest, name: str) -> int | None:
    return whole_number(request.GET.get(name, ""))


def _fields(entry: AuditEntry) -> list[str]:
    fields = entry.details.get("fields") if isinstance(entry.details, dict) else None
    return [str(f) for f in fields] if isinstance(fields, list) else []


def _row(entry: AuditEntry, organisations: dict[int, Organisation], names: dict[int, str]) -> dict[str, Any]:
    return {
        "entry": entry,
        "organisation": organisations.get(entry.organisation_id or 0),
        "who": names.get(entry.actor_id or 0) or entry.actor_display,
        "action": action_label(entry.action),
        "object_type": object_type_label(entry.object_type),
        "channel": channel_label(entry.channel),
        "fields": field_labels(entry.object_type, _fields(entry)),
    }


@login_required
def audit_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    check_may_browse_audit(user)
    # Always bound: every filter is optional, so the first visit is simply "no filters".
    form = AuditFilterForm(request.GET, user=user)
    page = AuditPage(entries=[], older=None, newer=None)
    organisations: dict[int, Organisation] = {}
    names: dict[int, str] = {}
    if form.is_valid():
        before, after = _position(request, "before"), _position(request, "after")
        page = audit_page(audit_entries_for(user, form.filters()), before=before, after=after)
        org_ids = {e.organisation_id for e in page.entries if e.organisation_id is not None}
        organisations = Organisation.objects.in_bulk(org_ids)
        names = display_names({e.actor_id for e in page.entries if e.actor_id is not None})
        record_browse(user, form, paging="after" if after else "before" if before else "first")
    query = urlencode([(k, v) for k, v in request.GET.items() if k not in PAGING and v])
    context = {
        "form": form,
        "page": page,
        "rows": [_row(entry, organisations, names) for entry in page.entries],
        "query": query + "&" if query else "",
    }
    return render_htmx(request, "audit/list.html", "audit/_results.html", context)
