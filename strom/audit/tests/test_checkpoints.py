"""Signed checkpoints outside the database: a cut tail, a forged line, a lost file, a restore."""

from __future__ import annotations

import json
import multiprocessing
import os
import re
import shutil
import threading
from datetime import timedelta
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections
from django.db.models import Max
from django.test import override_settings
from django.utils import timezone

from strom.audit.apps import check_checkpoint_signing
from strom.audit.checkpoints import (
    CHECKPOINT,
    CHECKPOINT_ACTION,
    Checkpoint,
    Comparison,
    ReadCheckpoint,
    append_line,
    checkpoint_dir,
    verify_checkpoints,
)
from strom.audit.models import AuditEntry, AuditHead
from strom.audit.selectors import verify_chain
from strom.audit.services import audit_checkpoint, audit_record
from strom.crypto.signing import PUBLIC_KEYS_FILE, new_signing_key, signing_key, write_signing_key

pytestmark = pytest.mark.django_db


def _chain(n: int) -> list[AuditEntry]:
    return [
        audit_record(actor=None, action="test.write", object_type="thing", object_ref=i) for i in range(n)
    ]


def _cut_tail_and_rewind(keep: int) -> None:
    """What a database superuser can do: delete the newest entries and move the head back to match."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute("DELETE FROM audit_auditentry WHERE seq > %s", [keep])
        cursor.execute(
            "UPDATE audit_audithead SET seq = %s, hash = (SELECT hash FROM audit_auditentry WHERE seq = %s)",
            [keep, keep],
        )
        cursor.execute("SET LOCAL session_replication_role = origin")


def _verify(*args: str) -> tuple[int, str, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("audit", "verify", *args, stdout=out, stderr=err)
    except SystemExit as exc:
        return int(str(exc.code)), out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def _file() -> Path:
    files = sorted(checkpoint_dir().glob("checkpoints-*.jsonl"))
    assert len(files) == 1
    return files[0]


def _lines() -> list[dict[str, Any]]:
    return [json.loads(line) for line in _file().read_text(encoding="utf-8").splitlines()]


def _head_seq() -> int:
    return AuditHead.objects.get().seq


# --- the defect this closes -------------------------------------------------------------------------


def test_truncate_and_rewind_is_detected_and_the_gap_named() -> None:
    entries = _chain(6)
    written = audit_checkpoint()
    assert written is not None
    assert written.checkpoint.seq == entries[-1].seq
    keep = entries[2].seq
    _cut_tail_and_rewind(keep)

    # The chain alone cannot tell: the head agrees with what is left.
    assert verify_chain().intact
    code, out, err = _verify()
    assert code == 1
    assert out.startswith("Audit chain intact: ")
    assert re.search(
        rf"^Entries #{keep + 1} to #{entries[-1].seq} are missing: the checkpoint of \d{{4}}-\d\d-\d\d "
        rf"[\d:]+ \w+ \(checkpoints-\d{{4}}\.jsonl:1\) recorded the chain up to #{entries[-1].seq}, "
        rf"the database ends at #{keep}\.$",
        err,
        re.MULTILINE,
    ), err


def test_a_cut_tail_replaced_by_new_entries_is_named_too() -> None:
    entries = _chain(4)
    audit_checkpoint()
    _cut_tail_and_rewind(entries[1].seq)
    _chain(4)  # the numbers are used again, by other entries
    code, _out, err = _verify()
    assert code == 1
    assert f"Entry #{entries[-1].seq} does not match the checkpoint of " in err
    assert "it was changed or replaced." in err


def test_an_intact_chain_agrees_with_its_checkpoints() -> None:
    _chain(3)
    first = audit_checkpoint()
    _chain(2)
    second = audit_checkpoint()
    assert first is not None
    assert second is not None
    code, out, err = _verify()
    assert (code, err) == (0, "")
    assert f"Checkpoints agree with the chain: 2 checked, the newest of entry #{second.checkpoint.seq}" in out


def test_each_checkpoint_is_itself_recorded_in_the_chain() -> None:
    _chain(2)
    written = audit_checkpoint()
    assert written is not None
    entry = AuditEntry.objects.get(seq=written.checkpoint.seq + 1)
    assert (entry.action, entry.object_ref) == (CHECKPOINT_ACTION, str(written.checkpoint.seq))
    assert entry.details == {
        "type": CHECKPOINT,
        "seq": written.checkpoint.seq,
        "file": written.path.name,
        "kid": written.checkpoint.kid,
    }
    assert _head_seq() == entry.seq


# --- the file and its lines ------------------------------------------------------------------------


def test_a_checkpoint_line_holds_seq_hash_time_key_and_signature() -> None:
    entries = _chain(2)
    written = audit_checkpoint()
    assert written is not None
    (line,) = _lines()
    assert set(line) == {"v", "type", "seq", "hash", "at", "kid", "sig"}
    assert (line["seq"], line["hash"]) == (entries[-1].seq, entries[-1].hash)
    assert line["kid"] == signing_key().kid
    assert Path(settings.STROM_AUDIT_SIGNING_KEY_FILE_PATH).stat().st_mode & 0o777 == 0o600


def test_an_edited_checkpoint_line_fails_its_signature() -> None:
    entries = _chain(3)
    audit_checkpoint()
    path = _file()
    # Move the checkpoint back, as if the cut tail had never been checkpointed.
    edited = path.read_text(encoding="utf-8").replace(f'"seq":{entries[-1].seq},', f'"seq":{entries[0].seq},')
    assert edited != path.read_text(encoding="utf-8")
    path.write_text(edited, encoding="utf-8")
    code, _out, err = _verify()
    assert code == 1
    assert f"Line 1 of {path.name} has an invalid signature (forged or edited)." in err


def test_a_line_forged_with_another_key_is_refused_even_when_its_key_was_slipped_in() -> None:
    entries = _chain(2)
    audit_checkpoint()
    trusted = checkpoint_dir().parent / "pinned-public-keys.json"
    shutil.copy(checkpoint_dir() / PUBLIC_KEYS_FILE, trusted)
    forger = new_signing_key()
    forged = Checkpoint(type=CHECKPOINT, seq=entries[0].seq, hash=entries[0].hash, at=entries[0].at, kid="")
    append_line(_file(), forged.signed_by(forger).to_line())

    code, _out, err = _verify()
    assert code == 1
    assert (
        f"Line 2 of {_file().name} is signed with key {forger.kid}, which is not among the public keys."
        in err
    )

    # Whoever can write the checkpoint directory can list their own key there; the copy kept elsewhere
    # does not have it.
    keys = json.loads((checkpoint_dir() / PUBLIC_KEYS_FILE).read_text(encoding="utf-8"))
    keys["keys"][forger.kid] = {"public_key": forger.public_b64()}
    (checkpoint_dir() / PUBLIC_KEYS_FILE).write_text(json.dumps(keys), encoding="utf-8")
    assert _verify()[0] == 0
    code, _out, err = _verify("--public-keys", str(trusted))
    assert code == 1
    assert f"is signed with key {forger.kid}, which is not among the public keys." in err


def test_a_bad_line_and_a_cut_off_line_are_reported() -> None:
    _chain(2)
    audit_checkpoint()
    with _file().open("ab") as fh:
        fh.write(b"not json\n")
        fh.write(b'{"v":1,"type":"checkpoint","seq":')
    code, _out, err = _verify()
    assert code == 1
    assert f"Line 2 of {_file().name} is not a valid checkpoint." in err
    assert f"Line 3 of {_file().name} is cut off (the file was truncated or a write failed)." in err


def test_a_missing_checkpoint_file_is_reported() -> None:
    _chain(2)
    written = audit_checkpoint()
    assert written is not None
    written.path.unlink()
    code, _out, err = _verify()
    assert code == 1
    assert (
        f"The checkpoint file {written.path.name} is missing: "
        "the audit log records 1 checkpoint written to it since "
    ) in err


def test_lines_removed_from_the_file_are_reported() -> None:
    _chain(2)
    first = audit_checkpoint()
    _chain(1)
    audit_checkpoint()
    assert first is not None
    path = _file()
    path.write_text(path.read_text(encoding="utf-8").splitlines(keepends=True)[1], encoding="utf-8")
    code, _out, err = _verify()
    assert code == 1
    assert f"The checkpoint of entry #{first.checkpoint.seq} written at " in err
    assert f"is not in {path.name} (lines were removed, or the file was replaced)." in err


def test_a_copy_shipped_elsewhere_can_be_verified(tmp_path: Path) -> None:
    _chain(2)
    audit_checkpoint()
    shipped = tmp_path / "remote"
    shutil.copytree(checkpoint_dir(), shipped)
    assert _verify("--checkpoints", str(shipped))[0] == 0
    with pytest.raises(CommandError, match="is not a directory"):
        _verify("--checkpoints", str(tmp_path / "nowhere"))


# --- restore --------------------------------------------------------------------------------------


def _backup() -> tuple[list[tuple[Any, ...]], tuple[int, str]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM audit_auditentry ORDER BY seq")
        rows = cursor.fetchall()
    head = AuditHead.objects.get()
    return rows, (head.seq, head.hash)


def _restore(rows: list[tuple[Any, ...]], head: tuple[int, str]) -> None:
    """Put the audit tables back as they were at the backup, row for row, as pg_restore would."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute("DELETE FROM audit_auditentry")
        if rows:
            placeholders = ", ".join(["%s"] * len(rows[0]))
            # Only placeholders are formatted in; the values go as parameters.
            insert = f"INSERT INTO audit_auditentry VALUES ({placeholders})"  # noqa: S608
            cursor.executemany(insert, rows)
        cursor.execute("UPDATE audit_audithead SET seq = %s, hash = %s", list(head))
        cursor.execute("SET LOCAL session_replication_role = origin")


