"""Signed checkpoints: the audit chain anchored outside PostgreSQL.

A checkpoint says "the chain's entry #N had hash H at time T", signed with an Ed25519 key the
database does not hold (strom/crypto/signing.py). Checkpoints are appended, one JSON object a line,
to `checkpoints-<year>.jsonl` in STROM_AUDIT_CHECKPOINT_DIR, beside `public-keys.json`. Someone who
cuts entries from the end of the chain and moves the head back in the database cannot take back
the checkpoints that already named those entries, nor sign new ones.

A line of type "restore" is written by `strom audit checkpoint --after-restore`: it records, under
the same signature, that the chain was restored from a backup and that the earlier checkpoints of
entries #lost_from to #lost_to no longer apply. Writing either kind is itself an audit entry
(services.audit_checkpoint).

This module holds the file format, the append, and the reading; `verify_checkpoints` compares the
files with the chain.
"""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.conf import settings
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from strom.audit.models import AuditEntry
from strom.crypto.signing import PUBLIC_KEYS_FILE, SigningKey, load_public_keys, verify_signature

VERSION = 1
CHECKPOINT = "checkpoint"
RESTORE = "restore"
FILE_GLOB = "checkpoints-*.jsonl"
# Prefixed to what is signed, so a checkpoint signature can never be taken for any other signed thing.
DOMAIN = b"strom-audit-checkpoint\n"
CHECKPOINT_ACTION = "audit.checkpoint"
RESTORE_ACTION = "audit.restore"
# Findings of one kind beyond this many are counted, not listed.
MAX_LISTED = 10


def checkpoint_dir() -> Path:
    return Path(settings.STROM_AUDIT_CHECKPOINT_DIR)


def file_name_for(at: datetime) -> str:
    """One file a year keeps each file small enough to read and ship whole."""
    return f"checkpoints-{at.astimezone(UTC).year}.jsonl"


def _when(value: datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S %Z")


@dataclass(frozen=True)
class Checkpoint:
    type: str
    seq: int
    hash: str
    at: datetime
    kid: str
    sig: str = ""
    # Restore lines only: the range of earlier checkpoints the restore gave up.
    lost_from: int = 0
    lost_to: int = 0

    def signed_fields(self) -> dict[str, Any]:
        values: dict[str, Any] = {
            "v": VERSION,
            "type": self.type,
            "seq": self.seq,
            "hash": self.hash,
            "at": self.at.astimezone(UTC).isoformat(timespec="microseconds"),
            "kid": self.kid,
        }
        if self.type == RESTORE:
            values |= {"lost_from": self.lost_from, "lost_to": self.lost_to}
        return values

    def message(self) -> bytes:
        return DOMAIN + _canonical_json(self.signed_fields()).encode("utf-8")

    def signed_by(self, key: SigningKey) -> Checkpoint:
        unsigned = replace(self, kid=key.kid, sig="")
        return replace(unsigned, sig=key.sign(unsigned.message()))

    def to_line(self) -> bytes:
        return (_canonical_json({**self.signed_fields(), "sig": self.sig}) + "\n").encode("utf-8")

    @property
    def when(self) -> str:
        return _when(self.at)


def _canonical_json(values: dict[str, Any]) -> str:
    return json.dumps(values, sort_keys=True, ensure_ascii=True, separators=(",", ":"))


def append_line(path: Path, line: bytes) -> None:
    """Append one line with O_APPEND and fsync; a line is never interleaved with another writer's.

    The whole line goes out in one write() under an exclusive lock on the file. If an earlier write
    was cut short (disk full), the file does not end with a newline: start on a fresh line, so the
    broken fragment stays a line of its own that `verify` reports, and this line stays whole.
    """
    path.parent.mkdir(parents=True, mode=0o750, exist_ok=True)
    created = not path.exists()
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        size = os.fstat(fd).st_size
        if size and _last_byte(path, size) != b"\n":
            line = b"\n" + line
        written = os.write(fd, line)
        if written != len(line):
            raise OSError(f"short write to {path}: {written} of {len(line)} bytes")
        os.fsync(fd)
    finally:
        os.close(fd)
    if created:
        # The new file's name must survive a crash too, not only its content.
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def _last_byte(path: Path, size: int) -> bytes:
    with path.open("rb") as fh:
        fh.seek(size - 1)
        return fh.read(1)


# --- reading ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReadCheckpoint:
    checkpoint: Checkpoint
    file: str
    line: int

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass
class FileReading:
    checkpoints: list[ReadCheckpoint] = field(default_factory=list)
    findings: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)


