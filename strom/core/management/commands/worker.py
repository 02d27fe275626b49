"""`strom worker`: background work without a broker. Each round runs the jobs the apps register
(strom/core/registry.py): task reminders (strom/stages/tasks.py), referral reminders and expiries
(strom/referrals/tasks.py), statistics imports and refreshes (strom/stats/tasks.py), and last the audit
checkpoint (strom/audit/tasks.py) every STROM_AUDIT_CHECKPOINT_MINUTES when the chain has advanced.

Runs in a loop every --interval seconds until SIGTERM or Ctrl-C; `--once` does one round and exits
(for tests and cron). Several workers may run at once: reminders are claimed with SKIP LOCKED.
"""

from __future__ import annotations

import signal
import time
from types import FrameType
from typing import Any

from django.core.management.base import CommandParser
from django.db import close_old_connections

from strom.core.management.base import DataCommand
from strom.core.registry import worker_jobs


class Command(DataCommand):
    help = "Run background work (task reminders) every --interval seconds; --once runs one round."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--interval", type=int, default=60, help="seconds between rounds (default: 60)")
        parser.add_argument("--once", action="store_true", help="run one round and exit")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["interval"] < 1:
            self.stderr.write("--interval must be at least 1 second.")
            raise SystemExit(2)
        if options["once"]:
            self.once()
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
            for job in worker_jobs():
                try:
                    job.run()
                except Exception as exc:  # a failed job (database restart, full disk) must not end the worker
                    self.stderr.write(f"The {job.name} failed; trying again at the next interval. {exc}")
            deadline = time.monotonic() + options["interval"]
            while not stopping and time.monotonic() < deadline:
                time.sleep(min(1.0, deadline - time.monotonic()))
        self.stdout.write("STROM worker stopped.")

    def once(self) -> None:
        """One round; a failure ends it with the reason and a non-zero exit, for cron to notice."""
        lines: list[str] = []
        for job in worker_jobs():
            try:
                line = job.run()
            except Exception as exc:
                if lines:
                    self.stdout.write("; ".join(lines))
                self.stderr.write(f"The {job.name} failed: {exc}")
                raise SystemExit(1) from exc
            if line:
                lines.append(line)
        self.stdout.write("; ".join(lines))
