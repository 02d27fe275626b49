"""`strom practices list [--country XX] [--stage S]`, `strom practices show ID` and
`strom practices export --out FILE`: the published library on the command line.

The command line reads what is published, as a member would; contacts are never printed or exported.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

from strom.core.management.base import DataCommand
from strom.practices.models import PracticeVersion, Stage

STAGES = [str(value) for value in Stage.values]


def _published() -> Any:
    return PracticeVersion.objects.filter(is_current=True).order_by("title", "practice_id")


class Command(DataCommand):
    help = "List, show or export the published practices."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True, metavar="{list,show,export}")
        listing = sub.add_parser("list", help="One line per published practice.")
        listing.add_argument("--country", default="", help="ISO 3166 code, e.g. LV.")
        listing.add_argument("--stage", default="", choices=["", *STAGES], help="A stage of the chain.")
        show = sub.add_parser("show", help="A published practice as JSON.")
        show.add_argument("id", type=int)
        export = sub.add_parser("export", help="Every published practice as one JSON document.")
        export.add_argument("--out", default="-", help="File to write; - for standard output (default).")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "list":
            self.list_(options["country"], options["stage"])
        elif options["subcommand"] == "show":
            self.show(options["id"])
        else:
            self.export(options["out"])

    def list_(self, country: str, stage: str) -> None:
        versions = _published()
        if country:
            versions = versions.filter(country=country.upper())
        if stage:
            versions = versions.filter(stages__contains=[stage])
        for version in versions:
            self.stdout.write(f"{version.practice_id}\t{version.country}\t{version.level}\t{version.title}")

    def show(self, practice_id: int) -> None:
        version = _published().filter(practice_id=practice_id).first()
        if version is None:
            raise CommandError(_("No published practice %(id)d.") % {"id": practice_id})
        self.stdout.write(json.dumps(_document(version), ensure_ascii=False, indent=2))

    def export(self, out: str) -> None:
        body = json.dumps({"practices": [_document(v) for v in _published()]}, ensure_ascii=False, indent=2)
        if out == "-":
            self.stdout.write(body)
            return
        try:
            with open(out, "w", encoding="utf-8") as target:
                target.write(body + "\n")
        except OSError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            _("%(count)d practices written to %(file)s.") % {"count": _published().count(), "file": out}
        )


def _document(version: PracticeVersion) -> dict[str, Any]:
    return {
        "id": version.practice_id,
        "version": version.number,
        "published_at": version.published_at.isoformat(),
        "level": version.level,
        "public": version.public,
        **version.data,
    }
