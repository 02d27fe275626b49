"""`strom backup` and its container: chunks, keys, what a failed run leaves."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from pytest_django import DjangoDbBlocker

from strom.crypto.keys import key_ring
from strom.ops import archive, pg
from strom.ops.backup import BackupError, create_backup
from strom.ops.backup_keys import BackupKeyError, private_key, public_key
from strom.ops.models import BackupResult, BackupRun
from strom.ops.tests.support import Site, using_database


@pytest.fixture
def dev_keys(tmp_path: Path) -> Iterator[Path]:
    var = tmp_path / "var"
    with override_settings(VAR_DIR=var, STROM_BACKUP_KEY_FILE=str(var / "backup-key.pub.pem")):
        yield var


def _part(directory: Path, data: bytes) -> archive.PartSummary:
    writer = archive.PartWriter(directory, "part", public_key(), "b1")
    for start in range(0, len(data), 1000):
        writer.write(data[start : start + 1000])
    writer.close()
    return writer.summary


def _read(directory: Path, chunks: int) -> bytes:
    return b"".join(
        archive.read_part(directory, "part", key=private_key(None), backup_id="b1", chunks=chunks)
    )


def test_a_part_is_cut_into_chunks_and_read_back_whole(
    dev_keys: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(archive, "CHUNK_BYTES", 4096)
    data = bytes(range(256)) * 70  # 17920 bytes: four full chunks and a short one
    summary = _part(tmp_path, data)
    assert summary.chunks == 5
    assert summary.bytes == len(data)
    assert _read(tmp_path, 5) == data
    assert (tmp_path / "part.000000.jwe").stat().st_mode & 0o777 == 0o600


def test_an_empty_part_is_one_empty_last_chunk(dev_keys: Path, tmp_path: Path) -> None:
    assert _part(tmp_path, b"").chunks == 1
    assert _read(tmp_path, 1) == b""


def test_swapped_dropped_or_added_chunks_are_found(
    dev_keys: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(archive, "CHUNK_BYTES", 1024)
    _part(tmp_path, b"x" * 3000)  # three chunks
    first, second = tmp_path / "part.000000.jwe", tmp_path / "part.000001.jwe"
    a, b = first.read_bytes(), second.read_bytes()
    first.write_bytes(b)
    second.write_bytes(a)
    with pytest.raises(archive.BackupDamaged, match="not in its place"):
        _read(tmp_path, 3)
    first.write_bytes(a)
    second.write_bytes(b)
    # The manifest says two chunks, the directory has three: the second is not marked as the last.
    with pytest.raises(archive.BackupDamaged, match="not in its place"):
        _read(tmp_path, 2)
    (tmp_path / "part.000003.jwe").write_bytes(a)
    with pytest.raises(archive.BackupDamaged, match="mixes backups"):
        _read(tmp_path, 3)


def test_the_development_key_pair_is_made_once(dev_keys: Path) -> None:
    key = public_key()
    assert (dev_keys / "backup-key.pem").stat().st_mode & 0o777 == 0o600
    assert public_key().thumbprint == key.thumbprint == private_key(None).thumbprint


def test_production_needs_the_operators_key(dev_keys: Path) -> None:
    with override_settings(PRODUCTION=True):
        with pytest.raises(BackupKeyError, match="does not exist"):
            public_key()
        with pytest.raises(BackupKeyError, match="--key"):
            private_key(None)
    assert not (dev_keys / "backup-key.pem").exists()


def test_production_refuses_a_private_key_on_the_server(dev_keys: Path) -> None:
    public_key()  # makes the development pair
    with (
        override_settings(PRODUCTION=True, STROM_BACKUP_KEY_FILE=str(dev_keys / "backup-key.pem")),
        pytest.raises(BackupKeyError, match="holds a private key"),
    ):
        public_key()


def test_a_weak_rsa_key_is_refused(dev_keys: Path, tmp_path: Path) -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    weak = tmp_path / "weak.pem"
    weak.write_bytes(
        rsa.generate_private_key(public_exponent=65537, key_size=2048)
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    with override_settings(STROM_BACKUP_KEY_FILE=str(weak)), pytest.raises(BackupKeyError, match="3072"):
        public_key()


def test_backup_refuses_a_directory_that_is_not_empty(dev_keys: Path, tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "something").write_text("x")
    with pytest.raises(BackupError, match="not an empty directory"):
        create_backup(tmp_path / "out")
    with pytest.raises(CommandError, match="not an empty directory"):
        call_command("backup", "--out", str(tmp_path / "out"))


@pytest.mark.django_db
def test_the_backup_holds_no_field_keys_and_says_what_it_holds(site: Site) -> None:
    names = sorted(p.name for p in site.backup.iterdir())
    assert names[0] == archive.INDEX_NAME
    assert archive.MANIFEST_NAME in names
    index = json.loads((site.backup / archive.INDEX_NAME).read_text())
    assert set(index) == {"format", "format_version", "backup_id", "created", "strom_version", "key"}
    with override_settings(VAR_DIR=site.var):
        data, _meta = archive.decrypt(
            (site.backup / archive.MANIFEST_NAME).read_bytes(), key=private_key(None), what="manifest"
        )
    manifest = json.loads(data)
    assert manifest["database"]["tables"]["public.cases_person"] >= 1
    ring = key_ring()
    secrets = [base64.b64encode(k) for k in [*ring.keys.values(), ring.blind_index_key, ring.audit_key]]
    with override_settings(VAR_DIR=site.var):
        for part, summary in manifest["parts"].items():
            plain = b"".join(
                archive.read_part(
                    site.backup,
                    part,
                    key=private_key(None),
                    backup_id=index["backup_id"],
                    chunks=summary["chunks"],
                )
            )
            assert not any(secret in plain for secret in secrets), part
    assert manifest["files"]["checkpoints"]
    assert all(len(entry["sha256"]) == 64 for entry in manifest["files"]["media"].values())


@pytest.mark.django_db(transaction=True)
def test_a_failed_backup_leaves_no_half_backup_and_is_recorded(
    site: Site, django_db_blocker: DjangoDbBlocker, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_pg_dump(name: str, *, at_least: int) -> Path:
        raise pg.ToolMissing(f"No {name} of PostgreSQL {at_least} or newer was found.")

    monkeypatch.setattr(pg, "find_program", no_pg_dump)
    with (
        django_db_blocker.unblock(),
        using_database(site.source),
        override_settings(VAR_DIR=site.var, STROM_BACKUP_KEY_FILE=str(site.var / "backup-key.pub.pem")),
    ):
        with pytest.raises(pg.ToolMissing):
            create_backup(tmp_path / "out")
        assert list((tmp_path / "out").iterdir()) == []
        run = BackupRun.objects.order_by("-started_at").first()
        assert run is not None
        assert run.result == BackupResult.FAILED
        assert "No pg_dump" in run.error
