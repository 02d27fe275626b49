"""`strom transnational fingerprints` prints this instance's key fingerprints (to read out to a partner's
admin); `strom transnational rotate-keys` makes new keys current and tells every partner in a message
signed with the old key; `strom transnational deliver` runs one round of the outbox now."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser
from django.utils.translation import gettext as _

from strom.audit.actors import COMMAND_LINE
from strom.core.management.base import DataCommand
from strom.transnational.keys import instance_keys
from strom.transnational.services import keys_rotate
from strom.transnational.services_messages import outbox_deliver


class Command(DataCommand):
    help = "This instance's keys for transnational referral, and the outbox of messages to partners."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(
            dest="subcommand", required=True, metavar="{fingerprints,rotate-keys,deliver}"
        )
        sub.add_parser("fingerprints", help="Print the signing and encryption key fingerprints (RFC 7638).")
        sub.add_parser(
            "rotate-keys", help="New keys; partners are told in a message signed with the old key."
        )
        sub.add_parser("deliver", help="Try every message due in the outbox now.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "rotate-keys":
            keys_rotate(by=COMMAND_LINE)
        elif options["subcommand"] == "deliver":
            delivered, failed = outbox_deliver()
            self.stdout.write(
                _("%(delivered)d delivered, %(failed)d to retry.")
                % {"delivered": delivered, "failed": failed}
            )
            return
        keys = instance_keys()
        self.stdout.write(_("Signing key fingerprint: %(kid)s") % {"kid": keys.signing.current})
        self.stdout.write(_("Encryption key fingerprint: %(kid)s") % {"kid": keys.encryption.current})
