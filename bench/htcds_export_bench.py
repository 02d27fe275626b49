# ruff: noqa: T201, E402 - a command-line tool that prints; setup before imports
"""The HTCDS export over 1,000,000 cases: time, rows/s and peak memory along the way.

    export DATABASE_URL=postgresql://postgres@127.0.0.1:5432/strom_bench   # 1,000,000 cases (strom synth)
    .venv/bin/python bench/htcds_export_bench.py --format json              # consented cases only
    .venv/bin/python bench/htcds_export_bench.py --format csv --all-cases   # every case, no consent check

Calls strom.stats.htcds.write_htcds as the command line does (by=None) and writes to /dev/null, or
to `--out FILE` to look at the result. Prints the elapsed time, records per second and the peak
resident memory of this process (getrusage) at 10 %, 50 % and 100 % of the records: flat memory
means the figure at 100 % is about the figure at 10 %.

`--all-cases` leaves out the consent check, so all synthetic cases are exported whatever their
statistics consent: for measuring only (the production export never does this), and said so in
the output and in the export's audit entry.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "strom.settings")

import django

django.setup()

from strom.stats.htcds import write_htcds


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--format", choices=["csv", "json"], default="json")
    parser.add_argument("--out", default=os.devnull, help="where to write (default: /dev/null)")
    parser.add_argument(
        "--all-cases", action="store_true", help="MEASURING ONLY: skip the statistics-consent check"
    )
    args = parser.parse_args()
    if args.all_cases:
        print("--all-cases: the consent check is SKIPPED (measuring only; not what the export does)")
    marks = [0.1, 0.5, 1.0]
    start = time.perf_counter()
    print(f"before: peak RSS {peak_rss_mb():.0f} MB")

    def progress(written: int, total: int) -> None:
        while marks and total and written >= marks[0] * total:
            elapsed = time.perf_counter() - start
            print(
                f"{marks.pop(0):>4.0%}: {written:>9,} records  {elapsed:6.1f} s  "
                f"{written / elapsed:8,.0f} records/s  peak RSS {peak_rss_mb():.0f} MB",
                flush=True,
            )

    with open(args.out, "w", encoding="utf-8", newline="") as out:
        report = write_htcds(
            out, fmt=args.format, by=None, consent_filter=not args.all_cases, progress=progress
        )
    elapsed = time.perf_counter() - start
    print(
        f"done: {report.cases:,} cases ({report.persons:,} persons, {report.events:,} events, "
        f"{report.services:,} services) as {args.format} in {elapsed:.1f} s: "
        f"{report.cases / elapsed:,.0f} records/s; peak RSS {peak_rss_mb():.0f} MB"
    )
    print(f"consent filter: {'ON' if report.consent_filter else 'OFF (--all-cases)'}")
    if report.values_generalised:
        print(f"values written as Other: {report.values_generalised}")


if __name__ == "__main__":
    main()
