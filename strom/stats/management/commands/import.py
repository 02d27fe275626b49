"""`strom import ctdc FILE --dataset NAME`: a CTDC global dataset CSV file as a statistics dataset."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from strom.stats.ctdc import ImportRejected, ctdc_import


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


class Command(BaseCommand):
    help = "Import a dataset for the statistics: all rows or none, with a row-level report of problems."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="format", required=True, metavar="{ctdc}")
        ctdc = sub.add_parser("ctdc", help="The CTDC global dataset CSV format (one row per victim).")
        ctdc.add_argument("file")
        ctdc.add_argument("--dataset", required=True, help="name of the new dataset (a-z, 0-9, - and _)")
        ctdc.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            with open(options["file"], "rb") as source:
                data = source.read()
        except OSError as exc:
            raise CommandError(str(exc)) from exc
        progress = None if options["no_progress"] or not sys.stderr.isatty() else ProgressBar(sys.stderr)
        try:
            dataset = ctdc_import(
                by=None,
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
                _("0 rows imported, %(rows)d rows rejected: %(count)d problems, nothing was imported.")
                % {"rows": rejected, "count": len(exc.errors)}
            ) from exc
        self.stdout.write(
            _("%(rows)d rows imported into the dataset %(name)s, 0 rejected.")
            % {"rows": dataset.rows, "name": dataset.name}
        )
