"""Throwaway databases for the backup tests: pg_dump must see committed data, which the test database's
per-test transaction never commits, so the drill builds and restores into databases of its own."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from strom.audit.actors import COMMAND_LINE
from strom.audit.services import audit_checkpoint, audit_record
from strom.ops import pg
from strom.ops.backup import create_backup
from strom.ops.tests.drill import empty_models, fill_every_model, strom_models


def _admin() -> psycopg.Connection[tuple[object, ...]]:
    params = conninfo_to_dict(pg.conninfo())
    params["dbname"] = "postgres"
    return psycopg.connect(make_conninfo(**params), autocommit=True)  # type: ignore[arg-type]


def create_database(name: str, *, template: str | None = None) -> None:
    # A template must have no other sessions: Django's own goes first.
    connection.close()
    with _admin() as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        if template is None:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        else:
            admin.execute(
                sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                    sql.Identifier(name), sql.Identifier(template)
                )
            )


def drop_database(name: str) -> None:
    connection.close()
    with _admin() as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@contextmanager
def using_database(name: str) -> Iterator[None]:
    """Point Django's connection (and with it pg_dump and pg_restore) at another database for a while."""
    old = connection.settings_dict["NAME"]
    connection.close()
    connection.settings_dict["NAME"] = name
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict["NAME"] = old


def table_count() -> int:
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
        row = cur.fetchone()
    return int(row[0]) if row else 0


@dataclass(frozen=True)
class Site:
    source: str
    backup: Path
    var: Path
    unfilled: dict[str, str]
    empty: list[str]
    models: int


def _storages(root: Path) -> dict[str, object]:
    return {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": root}},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def site_settings(var: Path, *, media: Path, checkpoints: Path) -> override_settings:
    return override_settings(
        VAR_DIR=var,
        STROM_BACKUP_KEY_FILE=str(var / "backup-key.pub.pem"),
        STROM_AUDIT_CHECKPOINT_DIR=str(checkpoints),
        STROM_AUDIT_SIGNING_KEY="",
        STROM_AUDIT_SIGNING_KEY_FILE_PATH=str(var / "audit-signing.key"),
        STORAGES=_storages(media),
    )


def build_site(root: Path, *, demo: bool) -> Site:
    """A source database made from the test database's schema, filled, checkpointed and backed up."""
    var = root / "var"
    # The test database is the template; never the development database a bare run would point at.
    assert connection.settings_dict["NAME"].startswith("test_"), "mark a test of the module django_db"
    source = f"{connection.settings_dict['NAME']}_drill_{os.getpid()}_{'demo' if demo else 'src'}"
    create_database(source, template=connection.settings_dict["NAME"])
    with (
        using_database(source),
        site_settings(var, media=root / "media", checkpoints=root / "checkpoints"),
    ):
        if demo:
            call_command("demo", stdout=open(os.devnull, "w"))  # noqa: SIM115 - closed with the process
        for step in ("one", "two"):
            audit_record(actor=COMMAND_LINE, action="audit.browse", object_ref=step)
        unfilled = fill_every_model()
        empty, models = empty_models(), len(strom_models())
        audit_checkpoint()
        create_backup(root / "backup")
    return Site(source, root / "backup", var, unfilled, empty, models)
