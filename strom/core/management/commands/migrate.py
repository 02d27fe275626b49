"""`strom migrate`: Django's migrate, then the database cache table (settings use `strom_cache`),
then the once-per-rule-version re-check of children's screenings (strom/screening/recheck.py).

Overriding the command keeps `strom migrate`, `django-admin migrate` and deploy scripts alike: a
database that was migrated always has its cache table, and a deploy that brings a new screening rule
version asks the organisations to look again at the screenings it rates differently.
"""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.commands.migrate import Command as MigrateCommand


class Command(MigrateCommand):
    help = "Apply migrations, then create the database cache table if it is missing."

    def handle(self, *args: Any, **options: Any) -> None:
        super().handle(*args, **options)
        if options["plan"] or options["check_unapplied"] or options["prune"]:
            return
        call_command("createcachetable", database=options["database"], verbosity=options["verbosity"])
        if options["app_label"]:
            return  # a partial or backward migration: the tables may not be at today's models yet
        from strom.screening.recheck import recheck_screenings

        report = recheck_screenings()
        if report is not None and report.checked and options["verbosity"]:
            self.stdout.write(
                f"Screening rule {report.rule_version}: {report.checked} children's screenings checked, "
                f"{report.rechecks} to look at again ({report.tasks} case tasks)."
            )
