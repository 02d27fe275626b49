"""Throwaway databases for the backup tests: pg_dump must see committed data, which the test database's
per-test transaction never commits, so the drill builds and restores into databases of its own."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from django.db import connection
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from strom.ops import pg


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