def test_a_restored_chain_verifies_with_the_checkpoints_of_its_backup(tmp_path: Path) -> None:
    _chain(3)
    audit_checkpoint()
    rows, head = _backup()
    saved = tmp_path / "backup-checkpoints"
    shutil.copytree(checkpoint_dir(), saved)

    _chain(3)
    audit_checkpoint()
    _restore(rows, head)
    shutil.rmtree(checkpoint_dir())
    shutil.copytree(saved, checkpoint_dir())

    code, out, err = _verify()
    assert (code, err) == (0, "")
    assert "Checkpoints agree with the chain: 1 checked" in out


def test_checkpoints_newer_than_the_backup_name_the_lost_tail_until_the_restore_is_recorded() -> None:
    _chain(3)
    audit_checkpoint()
    rows, head = _backup()
    lost = _chain(3)
    audit_checkpoint()
    _restore(rows, head)

    code, _out, err = _verify()
    assert code == 1
    assert f"Entries #{head[0] + 1} to #{lost[-1].seq} are missing" in err

    with pytest.raises(CommandError, match=r"Say why the chain was restored \(--reason\)\."):
        call_command("audit", "checkpoint", "--after-restore", stdout=StringIO())
    said = StringIO()
    call_command("audit", "checkpoint", "--after-restore", "--reason", "restored the backup", stdout=said)
    assert f"the checkpoints of entries #{lost[-1].seq} to #{lost[-1].seq} are given up" in said.getvalue()
    restore = AuditEntry.objects.order_by("-seq").first()
    assert restore is not None
    assert (restore.action, restore.reason) == ("audit.restore", "restored the backup")

    _chain(4)  # the numbers of the lost entries are used again
    audit_checkpoint()
    code, out, err = _verify()
    assert (code, err) == (0, "")
    assert (
        f"The checkpoints of entries #{lost[-1].seq} to #{lost[-1].seq} were given up by the restore" in out
    )

    with pytest.raises(CommandError, match="Every checkpoint agrees with the audit chain"):
        call_command("audit", "checkpoint", "--after-restore", "--reason", "again", stdout=StringIO())


