"""`strom actionplans list`, `strom actionplans show ID` and
`strom actionplans export ID --format xlsx|json --out FILE`: action plans at the command line.

The operator of the server reads every plan, drafts included; nothing here writes. Computed indicators
are shown as they were last computed (withheld where disclosure control withheld them).
"""

from __future__ import annotations

import json
import os
import tempfile
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

from strom.actionplans.exports import plan_json, plan_xlsx
from strom.actionplans.models import ActionPlan
from strom.core.management.base import DataCommand
from strom.core.numbers import whole_number


def _plan(ref: str) -> ActionPlan:
    number = whole_number(ref)
    plan = (
        ActionPlan.objects.select_related("owner", "municipality").filter(pk=number).first()
        if number is not None
        else None
    )
    if plan is None:
        raise CommandError(_("No action plan with the id “%(id)s”.") % {"id": ref})
    return plan


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
    help = "List, show or export action plans (XLSX or JSON)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True, metavar="{list,show,export}")
        listing = sub.add_parser("list", help="Every plan: id, country, level, status and title.")
        listing.add_argument("--country", default="", help="Only this country (ISO 3166 code).")
        show = sub.add_parser("show", help="A plan with its measures and indicators, as JSON.")
        show.add_argument("id")
        export = sub.add_parser("export", help="Write a plan as XLSX or JSON.")
        export.add_argument("id")
        export.add_argument("--format", choices=["xlsx", "json"], default="xlsx")
        export.add_argument(
            "--out", required=True, help="The file to write; - for standard output (JSON only)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        command = options["subcommand"]
        if command == "list":
            self.list_(options["country"])
        elif command == "show":
            self.stdout.write(json.dumps(plan_json(_plan(options["id"])), ensure_ascii=False, indent=2))
        else:
            self.export(options["id"], options["format"], options["out"])

    def list_(self, country: str) -> None:
        plans = ActionPlan.objects.select_related("owner").order_by("country", "-period_start", "pk")
        if country:
            plans = plans.filter(country=country.upper())
        for plan in plans:
            self.stdout.write(f"{plan.pk}\t{plan.country}\t{plan.level}\t{plan.status}\t{plan.title}")

    def export(self, ref: str, fmt: str, out: str) -> None:
        plan = _plan(ref)
        if fmt == "json":
            data = json.dumps(plan_json(plan), ensure_ascii=False, indent=2).encode()
        else:
            if out == "-":
                raise CommandError(_("An XLSX file needs --out FILE."))
            data = plan_xlsx(plan)
        if out == "-":
            self.stdout.write(data.decode())
            return
        try:
            _write(out, data)
        except OSError as exc:
            raise CommandError(str(exc)) from exc
        self.stderr.write(_("%(title)s written to %(file)s.") % {"title": plan.title, "file": out})
