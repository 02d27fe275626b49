# ruff: noqa: T201, E402 - a command-line tool that prints; Django is set up before the app's imports
"""The bulk import of persons at scale: time and peak memory of `strom import persons` on N synthetic rows.

    createdb -h 127.0.0.1 -U postgres strom_bench
    export DATABASE_URL=postgresql://postgres@127.0.0.1:5432/strom_bench
    .venv/bin/strom migrate
    .venv/bin/python bench/person_import_bench.py --n 100000

Writes a CSV of synthetic persons (the names of bench/linkage_bench.py) to a temporary directory,
imports it into an organisation of its own ("Import benchmark", LV, municipality code BNC) and prints
the rows per second of the check and of the write, and the peak memory of the process. Never run it
against a database holding real data: it adds N persons.
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "strom.settings")

import django

django.setup()

from linkage_bench import synthesise

from strom.audit.actors import PERSON_IMPORT
from strom.core.roles import OrgType
from strom.directory.models import Municipality, Organisation
from strom.linkage.services_import import persons_import


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=100_000)
    args = parser.parse_args()
    place, _created = Municipality.objects.get_or_create(
        country="LV", code="BNC", defaults={"name": "Benchmark"}
    )
    organisation, _created = Organisation.objects.get_or_create(
        name="Import benchmark", country="LV", defaults={"org_type": OrgType.NGO, "municipality": place}
    )
    records, _truth = synthesise(args.n, 5)
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "persons.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["prs_FirstName", "prs_SecondName", "prs_Birthdate", "prs_Gender", "source_id"])
            for r in records:
                # The synthesis mistypes years into the future now and then; the import would refuse them.
                born = r.birth_date if "1910" <= r.birth_date[:4] <= "2020" else ""
                writer.writerow([r.given_name, r.family_name, born, r.gender, f"bench-{r.id}"])
        del records
        marks: dict[str, float] = {}

        def progress(step: str, done: int, total: int) -> None:
            marks.setdefault(step, time.perf_counter())
            marks[f"{step}-end"] = time.perf_counter()

        started = time.perf_counter()
        result = persons_import(
            by=PERSON_IMPORT, path=path, organisation=organisation, municipality=place, progress=progress
        )
        ended = time.perf_counter()
    checked = marks.get("write", ended) - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"rows: {result.persons:,}  total: {ended - started:.1f} s  check pass: {checked:.1f} s")
    rate = result.persons / (ended - started)
    print(f"write pass: {ended - started - checked:.1f} s  ({rate:,.0f} rows/s overall)")
    print(f"peak memory of the process: {peak:,.0f} MB (the synthetic records, made first, included)")


if __name__ == "__main__":
    main()
