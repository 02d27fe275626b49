"""The command-line parts of record linkage, hooked into the commands that own their names:
`strom import persons FILE --organisation ORG` (strom/stats/management/commands/import.py) and
`strom person duplicates --by EMAIL` (strom/cases/management/commands/person.py, through
`strom.cases.commands`).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import IO, Any

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from strom.accounts.models import User
from strom.audit.actors import PERSON_IMPORT
from strom.cases.commands import Output
from strom.core.spreadsheets import CsvWriter
from strom.directory.models import Municipality, Organisation
from strom.linkage.importer import ImportFileError
from strom.linkage.selectors import duplicates_for_user, duplicates_system_wide
from strom.linkage.services_import import ImportRejected, persons_import

PAIR_COLUMNS = ("a_ref", "a_source_id", "b_ref", "b_source_id", "probability")
LISTING_MIN_PROBABILITY = 0.5


class StepProgress:
    """A one-line progress indicator on standard error: rows checked, then a bar while writing."""

    WIDTH = 30

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream
        self.last = ""

    def __call__(self, step: str, done: int, total: int) -> None:
        if step == "check":
            line = _("checking: %(done)s rows") % {"done": f"{done:,}"}
        else:
            percent = min(100, 100 * done // max(total, 1))
            filled = self.WIDTH * percent // 100
            line = f"[{'#' * filled}{'.' * (self.WIDTH - filled)}] {percent:3d}%  {done:,}/{total:,}"
        if line == self.last:
            return
        self.last = line
        self.stream.write(f"\r{line}\033[K")
        if step == "write" and done >= total:
            self.stream.write("\n")
        self.stream.flush()


def add_import_persons_arguments(parser: Any) -> None:
    parser.add_argument("file", help=_("A .csv or .xlsx file, one person a row, HTCDS column names."))
    parser.add_argument("--organisation", required=True, help=_("The organisation's id or exact name."))
    parser.add_argument("--country", default="", help=_("The organisation's country, with a name."))
    parser.add_argument(
        "--municipality", default="", help=_("Municipality code for rows without cas_Municipality.")
    )
    parser.add_argument("--no-progress", action="store_true", help=_("No progress indicator."))


def _organisation(value: str, country: str) -> Organisation:
    value = value.strip()
    found = Organisation.objects.filter(pk=int(value)) if value.isdigit() else Organisation.objects.none()
    if not found:
        found = Organisation.objects.filter(name=value)
        if country:
            found = found.filter(country=country.strip().upper())
    matches = list(found[:2])
    if len(matches) != 1:
        raise CommandError(
            _("No organisation with this id or name.")
            if not matches
            else _("Several organisations have this name: give --country or the id.")
        )
    return matches[0]


def import_persons(options: dict[str, Any], stdout: Output, stderr: Output) -> None:
    organisation = _organisation(options["organisation"], options["country"])
    municipality = None
    if options["municipality"]:
        municipality = Municipality.objects.filter(
            country=organisation.country, code__iexact=options["municipality"].strip()
        ).first()
        if municipality is None:
            raise CommandError(_("No municipality with this code in the organisation's country."))
    progress = None if options["no_progress"] or not sys.stderr.isatty() else StepProgress(sys.stderr)
    try:
        result = persons_import(
            by=PERSON_IMPORT,
            path=Path(options["file"]),
            organisation=organisation,
            municipality=municipality,
            progress=progress,
        )
    except ImportFileError as exc:
        raise CommandError(_("Nothing was imported: %(problem)s") % {"problem": exc}) from exc
    except ImportRejected as exc:
        for problem in exc.report.problems:
            stderr.write(str(problem) + "\n")
        hidden = exc.report.problem_count - len(exc.report.problems)
        if hidden > 0:
            stderr.write(_("… and %(n)d more problems.") % {"n": hidden} + "\n")
        raise CommandError(
            _("Nothing was imported. Problems: %(count)d.") % {"count": exc.report.problem_count}
        ) from exc
    stdout.write(
        ngettext(
            "%(n)d person imported into %(org)s, each with an open case.",
            "%(n)d persons imported into %(org)s, each with an open case.",
            result.persons,
        )
        % {"n": result.persons, "org": organisation.name}
        + "\n"
    )


def add_duplicates_arguments(parser: Any) -> None:
    parser.add_argument("--by", required=True, help=_("E-mail of the user whose persons are compared."))
    parser.add_argument(
        "--min-probability",
        type=float,
        # 0.5, as the command's documented interface says; the review list uses the setting (0.8).
        default=LISTING_MIN_PROBABILITY,
        help=_("Lowest match probability."),
    )
    parser.add_argument("--format", choices=("csv", "json"), default="csv")
    parser.add_argument(
        "--all",
        action="store_true",
        help=_("System admins: every organisation's persons, pairs across organisations by reference."),
    )


def list_duplicates(options: dict[str, Any], stdout: Output, stderr: Output) -> None:
    by = User.objects.filter(email__iexact=options["by"].strip(), is_active=True).first()
    if by is None:
        raise CommandError(_("No active user with this e-mail address."))
    threshold = options["min_probability"]
    if not 0 <= threshold <= 1:
        raise CommandError(_("The probability must be between 0 and 1."))
    rows = [
        {
            "a_ref": pair.a_ref,
            "a_source_id": pair.a_source_id,
            "b_ref": pair.b_ref,
            "b_source_id": pair.b_source_id,
            "probability": round(pair.probability, 4),
        }
        for pair in (duplicates_system_wide if options["all"] else duplicates_for_user)(
            by=by, min_probability=threshold
        )
    ]
    if options["format"] == "json":
        stdout.write(json.dumps(rows, ensure_ascii=False, indent=1) + "\n")
        return
    # source_id comes from the file an organisation imported: it must not start a formula.
    writer = CsvWriter(stdout)
    writer.writerow(PAIR_COLUMNS)
    writer.writerows([row[column] for column in PAIR_COLUMNS] for row in rows)
