"""`strom upgrade --check`: which migrations an upgrade would run, and which would be slow or lock a
large table while they run.

Each pending operation is judged by what PostgreSQL does for it, against the table's current row
estimate (pg_class.reltuples, kept by autovacuum's ANALYZE):
- a new index or unique rule without CONCURRENTLY blocks writes to the table while it builds;
- a changed column type rewrites the table under an exclusive lock (reads wait too);
- a column made NOT NULL, or a new check or foreign key rule, scans the table under a lock;
- a new column with a default takes a brief exclusive lock (no rewrite since PostgreSQL 11), which
  waits behind long queries and holds every query behind it meanwhile;
- RunPython and RunSQL take as long as the rows they touch: read them, and see docs/operations.md on
  batches.
Creating, renaming and dropping are metadata changes and are not listed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import connection, migrations, models
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.migration import Migration
from django.db.migrations.state import ProjectState
from django.utils.translation import gettext as _
from psycopg import sql

LARGE_ROWS = 100_000
REWRITE, INDEX, SCAN, LOCK, CODE = "rewrite", "index", "scan", "lock", "code"


@dataclass(frozen=True)
class Finding:
    migration: str
    kind: str
    table: str
    what: str
    rows: int | None = None  # the estimate; None when unknown (never analysed, or code)

    def large(self, threshold: int) -> bool:
        return self.rows is not None and self.rows >= threshold


@dataclass(frozen=True)
class UpgradeCheck:
    pending: list[str]
    findings: list[Finding]


def row_estimates(*, count_up_to: int) -> dict[str, int]:
    """Rows per existing table as PostgreSQL last estimated them.

    A table never analysed (reltuples -1) is counted instead, but only up to `count_up_to` rows: enough
    to tell large from small without reading a large table whole."""
    with connection.cursor() as cur:
        cur.execute(
            "SELECT c.relname, c.reltuples::bigint FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relkind IN ('r', 'p') AND n.nspname = current_schema()"
        )
        estimates = {str(name): int(rows) for name, rows in cur.fetchall()}
        for table, rows in estimates.items():
            if rows < 0:
                cur.execute(
                    sql.SQL("SELECT count(*) FROM (SELECT 1 FROM {} LIMIT %s) AS sample").format(
                        sql.Identifier(table)
                    ),
                    [count_up_to],
                )
                row = cur.fetchone()
                estimates[table] = int(row[0]) if row else 0
    return estimates


def _table(state: ProjectState, app_label: str, model_name: str) -> str:
    model = state.models.get((app_label, model_name.lower()))
    if model is not None and model.options.get("db_table"):
        return str(model.options["db_table"])
    return f"{app_label}_{model_name.lower()}"


def _column_type(field: models.Field[Any, Any]) -> str:
    if field.is_relation:
        return "relation"
    try:
        return str(field.db_type(connection))
    except (AttributeError, TypeError, ValueError):
        return type(field).__name__


def _alter_field(op: migrations.AlterField, state: ProjectState, app: str) -> list[tuple[str, str]]:
    model = state.models.get((app, op.model_name_lower))
    old = model.fields.get(op.name) if model is not None else None
    if old is None:
        return []
    found: list[tuple[str, str]] = []
    if _column_type(old) != _column_type(op.field):
        found.append(
            (
                REWRITE,
                _(
                    "%(field)s changes type (%(old)s → %(new)s): the table is rewritten under an "
                    "exclusive lock"
                )
                % {"field": op.name, "old": _column_type(old), "new": _column_type(op.field)},
            )
        )
    if old.null and not op.field.null:
        found.append(
            (
                SCAN,
                _("%(field)s becomes NOT NULL: the table is scanned under an exclusive lock")
                % {"field": op.name},
            )
        )
    if (op.field.unique and not old.unique) or (
        getattr(op.field, "db_index", False) and not getattr(old, "db_index", False)
    ):
        found.append(
            (
                INDEX,
                _("%(field)s gets an index, built without CONCURRENTLY: writes wait") % {"field": op.name},
            )
        )
    return found


def _judge(op: Any, state: ProjectState, app: str) -> list[tuple[str, str]]:
    if isinstance(op, migrations.AddField):
        found: list[tuple[str, str]] = []
        if op.field.unique or getattr(op.field, "db_index", False):
            found.append(
                (
                    INDEX,
                    _("new column %(field)s is indexed, built without CONCURRENTLY: writes wait")
                    % {"field": op.name},
                )
            )
        if op.field.has_default() and not op.field.null:
            found.append(
                (
                    LOCK,
                    _("new column %(field)s with a default: a brief exclusive lock (no rewrite)")
                    % {"field": op.name},
                )
            )
        return found
    if isinstance(op, migrations.AlterField):
        return _alter_field(op, state, app)
    if isinstance(op, migrations.AddIndex):
        return [
            (INDEX, _("index %(name)s is built without CONCURRENTLY: writes wait") % {"name": op.index.name})
        ]
    if isinstance(op, migrations.AddConstraint):
        constraint: Any = op.constraint  # type: ignore[attr-defined]
        if isinstance(constraint, models.UniqueConstraint):
            return [
                (INDEX, _("unique rule %(name)s builds an index: writes wait") % {"name": constraint.name})
            ]
        return [
            (
                SCAN,
                _("rule %(name)s is checked against every row under a lock") % {"name": constraint.name},
            )
        ]
    if isinstance(op, migrations.AlterUniqueTogether):
        return [(INDEX, _("unique fields change: an index is built, writes wait"))]
    if isinstance(op, migrations.RunPython):
        return [(CODE, _("runs Python over the data: its time grows with the rows it touches"))]
    if isinstance(op, migrations.RunSQL):
        return [(CODE, _("runs SQL: read it for locks and full-table updates"))]
    return []


def _model_of(op: Any) -> str | None:
    if isinstance(op, migrations.AlterUniqueTogether):
        return str(op.name)
    name = getattr(op, "model_name", None)
    return str(name) if name else None


def judge_migration(
    migration: Migration, state: ProjectState, estimates: dict[str, int], created: set[str]
) -> list[Finding]:
    """The findings of one migration, given the project state before it; moves `state` past it.

    Tables made by the pending migrations themselves (`created`, filled in here) start empty: what
    is done to them is never slow."""
    label = f"{migration.app_label}.{migration.name}"
    findings: list[Finding] = []
    for op in migration.operations:
        if isinstance(op, migrations.CreateModel):
            op.state_forwards(migration.app_label, state)
            created.add(_table(state, migration.app_label, op.name))
            continue
        model = _model_of(op)
        table = _table(state, migration.app_label, model) if model else ""
        if not table or table not in created:
            for kind, what in _judge(op, state, migration.app_label):
                findings.append(Finding(label, kind, table, what, estimates.get(table) if table else None))
        op.state_forwards(migration.app_label, state)
    return findings


def check_upgrade(*, large_rows: int = LARGE_ROWS) -> UpgradeCheck:
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    pending = [m for m, backwards in plan if not backwards]
    if not pending:
        return UpgradeCheck([], [])
    # The state of what is applied now, as `migrate` itself builds it before running the plan.
    state = executor._create_project_state(with_applied_migrations=True)  # type: ignore[attr-defined]
    estimates = row_estimates(count_up_to=large_rows)
    findings: list[Finding] = []
    created: set[str] = set()
    for migration in pending:
        findings.extend(judge_migration(migration, state, estimates, created))
    return UpgradeCheck([f"{m.app_label}.{m.name}" for m in pending], findings)
