"""Re-encrypting stored values under the current key, and recomputing blind indexes, while the site runs.

Columns are found by walking every installed model for EncryptedTextField and BlindIndexField, so a
new model is covered without registering it. Rows are read in primary-key order (keyset, no OFFSET)
in batches; each batch is written in its own short transaction with a compare-and-set UPDATE
(`... WHERE pk = x AND col = <the ciphertext we read>`): a value the running site changed in the
meantime is never overwritten, only counted and retried.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import connection, models, transaction
from psycopg import sql

from strom.crypto import service
from strom.crypto.fields import BlindIndexField, EncryptedTextField
from strom.crypto.keys import KeyRing, key_ring

Progress = Callable[[str, int], None]
PLAINTEXT = "(not encrypted)"


@dataclass(frozen=True)
class Column:
    model: type[models.Model]
    field: models.Field[Any, Any]

    @property
    def label(self) -> str:
        return f"{self.model._meta.label}.{self.field.name}"

    @property
    def table(self) -> sql.Identifier:
        return sql.Identifier(self.model._meta.db_table)

    @property
    def column(self) -> sql.Identifier:
        return sql.Identifier(self.field.column)

    @property
    def pk(self) -> sql.Identifier:
        return sql.Identifier(self.model._meta.pk.column)

    @property
    def pk_type(self) -> sql.SQL:
        pk: Any = self.model._meta.pk
        return sql.SQL(pk.rel_db_type(connection))


def _columns(kind: type[models.Field[Any, Any]]) -> Iterator[Column]:
    for model in apps.get_models():
        meta = model._meta
        if meta.proxy or not meta.managed:
            continue
        # Local fields only: a multi-table parent's columns live in (and are found through) the parent.
        for f in meta.local_concrete_fields:
            if isinstance(f, kind):
                yield Column(model=model, field=f)


def encrypted_columns() -> list[Column]:
    return list(_columns(EncryptedTextField))


def blind_index_columns() -> list[Column]:
    return list(_columns(BlindIndexField))


def key_usage() -> Counter[str]:
    """How many stored values each key id encrypts, over every encrypted column."""
    usage: Counter[str] = Counter()
    query = sql.SQL(
        "SELECT CASE WHEN {col} LIKE 'v1$%%' THEN split_part({col}, '$', 2) ELSE %s END, count(*) "
        "FROM {table} WHERE {col} IS NOT NULL AND {col} <> '' GROUP BY 1"
    )
    with connection.cursor() as cursor:
        for col in encrypted_columns():
            cursor.execute(query.format(col=col.column, table=col.table), [PLAINTEXT])
            for kid, count in cursor.fetchall():
                usage[kid] += count
    return usage


@dataclass
class Result:
    rewritten: int = 0
    # Rows changed by someone else between our read and our write: retried once in a second pass.
    conflicts: int = 0
    # Still conflicting after the retry, or gone; `--resume` picks them up later.
    skipped: int = 0
    # Values that do not decrypt (unknown key, tampered): left alone and reported.
    undecryptable: int = 0
    per_column: dict[str, int] = field(default_factory=dict)


def _compare_and_set(
    col: Column, target: sql.Identifier, guard: sql.Identifier, rows: list[tuple[Any, str, str]]
) -> set[Any]:
    """UPDATE target = new WHERE pk = pk AND guard = old, for all rows at once; returns the pks written."""
    if not rows:
        return set()
    values = sql.SQL(", ").join(sql.SQL("(CAST(%s AS {}), %s, %s)").format(col.pk_type) for _ in rows)
    query = sql.SQL(
        "UPDATE {table} AS t SET {target} = v.new FROM (VALUES {values}) AS v(pk, old, new) "
        "WHERE t.{pk} = v.pk AND t.{guard} = v.old RETURNING t.{pk}"
    ).format(table=col.table, target=target, values=values, pk=col.pk, guard=guard)
    params = [p for row in rows for p in row]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(query, params)
        return {row[0] for row in cursor.fetchall()}


def _stale_batches(
    col: Column, current: str, batch_size: int, only: list[Any] | None = None
) -> Iterator[list[tuple[Any, str]]]:
    """Rows of `col` encrypted under another key than `current`, in pk order, `batch_size` at a time."""
    last: Any = None
    while True:
        conditions = [
            sql.SQL("{col} LIKE 'v1$%%' AND split_part({col}, '$', 2) <> %s").format(col=col.column)
        ]
        params: list[Any] = [current]
        if last is not None:
            conditions.append(sql.SQL("{pk} > %s").format(pk=col.pk))
            params.append(last)
        if only is not None:
            conditions.append(sql.SQL("{pk} = ANY(%s)").format(pk=col.pk))
            params.append(only)
        query = sql.SQL("SELECT {pk}, {col} FROM {table} WHERE {where} ORDER BY {pk} LIMIT %s").format(
            pk=col.pk, col=col.column, table=col.table, where=sql.SQL(" AND ").join(conditions)
        )
        with connection.cursor() as cursor:
            cursor.execute(query, [*params, batch_size])
            rows = cursor.fetchall()
        if not rows:
            return
        yield rows
        last = rows[-1][0]


def _reencrypt_rows(
    col: Column, rows: list[tuple[Any, str]], ring: KeyRing, result: Result
) -> tuple[int, list[Any]]:
    """Re-encrypt one batch; returns how many were written and the pks that changed under us."""
    assert isinstance(col.field, EncryptedTextField)
    context = col.field.context()
    planned = []
    for pk, old in rows:
        try:
            plaintext = service.decrypt(old, context=context, ring=ring)
        except service.DecryptionError:
            result.undecryptable += 1
            continue
        planned.append((pk, old, service.encrypt(plaintext, context=context, ring=ring)))
    written = _compare_and_set(col, col.column, col.column, planned)
    return len(written), [pk for pk, _, _ in planned if pk not in written]


def reencrypt(
    *, batch_size: int = 500, ring: KeyRing | None = None, progress: Progress | None = None
) -> Result:
    """Re-encrypt every stored value that is not under the ring's current key."""
    ring = ring or key_ring()
    result = Result()
    for col in encrypted_columns():
        done = 0
        conflicted: list[Any] = []
        for rows in _stale_batches(col, ring.current, batch_size):
            written, missed = _reencrypt_rows(col, rows, ring, result)
            done += written
            conflicted.extend(missed)
            if progress:
                progress(col.label, done)
        result.conflicts += len(conflicted)
        # Second pass: read the conflicting rows again (the site may have re-encrypted them itself).
        for start in range(0, len(conflicted), batch_size):
            chunk = conflicted[start : start + batch_size]
            for rows in _stale_batches(col, ring.current, batch_size, only=chunk):
                written, missed = _reencrypt_rows(col, rows, ring, result)
                done += written
                result.skipped += len(missed)
        result.rewritten += done
        result.per_column[col.label] = done
    return result


