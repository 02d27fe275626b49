"""`strom retention`: which closed cases are past their country's retention period; `--apply` acts.

A dry run by default. The report names no one: per country and action, how many cases, their
references and the day each became due; cases held back (open proceedings, legal hold) are listed
with the reason. Run it from cron (daily is plenty) with `--apply` once the dry runs look right.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.core.management.base import CommandParser
from django.utils.translation import gettext as _

from strom.cases.retention import DueCase, due_cases
from strom.cases.services_retention import retention_apply
from strom.core.management.base import DataCommand


class Command(DataCommand):
    help = "Anonymise or erase closed cases past their retention period (dry run unless --apply)."

    def add_arguments(self, parser: CommandParser) -> None:
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument("--dry-run", action="store_true", default=True, help="Report only (default).")
        mode.add_argument("--apply", action="store_true", help="Anonymise or erase the due cases.")
        parser.add_argument("--batch-size", type=int, default=100, help="Cases fetched per batch.")

    def handle(self, *args: Any, **options: Any) -> None:
        report = due_cases()
        groups: dict[tuple[str, str], list[DueCase]] = defaultdict(list)
        for due in report.actionable:
            groups[(due.country, due.action)].append(due)
        if not report.due:
            self.stdout.write(_("No closed case is past its retention period."))
        for (country, action), items in sorted(groups.items()):
            self.stdout.write(
                _("%(country)s — %(action)s: %(n)d case(s) due")
                % {"country": country, "action": action, "n": len(items)}
            )
            for due in items:
                self.stdout.write(f"  {due.ref}  {_('due since')} {due.due_on.isoformat()}")
        if report.held:
            self.stdout.write(_("Held back: %(n)d case(s)") % {"n": len(report.held)})
            for due in report.held:
                self.stdout.write(f"  {due.ref}  {due.country}  {due.due_on.isoformat()}  ({due.hold})")
        if report.hold_checks:
            self.stdout.write(_("Holds checked: %(checks)s") % {"checks": ", ".join(report.hold_checks)})
        else:
            self.stdout.write(
                _("Holds checked: none (no proceedings record or legal-hold field exists yet).")
            )
        if not options["apply"]:
            if report.actionable:
                self.stdout.write(_("Dry run: nothing changed. Run with --apply to act."))
            return
        done = 0
        for due, outcome in retention_apply(report, batch_size=max(1, options["batch_size"])):
            done += outcome == "done"
            self.stdout.write(f"  {due.ref}: {due.action if outcome == 'done' else _('already removed')}")
        self.stdout.write(_("Done: %(n)d case(s).") % {"n": done})
