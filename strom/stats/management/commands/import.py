"""`strom import ctdc|table FILE --dataset NAME`: a CTDC global dataset CSV file, or a table exported by
another STROM instance, as a statistics dataset. `strom import persons FILE --organisation ORG` is
record linkage's bulk import of persons (strom/linkage/commands.py), under the same command name."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from strom.audit.actors import STATISTICS
from strom.core.management.base import DataCommand
from strom.linkage.commands import add_import_persons_arguments, import_persons
from strom.stats.ctdc import ImportRejected
from strom.stats.services import ctdc_import, table_import


class ProgressBar:
    """A one-line progress bar on standard error, redrawn only when the percentage changes."""

    WIDTH = 30

    def __init__(self, stream: Any) -> None:
        self.stream = stream
        self.last = -1

    def __call__(self, done: int, total: int) -> None:
        percent = min(100, 100 * done // max(total, 1))
        if percent == self.last:
            return
        self.last = percent
        filled = self.WIDTH * percent // 100
        self.stream.write(
            f"\r[{'#' * filled}{'.' * (self.WIDTH - filled)}] {percent:3d}%  {done:,}/{total:,}"
        )
        if percent == 100:
            self.stream.write("\n")
        self.stream.flush()


class Command(DataCommand):
    help = "Import a dataset for the statistics: all rows or none, with a row-level report of problems."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="format", required=True, metavar="{ctdc,table,persons}")
        ctdc = sub.add_parser("ctdc", help="The CTDC global dataset CSV format (one row per victim).")
        ctdc.add_argument("file")
        ctdc.add_argument("--dataset", required=True, help="name of the new dataset (a-z, 0-9, - and _)")
        ctdc.add_argument("--no-progress", action="store_true", help="no progress bar")
        table = sub.add_parser(
            "table", help="A table exported by another STROM instance (strom stats table --format strom)."
        )
        table.add_argument("file")
        table.add_argument("--dataset", required=True, help="name of the new dataset (a-z, 0-9, - and _)")
        persons = sub.add_parser(
            "persons", help="Persons from a CSV or XLSX file (HTCDS columns), each with an open case."
        )
        add_import_persons_arguments(persons)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["format"] == "persons":
            # Streamed from the file in two passes (strom.linkage), never read into memory whole.
            import_persons(options, self.stdout, self.stderr)
            return
        try:
            with open(options["file"], "rb") as source:
                data = source.read()
        except OSError as exc:
            raise CommandError(str(exc)) from exc
        if options["format"] == "table":
            self._table(data, options)
            return
        progress = None if options["no_progress"] or not sys.stderr.isatty() else ProgressBar(sys.stderr)
        try:
            dataset = ctdc_import(
                by=STATISTICS,
                data=data,
                dataset_name=options["dataset"],
                file_name=options["file"],
                progress=progress,
            )
        except ImportRejected as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            rejected = len({e.row for e in exc.errors if e.row > 1})
            raise CommandError(
                _("Nothing was imported. Rows rejected: %(rows)d. Problems: %(count)d.")
                % {"rows": rejected, "count": len(exc.errors)}
            ) from exc
        self.stdout.write(
            ngettext(
                "%(rows)d row imported into the dataset %(name)s, none rejected.",
                "%(rows)d rows imported into the dataset %(name)s, none rejected.",
                dataset.rows,
            )
            % {"rows": dataset.rows, "name": dataset.name}
        )

    def _table(self, data: bytes, options: dict[str, Any]) -> None:
        try:
            dataset = table_import(
                by=STATISTICS, data=data, dataset_name=options["dataset"], file_name=options["file"]
            )
        except ImportRejected as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            raise CommandError(
                _("Nothing was imported. Problems: %(count)d.") % {"count": len(exc.errors)}
            ) from exc
        entries = dataset.cells.count()
        self.stdout.write(
            ngettext(
                "The table from %(source)s by %(by)s is now the dataset %(name)s: %(count)d entry.",
                "The table from %(source)s by %(by)s is now the dataset %(name)s: %(count)d entries.",
                entries,
            )
            % {
                "source": dataset.exchange["source"],
                "by": ", ".join(dataset.exchange["by"]),
                "name": dataset.name,
                "count": entries,
            }
        )
