"""Django's `createsuperuser` would change accounts without an audit entry, so STROM disables it.

strom.core comes before django.contrib.auth in INSTALLED_APPS, so this command wins.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _


class Command(BaseCommand):
    help = "Disabled in STROM: use `strom createadmin` or the password reset page."

    def handle(self, *args: Any, **options: Any) -> None:
        raise CommandError(
            _(
                "This command is disabled because it bypasses the audit log. Use “strom createadmin” "
                "to create a system admin, and the password reset page to change a password."
            )
        )
