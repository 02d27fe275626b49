"""Reading the audit record: checking the chain."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from strom.audit.models import AuditEntry, AuditHead
from strom.audit.services import GENESIS, entry_hash
from strom.crypto.keys import key_ring

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
