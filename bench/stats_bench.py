# ruff: noqa: T201, S311, E402 - a command-line tool that prints; seeded synthetic data; setup before imports
"""Statistics benchmarks: CTDC import, three-dimension tables and the coordinator's dashboard.

    export DATABASE_URL=postgresql://postgres@127.0.0.1:5432/strom_bench   # 1,000,000 cases (strom synth)
    .venv/bin/strom stats refresh
    .venv/bin/python bench/stats_bench.py tables --repeat 5
    .venv/bin/python bench/stats_bench.py api --repeat 5
    .venv/bin/python bench/stats_bench.py dashboard --repeat 5
    .venv/bin/python bench/stats_bench.py import --rows 100000

`tables` times whole tables as the page and the API build them (counting with GROUPING SETS, then
disclosure control), not the HTTP round trip. `import` writes a synthetic CTDC-format file of
synthetic records, imports it as a new dataset, prints the time and deletes the dataset again.
Figures go to docs/performance.md with the commands that produced them.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "strom.settings")

import django

django.setup()

from django.conf import settings

from strom.stats.ctdc import COLUMNS, ctdc_import
from strom.stats.disclosure import control
from strom.stats.engine import Spec, build_table, parse_by, parse_datasets, parse_filter

TABLES = [
    ("year,gender,age_eurostat", []),
    ("stage,victim_status,citizenship_group", []),
    ("year,municipality,child", []),
    ("exploitation,gender,age_eurostat", []),
    ("exploitation,means_of_control,year", []),
    ("services,stage,gender", ["year=2020..2025"]),
    ("citizenship,exploitation_country,gender", []),
]


def timed(run: Callable[[], object], repeat: int) -> tuple[float, float]:
    run()  # warm the cache once: the figures are for a database that is in use
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times), max(times)


def bench_tables(repeat: int, dataset: str) -> None:
    datasets = parse_datasets(dataset)
    print(f"{'table':48} {'cells':>6} {'median s':>9} {'max s':>7}")
    for by, where in TABLES:
        spec = Spec(datasets=datasets, by=parse_by(by), filters=[parse_filter(w) for w in where])
        cells = 0

        def run(spec: Spec = spec) -> None:
            nonlocal cells
            raw, values = build_table(spec)
            result = control(raw, values, threshold=settings.STROM_STATS_THRESHOLD)
            cells = len(result.counts)

        median, worst = timed(run, repeat)
        label = by + (" where " + " ".join(where) if where else "")
        print(f"{label:48} {cells:6} {median:9.3f} {worst:7.3f}")


def bench_api(repeat: int) -> None:
    """The whole request in-process (auth, counting, disclosure control, audit entry, JSON), no network."""
    from django.test import Client
    from django.test.utils import setup_test_environment

    from strom.accounts.models import User

    setup_test_environment()
    analyst = User.objects.filter(memberships__role="analyst").first()
    if analyst is None:
        print("no analyst in this database (run `strom demo` first)")
        return
    client = Client()
    client.force_login(analyst)
    print(f"{'GET /api/v1/stats/tables?by=':48} {'bytes':>8} {'median s':>9} {'max s':>7}")
    for by, where in TABLES:
        size = 0

        def run(by: str = by, where: list[str] = where) -> None:
            nonlocal size
            response = client.get("/api/v1/stats/tables", {"by": by, "where": where}, HTTP_HOST="127.0.0.1")
            assert response.status_code == 200, response.content[:300]
            size = len(response.content)

        median, worst = timed(run, repeat)
        print(f"{by:48} {size:8} {median:9.3f} {worst:7.3f}")


def bench_dashboard(repeat: int) -> None:
    from strom.accounts.models import User
    from strom.core.roles import Perm
    from strom.stats.selectors import dashboard_for

    coordinators = [
        u
        for u in User.objects.filter(memberships__role="national_coordinator")
        if u.has_any(Perm.NRM_OVERSEE)
    ]
    if not coordinators:
        print("no national coordinator in this database (run `strom demo` first)")
        return
    user = coordinators[0]
    median, worst = timed(lambda: dashboard_for(user), repeat)
    dashboard = dashboard_for(user)
    print(f"dashboard for {user.email} (countries {dashboard.countries or 'all'}):")
    print(f"  open cases by stage {dashboard.open_by_stage}")
    print(f"  overdue clocks {dashboard.overdue_total}, referrals {dashboard.referrals}")
    print(f"  median {median:.3f} s, max {worst:.3f} s over {repeat} runs")


def synthetic_ctdc(rows: int, seed: int) -> bytes:
    """Synthetic records in the CTDC format: random valid values, no real person behind any row."""
    rng = random.Random(seed)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    bands = ["", "0--8", "9--17", "18--20", "21--23", "24--26", "27--29", "30--38", "39--47", "48+"]
    codes = ["", "UA", "MD", "PH", "LV", "LT", "EE", "PL", "RO", "NG", "VN", "BY"]
    for _ in range(rows):
        row = []
        for column in COLUMNS:
            if column == "yearOfRegistration":
                row.append(str(rng.randint(2002, 2020)))
            elif column == "gender":
                row.append(rng.choice(["Female", "Male", "", "Transgender/NonConforming"]))
            elif column == "ageBroad":
                row.append(rng.choice(bands))
            elif column in ("majorityStatus", "majorityStatusAtExploit", "majorityEntry"):
                row.append(rng.choice(["", "Adult", "Minor"]))
            elif column in ("citizenship", "CountryOfExploitation"):
                row.append(rng.choice(codes))
            elif column == "Datasource":
                row.append(rng.choice(["Case Management", "Hotline"]))
            elif column.endswith("Concatenated") or column == "RecruiterRelationship":
                row.append("")
            else:
                row.append(rng.choice(["", "0", "0", "1"]))
        writer.writerow(row)
    return out.getvalue().encode("utf-8")


def bench_import(rows: int, seed: int) -> None:
    from strom.stats.models import Dataset

    data = synthetic_ctdc(rows, seed)
    name = f"bench-{seed}-{rows}"
    Dataset.objects.filter(name=name).delete()
    start = time.perf_counter()
    dataset = ctdc_import(by=None, data=data, dataset_name=name, file_name=f"{name}.csv")
    elapsed = time.perf_counter() - start
    size = len(data) / 1e6
    rate = dataset.rows / elapsed
    print(f"imported {dataset.rows:,} rows ({size:.1f} MB) in {elapsed:.1f} s: {rate:,.0f} rows/s")
    dataset.delete()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="what", required=True)
    tables = sub.add_parser("tables")
    tables.add_argument("--repeat", type=int, default=5)
    tables.add_argument("--dataset", default="strom")
    api = sub.add_parser("api")
    api.add_argument("--repeat", type=int, default=5)
    dashboard = sub.add_parser("dashboard")
    dashboard.add_argument("--repeat", type=int, default=5)
    imp = sub.add_parser("import")
    imp.add_argument("--rows", type=int, default=100_000)
    imp.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if args.what == "tables":
        bench_tables(args.repeat, args.dataset)
    elif args.what == "api":
        bench_api(args.repeat)
    elif args.what == "dashboard":
        bench_dashboard(args.repeat)
    else:
        bench_import(args.rows, args.seed)


if __name__ == "__main__":
    main()
