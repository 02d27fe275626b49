"""`strom demo`: load demo organisations and one account per role, once, and print how to log in.

Every person here is synthetic. The TOTP secrets are random per installation and printed so a person
can add them to an authenticator app; `strom demo --codes` prints the current codes instead.
Refuses to run in production.
"""

from __future__ import annotations

import base64
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from strom.accounts.models import User
from strom.demo.accounts import ORGANISATIONS, USERS, DemoUser, demo_load, demo_loaded
from strom.demo.actionplans import demo_actionplans_load
from strom.demo.assessments import demo_assessments_load
from strom.demo.cases import demo_cases_load, demo_cases_loaded
from strom.demo.events import load_demo_events
from strom.demo.guidelines import demo_guidelines_load
from strom.demo.hotline import demo_hotline_load
from strom.demo.network import demo_network_load
from strom.demo.pathways import demo_pathways_load
from strom.demo.practices import demo_practices_load
from strom.demo.referrals import demo_referrals_load
from strom.demo.services import DEMO_PASSWORD
from strom.demo.transnational import demo_transnational_load


def _secret(device: TOTPDevice) -> str:
    """The base32 form authenticator apps ask for when a key is typed in."""
    return base64.b32encode(device.bin_key).decode("ascii").rstrip("=")


def _current_code(device: TOTPDevice) -> str:
    code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return str(code).zfill(device.digits)


class Command(BaseCommand):
    help = "Load demo organisations and one account per role (once), then print how to log in."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--codes", action="store_true", help="print the current TOTP code of every demo account and exit"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.STROM_ENV == "production":
            raise CommandError("Demo data is never loaded in production (STROM_ENV=production).")
        if options["codes"]:
            self._print_codes()
            return
        if demo_loaded():
            self.stdout.write("Demo data is already loaded; nothing changed.")
        else:
            created = demo_load()
            self.stdout.write(
                self.style.SUCCESS(
                    "Demo data loaded: {municipalities} municipalities, {organisations} organisations, "
                    "{users} accounts.".format(**created)
                )
            )
        # Cases go through the services, each step committed so the clocks' hooks run as in real use.
        if not demo_cases_loaded():
            count = demo_cases_load()
            self.stdout.write(self.style.SUCCESS(f"Demo cases loaded: {count} cases in nine countries."))
        self.stdout.write(f"Demo referral pathways created: {demo_pathways_load()}.")
        self.stdout.write(f"Demo network services created: {demo_network_load()}.")
        self.stdout.write(f"Demo referrals created: {demo_referrals_load()}.")
        self.stdout.write(
            f"Demo events: {len(load_demo_events())} (the Riga 2015 conference and a training)."
        )
        self.stdout.write(f"Demo guidelines created: {demo_guidelines_load()} (and country profile texts).")
        self.stdout.write(f"Demo practices created: {demo_practices_load()}.")
        # After the events: the recommendations come from the Riga 2015 round table.
        records = demo_actionplans_load()
        self.stdout.write(f"Demo action plans: {records} records (recommendations, a plan, its measures).")
        # After the network: a tip is passed to the police through its network entry.
        self.stdout.write(f"Demo hotline contacts created: {demo_hotline_load()} (Latvia and Estonia).")
        self.stdout.write(f"Demo assessment responses: {demo_assessments_load()} (two rounds).")
        # After the network: the focal point for the partner is marked there.
        self.stdout.write(f"Demo partner instances: {demo_transnational_load()} (suspended, not connected).")
        self._print_accounts()

    def _demo_users(self) -> list[tuple[DemoUser, User | None, TOTPDevice | None]]:
        users = {u.email: u for u in User.objects.filter(email__in=[p.email for p in USERS])}
        devices = {
            d.user_id: d
            for d in TOTPDevice.objects.filter(user__in=users.values(), confirmed=True).order_by("id")
        }
        rows = []
        for person in USERS:
            user = users.get(person.email)
            rows.append((person, user, devices.get(user.pk) if user else None))
        return rows

    def _print_accounts(self) -> None:
        names = {org.key: org.name for org in ORGANISATIONS}
        out = self.stdout
        out.write("")
        out.write(
            self.style.MIGRATE_HEADING(f"Demo accounts - the password for all of them is: {DEMO_PASSWORD}")
        )
        out.write("Add a TOTP secret to an authenticator app (type the key in, time-based, 6 digits),")
        out.write("or print the current codes with: .venv/bin/strom demo --codes")
        out.write("")
        out.write(f"  {'ROLE':<34} {'E-MAIL':<33} {'TOTP SECRET':<34} ORGANISATION")
        for person, user, device in self._demo_users():
            if user is None:
                continue
            secret = _secret(device) if device else "(none: no personal data)"
            out.write(f"  {person.role.label!s:<34} {person.email:<33} {secret:<34} {names[person.org]}")
        out.write("")

    def _print_codes(self) -> None:
        remaining = 30 - int(time.time()) % 30
        self.stdout.write(f"Current TOTP codes (valid for about {remaining} more seconds):")
        for person, _user, device in self._demo_users():
            if device is not None:
                self.stdout.write(f"  {person.email:<33} {_current_code(device)}")
