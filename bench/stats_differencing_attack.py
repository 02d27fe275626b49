# ruff: noqa: T201, E402 - a command-line tool that prints; setup before imports
"""The differencing attack on published tables: over the database's own cases, or over synthetic records.

    export DATABASE_URL=postgresql://postgres@127.0.0.1:5432/strom_attack   # after `strom demo`
    .venv/bin/python bench/stats_differencing_attack.py                     # the demo cases, all dimensions
    .venv/bin/python bench/stats_differencing_attack.py --synthetic 6000    # synthetic records only

For every dimension D and every value v of every other dimension F, the table by D minus the table
by D where F=v, cell by cell and total, as an analyst can ask for them on the page or the API
(strom/stats/attack.py). A difference whose true value is a small count (1 to the threshold - 1) and
whose two entries were both published is a recovered small count; it is exact when it equals the
truth. Printed for the instance's cell key parameters and, as the baseline, without noise
(STROM_STATS_NOISE_MAX = 0: what the threshold alone publishes), with the perturbation table's
probability of zero noise p(0) and the probability sum p(v)^2 that two large counts get the same noise.

Synthetic records are written in a transaction that is rolled back: nothing stays in the database.
Tables are not audited (audit=False): this is a measurement, not a publication.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "strom.settings")

import django

django.setup()

from django.db import transaction
from django.test import override_settings

from strom.stats import dimensions as dims
from strom.stats.attack import LOPSIDED_MULTI, AttackResult, differencing_attack, synthetic_dataset
from strom.stats.cellkey import ptable, ptable_text
from strom.stats.refresh import facts_refresh

# The dimensions with values an analyst can filter on (day counts take ranges, not their bands).
ALL = [d.name for d in dims.DIMENSIONS if d.kind != dims.DAYS]


def report(label: str, result: AttackResult, seconds: float) -> None:
    errors = ", ".join(f"{e:+d}: {n}" for e, n in sorted(result.errors.items()))
    print(
        f"{label}: {result.tables} tables, {result.differences} differences of published entries, "
        f"{result.attempts} small counts recovered, {result.exact} exactly ({100 * result.share:.1f} %) "
        f"in {seconds:.1f} s"
    )
    if result.attempts:
        print(
            f"    distinct pairs of record sets: {len(result.distinct)}, "
            f"{len(result.distinct_exact)} exactly ({100 * result.distinct_share:.1f} %)"
        )
        print(f"    recovered minus true: {errors}")


def run(label: str, dataset: str, dimensions: list[str], filters: list[str] | None) -> None:
    table = ptable()
    print(f"\n== {label} (dataset {dataset})")
    for name, noise in (("cell key method", table.max_noise), ("no noise (threshold only)", 0)):
        with override_settings(STROM_STATS_NOISE_MAX=noise):
            start = time.perf_counter()
            result = differencing_attack(dataset=dataset, dimensions=dimensions, filters=filters)
            report(name, result, time.perf_counter() - start)
    print(
        f"    perturbation table: p(0) = {100 * table.zero_noise_probability:.1f} %, "
        f"two large counts with the same noise: {100 * table.same_noise_probability:.1f} %"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--dimensions", default=",".join(ALL), help="the tables' dimensions (default: all)")
    parser.add_argument("--filters", default=None, help="the filters' dimensions (default: the same)")
    parser.add_argument("--synthetic", type=int, default=0, help="attack this many synthetic records only")
    parser.add_argument("--seed", type=int, default=7, help="of the synthetic records")
    args = parser.parse_args()
    dimensions = [d for d in args.dimensions.split(",") if d]
    filters = [d for d in args.filters.split(",") if d] if args.filters else None
    print(ptable_text(ptable()))
    if not args.synthetic:
        facts_refresh()
        run("STROM's own cases", "strom", dimensions, filters)
        return
    with transaction.atomic():
        synthetic_dataset("attack-synthetic", records=args.synthetic, seed=args.seed)
        run(f"{args.synthetic} synthetic records", "attack-synthetic", dimensions, filters)
        # The same lopsided filters the test suite uses, where small differences are common.
        run(
            f"{args.synthetic} synthetic records, filters nearly everybody matches",
            "attack-synthetic",
            ["year", "age_ctdc", "citizenship", "exploitation_country"],
            ["child", "victim_status", "citizenship_group", "stage", *LOPSIDED_MULTI],
        )
        transaction.set_rollback(True)


if __name__ == "__main__":
    main()
