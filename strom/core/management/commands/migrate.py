"""`strom migrate`: Django's migrate, then the database cache table (settings use `strom_cache`).

Overriding the command keeps `strom migrate`, `django-admin migrate` and deploy scripts alike: a
database that was migrated always has its cache table.
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
