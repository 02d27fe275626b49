"""`strom hotline stats --by channel` and `strom hotline minimise`: the hotline's figures and its cleanup."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

from strom.core.countries import is_country
from strom.core.management.base import DataCommand
from strom.hotline.selectors import DIMENSIONS, hotline_table
from strom.hotline.tasks import MINIMISE_AFTER_DAYS, contacts_minimise


class Command(DataCommand):
    help = "Hotline contacts by one dimension (small counts withheld), or clear old contacts' caller details."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True, metavar="{stats,minimise}")
        stats = sub.add_parser("stats", help="Contacts by one dimension, small counts withheld.")
        stats.add_argument("--by", choices=sorted(DIMENSIONS), default="channel")
        stats.add_argument("--country", default="", help="ISO 3166 code; default: every country")
        stats.add_argument("--year", type=int, default=None)
        sub.add_parser(
            "minimise",
            help=f"Clear caller details of contacts without a case older than {MINIMISE_AFTER_DAYS} days.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "minimise":
            count = contacts_minimise()
            self.stdout.write(_("%(count)d contacts minimised.") % {"count": count})
            return
        country = options["country"].upper()
        if country and not is_country(country):
            raise CommandError(_("“%(code)s” is not an ISO 3166 country code.") % {"code": country})
        rows, total = hotline_table(dimension=options["by"], country=country, year=options["year"])
        width = max([len(r.label) for r in rows] + [len(total.label)])
        for row in [*rows, total]:
            shown = "-" if row.count is None else str(row.count)
            self.stdout.write(f"{row.label:<{width}}  {shown:>7}")
