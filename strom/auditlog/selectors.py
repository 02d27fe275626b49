"""Browsing the audit log: the filtered, keyset-paginated lists for people."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from django.utils import timezone

from strom.audit.models import AuditEntry, AuditEntryQuerySet

if TYPE_CHECKING:
    from strom.accounts.models import User

PAGE_SIZE = 50


@dataclass(frozen=True)
class AuditFilters:
    date_from: date | None = None
    date_to: date | None = None
    actor: str = ""
    action: str = ""
    object_type: str = ""
    object_ref: str = ""
    organisation_id: int | None = None

    def used(self) -> list[str]:
        """Names of the filters in use, for the audit entry of the browsing itself (never their values)."""
        return [name for name, value in vars(self).items() if value not in (None, "")]


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def audit_entries_for(user: User, filters: AuditFilters) -> AuditEntryQuerySet:
    qs = AuditEntry.objects.visible_to(user)
    if filters.date_from:
        qs = qs.filter(at__gte=_day_start(filters.date_from))
    if filters.date_to:
        qs = qs.filter(at__lt=_day_start(filters.date_to + timedelta(days=1)))
    if filters.actor:
        qs = qs.filter(actor_label__iexact=filters.actor)
    if filters.action:
        qs = qs.filter(action=filters.action)
    if filters.object_type:
        qs = qs.filter(object_type=filters.object_type)
    if filters.object_ref:
        qs = qs.filter(object_ref=filters.object_ref)
    if filters.organisation_id is not None:
        qs = qs.filter(organisation_id=filters.organisation_id)
    return qs


@dataclass(frozen=True)
class AuditPage:
    entries: list[AuditEntry]
    older: int | None  # pass as ?before= for the next older page
    newer: int | None  # pass as ?after= for the next newer page


def audit_page(qs: AuditEntryQuerySet, *, before: int | None = None, after: int | None = None) -> AuditPage:
    """Keyset pagination on seq, newest first: no COUNT, no OFFSET, the same cost on every page."""
    if after is not None:
        rows = list(qs.filter(seq__gt=after).order_by("seq")[: PAGE_SIZE + 1])
        more_newer = len(rows) > PAGE_SIZE
        entries = list(reversed(rows[:PAGE_SIZE]))
        more_older = bool(entries) and qs.filter(seq__lt=entries[-1].seq).exists()
    else:
        page_qs = qs if before is None else qs.filter(seq__lt=before)
        rows = list(page_qs.order_by("-seq")[: PAGE_SIZE + 1])
        more_older = len(rows) > PAGE_SIZE
        entries = rows[:PAGE_SIZE]
        more_newer = before is not None and bool(entries) and qs.filter(seq__gt=entries[0].seq).exists()
    return AuditPage(
        entries=entries,
        older=entries[-1].seq if entries and more_older else None,
        newer=entries[0].seq if entries and more_newer else None,
    )
