"""`strom events import FILE [--organisation ORG] [--replace]` and
`strom events export SLUG --format xml|json|ics --out FILE`: programmes in the schedule format;
`strom events report [--year YEAR] [--out FILE]`: people trained per sector, country and year (CSV).
The operator acts as the command-line system actor."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

from strom.audit.actors import COMMAND_LINE
from strom.core.management.base import DataCommand
from strom.core.numbers import whole_number
from strom.directory.models import Organisation
from strom.events.exchange import export_event
from strom.events.models import Event
from strom.events.reports import trained_csv
from strom.events.schedule import ScheduleInvalid, parse_schedule
from strom.events.selectors import people_trained
from strom.events.services import programme_import


class Command(DataCommand):
    help = "Import or export an event's programme as schedule XML or JSON (frab, pretalx), or iCalendar."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True, metavar="{import,export,report}")
        imp = sub.add_parser("import", help="Create an event from schedule XML or JSON; all or nothing.")
        imp.add_argument("file")
        imp.add_argument(
            "--organisation", help="Name or id of the organisation that manages it (default: the first)."
        )
        imp.add_argument("--replace", action="store_true", help="Replace the programme of an existing event.")
        exp = sub.add_parser("export", help="Write an event's programme.")
        exp.add_argument("slug")
        exp.add_argument("--format", choices=["xml", "json", "ics"], default="xml")
        exp.add_argument("--out", default="-", help="File to write; - for standard output (default).")
        rep = sub.add_parser("report", help="People trained per sector, country and year, as CSV.")
        rep.add_argument("--year", type=int, default=None)
        rep.add_argument("--out", default="-", help="File to write; - for standard output (default).")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "export":
            self.export(options["slug"], options["format"], options["out"])
        elif options["subcommand"] == "report":
            self.write(trained_csv(people_trained(year=options["year"])), options["out"])
        else:
            self.import_(options["file"], options["organisation"], options["replace"])

    def export(self, slug: str, fmt: str, out: str) -> None:
        event = Event.objects.filter(slug=slug).first()
        if event is None:
            raise CommandError(_("No event with the slug “%(slug)s”.") % {"slug": slug})
        body, _content_type, _name = export_event(event, fmt, site_url=settings.SITE_URL)
        self.write(body, out)

    def write(self, body: bytes, out: str) -> None:
        if out == "-":
            self.stdout.write(body.decode())
        else:
            with open(out, "wb") as target:
                target.write(body)

    def import_(self, path: str, organisation_ref: str | None, replace: bool) -> None:
        organisations = Organisation.objects.order_by("pk")
        if organisation_ref:
            number = whole_number(organisation_ref)
            found = (
                organisations.filter(pk=number)
                if number is not None
                else organisations.filter(name__iexact=organisation_ref)
            )
        else:
            found = organisations
        organisation = found.first()
        if organisation is None:
            raise CommandError(_("No such organisation: %(ref)s") % {"ref": organisation_ref or "-"})
        try:
            with open(path, "rb") as source:
                data = source.read()
        except OSError as exc:
            raise CommandError(str(exc)) from exc
        try:
            programme = parse_schedule(data)
            event = programme_import(
                by=COMMAND_LINE, programme=programme, organisation=organisation, replace=replace
            )
        except ScheduleInvalid as exc:
            for problem in exc.problems:
                self.stderr.write(str(problem))
            raise CommandError(
                _("Nothing was imported: %(count)d problems.") % {"count": len(exc.problems)}
            ) from exc
        self.stdout.write(
            _("%(title)s: %(sessions)d sessions imported.")
            % {"title": event.title, "sessions": len(programme.sessions)}
        )
        self.stdout.write(event.slug)
