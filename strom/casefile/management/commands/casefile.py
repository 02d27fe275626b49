"""`strom casefile reencrypt-documents|orphan-files`: housekeeping of encrypted document files."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

from strom.casefile import services
from strom.core.management.base import DataCommand


class Command(DataCommand):
    help = "Case documents: re-encrypt every file under a fresh key; find or remove orphaned files."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(
            dest="subcommand", required=True, metavar="{reencrypt-documents,orphan-files}"
        )
        reencrypt = sub.add_parser(
            "reencrypt-documents",
            help="Rewrite every document file under a new data key wrapped by the current field key.",
        )
        reencrypt.add_argument("--batch-size", type=int, default=100)
        orphans = sub.add_parser("orphan-files", help="List stored files that no document row points at.")
        orphans.add_argument("--delete", action="store_true", help="Delete them.")
        orphans.add_argument(
            "--older-than-hours", type=int, default=1, help="Only files at least this old (default 1)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "reencrypt-documents":
            if options["batch_size"] < 1:
                raise CommandError(_("--batch-size must be at least 1."))
            result = services.documents_reencrypt(
                batch_size=options["batch_size"],
                progress=lambda done: self.stdout.write(_("  %(done)d files re-encrypted") % {"done": done}),
            )
            self.stdout.write(
                _(
                    "Done: %(rewritten)d files re-encrypted, %(skipped)d changed meanwhile (run again), "
                    "%(failed)d missing or undecryptable."
                )
                % {"rewritten": result.rewritten, "skipped": result.skipped, "failed": result.failed}
            )
            if result.failed:
                raise CommandError(_("Some files could not be read; see `strom casefile orphan-files`."))
        else:
            orphans = services.orphan_files(older_than=dt.timedelta(hours=options["older_than_hours"]))
            for name in orphans:
                self.stdout.write(name)
            if options["delete"]:
                services.orphan_files_delete(names=orphans)
            self.stdout.write(
                (
                    _("%(count)d orphaned files deleted.")
                    if options["delete"]
                    else _("%(count)d orphaned files.")
                )
                % {"count": len(orphans)}
            )
