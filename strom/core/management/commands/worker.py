"""`strom worker`: background work without a broker. Sends task reminders (strom/cases/tasks.py) and
referral reminders and expiries (strom/referrals/tasks.py), and signs audit checkpoints
(strom/audit/checkpoints.py) every STROM_AUDIT_CHECKPOINT_MINUTES when the chain has advanced.

Runs in a loop every --interval seconds until SIGTERM or Ctrl-C; `--once` does one round and exits
(for tests and cron). Several workers may run at once: reminders are claimed with SKIP LOCKED.
"""

from __future__ import annotations

import signal
import time
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

from strom.audit.services import CheckpointError, audit_checkpoint
from strom.cases.tasks import send_due_reminders
from strom.core.context import Origin, origin
from strom.referrals.tasks import send_referral_reminders
from strom.stats.tasks import stats_round


class Command(BaseCommand):
    help = "Run background work (task reminders) every --interval seconds; --once runs one round."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--interval", type=int, default=60, help="seconds between rounds (default: 60)")
        parser.add_argument("--once", action="store_true", help="run one round and exit")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["interval"] < 1:
            self.stderr.write("--interval must be at least 1 second.")
            raise SystemExit(2)
        if options["once"]:
            sent = send_due_reminders()
            referrals = send_referral_reminders()
            self.stdout.write(
                f"Reminders sent for {sent} tasks; referral reminders and expiries: {referrals}"
            )
            stats_round()
            try:
                self.stdout.write(self.checkpoint_round())
            except CheckpointError as exc:
                self.stderr.write(str(exc))
                raise SystemExit(1) from exc
            return
        stopping = False

        def stop(signum: int, frame: FrameType | None) -> None:
            nonlocal stopping
            stopping = True

        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, stop)
        self.stdout.write(f"STROM worker running every {options['interval']} s.")
        while not stopping:
            close_old_connections()
            try:
                send_due_reminders()
                send_referral_reminders()
            except Exception:  # one failed round (database restart) must not end the worker
                self.stderr.write("A worker round failed; trying again at the next interval.")
            try:
                # Statistics imports and refreshes: a failure here must not hold up the reminders.
                stats_round()
            except Exception:
                self.stderr.write("A statistics round failed; trying again at the next interval.")
            try:
                self.checkpoint_round()
            except Exception as exc:  # e.g. the checkpoint directory is not writable: say so, keep going
                self.stderr.write(f"An audit checkpoint failed; trying again at the next interval. {exc}")
            deadline = time.monotonic() + options["interval"]
            while not stopping and time.monotonic() < deadline:
                time.sleep(min(1.0, deadline - time.monotonic()))
        self.stdout.write("STROM worker stopped.")

    def checkpoint_round(self) -> str:
        # Last in the round, so the checkpoint covers what the round itself recorded.
        with origin(Origin(channel="worker")):
            written = audit_checkpoint(only_if_due=True)
        if written is None:
            return "Audit checkpoint: not due."
        return f"Audit checkpoint of entry #{written.checkpoint.seq} written to {written.path}."
