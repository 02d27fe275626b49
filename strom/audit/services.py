"""Writing the audit log. Every write function calls `audit_record` inside its own transaction.

Reads of personal data call `audit_read` once per page or API response: who looked at what, when,
from where and (when the caller knows it) why.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import ipaddress
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from psycopg import ClientCursor

from strom.audit.actors import AUDIT_CHECKPOINT, KEYS, SystemActor
from strom.audit.checkpoints import (
    CHECKPOINT,
    CHECKPOINT_ACTION,
    RESTORE,
    RESTORE_ACTION,
    Checkpoint,
    CheckpointReport,
    append_line,
    checkpoint_dir,
    compare_with_chain,
    file_name_for,
)
from strom.audit.models import AuditEntry, AuditHead
from strom.core.context import current_origin
from strom.crypto.keys import key_ring
from strom.crypto.signing import (
    PUBLIC_KEYS_FILE,
    add_public_key,
    load_public_keys,
    new_signing_key,
    signing_key,
    signing_key_source,
    write_signing_key,
)

if TYPE_CHECKING:
    from django.db.backends.utils import CursorWrapper

    from strom.accounts.models import User

GENESIS = "0" * 64
CHECKPOINT_ACTIONS = (CHECKPOINT_ACTION, RESTORE_ACTION)

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
# Fields added later, hashed only when set: every entry written before them hashes as it always did.
HASHED_WHEN_SET = ("system_actor",)


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
    values |= {name: getattr(entry, name) for name in HASHED_WHEN_SET if getattr(entry, name)}
    if seq is not None:
        values["seq"] = seq
    payload = json.dumps(values, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hmac.new(key or key_ring().audit_key, payload.encode("utf-8"), hashlib.sha256).hexdigest()


def audit_record(
    *,
    actor: User | SystemActor | None,
    action: str,
    object_type: str = "",
    object_ref: str | int = "",
    organisation_id: int | None = None,
    reason: str = "",
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry to the chain.

    `actor` is the user who acted, or the named system job (strom.audit.actors); None only for a visitor
    nobody knows yet (a failed log-in, a password reset request).
    `details` must never contain personal data: record which fields changed, not their values.
    `reason` says why (a purpose the user gave, a legal basis); it is free text the user typed, so
    it must not be used for identifying data either.
    The head row is locked for the rest of the caller's transaction, which serialises writers so
    the chain has exactly one next link; keep auditing transactions short.
    """
    with transaction.atomic():
        return _append(
            actor=actor,
            action=action,
            object_type=object_type,
            object_ref=object_ref,
            organisation_id=organisation_id,
            reason=reason,
            details=details,
        )


def _new_entry(
    head_seq: int,
    head_hash: str,
    *,
    actor: User | SystemActor | None,
    action: str,
    object_type: str,
    object_ref: str | int,
    organisation_id: int | None,
    reason: str,
    details: dict[str, Any] | None,
) -> AuditEntry:
    """The entry that follows the head (seq, hash), its hash made; not yet saved."""
    origin = current_origin()
    system = actor.name if isinstance(actor, SystemActor) else ""
    user = actor if actor is not None and not isinstance(actor, SystemActor) and actor.pk else None
    entry = AuditEntry(
        seq=head_seq + 1,
        at=timezone.now(),
        actor_id=user.pk if user is not None else None,
        actor_label=(user.email if user is not None else "")[:254],
        system_actor=system,
        organisation_id=organisation_id,
        action=action[:64],
        object_type=object_type[:64],
        object_ref=str(object_ref)[:64],
        channel=origin.channel[:16],
        ip=origin.ip,
        request_id=origin.request_id[:32],
        reason=reason.strip()[:500],
        details=details or {},
        prev_hash=head_hash or GENESIS,
    )
    entry.hash = entry_hash(entry)
    return entry


def _append(**entry: Any) -> AuditEntry:
    """The insert itself; the caller holds a transaction, which locks the head until it ends."""
    head, _created = AuditHead.objects.select_for_update().get_or_create(id=1)
    made = _new_entry(head.seq, head.hash, **entry)
    made.save(force_insert=True)
    head.seq = made.seq
    head.hash = made.hash
    head.save(update_fields=["seq", "hash"])
    return made


# A read's append in two round trips instead of six (issue 13): the transaction's start, its asynchronous
# commit and the head's lock in one, the entry, the head's advance and the commit in the other. The head
# is locked for the hash and one round trip, not for four round trips. Both are sent as plain statements
# on a connection in autocommit (psycopg's client-side binding allows several statements with
# parameters), so no BEGIN or COMMIT of the driver's goes separately. The names come from the models.
_BEGIN_AND_LOCK = (
    "BEGIN; SET LOCAL synchronous_commit TO OFF; "  # noqa: S608
    f"SELECT seq, hash FROM {AuditHead._meta.db_table} WHERE id = 1 FOR UPDATE"
)
_ENTRY_COLUMNS = [f for f in AuditEntry._meta.concrete_fields if not f.primary_key]
_INSERT_ADVANCE_COMMIT = (
    f"WITH e AS (INSERT INTO {AuditEntry._meta.db_table} ({', '.join(f.column for f in _ENTRY_COLUMNS)})"  # noqa: S608
    f" VALUES ({', '.join(['%s'] * len(_ENTRY_COLUMNS))}) RETURNING id, seq, hash)"
    f" UPDATE {AuditHead._meta.db_table} AS h SET seq = e.seq, hash = e.hash FROM e WHERE h.id = 1"
    " RETURNING e.id; COMMIT"
)


