"""`strom network export --out FILE` and `strom network import FILE`: the directory as CSV."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

from strom.core.management.base import DataCommand
from strom.network.csvio import ImportFailed, export_csv, import_csv
from strom.network.models import NetworkService


class Command(DataCommand):
    help = "The cooperation network directory as CSV: export every service, or import all rows or none."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True, metavar="{export,import}")
        export = sub.add_parser("export", help="Write every service (active or not) as CSV.")
        export.add_argument("--out", default="-", help="File to write; - for standard output (default).")
        imp = sub.add_parser(
            "import", help="Create or update services from CSV; nothing changes on any error."
        )
        imp.add_argument("file")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "export":
            services = NetworkService.objects.select_related("organisation").prefetch_related(
                "municipalities"
            )
            if options["out"] == "-":
                count = export_csv(services.order_by("pk"), sys.stdout)
            else:
                with open(options["out"], "w", encoding="utf-8", newline="") as out:
                    count = export_csv(services.order_by("pk"), out)
            self.stderr.write(_("%(count)d services exported.") % {"count": count})
            return
        try:
            with open(options["file"], "rb") as source:
                data = source.read()
        except OSError as exc:
            raise CommandError(str(exc)) from exc
        try:
            created, updated = import_csv(data)
        except ImportFailed as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            raise CommandError(
                _("Nothing was imported: %(count)d errors.") % {"count": len(exc.errors)}
            ) from exc
        self.stdout.write(
            _("%(created)d services created, %(updated)d updated.") % {"created": created, "updated": updated}
        )
