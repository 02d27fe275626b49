"""Test-suite support for the append-only audit tables."""

from __future__ import annotations

from django.db import connections
from psycopg import sql


def allow_audit_truncate() -> None:
    """Let the test database's sessions TRUNCATE the audit tables.

    Transactional tests (live_server, TransactionTestCase) empty every table with TRUNCATE after each
    test, which the audit triggers refuse unless the session says `strom.allow_audit_truncate = on`.
    Set it on the test database only, so new connections get it, and on the open connection.
    """
    for alias in connections:
        connection = connections[alias]
        name = connection.settings_dict["NAME"]
        with connection.cursor() as cursor:
            cursor.execute(
                sql.SQL("ALTER DATABASE {} SET strom.allow_audit_truncate = 'on'").format(
                    sql.Identifier(name)
                )
            )
            cursor.execute("SET strom.allow_audit_truncate = 'on'")