def _multi_statement_cursor() -> CursorWrapper:
    """A cursor that binds parameters on the client, as a call of several statements needs.

    The connection's own cursors bind on the server, so PostgreSQL keeps each query's plan
    (strom/settings.py); a statement with server-side parameters must be a single one.
    """
    connection.ensure_connection()
    # Wrapped as Django wraps its own cursors, so the statements are counted and logged alike (the
    # stubs type the argument as a wrapper; Django passes the driver's cursor, as here).
    wrap = connection.make_debug_cursor if connection.queries_logged else connection.make_cursor
    return wrap(ClientCursor(connection.connection))  # type: ignore[arg-type]


def _append_read(**entry: Any) -> AuditEntry:
    """A read entry in a transaction of its own that does not wait for the disk at commit.

    Every page showing personal data appends one, and the head stays locked until the commit: with a
    synchronous commit each one held it for a disk flush, and all reads in the system queued behind it.
    PostgreSQL's asynchronous commit releases it at once and writes the entry with the next flush of
    its write-ahead log, within 3 x wal_writer_delay (600 ms by default). Only a crash of PostgreSQL
    itself inside that window can lose entries, and only the newest ones: any later synchronous
    commit (every change of data is one) flushes them first, so the chain never has a gap.
    A read recorded inside a caller's transaction changes nothing about that transaction's commit.
    """
    if connection.in_atomic_block or not connection.get_autocommit():
        with transaction.atomic():
            return _append(**entry)
    with _multi_statement_cursor() as cursor:
        try:
            cursor.execute(_BEGIN_AND_LOCK)
            while cursor.description is None and cursor.nextset():
                pass  # past BEGIN and SET to the head's row
            head = cursor.fetchone()
            if head is None:  # the very first entry: the head row is made with it
                cursor.execute("ROLLBACK")
                with transaction.atomic():
                    return _append(**entry)
            made = _new_entry(head[0], head[1], **entry)
            values = [f.get_db_prep_save(getattr(made, f.attname), connection) for f in _ENTRY_COLUMNS]
            cursor.execute(_INSERT_ADVANCE_COMMIT, values)
            (made.pk,) = cursor.fetchone() or (None,)
        except BaseException:
            # Nothing half-done stays open: the entry and the head's advance go together or not at all.
            # (A connection that broke has nothing left to roll back.)
            with contextlib.suppress(DatabaseError):
                cursor.execute("ROLLBACK")
            raise
    made._state.adding = False
    return made


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
    return _append_read(
        actor=actor,
        action=f"{object_type}.view",
        object_type=object_type,
        object_ref=object_ref,
        organisation_id=organisation_id,
        reason=reason,
        details=details,
    )


# --- checkpoints outside the database (strom/audit/checkpoints.py) --------------------------------------


class CheckpointError(Exception):
    """A checkpoint could not be written; the message is translated and says what to do."""


@dataclass(frozen=True)
class CheckpointWritten:
    checkpoint: Checkpoint
    path: Path
    entry: AuditEntry


def _last_checkpoint_record() -> AuditEntry | None:
    return AuditEntry.objects.filter(action__in=CHECKPOINT_ACTIONS).order_by("-seq").first()


def _checkpoint_due(now: datetime) -> bool:
    """Due when the interval has passed since the last checkpoint and an entry of substance came since.

    The entries that record checkpoints do not count as progress: otherwise every checkpoint's own
    record would call for the next one, for ever.
    """
    last = _last_checkpoint_record()
    if last is None:
        return True
    if last.at > now - timedelta(minutes=settings.STROM_AUDIT_CHECKPOINT_MINUTES):
        return False
    covered = int(last.details.get("seq", 0))
    return AuditEntry.objects.filter(seq__gt=covered).exclude(action__in=CHECKPOINT_ACTIONS).exists()


def _write_checkpoint(checkpoint: Checkpoint, *, action: str, reason: str = "") -> CheckpointWritten:
    """Sign, append and fsync the line, then record it; the caller holds the head lock.

    The line is written before the recording entry commits: if the commit fails, the file holds one
    more checkpoint of an entry that exists, which is harmless; the other order could leave a record
    of a checkpoint that is in no file.
    """
    directory = checkpoint_dir()
    path = directory / file_name_for(checkpoint.at)
    try:
        key = signing_key()
        add_public_key(directory / PUBLIC_KEYS_FILE, key)
        signed = checkpoint.signed_by(key)
        append_line(path, signed.to_line())
    except ImproperlyConfigured as exc:
        raise CheckpointError(
            _("The audit signing key is not available: %(error)s") % {"error": str(exc)}
        ) from exc
    except OSError as exc:
        raise CheckpointError(
            _("Cannot write the audit checkpoint to %(path)s (%(error)s).")
            % {"path": path, "error": exc.strerror or str(exc)}
        ) from exc
    details: dict[str, Any] = {"type": signed.type, "seq": signed.seq, "file": path.name, "kid": signed.kid}
    if signed.type == RESTORE:
        details |= {"lost_from": signed.lost_from, "lost_to": signed.lost_to}
    entry = audit_record(
        actor=AUDIT_CHECKPOINT,
        action=action,
        object_type="audit_checkpoint",
        object_ref=signed.seq,
        reason=reason,
        details=details,
    )
    return CheckpointWritten(checkpoint=signed, path=path, entry=entry)


