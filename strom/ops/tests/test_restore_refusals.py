"""Every backup that cannot be restored whole is refused with its reason, before anything changes;
a restore that fails after it began is undone."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from pytest_django import DjangoDbBlocker

from strom.crypto.keys import new_key_ring, reload_key_ring
from strom.ops import archive
from strom.ops.backup import media_root
from strom.ops.backup_keys import private_key, public_key
from strom.ops.restore import RestoreFailed, RestoreRefused, restore_backup
from strom.ops.tests.support import Site, table_count, using_database

# The refusals of the backup itself happen before any database is touched: those tests need none (and
# skip the emptying of the test database after each transactional test). The others use a target.
# Every test is marked, so a run of any one of them sets the test database up (the site's template).
pytestmark = pytest.mark.django_db
target_db = pytest.mark.django_db(transaction=True)


@pytest.fixture
def copy(site: Site, tmp_path: Path) -> Path:
    """A copy of the backup to damage."""
    return Path(shutil.copytree(site.backup, tmp_path / "copy"))


def refused(directory: Path, match: str, key: Path | None = None) -> None:
    """Refused before the target is looked at: no database access is allowed here at all."""
    with pytest.raises(RestoreRefused, match=match):
        restore_backup(directory, key_file=key)
    assert not media_root().exists() or not any(media_root().rglob("*"))


@pytest.fixture
def keys_of(site: Site) -> Iterator[None]:
    with override_settings(VAR_DIR=site.var, STROM_BACKUP_KEY_FILE=str(site.var / "backup-key.pub.pem")):
        yield


def _manifest(directory: Path) -> dict[str, Any]:
    data, _meta = archive.decrypt(
        (directory / archive.MANIFEST_NAME).read_bytes(), key=private_key(None), what="m"
    )
    manifest: dict[str, Any] = json.loads(data)
    return manifest


def _rewrite_manifest(directory: Path, change: dict[str, object]) -> None:
    """What a newer STROM would have written: the same backup with another version or migration state."""
    index = json.loads((directory / archive.INDEX_NAME).read_text())
    path = directory / archive.MANIFEST_NAME
    data, meta = archive.decrypt(path.read_bytes(), key=private_key(None), what="manifest")
    manifest = {**json.loads(data), **change}
    assert meta["backup"] == index["backup_id"]
    path.write_bytes(archive.encrypt(json.dumps(manifest).encode(), key=public_key(), meta=meta))


def test_not_a_backup(keys_of: None, tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    refused(tmp_path / "empty", "is not a STROM backup")


def test_wrong_key(keys_of: None, copy: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.pem"
    other.write_bytes(
        ec.generate_private_key(ec.SECP256R1()).private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    refused(copy, "Wrong key: the backup was encrypted to the key with thumbprint", key=other)


def test_damaged_chunk(keys_of: None, copy: Path) -> None:
    chunk = copy / archive.chunk_name("database.dump", 0)
    data = bytearray(chunk.read_bytes())
    middle = len(data) // 2
    data[middle] = ord("A") if data[middle] != ord("A") else ord("B")
    chunk.write_bytes(bytes(data))
    refused(copy, "damaged")


def test_missing_chunk(keys_of: None, copy: Path) -> None:
    (copy / archive.chunk_name("media.tar", 0)).unlink()
    refused(copy, r"incomplete: media\.tar\.000000\.jwe is missing")


def test_backup_that_never_finished(keys_of: None, copy: Path) -> None:
    (copy / archive.MANIFEST_NAME).unlink()
    refused(copy, "never finished")


def test_chunk_moved_into_another_part(keys_of: None, copy: Path) -> None:
    shutil.copy(copy / archive.chunk_name("media.tar", 0), copy / archive.chunk_name("database.dump", 0))
    refused(copy, "not in its place")


def test_backup_from_a_newer_strom(keys_of: None, copy: Path) -> None:
    _rewrite_manifest(copy, {"strom_version": "99.0.0"})
    refused(copy, r"made by a newer STROM \(99\.0\.0; this is ")


def test_backup_with_migrations_this_code_does_not_have(keys_of: None, copy: Path) -> None:
    manifest_change: dict[str, object] = {"migrations": {"cases": ["0001_initial", "9999_from_the_future"]}}
    _rewrite_manifest(copy, manifest_change)
    refused(copy, "cases.9999_from_the_future")


@target_db
def test_non_empty_database(site: Site, django_db_blocker: DjangoDbBlocker, tmp_path: Path) -> None:
    with django_db_blocker.unblock(), using_database(site.source), override_settings(VAR_DIR=site.var):
        with pytest.raises(RestoreRefused, match="is not empty"):
            restore_backup(site.backup)
        assert table_count() > 100


@target_db
def test_a_server_without_the_backups_extensions(site: Site, target: Path, copy: Path) -> None:
    manifest = _manifest(copy)
    manifest["database"]["extensions"] = ["drill_extension_nobody_has"]
    _rewrite_manifest(copy, {"database": manifest["database"]})
    with pytest.raises(RestoreRefused, match="extensions drill_extension_nobody_has"):
        restore_backup(copy)
    assert table_count() == 0


@target_db
def test_non_empty_media_directory(site: Site, target: Path) -> None:
    media_root().mkdir(parents=True)
    (media_root() / "left-over.txt").write_text("x")
    with pytest.raises(RestoreRefused, match=r"uploaded-files directory .* is not empty"):
        restore_backup(site.backup)
    assert table_count() == 0


@pytest.fixture
def other_field_keys(tmp_path: Path) -> Iterator[None]:
    keys = tmp_path / "other-keys.json"
    keys.write_text(new_key_ring().to_json())
    with override_settings(STROM_FIELD_KEYS="", STROM_FIELD_KEYS_FILE_PATH=str(keys)):
        reload_key_ring()
        yield
    reload_key_ring()


@target_db
def test_a_restore_that_does_not_verify_is_undone(site: Site, target: Path, other_field_keys: None) -> None:
    """Restored beside the wrong field keys, nothing decrypts: the restore is rolled back whole."""
    with pytest.raises(RestoreFailed, match="does not decrypt with the field keys present"):
        restore_backup(site.backup)
    assert table_count() == 0
    assert not any(p.is_file() for p in media_root().rglob("*"))


def test_the_command_says_why_it_refuses(keys_of: None, copy: Path) -> None:
    (copy / archive.MANIFEST_NAME).unlink()
    with pytest.raises(CommandError, match="Refused, nothing was changed: The backup is incomplete"):
        call_command("restore", str(copy))
