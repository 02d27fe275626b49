"""Writing the audit log. Every write function calls `audit_record` inside its own transaction.

Reads of personal data call `audit_read` once per page or API response: who looked at what, when,
from where and (when the caller knows it) why.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
from datetime import UTC, datetime
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


def _canonical(name: str, value: Any) -> Any:
    # The hash must come out the same for the entry as written and as read back from PostgreSQL,
    # which normalises time zones and IPv6 spellings on the way.
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat(timespec="microseconds")
    if name == "ip" and value:
        return str(ipaddress.ip_address(value))
    return value


def entry_hash(entry: AuditEntry, *, key: bytes | None = None, seq: int | None = None) -> str:
    """HMAC over the canonical JSON of the entry; keyed, so the chain cannot be recomputed from the DB alone.

    `seq` replaces the entry's own sequence number: `verify` uses it to recognise an entry that was
    moved to another place in the chain.
    """
    values = {name: _canonical(name, getattr(entry, name)) for name in HASHED_FIELDS}
    if seq is not None:
        values["seq"] = seq
    payload = json.dumps(values, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
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
    `reason` says why (a purpose the user gave, a legal basis); it is free text the user typed, so
    it must not be used for identifying data either.
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
            actor_label=(actor.email if actor is not None and actor.pk else "")[:254],
            organisation_id=organisation_id,
            action=action[:64],
            object_type=object_type[:64],
            object_ref=str(object_ref)[:64],
            channel=origin.channel[:16],
            ip=origin.ip,
            request_id=origin.request_id[:32],
            reason=reason.strip()[:500],
            details=details or {},
            prev_hash=head.hash or GENESIS,
        )
        entry.hash = entry_hash(entry)
        entry.save(force_insert=True)
        head.seq = entry.seq
        head.hash = entry.hash
        head.save(update_fields=["seq", "hash"])
    return entry


def audit_read(
    *,
    actor: User | None,
    object_type: str,
    object_ref: str | int,
    organisation_id: int | None,
    reason: str = "",
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    """Record that `actor` was shown personal data of one object (action "<type>.view").

    Call it once per page or API response that shows personal data, outside any long transaction:
    it takes the chain's head lock only for its own insert.
    """
    return audit_record(
        actor=actor,
        action=f"{object_type}.view",
        object_type=object_type,
        object_ref=object_ref,
        organisation_id=organisation_id,
        reason=reason,
        details=details,
    )
