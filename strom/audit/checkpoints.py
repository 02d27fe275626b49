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
    # Position over all files in reading order: a restore line applies to the lines before it.
    order: int

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"


class Capped:
    """Messages of one kind: the first MAX_LISTED kept, the rest only counted."""

    def __init__(self) -> None:
        self.kept: list[str] = []
        self.count = 0

    def append(self, message: str) -> None:
        self.count += 1
        if len(self.kept) < MAX_LISTED:
            self.kept.append(message)

    def lines(self) -> list[str]:
        rest = self.count - len(self.kept)
        if not rest:
            return list(self.kept)
        more = ngettext("… and %(count)d more like this.", "… and %(count)d more like these.", rest)
        return [*self.kept, more % {"count": rest}]


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


def checkpoint_files(directory: Path) -> list[Path]:
    return sorted(directory.glob(FILE_GLOB)) if directory.is_dir() else []


def _check_line(
    name: str, number: int, raw: bytes, complete: bool, keys: dict[str, Ed25519PublicKey]
) -> Checkpoint | str:
    """The checkpoint on a line whose signature holds, or what is wrong with the line."""
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
    return checkpoint


def iter_checkpoints(
    directory: Path, keys: dict[str, Ed25519PublicKey], findings: Capped, *, only_restores: bool = False
) -> Iterator[ReadCheckpoint]:
    """Every checkpoint whose signature holds, in file order, one line in memory at a time.

    Every line that fails goes to `findings`. `only_restores` skips, without parsing, the lines that
    cannot be restore lines.
    """
    order = 0
    for path in checkpoint_files(directory):
        try:
            with path.open("rb") as fh:
                for number, raw in enumerate(fh, start=1):
                    order += 1
                    if only_restores and b'"type":"restore"' not in raw:
                        continue
                    checked = _check_line(path.name, number, raw.rstrip(b"\n"), raw.endswith(b"\n"), keys)
                    if isinstance(checked, str):
                        findings.append(checked)
                    else:
                        yield ReadCheckpoint(checkpoint=checked, file=path.name, line=number, order=order)
        except OSError as exc:
            findings.append(
                _("The checkpoint file %(file)s cannot be read (%(error)s).")
                % {"file": path.name, "error": exc.strerror}
            )


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


def _restores(directory: Path, keys: dict[str, Ed25519PublicKey], notes: list[str]) -> list[ReadCheckpoint]:
    restores = list(iter_checkpoints(directory, keys, Capped(), only_restores=True))
    for item in restores:
        cp = item.checkpoint
        notes.append(
            _(
                "The checkpoints of entries #%(first)d to #%(last)d were given up by the restore "
                "recorded at %(time)s (%(where)s)."
            )
            % {"first": cp.lost_from, "last": cp.lost_to, "time": cp.when, "where": item.where}
        )
    return restores


def _superseded(item: ReadCheckpoint, restores: list[ReadCheckpoint]) -> bool:
    """Given up by a restore line written after it."""
    return any(r.order > item.order and r.checkpoint.lost_from <= item.checkpoint.seq for r in restores)


def _chain_end() -> int:
    end: int | None = AuditEntry.objects.aggregate(m=Max("seq"))["m"]
    return end or 0


