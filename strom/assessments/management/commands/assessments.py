"""`strom assessments import FORM.xlsx [--organisation ORG]`, `strom assessments list` and
`strom assessments export ROUND --out FILE`: questionnaires and rounds at the command line.

The operator imports as the system actor "command line"; the questionnaire is kept by ORG (an id or a
name), by default the one national coordinator's office if there is exactly one.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

from strom.assessments import exports
from strom.assessments.models import Questionnaire, Response, ResponseStatus, Round
from strom.assessments.services import questionnaire_import
from strom.assessments.xlsform import XLSFormRejected
from strom.audit.actors import COMMAND_LINE
from strom.core.management.base import DataCommand
from strom.core.numbers import whole_number
from strom.core.roles import OrgType
from strom.directory.models import Organisation


def _organisation(ref: str) -> Organisation:
    if not ref:
        offices = list(Organisation.objects.filter(org_type=OrgType.NATIONAL_COORDINATOR, is_active=True)[:2])
        if len(offices) != 1:
            raise CommandError(
                _("Say which organisation keeps the questionnaire: --organisation ID or name.")
            )
        return offices[0]
    number = whole_number(ref)
    found = Organisation.objects.filter(pk=number).first() if number is not None else None
    found = found or Organisation.objects.filter(name=ref).first()
    if found is None:
        raise CommandError(_("No organisation “%(ref)s”.") % {"ref": ref})
    return found


def _write(path: str, data: bytes) -> None:
    """Under a temporary name first, so a file appears only when complete."""
    folder = os.path.dirname(os.path.abspath(path))
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".strom-", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise


class Command(DataCommand):
    help = "Import an XLSForm questionnaire, list questionnaires and rounds, export a round's answers."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True, metavar="{import,list,export}")
        importing = sub.add_parser(
            "import", help="Validate an XLSForm and keep it as a questionnaire version."
        )
        importing.add_argument("file", help="The XLSForm (.xlsx, .xls or .csv).")
        importing.add_argument("--organisation", default="", help="The keeping organisation's id or name.")
        sub.add_parser("list", help="Questionnaires and rounds, one line each.")
        export = sub.add_parser("export", help="A round's submitted answers as XLSX (KoboToolbox shape).")
        export.add_argument("round", type=int)
        export.add_argument("--out", required=True, help="The .xlsx file to write.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "import":
            self.import_(options["file"], options["organisation"])
        elif options["subcommand"] == "list":
            self.list_()
        else:
            self.export(options["round"], options["out"])

    def import_(self, file: str, organisation: str) -> None:
        path = Path(file)
        if not path.is_file():
            raise CommandError(_("No file “%(path)s”.") % {"path": file})
        try:
            questionnaire = questionnaire_import(
                by=COMMAND_LINE,
                organisation=_organisation(organisation),
                file_name=path.name,
                content=path.read_bytes(),
            )
        except XLSFormRejected as exc:
            raise CommandError("\n".join(str(e) for e in exc.errors)) from None
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        self.stdout.write(
            f"{questionnaire.pk}\t{questionnaire.form_id}\t{questionnaire.version}\t{questionnaire.title}"
        )

    def list_(self) -> None:
        for q in Questionnaire.objects.defer("source").order_by("form_id", "version"):
            self.stdout.write(f"questionnaire\t{q.pk}\t{q.form_id}\t{q.version}\t{q.title}")
        for r in Round.objects.order_by("pk"):
            self.stdout.write(f"round\t{r.pk}\t{r.questionnaire_id}\t{r.status}\t{r.deadline}\t{r.title}")

    def export(self, round_id: int, out: str) -> None:
        round_ = Round.objects.select_related("questionnaire").filter(pk=round_id).first()
        if round_ is None:
            raise CommandError(_("No round with the id %(id)d.") % {"id": round_id})
        responses = list(
            Response.objects.filter(round=round_, status=ResponseStatus.SUBMITTED)
            .select_related("organisation", "organisation__municipality")
            .order_by("organisation__country", "organisation__name", "pk")
        )
        _write(out, exports.as_xlsx(exports.tables(round_, responses)))
