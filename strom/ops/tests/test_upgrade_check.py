"""`strom upgrade --check`: pending migrations, judged against the tables' sizes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.db import connection, migrations, models
from django.db.migrations.loader import MigrationLoader

from strom.ops import pg
from strom.ops.tests.support import Site
from strom.ops.upgrade import CODE, INDEX, LOCK, REWRITE, judge_migration

ROOT = Path(__file__).resolve().parents[3]


def _state() -> migrations.state.ProjectState:
    return MigrationLoader(None, ignore_no_migrations=True).project_state()


def _migration(operations: list[Any]) -> migrations.Migration:
    made: migrations.Migration = type("Migration", (migrations.Migration,), {"operations": operations})(
        "0999_drill", "cases"
    )
    return made


def test_each_slow_or_locking_operation_is_named_with_its_table_and_size() -> None:
    migration = _migration(
        [
            migrations.AddField("case", "drill_flag", models.BooleanField(default=False)),
            migrations.AddIndex("person", models.Index(fields=["source_id"], name="drill_person_source")),
            migrations.AlterField("case", "legal_hold", models.IntegerField(default=0)),
            migrations.RunPython(migrations.RunPython.noop),
            migrations.RemoveField("case", "drill_flag"),
        ]
    )
    findings = judge_migration(migration, _state(), {"cases_case": 2_000_000, "cases_person": 10}, set())
    seen = [(f.kind, f.table, f.large(100_000)) for f in findings]
    assert seen == [
        (LOCK, "cases_case", True),
        (INDEX, "cases_person", False),
        (REWRITE, "cases_case", True),
        (CODE, "", False),
    ]
    assert "legal_hold changes type (boolean → integer)" in findings[2].what


def test_what_is_done_to_a_table_the_upgrade_creates_is_never_slow() -> None:
    migration = _migration(
        [
            migrations.CreateModel("DrillThing", [("id", models.BigAutoField(primary_key=True))]),
            migrations.AddField(
                "drillthing", "code", models.CharField(max_length=5, default="", db_index=True)
            ),
            migrations.AddIndex("drillthing", models.Index(fields=["code"], name="drill_thing_code")),
        ]
    )
    assert judge_migration(migration, _state(), {}, set()) == []


def _url(name: str) -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgresql://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"


@pytest.mark.django_db
def test_the_command_lists_a_pending_migration_and_flags_its_large_table(site: Site) -> None:
    """The drill's source database with one migration marked unapplied, as before an upgrade."""
    migration = ("cases", "0010_person_source_id")
    with psycopg.connect(pg.conninfo().replace(connection.settings_dict["NAME"], site.source)) as conn:
        conn.execute("DELETE FROM django_migrations WHERE app = %s AND name = %s", migration)
    try:
        env = {**os.environ, "DATABASE_URL": _url(site.source), "STROM_ENV": "test"}
        done = subprocess.run(
            [sys.executable, "-m", "strom.cli", "upgrade", "--check", "--large-rows", "1"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
    finally:
        with psycopg.connect(pg.conninfo().replace(connection.settings_dict["NAME"], site.source)) as conn:
            conn.execute(
                "INSERT INTO django_migrations (app, name, applied) VALUES (%s, %s, now())", migration
            )
    assert done.returncode == 1, done.stderr
    assert "1 migrations would run:" in done.stdout
    assert "cases.0010_person_source_id" in done.stdout
    assert "LARGE TABLE cases_person" in done.stdout
    assert "new column source_id with a default" in done.stdout
    assert "plan a maintenance window or do them in batches" in done.stderr


@pytest.mark.django_db
def test_an_up_to_date_database_has_nothing_to_run(capsys: pytest.CaptureFixture[str]) -> None:
    from django.core.management import call_command

    call_command("upgrade", "--check")
    assert "No migrations to run" in capsys.readouterr().out