def _parse(raw: bytes) -> Checkpoint | None:
    try:
        data = json.loads(raw)
        if (
            not isinstance(data, dict)
            or data.get("v") != VERSION
            or data.get("type") not in (CHECKPOINT, RESTORE)
        ):
            return None
        at = datetime.fromisoformat(str(data["at"]))
        if at.tzinfo is None:
            return None
        restore = data["type"] == RESTORE
        checkpoint = Checkpoint(
            type=str(data["type"]),
            seq=_int(data["seq"]),
            hash=str(data["hash"]),
            at=at,
            kid=str(data["kid"]),
            sig=str(data["sig"]),
            lost_from=_int(data["lost_from"]) if restore else 0,
            lost_to=_int(data["lost_to"]) if restore else 0,
        )
    except (ValueError, KeyError, TypeError):
        return None
    # Re-encode and compare: a line with fields the signature does not cover is not a checkpoint.
    return checkpoint if checkpoint.to_line().rstrip(b"\n") == raw else None


def _int(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError("not an integer")
    return value


def _lines(data: bytes) -> Iterator[tuple[int, bytes, bool]]:
    """(line number, content, complete) for every line; the last one is incomplete without a newline."""
    parts = data.split(b"\n")
    for number, raw in enumerate(parts, start=1):
        last = number == len(parts)
        if last and raw == b"":
            return
        yield number, raw, not last


def read_checkpoint_files(directory: Path, keys: dict[str, Ed25519PublicKey]) -> FileReading:
    """Every checkpoint whose signature holds, in file order, and a finding for every line that does not."""
    reading = FileReading()
    paths = sorted(directory.glob(FILE_GLOB)) if directory.is_dir() else []
    for path in paths:
        reading.files.append(path.name)
        try:
            data = path.read_bytes()
        except OSError as exc:
            reading.findings.append(
                _("The checkpoint file %(file)s cannot be read (%(error)s).")
                % {"file": path.name, "error": exc.strerror}
            )
            continue
        for number, raw, complete in _lines(data):
            finding = _line_finding(path.name, number, raw, complete, keys, reading)
            if finding:
                reading.findings.append(finding)
    return reading


def _line_finding(
    name: str,
    number: int,
    raw: bytes,
    complete: bool,
    keys: dict[str, Ed25519PublicKey],
    reading: FileReading,
) -> str:
    where = {"file": name, "line": number}
    if not complete:
        return _("Line %(line)d of %(file)s is cut off (the file was truncated or a write failed).") % where
    checkpoint = _parse(raw)
    if checkpoint is None:
        return _("Line %(line)d of %(file)s is not a valid checkpoint.") % where
    public = keys.get(checkpoint.kid)
    if public is None:
        return _(
            "Line %(line)d of %(file)s is signed with key %(kid)s, which is not among the public keys."
        ) % {**where, "kid": checkpoint.kid}
    if not verify_signature(public, checkpoint.sig, checkpoint.message()):
        return _("Line %(line)d of %(file)s has an invalid signature (forged or edited).") % where
    reading.checkpoints.append(ReadCheckpoint(checkpoint=checkpoint, file=name, line=number))
    return ""


# --- verifying against the chain --------------------------------------------------------------------


@dataclass
class CheckpointReport:
    findings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    checked: int = 0
    newest: Checkpoint | None = None

    @property
    def intact(self) -> bool:
        return not self.findings


def _capped(findings: list[str]) -> list[str]:
    if len(findings) <= MAX_LISTED:
        return findings
    rest = len(findings) - MAX_LISTED
    return [
        *findings[:MAX_LISTED],
        ngettext("… and %(count)d more like this.", "… and %(count)d more like these.", rest)
        % {"count": rest},
    ]


def apply_restores(checkpoints: list[ReadCheckpoint], notes: list[str]) -> list[ReadCheckpoint]:
    """Drop the checkpoints a later restore line gave up, and say so in `notes`."""
    effective: list[ReadCheckpoint] = []
    for item in checkpoints:
        cp = item.checkpoint
        if cp.type == RESTORE:
            effective = [e for e in effective if e.checkpoint.seq < cp.lost_from]
            notes.append(
                _(
                    "The checkpoints of entries #%(first)d to #%(last)d were given up by the restore "
                    "recorded at %(time)s (%(where)s)."
                )
                % {"first": cp.lost_from, "last": cp.lost_to, "time": cp.when, "where": item.where}
            )
        effective.append(item)
    return effective


def _batches(items: list[ReadCheckpoint], size: int) -> Iterator[list[ReadCheckpoint]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


@dataclass(frozen=True)
class Disagreement:
    """Checkpoints the chain no longer agrees with: those beyond its end, and those it contradicts."""

    chain_end: int
    ahead: list[ReadCheckpoint]
    missing: list[ReadCheckpoint]
    changed: list[ReadCheckpoint]

    @property
    def all(self) -> list[ReadCheckpoint]:
        return [*self.ahead, *self.missing, *self.changed]


def disagreement(checkpoints: list[ReadCheckpoint], *, batch_size: int = 1000) -> Disagreement:
    chain_end = AuditEntry.objects.aggregate(m=Max("seq"))["m"] or 0
    result = Disagreement(chain_end=chain_end, ahead=[], missing=[], changed=[])
    within: list[ReadCheckpoint] = []
    for item in checkpoints:
        (result.ahead if item.checkpoint.seq > chain_end else within).append(item)
    for batch in _batches(within, batch_size):
        seqs = {c.checkpoint.seq for c in batch}
        stored = dict(AuditEntry.objects.filter(seq__in=seqs).values_list("seq", "hash"))
        for item in batch:
            if item.checkpoint.seq not in stored:
                result.missing.append(item)
            elif stored[item.checkpoint.seq] != item.checkpoint.hash:
                result.changed.append(item)
    return result


def _gap_finding(found: Disagreement) -> str:
    newest = max(found.ahead, key=lambda c: (c.checkpoint.seq, c.checkpoint.at))
    first, last = found.chain_end + 1, newest.checkpoint.seq
    return ngettext(
        "Entry #%(first)d is missing: the checkpoint of %(time)s (%(where)s) recorded the chain "
        "up to #%(last)d, the database ends at #%(end)d.",
        "Entries #%(first)d to #%(last)d are missing: the checkpoint of %(time)s (%(where)s) "
        "recorded the chain up to #%(last)d, the database ends at #%(end)d.",
        last - first + 1,
    ) % {
        "first": first,
        "last": last,
        "time": newest.checkpoint.when,
        "where": newest.where,
        "end": found.chain_end,
    }


def _compare_with_chain(checkpoints: list[ReadCheckpoint], report: CheckpointReport, batch_size: int) -> None:
    found = disagreement(checkpoints, batch_size=batch_size)
    if found.ahead:
        report.findings.append(_gap_finding(found))
    problems: list[str] = []
    for item in sorted([*found.missing, *found.changed], key=lambda c: c.checkpoint.seq):
        values = {"seq": item.checkpoint.seq, "time": item.checkpoint.when, "where": item.where}
        if item in found.missing:
            problems.append(
                _("Entry #%(seq)d is missing: the checkpoint of %(time)s (%(where)s) recorded it.") % values
            )
        else:
            problems.append(
                _(
                    "Entry #%(seq)d does not match the checkpoint of %(time)s (%(where)s): "
                    "it was changed or replaced."
                )
                % values
            )
    report.findings.extend(_capped(problems))


def _records_of_checkpoints(up_to: int) -> Iterator[tuple[int, datetime, dict[str, Any]]]:
    records = AuditEntry.objects.filter(action__in=[CHECKPOINT_ACTION, RESTORE_ACTION], seq__lte=up_to)
    yield from records.order_by("seq").values_list("seq", "at", "details").iterator(chunk_size=2000)


def _cross_check_records(reading: FileReading, up_to: int, report: CheckpointReport) -> int:
    """Every checkpoint the audit log says was written must be in its file: finds removed lines and files."""
    in_files = {(c.file, c.checkpoint.seq, c.checkpoint.type) for c in reading.checkpoints}
    missing_files: dict[str, tuple[int, datetime]] = {}
    problems: list[str] = []
    recorded = 0
    for _seq, at, details in _records_of_checkpoints(up_to):
        recorded += 1
        name = str(details.get("file", ""))
        key = (name, details.get("seq"), details.get("type", CHECKPOINT))
        if key in in_files:
            continue
        if name not in reading.files:
            count, _first = missing_files.get(name, (0, at))
            missing_files[name] = (count + 1, at if count == 0 else _first)
            continue
        problems.append(
            _(
                "The checkpoint of entry #%(seq)s written at %(time)s is not in %(file)s "
                "(lines were removed, or the file was replaced)."
            )
            % {"seq": details.get("seq"), "time": _when(at), "file": name}
        )
    for name, (count, first_at) in missing_files.items():
        report.findings.append(
            ngettext(
                "The checkpoint file %(file)s is missing: the audit log records %(count)d checkpoint "
                "written to it since %(time)s.",
                "The checkpoint file %(file)s is missing: the audit log records %(count)d checkpoints "
                "written to it since %(time)s.",
                count,
            )
            % {"file": name or "?", "count": count, "time": _when(first_at)}
        )
    report.findings.extend(_capped(problems))
    return recorded


def verify_checkpoints(
    *, directory: Path | None = None, public_keys: Path | None = None, batch_size: int = 1000
) -> CheckpointReport:
    """Check every checkpoint's signature, the chain against them, and them against the chain's records.

    The highest entry is read before the files: a checkpoint is written before the audit entry that
    records it commits, so every record up to that entry has its line in the files read after.
    """
    directory = directory or checkpoint_dir()
    keys = load_public_keys(public_keys or directory / PUBLIC_KEYS_FILE)
    up_to = AuditEntry.objects.aggregate(m=Max("seq"))["m"] or 0
    reading = read_checkpoint_files(directory, keys)
    report = CheckpointReport(findings=_capped(reading.findings))
    effective = apply_restores(reading.checkpoints, report.notes)
    _compare_with_chain(effective, report, max(1, batch_size))
    recorded = _cross_check_records(reading, up_to, report)
    report.checked = len(reading.checkpoints)
    if reading.checkpoints:
        report.newest = max((c.checkpoint for c in reading.checkpoints), key=lambda c: c.at)
    elif not reading.files and not recorded:
        report.notes.append(_("No audit checkpoints yet."))
    return report
