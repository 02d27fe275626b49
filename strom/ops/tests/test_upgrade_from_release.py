"""A database made by the last release migrates to the current code and still opens.

The release's code is taken from git (`git archive`, so the checkout is not touched) into a temporary
directory and run with this virtual environment (PYTHONPATH): its `strom migrate`, and with `-m slow`
its demo, build the database; the current `strom migrate` then upgrades it. Skipped, saying why, when
git or the release's commit is not there (a shallow CI checkout without tags still has the commit id).
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import tarfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import override_settings
from pytest_django import DjangoDbBlocker

from strom.audit.selectors import verify_chain
from strom.cases.models import Case, Person
from strom.crypto.keys import reload_key_ring
from strom.directory.models import Organisation
from strom.ops.tests.support import create_database, drop_database, using_database

# The release this code upgrades from; the commit id is the fallback when tags were not fetched.
RELEASE_TAG = "v0.1.0"
RELEASE_COMMIT = "8a8b5ef1fee4eda9c2d00b35cfd8fb14a59bcf08"
ROOT = Path(__file__).resolve().parents[3]


def release_ref() -> str | None:
    git = shutil.which("git")
    if git is None or not (ROOT / ".git").exists():
        return None
    for ref in (RELEASE_TAG, RELEASE_COMMIT):
        found = subprocess.run(  # noqa: S603 - git with fixed arguments
            [git, "-C", str(ROOT), "cat-file", "-e", f"{ref}^{{commit}}"], capture_output=True, check=False
        )
        if found.returncode == 0:
            return ref
    return None


def export_release(ref: str, into: Path) -> Path:
    git = shutil.which("git") or "git"
    archive = subprocess.run(  # noqa: S603 - git with fixed arguments
        [git, "-C", str(ROOT), "archive", "--format=tar", ref], capture_output=True, check=True, timeout=300
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into


def _url(name: str) -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgresql://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"


def strom(code: Path, var: Path, database: str, *args: str) -> str:
    """Run `strom ARGS` of the code in `code` against `database`, with its own var directory."""
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("STROM_")},
        "PYTHONPATH": str(code),
        "DATABASE_URL": _url(database),
        "STROM_ENV": "development",
        "STROM_VAR_DIR": str(var),
        "DJANGO_SETTINGS_MODULE": "strom.settings",
    }
    done = subprocess.run(  # noqa: S603 - this interpreter running strom
        [sys.executable, "-m", "strom.cli", *args],
        cwd=code,
        env=env,
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
    )
    assert done.returncode == 0, f"strom {' '.join(args)} ({code}) failed:\n{done.stderr[-3000:]}"
    return done.stdout


@dataclass(frozen=True)
class Upgraded:
    database: str
    var: Path


def upgrade_from_release(tmp: Path, *, demo: bool) -> Upgraded:
    ref = release_ref()
    if ref is None:
        pytest.skip(
            f"git history with {RELEASE_TAG} ({RELEASE_COMMIT[:7]}) is not available in this checkout"
        )
    old = export_release(ref, tmp / "release")
    var = tmp / "var"
    database = f"{connection.settings_dict['NAME']}_release_{os.getpid()}"
    create_database(database)
    strom(old, var, database, "migrate", "-v0")
    if demo:
        strom(old, var, database, "demo")
    strom(ROOT, var, database, "migrate", "-v0")
    return Upgraded(database, var)


@pytest.fixture
def opened(django_db_blocker: DjangoDbBlocker) -> Iterator[None]:
    with django_db_blocker.unblock():
        yield


def _opens(upgraded: Upgraded, *, demo: bool) -> None:
    keys = upgraded.var / "keys.json"
    with (
        using_database(upgraded.database),
        override_settings(STROM_FIELD_KEYS="", STROM_FIELD_KEYS_FILE_PATH=str(keys)),
    ):
        reload_key_ring()
        executor = MigrationExecutor(connection)
        assert executor.migration_plan(executor.loader.graph.leaf_nodes()) == []
        if demo:
            assert Organisation.objects.count() > 5
            assert Case.objects.count() > 5
            person = Person.objects.order_by("pk").first()
            assert person is not None
            # Decrypted with the key file the release made: the name reads as text, not ciphertext.
            assert person.given_name
            assert not person.given_name.startswith("v1$")
            assert verify_chain().intact
        else:
            assert Organisation.objects.count() == 0
    reload_key_ring()


# No django_db mark: these tests never use the test database, only databases of their own on its server.
def test_a_database_made_by_the_release_migrates_to_this_code(opened: None, tmp_path: Path) -> None:
    upgraded = upgrade_from_release(tmp_path, demo=False)
    try:
        _opens(upgraded, demo=False)
    finally:
        drop_database(upgraded.database)


@pytest.mark.slow
def test_the_release_demo_migrates_to_this_code_and_still_opens(opened: None, tmp_path: Path) -> None:
    upgraded = upgrade_from_release(tmp_path, demo=True)
    try:
        _opens(upgraded, demo=True)
    finally:
        drop_database(upgraded.database)
