"""`strom createadmin`: create the first system admin (and their organisation) or report that it exists."""

from __future__ import annotations

import getpass
import sys
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from strom.accounts.services import system_admin_create
from strom.core.context import Origin, origin


class Command(BaseCommand):
    help = (
        "Create a system admin: asks for anything not given as an option. Creates the organisation if it is "
        "missing (type: central government). Nothing is saved unless everything is valid."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--email", help="The admin's e-mail address (they log in with it).")
        parser.add_argument("--name", help="The admin's full name.")
        parser.add_argument("--org", help="Name of the admin's organisation.")
        parser.add_argument("--country", help="The organisation's country, ISO 3166 code such as LV.")
        parser.add_argument(
            "--password-stdin",
            action="store_true",
            help="Read the password from the first line of standard input.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        interactive = sys.stdin.isatty() and not options["password_stdin"]
        values = {
            "email": options["email"] or self._ask(_("E-mail address"), interactive),
            "full_name": options["name"] or self._ask(_("Full name"), interactive),
            "organisation_name": options["org"] or self._ask(_("Organisation"), interactive),
            "country": options["country"] or self._ask(_("Country (ISO code, e.g. LV)"), interactive),
        }
        password = self._password(options["password_stdin"], interactive)
        try:
            with origin(Origin(channel="cli")):
                user, created = system_admin_create(password=password, **values)
        except ValidationError as exc:
            labels = {
                "email": "--email",
                "name": "--name",
                "org": "--org",
                "country": "--country",
                "password": _("password"),
            }
            lines = [
                f"{labels.get(field, field)}: {message}"
                for field, messages in exc.message_dict.items()
                for message in messages
            ]
            raise CommandError(_("Nothing was saved.") + "\n" + "\n".join(lines)) from None
        if created:
            self.stdout.write(
                self.style.SUCCESS(_("System admin %(email)s created.") % {"email": user.email})
            )
            self.stdout.write(_("At the first log-in they set up two-factor authentication."))
        else:
            self.stdout.write(
                _("%(email)s is already a system admin; nothing was changed.") % {"email": user.email}
            )

    def _ask(self, label: str, interactive: bool) -> str:
        if not interactive:
            raise CommandError(_("%(label)s is missing: give it as an option.") % {"label": label})
        return input(f"{label}: ").strip()

    def _password(self, from_stdin: bool, interactive: bool) -> str:
        if from_stdin:
            return sys.stdin.readline().rstrip("\r\n")
        if not interactive:
            raise CommandError(_("No password: run interactively or use --password-stdin."))
        first = getpass.getpass(_("Password") + ": ")
        second = getpass.getpass(_("Password again") + ": ")
        if first != second:
            raise CommandError(_("The two passwords differ. Nothing was saved."))
        return first
