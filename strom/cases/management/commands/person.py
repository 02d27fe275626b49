"""`strom person export <ref>` and `strom person erase <ref>`: a data subject's rights from the command line.

Both act as a named user (`--by`), checked like everywhere else: export needs a user who can see the
case (a system admin may export any person when giving `--reason`); erasure needs a supervisor of
every organisation holding one of the person's cases, or a system admin, and always a reason.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

from strom.accounts.models import User
from strom.cases.access import get_case_for
from strom.cases.commands import person_subcommands
from strom.cases.erasure import ErasureSummary
from strom.cases.export import ExportRefused, person_export
from strom.cases.models import Case
from strom.cases.refs import normalise_ref
from strom.cases.services_retention import person_erase
from strom.core.errors import NotAllowed
from strom.core.management.base import DataCommand
from strom.core.roles import Perm


class Command(DataCommand):
    help = "A person's rights: export everything held about them, or erase them everywhere."

    def add_arguments(self, parser: CommandParser) -> None:
        extra = person_subcommands()
        names = ",".join(["export", "erase", *(s.name for s in extra)])
        sub = parser.add_subparsers(dest="subcommand", required=True, metavar=f"{{{names}}}")
        export = sub.add_parser("export", help="Write everything held about the person (JSON, HTML, files).")
        export.add_argument("ref", help="Reference of one of the person's cases, e.g. LV-RIX-7K3F9.")
        export.add_argument("--by", required=True, help="E-mail of the user making the export.")
        export.add_argument("--reason", default="", help="Why (required for system admins).")
        export.add_argument(
            "--out", type=Path, help="Output directory (default var/exports/<ref>-<timestamp>/, mode 0700)."
        )
        erase = sub.add_parser("erase", help="Remove the person, all their cases and every related row.")
        erase.add_argument("ref", help="Reference of one of the person's cases.")
        erase.add_argument("--by", required=True, help="E-mail of the user ordering the erasure.")
        erase.add_argument("--reason", required=True, help="Why, e.g. the request's reference (audited).")
        erase.add_argument(
            "--dry-run", action="store_true", help="Show what would be removed; change nothing."
        )
        erase.add_argument("--yes", action="store_true", help="Do not ask for confirmation.")
        for subcommand in extra:
            subcommand.add_arguments(sub.add_parser(subcommand.name, help=subcommand.help))

    def handle(self, *args: Any, **options: Any) -> None:
        for subcommand in person_subcommands():
            if options["subcommand"] == subcommand.name:
                subcommand.run(options, self.stdout, self.stderr)
                return
        by = User.objects.filter(email__iexact=options["by"].strip(), is_active=True).first()
        if by is None:
            raise CommandError(_("No active user with this e-mail address."))
        if options["subcommand"] == "export":
            self.export(by, options)
        else:
            self.erase(by, options)

    def export(self, by: User, options: dict[str, Any]) -> None:
        try:
            result = person_export(by=by, ref=options["ref"], reason=options["reason"], out=options["out"])
        except (ExportRefused, ValidationError) as exc:
            raise CommandError(_message(exc)) from None
        self.stdout.write(_("Export written to %(dir)s") % {"dir": result.directory})
        self.stdout.write(_("Cases: %(refs)s") % {"refs": ", ".join(result.case_refs) or "—"})
        for name, count in sorted(result.counts.items()):
            self.stdout.write(f"  {name}: {count}")

    def erase(self, by: User, options: dict[str, Any]) -> None:
        ref = options["ref"]
        if by.has_global(Perm.SYSTEM_MANAGE):
            case = Case.objects.select_related("person").filter(ref=normalise_ref(ref)).first()
        else:
            try:
                case = get_case_for(by, ref)
            except NotAllowed:
                case = None
        if case is None:
            raise CommandError(_("No case with this reference that you may see."))
        try:
            plan = person_erase(by=by, person=case.person, reason=options["reason"], dry_run=True)
        except ValidationError as exc:
            raise CommandError(_message(exc)) from None
        self._summary(plan)
        if options["dry_run"]:
            self.stdout.write(_("Dry run: nothing was removed."))
            return
        if not options["yes"]:
            answer = input(_("Type the reference %(ref)s to erase all of this: ") % {"ref": case.ref})
            if normalise_ref(answer) != case.ref:
                raise CommandError(_("Not confirmed: nothing was removed."))
        try:
            done = person_erase(by=by, person=case.person, reason=options["reason"])
        except ValidationError as exc:
            raise CommandError(_message(exc)) from None
        self.stdout.write(
            _("Erased: person, %(n)d case(s), %(files)d file(s).")
            % {"n": len(done.case_refs), "files": done.files}
        )

    def _summary(self, plan: ErasureSummary) -> None:
        self.stdout.write(_("Cases: %(refs)s") % {"refs": ", ".join(plan.case_refs) or "—"})
        for name, count in plan.counts.items():
            self.stdout.write(f"  {name}: {count}")
        self.stdout.write(_("Files on disk: %(n)d") % {"n": plan.files})


def _message(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc)
