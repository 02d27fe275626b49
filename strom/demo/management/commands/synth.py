"""`strom synth --cases N`: synthetic cases at scale for performance work (strom/demo/synth.py)."""

from __future__ import annotations

import os
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from strom.demo.synth import DEFAULT_BATCH, Result, SynthRefused, synth_generate


class Command(BaseCommand):
    help = "Generate N synthetic cases with persons, events, services, notes and tasks. Never in production."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--cases", type=int, required=True, help="how many cases to create")
        parser.add_argument(
            "--seed", type=int, default=1, help="same seed and batch size, same data (default 1)"
        )
        parser.add_argument(
            "--workers", type=int, default=os.cpu_count() or 2, help="processes (default: number of cores)"
        )
        parser.add_argument(
            "--batch",
            type=int,
            default=DEFAULT_BATCH,
            help=f"cases per COPY transaction (default {DEFAULT_BATCH})",
        )
        parser.add_argument(
            "--org-count",
            type=int,
            default=60,
            help="synthetic organisations, spread over the demo municipalities (default 60)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        wanted = options["cases"]
        last = [0.0]

        def progress(done: int, total: Result) -> None:
            now = time.monotonic()
            if now - last[0] >= 10 or done == wanted:
                last[0] = now
                elapsed = now - started
                self.stdout.write(
                    f"  {done:>10,} / {wanted:,} cases  {sum(total.rows.values()):>12,} rows  "
                    f"{elapsed:7.1f} s  {done / elapsed if elapsed else 0:,.0f} cases/s"
                )

        try:
            result = synth_generate(
                cases=wanted,
                seed=options["seed"],
                workers=options["workers"],
                batch=options["batch"],
                org_count=options["org_count"],
                progress=progress,
            )
        except SynthRefused as exc:
            raise CommandError(str(exc)) from exc
        elapsed = time.monotonic() - started
        rows = sum(result.rows.values())
        self.stdout.write(
            self.style.SUCCESS(
                f"Created {result.cases:,} cases and {rows:,} rows in {elapsed:.1f} s "
                f"({result.cases / elapsed:,.0f} cases/s, {rows / elapsed:,.0f} rows/s)."
            )
        )
        for label, count in sorted(result.rows.items()):
            self.stdout.write(f"  {label:<28} {count:>12,}")
        self.stdout.write(
            f"  time in workers: generating {result.generate_seconds:.1f} s, COPY {result.copy_seconds:.1f} s"
        )
        if result.retries:
            self.stdout.write(f"  batches retried for a reference clash: {result.retries}")