def reindex(
    *, batch_size: int = 500, ring: KeyRing | None = None, progress: Progress | None = None
) -> Result:
    """Recompute every blind index from its (decrypted) source, e.g. after a new blind-index key."""
    ring = ring or key_ring()
    result = Result()
    for col in blind_index_columns():
        index_field = col.field
        assert isinstance(index_field, BlindIndexField)
        source_field: Any = col.model._meta.get_field(index_field.source)
        encrypted = isinstance(source_field, EncryptedTextField)
        source = sql.Identifier(source_field.column)
        done = 0
        last: Any = None
        while True:
            where = sql.SQL("TRUE") if last is None else sql.SQL("{pk} > %s").format(pk=col.pk)
            query = sql.SQL(
                "SELECT {pk}, {source}, {index} FROM {table} WHERE {where} ORDER BY {pk} LIMIT %s"
            ).format(pk=col.pk, source=source, index=col.column, table=col.table, where=where)
            with connection.cursor() as cursor:
                cursor.execute(query, ([] if last is None else [last]) + [batch_size])
                rows = cursor.fetchall()
            if not rows:
                break
            last = rows[-1][0]
            planned = []
            for pk, raw, current_index in rows:
                value = raw or ""
                if encrypted and value:
                    try:
                        value = service.decrypt(value, context=source_field.context(), ring=ring)
                    except service.DecryptionError:
                        result.undecryptable += 1
                        continue
                new_index = index_field.compute(value, ring=ring)
                if new_index != current_index:
                    planned.append((pk, raw, new_index))
            # Guarded by the source column: a row edited meanwhile got a fresh index from its own save.
            planned = [row for row in planned if row[1] is not None]
            written = _compare_and_set(col, col.column, source, planned)
            done += len(written)
            result.skipped += len(planned) - len(written)
            if progress:
                progress(col.label, done)
        result.rewritten += done
        result.per_column[col.label] = done
    return result
