"""`strom upgrade --check`: the migrations an upgrade would run, and which are slow or locking."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

from strom.core.management.base import DataCommand
from strom.ops.upgrade import LARGE_ROWS, check_upgrade


class Command(DataCommand):
    help = (
        "With --check: list the migrations `strom migrate` would run and flag those that rewrite, scan or "
        "lock a large table (row estimates from PostgreSQL). Exit status 1 when one would."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--check", action="store_true", help="Report only; change nothing.")
        parser.add_argument(
            "--large-rows",
            type=int,
            default=LARGE_ROWS,
            metavar="N",
            help=f"A table with at least this many rows (estimated) counts as large (default {LARGE_ROWS}).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["check"]:
            raise CommandError(
                _("Only `strom upgrade --check` exists: upgrade with the procedure in docs/operations.md.")
            )
        threshold = max(1, options["large_rows"])
        result = check_upgrade(large_rows=threshold)
        if not result.pending:
            self.stdout.write(_("No migrations to run: the database is up to date."))
            return
        self.stdout.write(_("%(count)d migrations would run:") % {"count": len(result.pending)})
        by_migration: dict[str, list[str]] = {}
        for finding in result.findings:
            rows = _("new table") if finding.rows is None else _("~%(rows)d rows") % {"rows": finding.rows}
            mark = _("LARGE TABLE") if finding.large(threshold) else ""
            where = f"{finding.table} ({rows})" if finding.table else _("data migration")
            by_migration.setdefault(finding.migration, []).append(f"    {mark:<12}{where}: {finding.what}")
        for name in result.pending:
            self.stdout.write(f"  {name}")
            for line in by_migration.get(name, []):
                self.stdout.write(line)
        large = [f for f in result.findings if f.large(threshold)]
        if large:
            self.stderr.write(
                _(
                    "%(count)d operations rewrite, scan or lock a table of %(rows)d rows or more: plan a "
                    "maintenance window or do them in batches (docs/operations.md, Upgrade)."
                )
                % {"count": len(large), "rows": threshold}
            )
            raise SystemExit(1)
        self.stdout.write(_("Nothing slow or locking on a large table."))
