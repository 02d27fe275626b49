"""Writing the audit log. Every write function calls `audit_record` inside its own transaction."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from strom.audit.models import AuditEntry, AuditHead
from strom.core.context import current_origin
from strom.crypto.keys import key_ring

if TYPE_CHECKING:
    from strom.accounts.models import User

GENESIS = "0" * 64

# Fields covered by the hash, in order. Changing this list invalidates every existing chain.
HASHED_FIELDS = (
    "seq",
    "at",
    "actor_id",
    "actor_label",
    "organisation_id",
    "action",
    "object_type",
    "object_ref",
    "channel",
    "ip",
    "request_id",
    "reason",
    "details",
    "prev_hash",
)


def _canonical(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(timezone.UTC).isoformat(timespec="microseconds")
    return value


def entry_hash(entry: AuditEntry, *, key: bytes | None = None) -> str:
    """HMAC over the canonical JSON of the entry; keyed, so the chain cannot be recomputed from the DB alone."""
    payload = json.dumps(
        {name: _canonical(getattr(entry, name)) for name in HASHED_FIELDS},
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
        default=str,
    )
    return hmac.new(key or key_ring().audit_key, payload.encode("utf-8"), hashlib.sha256).hexdigest()


def audit_record(
    *,
    actor: User | None,
    action: str,
    object_type: str = "",
    object_ref: str | int = "",
    organisation_id: int | None = None,
    reason: str = "",
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry to the chain.

    `details` must never contain personal data: record which fields changed, not their values.
    The head row is locked for the rest of the caller's transaction, which serialises writers so
    the chain has exactly one next link; keep auditing transactions short.
    """
    origin = current_origin()
    with transaction.atomic():
        head, _ = AuditHead.objects.select_for_update().get_or_create(id=1)
        entry = AuditEntry(
            seq=head.seq + 1,
            at=timezone.now(),
            actor_id=actor.pk if actor is not None and actor.pk else None,
            actor_label=actor.email if actor is not None and actor.pk else "",
            organisation_id=organisation_id,
            action=action,
            object_type=object_type,
            object_ref=str(object_ref),
            channel=origin.channel,
            ip=origin.ip,
            request_id=origin.request_id,
            reason=reason[:500],
            details=details or {},
            prev_hash=head.hash or GENESIS,
        )
        entry.hash = entry_hash(entry)
        entry.save(force_insert=True)
        head.seq = entry.seq
        head.hash = entry.hash
        head.save(update_fields=["seq", "hash"])
    return entry