# --- the worker -----------------------------------------------------------------------------------


def _worker_round() -> str:
    out = StringIO()
    call_command("worker", "--once", stdout=out)
    return out.getvalue()


@override_settings(STROM_AUDIT_CHECKPOINT_MINUTES=0)
def test_the_worker_checkpoints_when_the_chain_advanced_and_not_when_it_did_not() -> None:
    _chain(2)
    assert "Audit checkpoint of entry #" in _worker_round()
    assert len(_lines()) == 1
    # Its own record of the checkpoint is not progress: no second checkpoint, no endless loop.
    assert "Audit checkpoint: not due." in _worker_round()
    assert len(_lines()) == 1
    _chain(1)
    _worker_round()
    lines = _lines()
    assert len(lines) == 2
    assert lines[-1]["seq"] == AuditEntry.objects.filter(action="test.write").aggregate(m=Max("seq"))["m"]
    assert AuditEntry.objects.filter(action=CHECKPOINT_ACTION, channel="worker").count() == 2


@override_settings(STROM_AUDIT_CHECKPOINT_MINUTES=5)
def test_the_worker_waits_for_the_interval(monkeypatch: pytest.MonkeyPatch) -> None:
    _chain(1)
    _worker_round()
    _chain(1)
    assert "Audit checkpoint: not due." in _worker_round()
    assert len(_lines()) == 1
    later = AuditEntry.objects.get(action=CHECKPOINT_ACTION).at + timedelta(minutes=5, seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert "Audit checkpoint of entry #" in _worker_round()
    assert len(_lines()) == 2


def test_the_worker_says_why_a_checkpoint_failed(tmp_path: Path) -> None:
    _chain(1)
    blocked = tmp_path / "not-a-directory"
    blocked.write_text("", encoding="utf-8")
    err = StringIO()
    with override_settings(STROM_AUDIT_CHECKPOINT_DIR=str(blocked)), pytest.raises(SystemExit):
        call_command("worker", "--once", stdout=StringIO(), stderr=err)
    assert "Cannot write the audit checkpoint to " in err.getvalue()


# --- keys -----------------------------------------------------------------------------------------


def test_after_a_key_rotation_old_checkpoints_still_verify() -> None:
    _chain(1)
    old = audit_checkpoint()
    out = StringIO()
    call_command("audit", "signing-key", "--rotate", stdout=out)
    _chain(1)
    new = audit_checkpoint()
    assert old is not None
    assert new is not None
    assert old.checkpoint.kid != new.checkpoint.kid
    assert f"New signing key {new.checkpoint.kid} (was {old.checkpoint.kid})" in out.getvalue()
    code, out_text, err = _verify()
    assert (code, err) == (0, "")
    assert "2 checked" in out_text


def test_a_key_from_the_environment_is_rotated_into_a_new_file(tmp_path: Path) -> None:
    key = new_signing_key()
    with override_settings(STROM_AUDIT_SIGNING_KEY=key.to_text()):
        assert signing_key().kid == key.kid
        with pytest.raises(CommandError, match="STROM_AUDIT_SIGNING_KEY environment variable"):
            call_command("audit", "signing-key", "--rotate", stdout=StringIO())
        target = tmp_path / "next.key"
        call_command("audit", "signing-key", "--rotate", "--key-file", str(target), stdout=StringIO())
        assert target.stat().st_mode & 0o777 == 0o600
        assert signing_key().kid == key.kid  # nothing changes until the operator installs it


def test_production_never_makes_a_signing_key(tmp_path: Path) -> None:
    _chain(1)
    with (
        override_settings(PRODUCTION=True, STROM_AUDIT_SIGNING_KEY_FILE_PATH=str(tmp_path / "absent.key")),
        pytest.raises(
            ImproperlyConfigured, match="Set STROM_AUDIT_SIGNING_KEY or STROM_AUDIT_SIGNING_KEY_FILE"
        ),
    ):
        signing_key()
    with (
        override_settings(PRODUCTION=True, STROM_AUDIT_SIGNING_KEY_FILE_PATH=str(tmp_path / "absent.key")),
        pytest.raises(CommandError, match="The audit signing key is not available"),
    ):
        call_command("audit", "checkpoint", stdout=StringIO())
    assert not (tmp_path / "absent.key").exists()


# --- concurrent writers ---------------------------------------------------------------------------


def _append_many(path: str, writer: int, count: int) -> None:
    for i in range(count):
        # Lines of very different lengths, some far beyond a pipe buffer, to give interleaving a chance.
        body = "x" * ((writer * 7919 + i * 104729) % 70000)
        append_line(Path(path), (json.dumps({"writer": writer, "i": i, "body": body}) + "\n").encode())


def test_concurrent_appends_never_interleave_lines(tmp_path: Path) -> None:
    path = tmp_path / "checkpoints-2026.jsonl"
    context = multiprocessing.get_context("fork")
    workers = [context.Process(target=_append_many, args=(str(path), w, 40)) for w in range(4)]
    for process in workers:
        process.start()
    for process in workers:
        process.join(60)
        assert process.exitcode == 0
    lines = path.read_bytes().split(b"\n")
    assert lines[-1] == b""
    seen = {(item["writer"], item["i"]) for item in map(json.loads, lines[:-1])}
    assert len(lines) - 1 == len(seen) == 4 * 40


def test_an_append_after_a_cut_short_write_starts_on_a_fresh_line(tmp_path: Path) -> None:
    path = tmp_path / "checkpoints-2026.jsonl"
    path.write_bytes(b'{"half a')
    append_line(path, b'{"whole":1}\n')
    assert path.read_bytes() == b'{"half a\n{"whole":1}\n'


def test_checkpoints_are_compared_in_batches_and_long_lists_are_cut_short() -> None:
    seqs = []
    for _ in range(14):
        _chain(1)
        written = audit_checkpoint()
        assert written is not None
        seqs.append(written.checkpoint.seq)
    # Replace the entries under the first 13 checkpoints with others behind the triggers' back.
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute("UPDATE audit_auditentry SET hash = repeat('b', 64) WHERE seq = ANY(%s)", [seqs[:13]])
        cursor.execute("SET LOCAL session_replication_role = origin")
    report = verify_checkpoints(batch_size=3)
    assert report.checked == 14
    changed = [f for f in report.findings if "does not match the checkpoint" in f]
    assert len(changed) == 10
    assert changed[0].startswith(f"Entry #{seqs[0]} does not match the checkpoint of ")
    assert "… and 3 more like these." in report.findings


def test_a_first_production_key_is_made_with_create(tmp_path: Path) -> None:
    target = tmp_path / "etc" / "audit-signing.key"
    out = StringIO()
    call_command("audit", "signing-key", "--create", str(target), stdout=out)
    assert target.stat().st_mode & 0o777 == 0o600
    with override_settings(PRODUCTION=True, STROM_AUDIT_SIGNING_KEY_FILE_PATH=str(target)):
        kid = signing_key().kid
    assert f"Wrote the new signing key {kid} to {target}." in out.getvalue()
    with pytest.raises(CommandError, match="already exists; choose a new file"):
        call_command("audit", "signing-key", "--create", str(target), stdout=StringIO())


def test_the_deploy_check_wants_a_signing_key_and_a_writable_directory(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    with override_settings(
        PRODUCTION=True,
        STROM_AUDIT_SIGNING_KEY_FILE_PATH=str(tmp_path / "absent.key"),
        STROM_AUDIT_CHECKPOINT_DIR=str(locked / "audit-checkpoints"),
    ):
        ids = {message.id for message in check_checkpoint_signing()}
    # root may write anywhere; the key check holds regardless.
    assert "audit.E001" in ids
    assert ("audit.E002" in ids) == (not os.access(locked, os.W_OK))
    with override_settings(PRODUCTION=True):
        signing_key_path = Path(settings.STROM_AUDIT_SIGNING_KEY_FILE_PATH)
        write_signing_key(new_signing_key(), signing_key_path)
        assert check_checkpoint_signing() == []


@pytest.mark.django_db(transaction=True)
@override_settings(STROM_AUDIT_CHECKPOINT_MINUTES=0)
def test_two_workers_at_once_write_one_checkpoint() -> None:
    _chain(2)
    start = threading.Barrier(2)
    results: list[object] = []

    def round_() -> None:
        try:
            start.wait(10)
            results.append(audit_checkpoint(only_if_due=True))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=round_) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(result is None for result in results) == [False, True]
    assert len(_lines()) == 1
    assert AuditEntry.objects.filter(action=CHECKPOINT_ACTION).count() == 1


def test_a_checkpoint_written_while_verify_reads_is_not_taken_for_a_cut_tail() -> None:
    _chain(2)
    comparison = Comparison(batch_size=10)  # the chain's end is read here
    _chain(2)
    written = audit_checkpoint()
    assert written is not None
    assert written.checkpoint.seq > comparison.chain_end
    comparison.add(ReadCheckpoint(checkpoint=written.checkpoint, file=written.path.name, line=1, order=1))
    assert comparison.findings() == []
    assert comparison.lowest is None
