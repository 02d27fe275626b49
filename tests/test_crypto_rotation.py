"""`strom keys rotate|retire|status|reindex` against real rows, with the key file in a temporary place."""

from __future__ import annotations

import base64
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from strom.accounts.models import User
from strom.audit.models import AuditEntry
from strom.crypto import rotation, service
from strom.crypto.keys import key_ring, parse_key_ring, with_new_key, write_key_file

pytestmark = pytest.mark.django_db

NAMES = ["Zanda Ozoliņa-Bērziņa", "Юлия Иванова", "Anna Bērziņa", "Jonas Petraitis", "Ona Kazlauskienė"]


@pytest.fixture
def key_file(tmp_path: Path, settings: Any) -> Path:
    """A private copy of the key ring in a file, so rotation never touches var/keys.json."""
    path = tmp_path / "keys.json"
    write_key_file(key_ring(), path)
    settings.STROM_FIELD_KEYS = ""
    settings.STROM_FIELD_KEYS_FILE_PATH = str(path)
    return path


@pytest.fixture
def people() -> list[User]:
    return [User.objects.create_user(f"p{i}@example.test", full_name=name) for i, name in enumerate(NAMES)]


def _stored_key_ids() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT full_name FROM accounts_user WHERE full_name <> ''")
        return {service.key_id_of(value) for (value,) in cursor.fetchall()}


def _run(*args: str) -> str:
    out = StringIO()
    call_command("keys", *args, stdout=out)
    return out.getvalue()


def test_rotate_re_encrypts_every_value_with_a_new_key_and_they_still_read(
    key_file: Path, people: list[User]
) -> None:
    old = key_ring().current
    output = _run("rotate", "--batch-size", "2")
    ring = parse_key_ring(key_file.read_text())
    assert ring.current != old
    assert old in ring.keys
    assert _stored_key_ids() == {ring.current}
    assert [User.objects.get(pk=p.pk).full_name for p in people] == NAMES
    assert f"{len(NAMES)} values re-encrypted" in output
    assert key_file.stat().st_mode & 0o777 == 0o600
    actions = list(AuditEntry.objects.order_by("seq").values_list("action", "object_ref", "details"))
    assert actions[0] == ("keys.rotate", ring.current, {"previous": old})
    assert actions[1][0] == "keys.reencrypt"
    # No key material in the audit log.
    assert all(base64.b64encode(key).decode() not in str(actions) for key in ring.keys.values())


def test_old_key_can_be_retired_only_once_nothing_uses_it(key_file: Path, people: list[User]) -> None:
    old = key_ring().current
    with pytest.raises(CommandError, match="current key"):
        _run("retire", old)
    # A new key in the file but nothing re-encrypted yet: the old key is still in use.
    write_key_file(with_new_key(key_ring()), key_file)
    with pytest.raises(CommandError, match=f"{len(NAMES)} stored values still use key {old}"):
        _run("retire", old)
    _run("rotate", "--resume", "--retire", old)
    assert old not in parse_key_ring(key_file.read_text()).keys
    assert [User.objects.get(pk=p.pk).full_name for p in people] == NAMES
    assert AuditEntry.objects.filter(action="keys.retire", object_ref=old).exists()


def test_status_counts_values_per_key(key_file: Path, people: list[User]) -> None:
    output = _run("status")
    assert f"Keys from: {key_file}" in output
    assert f"Key {key_ring().current}: {len(NAMES)} stored values" in output


def test_resume_without_a_new_key_changes_nothing_when_all_are_current(
    key_file: Path, people: list[User]
) -> None:
    before = key_file.read_text()
    assert "0 values re-encrypted" in _run("rotate", "--resume")
    assert key_file.read_text() == before


def test_a_value_edited_during_rotation_is_never_overwritten(
    key_file: Path, people: list[User], monkeypatch: pytest.MonkeyPatch
) -> None:
    original = rotation._compare_and_set
    edited = people[0]

    def edit_first(*args: Any, **kwargs: Any) -> set[Any]:
        # The running site saves a new name between the command's read and its write.
        if not getattr(edit_first, "done", False):
            edit_first.done = True  # type: ignore[attr-defined]
            edited.full_name = "Zanda Kalniņa"
            edited.save(update_fields=["full_name", "full_name_index"])
        return original(*args, **kwargs)

    monkeypatch.setattr(rotation, "_compare_and_set", edit_first)
    output = _run("rotate", "--batch-size", "10")
    assert User.objects.get(pk=edited.pk).full_name == "Zanda Kalniņa"
    assert "1 changed meanwhile and retried" in output
    assert _stored_key_ids() == {key_ring().current}


def test_keys_from_the_environment_are_written_to_a_file_for_the_operator(
    tmp_path: Path, settings: Any, people: list[User]
) -> None:
    settings.STROM_FIELD_KEYS = key_ring().to_json()
    with pytest.raises(CommandError, match="STROM_FIELD_KEYS environment variable"):
        _run("rotate")
    target = tmp_path / "new-keys.json"
    output = _run("rotate", "--key-file", str(target))
    new_ring = parse_key_ring(target.read_text())
    assert new_ring.current not in key_ring().keys
    assert "Nothing was re-encrypted" in output
    assert _stored_key_ids() == {key_ring().current}


def test_a_running_process_reads_values_encrypted_under_a_key_added_later(key_file: Path) -> None:
    key_ring()  # cached by this process
    newer = with_new_key(key_ring())
    token = service.encrypt("Anna", context="x.y", ring=newer)
    write_key_file(newer, key_file)
    assert service.decrypt(token, context="x.y") == "Anna"
    assert key_ring().current == newer.current


def test_reindex_recomputes_blind_indexes_and_a_new_blind_key_still_finds_people(
    key_file: Path, people: list[User]
) -> None:
    with connection.cursor() as cursor:
        cursor.execute("UPDATE accounts_user SET full_name_index = 'stale' WHERE id = %s", [people[1].pk])
    assert "1 blind indexes recomputed" in _run("reindex")
    assert User.objects.get(full_name_index=service.name_index("Yulia Ivanova")) == people[1]

    old_index = User.objects.get(pk=people[1].pk).full_name_index
    _run("reindex", "--new-blind-index-key", "--batch-size", "2")
    found = User.objects.get(full_name_index=service.name_index("Iuliia Ivanova"))
    assert found == people[1]
    assert found.full_name_index != old_index


def test_batch_size_must_be_positive(key_file: Path) -> None:
    with pytest.raises(CommandError, match="at least 1"):
        _run("rotate", "--batch-size", "0")
