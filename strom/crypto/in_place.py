"""Encrypt a plain text column in place, for the migration that turns it into an EncryptedTextField.

The migration first widens the column to text (AlterField), then runs `encrypt_column(...)`: every
stored value is read with SQL of its own (the model field would try to decrypt the plaintext) and
written back as ciphertext bound to the column, in batches by primary key. Values that are already
encrypted are left alone, so a migration interrupted half-way can simply be run again. Going back
decrypts in place before the column is narrowed again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import migrations
from psycopg import sql

from strom.crypto import service

BATCH = 1000


def _rewrite(schema_editor: Any, table: str, column: str, change: Callable[[str], str | None]) -> None:
    select = sql.SQL(
        "SELECT id, {col} FROM {table} WHERE id > %s AND {col} IS NOT NULL AND {col} <> '' "
        "ORDER BY id LIMIT %s"
    ).format(col=sql.Identifier(column), table=sql.Identifier(table))
    update = sql.SQL("UPDATE {table} SET {col} = %s WHERE id = %s").format(
        col=sql.Identifier(column), table=sql.Identifier(table)
    )
    last = 0
    with schema_editor.connection.cursor() as cursor:
        while True:
            cursor.execute(select, [last, BATCH])
            rows = cursor.fetchall()
            if not rows:
                return
            changed = [(new, pk) for pk, value in rows if (new := change(value)) is not None]
            if changed:
                cursor.executemany(update, changed)
            last = rows[-1][0]


def encrypt_column(table: str, column: str, context: str) -> migrations.RunPython:
    """`context` is the field's `app_label.model_name.field` (EncryptedTextField.context)."""

    def forward(apps: Any, schema_editor: Any) -> None:
        _rewrite(
            schema_editor,
            table,
            column,
            lambda v: None if service.is_encrypted(v) else service.encrypt(v, context=context),
        )

    def backward(apps: Any, schema_editor: Any) -> None:
        _rewrite(
            schema_editor,
            table,
            column,
            lambda v: service.decrypt(v, context=context) if service.is_encrypted(v) else None,
        )

    return migrations.RunPython(forward, backward, elidable=False)