class Comparison:
    """The chain against the checkpoints that still apply, in batches: constant memory."""

    def __init__(self, batch_size: int) -> None:
        self.batch_size = max(1, batch_size)
        self.chain_end = _chain_end()
        # Beyond the chain's end when read; looked at again at the end, since the chain grows meanwhile.
        self._ahead: list[ReadCheckpoint] = []
        self.problems = Capped()
        # The sequence numbers of the lowest and highest checkpoint the chain disagrees with.
        self.lowest: int | None = None
        self.highest: int | None = None
        self._batch: list[ReadCheckpoint] = []

    def _disagrees(self, seq: int) -> None:
        self.lowest = seq if self.lowest is None else min(self.lowest, seq)
        self.highest = seq if self.highest is None else max(self.highest, seq)

    def add(self, item: ReadCheckpoint) -> None:
        if item.checkpoint.seq > self.chain_end:
            self._ahead.append(item)
            return
        self._batch.append(item)
        if len(self._batch) >= self.batch_size:
            self.flush()

    def flush(self) -> None:
        seqs = {c.checkpoint.seq for c in self._batch}
        stored = dict(AuditEntry.objects.filter(seq__in=seqs).values_list("seq", "hash"))
        for item in self._batch:
            cp = item.checkpoint
            values = {"seq": cp.seq, "time": cp.when, "where": item.where}
            if cp.seq not in stored:
                self._disagrees(cp.seq)
                self.problems.append(
                    _("Entry #%(seq)d is missing: the checkpoint of %(time)s (%(where)s) recorded it.")
                    % values
                )
            elif stored[cp.seq] != cp.hash:
                self._disagrees(cp.seq)
                self.problems.append(
                    _(
                        "Entry #%(seq)d does not match the checkpoint of %(time)s (%(where)s): "
                        "it was changed or replaced."
                    )
                    % values
                )
        self._batch = []

    def findings(self) -> list[str]:
        """Finish the comparison. A checkpoint still beyond the chain's end, read now, names a cut tail."""
        self.flush()
        self.chain_end = _chain_end()
        ahead, self._ahead = self._ahead, []
        for item in ahead:
            if item.checkpoint.seq <= self.chain_end:
                self._batch.append(item)
            else:
                self._disagrees(item.checkpoint.seq)
        self.flush()
        gone = [item for item in ahead if item.checkpoint.seq > self.chain_end]
        if not gone:
            return self.problems.lines()
        newest = max(gone, key=lambda c: (c.checkpoint.seq, c.checkpoint.at))
        first, last = self.chain_end + 1, newest.checkpoint.seq
        gap = ngettext(
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
            "end": self.chain_end,
        }
        return [gap, *self.problems.lines()]


def compare_with_chain(
    directory: Path, keys: dict[str, Ed25519PublicKey], report: CheckpointReport, *, batch_size: int = 1000
) -> tuple[Comparison, set[tuple[str, int, str]]]:
    """Read the files twice (restore lines first, then everything) and compare the chain with them.

    Returns the comparison and which checkpoints each file holds, for the cross-check with the chain's
    own records of them.
    """
    restores = _restores(directory, keys, report.notes)
    comparison = Comparison(batch_size)
    line_findings = Capped()
    in_files: set[tuple[str, int, str]] = set()
    for item in iter_checkpoints(directory, keys, line_findings):
        cp = item.checkpoint
        in_files.add((item.file, cp.seq, cp.type))
        report.checked += 1
        if report.newest is None or cp.at > report.newest.at:
            report.newest = cp
        if not _superseded(item, restores):
            comparison.add(item)
    report.findings.extend(line_findings.lines())
    report.findings.extend(comparison.findings())
    return comparison, in_files


def _records_of_checkpoints(up_to: int) -> Iterator[tuple[int, datetime, dict[str, Any]]]:
    records = AuditEntry.objects.filter(action__in=[CHECKPOINT_ACTION, RESTORE_ACTION], seq__lte=up_to)
    yield from records.order_by("seq").values_list("seq", "at", "details").iterator(chunk_size=2000)


def _cross_check_records(
    in_files: set[tuple[str, int, str]], files: list[str], up_to: int, report: CheckpointReport
) -> int:
    """Every checkpoint the audit log says was written must be in its file: finds removed lines and files."""
    missing_files: dict[str, tuple[int, datetime]] = {}
    problems = Capped()
    recorded = 0
    for _seq, at, details in _records_of_checkpoints(up_to):
        recorded += 1
        name = str(details.get("file", ""))
        if (name, details.get("seq"), details.get("type", CHECKPOINT)) in in_files:
            continue
        if name not in files:
            count, first_at = missing_files.get(name, (0, at))
            missing_files[name] = (count + 1, first_at)
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
    report.findings.extend(problems.lines())
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
    report = CheckpointReport()
    files = [path.name for path in checkpoint_files(directory)]
    _comparison, in_files = compare_with_chain(directory, keys, report, batch_size=batch_size)
    recorded = _cross_check_records(in_files, files, up_to, report)
    if not files and not recorded:
        report.notes.append(_("No audit checkpoints yet."))
    return report
