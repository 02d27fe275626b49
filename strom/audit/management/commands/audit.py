"""`strom audit verify`: recompute the audit chain and name the first modified, deleted or moved entry."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from strom.audit.selectors import verify_chain


class Command(BaseCommand):
    help = "Audit log tools. `verify` checks the whole hash chain (exit status 0 intact, 1 broken)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True, metavar="{verify}")
        verify = sub.add_parser(
            "verify", help="Recompute every entry's HMAC and link and compare with the head."
        )
        verify.add_argument(
            "--chunk-size",
            type=int,
            default=2000,
            help="Entries fetched per round trip (memory stays constant).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "verify":
            self.verify(chunk_size=max(1, options["chunk_size"]))

    def verify(self, *, chunk_size: int) -> None:
        report = verify_chain(chunk_size=chunk_size)
        if not report.intact:
            self.stderr.write(report.message)
            raise SystemExit(1)
        self.stdout.write(report.message)
        if report.last is not None:
            # Written down elsewhere (a ticket, a notebook), it lets a later run prove that nothing was
            # cut from the end together with the head.
            self.stdout.write(_("Last hash: %(hash)s") % {"hash": report.last.hash})
