"""`strom migrate`: Django's migrate, then the database cache table (settings use `strom_cache`),
then the tasks the apps register to run after a migration (strom/core/registry.py), such as the
once-per-rule-version re-check of children's screenings (strom/screening/services_recheck.py).

Overriding the command keeps `strom migrate`, `django-admin migrate` and deploy scripts alike: a
database that was migrated always has its cache table, and a deploy that brings a new screening rule
version asks the organisations to look again at the screenings it rates differently.
"""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.commands.migrate import Command as MigrateCommand

from strom.core.registry import after_migrate_tasks


class Command(MigrateCommand):
    help = "Apply migrations, then create the database cache table if it is missing."

    def handle(self, *args: Any, **options: Any) -> None:
        super().handle(*args, **options)
        if options["plan"] or options["check_unapplied"] or options["prune"]:
            return
        call_command("createcachetable", database=options["database"], verbosity=options["verbosity"])
        if options["app_label"]:
            return  # a partial or backward migration: the tables may not be at today's models yet
        for task in after_migrate_tasks():
            line = task()
            if line and options["verbosity"]:
                self.stdout.write(line)