def audit_checkpoint(*, only_if_due: bool = False) -> CheckpointWritten | None:
    """Sign the chain's head and append it to the checkpoint file; None when there is nothing to do.

    `only_if_due` is the worker's round: skip unless STROM_AUDIT_CHECKPOINT_MINUTES have passed since
    the last checkpoint and the chain has advanced. The head stays locked until the recording entry
    commits, so concurrent workers write one checkpoint, not two.
    """
    with transaction.atomic():
        head, _created = AuditHead.objects.select_for_update().get_or_create(id=1)
        if head.seq == 0:
            return None
        now = timezone.now()
        if only_if_due and not _checkpoint_due(now):
            return None
        checkpoint = Checkpoint(type=CHECKPOINT, seq=head.seq, hash=head.hash, at=now, kid="")
        return _write_checkpoint(checkpoint, action=CHECKPOINT_ACTION)


def audit_checkpoint_after_restore(*, reason: str) -> CheckpointWritten:
    """Record that the chain was restored from a backup and give up the checkpoints of the lost tail.

    Checkpoints written after the backup name entries the restore took away; `verify` reports them
    until this signed restore line (and its audit entry) says they were lost on purpose, by whom, why.
    """
    reason = reason.strip()
    if not reason:
        raise CheckpointError(_("Say why the chain was restored (--reason)."))
    with transaction.atomic():
        head, _created = AuditHead.objects.select_for_update().get_or_create(id=1)
        directory = checkpoint_dir()
        keys = load_public_keys(directory / PUBLIC_KEYS_FILE)
        comparison, _in_files = compare_with_chain(directory, keys, CheckpointReport())
        if comparison.lowest is None or comparison.highest is None:
            raise CheckpointError(
                _("Every checkpoint agrees with the audit chain: no entries were lost, nothing to record.")
            )
        checkpoint = Checkpoint(
            type=RESTORE,
            seq=head.seq,
            hash=head.hash,
            at=timezone.now(),
            kid="",
            lost_from=comparison.lowest,
            lost_to=comparison.highest,
        )
        return _write_checkpoint(checkpoint, action=RESTORE_ACTION, reason=reason)


@dataclass(frozen=True)
class SigningKeyRotated:
    previous: str
    new: str
    # Where the new private key went: the live key file, or a new file for the operator to install.
    path: Path
    installed: bool


def audit_signing_key_rotate(*, key_file: Path | None = None) -> SigningKeyRotated:
    """Make a new checkpoint signing key; both public keys stay listed, so old checkpoints still verify.

    A key from a file is replaced in place (atomically, 0600). A key from STROM_AUDIT_SIGNING_KEY cannot
    be changed from here: the new key is written to `key_file` for the operator to install.
    """
    source = signing_key_source()
    if source.path is None and key_file is None:
        raise CheckpointError(
            _(
                "The signing key comes from the STROM_AUDIT_SIGNING_KEY environment variable, which this "
                "command cannot change. Run `strom audit signing-key --rotate --key-file PATH`."
            )
        )
    if source.path is not None and key_file is not None:
        raise CheckpointError(
            _("--key-file is only for a signing key that comes from STROM_AUDIT_SIGNING_KEY.")
        )
    target = key_file or source.path
    assert target is not None
    if key_file is not None and key_file.exists():
        raise CheckpointError(_("%(path)s already exists; choose a new file.") % {"path": key_file})
    try:
        old, new = signing_key(), new_signing_key()
        public_keys = checkpoint_dir() / PUBLIC_KEYS_FILE
        # Listed before the first line it signs, so no checkpoint is ever signed by an unlisted key.
        add_public_key(public_keys, old)
        add_public_key(public_keys, new)
        write_signing_key(new, target)
    except ImproperlyConfigured as exc:
        raise CheckpointError(
            _("The audit signing key is not available: %(error)s") % {"error": str(exc)}
        ) from exc
    except OSError as exc:
        raise CheckpointError(
            _("Cannot write the signing key file %(path)s (%(error)s).")
            % {"path": target, "error": exc.strerror or str(exc)}
        ) from exc
    installed = key_file is None
    audit_record(
        actor=KEYS,
        action="audit.signing_key.rotate",
        object_type="signing_key",
        object_ref=new.kid,
        details={"previous": old.kid, "installed": installed},
    )
    return SigningKeyRotated(previous=old.kid, new=new.kid, path=target, installed=installed)
