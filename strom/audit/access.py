"""Who may read the audit log: org admins their organisation's entries, system admins all."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q
from django.http import Http404

from strom.core.roles import Perm

if TYPE_CHECKING:
    from strom.accounts.models import User
    from strom.audit.models import AuditEntryQuerySet


def audit_entries_visible_to(user: User, qs: AuditEntryQuerySet) -> AuditEntryQuerySet:
    if not user.is_authenticated or not user.is_active:
        return qs.none()
    if user.has_global(Perm.AUDIT_VIEW_ALL):
        return qs
    org_ids = user.org_ids_with(Perm.AUDIT_VIEW_ORG)
    if not org_ids:
        return qs.none()
    # Entries without an organisation (log-ins, two-factor enrolment) belong to the person: the admins
    # of each organisation they work in see them. What a member did in another organisation stays there.
    from strom.accounts.models import Membership

    member_ids = Membership.objects.filter(organisation_id__in=org_ids).values("user_id")
    return qs.filter(
        Q(organisation_id__in=org_ids) | Q(organisation_id__isnull=True, actor_id__in=member_ids)
    )


def check_may_browse_audit(user: User) -> None:
    """Org admins and system admins browse the log; everyone else gets the same 404 as for a missing page."""
    if not user.is_authenticated or not user.is_active or not user.has_any(Perm.AUDIT_VIEW_ORG):
        raise Http404
