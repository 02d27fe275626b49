"""Reading the audit log: checking the chain, and the filtered, keyset-paginated lists for people."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from strom.audit.models import AuditEntry, AuditEntryQuerySet, AuditHead
from strom.audit.services import GENESIS, entry_hash
from strom.crypto.keys import key_ring

if TYPE_CHECKING:
    from strom.accounts.models import User

# How far from its place `verify` looks for a moved entry before calling it modified. Every try is
# one HMAC; this only runs once, at the first broken entry.
REORDER_WINDOW = 1000


@dataclass(frozen=True)
class ChainReport:
    intact: bool
    entries: int
    message: str
    last: AuditEntry | None = None
    problem_seq: int | None = None


def _when(value: datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S %Z")


def _moved_from(entry: AuditEntry, key: bytes) -> int | None:
    """The sequence number this entry's hash was made for, if it is a nearby one: the entry was moved."""
    low = max(1, entry.seq - REORDER_WINDOW)
    for seq in range(low, entry.seq + REORDER_WINDOW + 1):
        if seq != entry.seq and entry_hash(entry, key=key, seq=seq) == entry.hash:
            return seq
    return None


def verify_chain(*, chunk_size: int = 2000) -> ChainReport:
    """Recompute every entry's HMAC and link, in sequence order, in constant memory.

    Stops at the first problem and names it. Entries appended while it runs (after the head it read
    first) are left for the next run.
    """
    head = AuditHead.objects.filter(id=1).first()
    head_seq, head_hash = (head.seq, head.hash) if head else (0, "")
    key = key_ring().audit_key

    def broken(message: str, seq: int | None) -> ChainReport:
        return ChainReport(intact=False, entries=count, message=message, problem_seq=seq)

    count = 0
    expected = 1
    prev_hash = GENESIS
    last: AuditEntry | None = None
    entries = AuditEntry.objects.filter(seq__lte=head_seq).order_by("seq")
    for entry in entries.iterator(chunk_size=chunk_size):
        if entry.seq != expected:
            return broken(_("Entry #%(seq)d is missing (deleted)") % {"seq": expected}, expected)
        if entry_hash(entry, key=key) != entry.hash:
            moved = _moved_from(entry, key)
            if moved is not None:
                first, second = sorted((entry.seq, moved))
                return broken(
                    _("Entries #%(first)d/#%(second)d are out of order (reordered)")
                    % {"first": first, "second": second},
                    entry.seq,
                )
            return broken(_("Entry #%(seq)d was modified") % {"seq": entry.seq}, entry.seq)
        if entry.prev_hash != prev_hash:
            return broken(
                _("Entry #%(seq)d does not link to entry #%(prev)d (chain broken)")
                % {"seq": entry.seq, "prev": entry.seq - 1},
                entry.seq,
            )
        count += 1
        expected += 1
        prev_hash = entry.hash
        last = entry

    last_seq = last.seq if last else 0
    if last_seq < head_seq:
        return broken(
            _("Entries after #%(last)d were deleted (head says #%(head)d)")
            % {"last": last_seq, "head": head_seq},
            last_seq + 1,
        )
    if last is not None and last.hash != head_hash:
        return broken(_("Entry #%(seq)d does not match the head") % {"seq": last.seq}, last.seq)
    # Read the highest entry before the head again: an entry committed by then moved the head with it.
    highest = AuditEntry.objects.aggregate(m=Max("seq"))["m"] or 0
    head_now = AuditHead.objects.filter(id=1).values_list("seq", flat=True).first() or 0
    if highest > head_now:
        return broken(
            _("Entries after #%(head)d are not recorded in the head") % {"head": head_now}, head_now + 1
        )

    if last is None:
        return ChainReport(intact=True, entries=0, message=_("Audit chain intact: no entries yet"))
    return ChainReport(
        intact=True,
        entries=count,
        last=last,
        message=_("Audit chain intact: %(count)d entries, last #%(seq)d at %(time)s")
        % {"count": count, "seq": last.seq, "time": _when(last.at)},
    )


# --- browsing ---------------------------------------------------------------------------------------

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
