"""`strom hub reindex [--kind KIND]`: rebuild the hub search's index from the search sources."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

from strom.core.management.base import DataCommand
from strom.core.search import search_sources
from strom.hub.index import reindex


class Command(DataCommand):
    help = "The knowledge hub's search index."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True, metavar="{reindex}")
        rebuild = sub.add_parser(
            "reindex", help="Rebuild the search index from the records (all or one kind)."
        )
        rebuild.add_argument("--kind", help="Only this kind (practice, guideline, event, session...).")

    def handle(self, *args: Any, **options: Any) -> None:
        kind = options.get("kind")
        kinds = [source.kind for source in search_sources()]
        if kind and kind not in kinds:
            raise CommandError(
                _("No search source of the kind “%(kind)s”; there are: %(kinds)s.")
                % {"kind": kind, "kinds": ", ".join(kinds) or "—"}
            )
        began = time.monotonic()
        counts = reindex(kind)
        for name, count in sorted(counts.items()):
            self.stdout.write(_("%(kind)s: %(count)d entries") % {"kind": name, "count": count})
        self.stdout.write(_("Indexed in %(seconds).1f s.") % {"seconds": time.monotonic() - began})
