# ruff: noqa: T201, S603 - a command-line tool that prints; it runs STROM's own command
"""Check that `strom stats table` agrees with counting a CTDC global dataset file directly.

    .venv/bin/strom import ctdc ../shared/data/ctdc/ctdc_global_k_anon_20210715.csv --dataset ctdc2021
    .venv/bin/python bench/ctdc_check.py \
        ../shared/data/ctdc/ctdc_global_k_anon_20210715.csv --dataset ctdc2021

Counts the file with Python's csv module, independently of STROM's importer, for a set of one- and
two-way tables, and compares every cell with STROM's output (JSON from `strom stats table`).
A published STROM cell must equal the direct count exactly; a withheld cell (null) is counted as
agreeing when the direct count is below the threshold (primary) or, for secondary suppression,
reported separately. Prints one line per table and exits 1 on any disagreement.
"""

from __future__ import annotations

import argparse
import csv
import json
import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path

STROM = str(Path(__file__).resolve().parent.parent / ".venv" / "bin" / "strom")
THRESHOLD = 11

GENDER = {
    "Female": "Feminine",
    "Male": "Masculine",
    "Transgender/NonConforming": "TransgenderOrNonConforming",
}
EXPLOITATION = {
    "isForcedLabour": "ForcedLabour",
    "isSexualExploit": "SexualExploitation",
    "isForcedMarriage": "ForcedMarriage",
    "isForcedMilitary": "ForcedMilitaryByNonStateActors",
    "isOrganRemoval": "OrganRemoval",
    "isSlaveryAndPractices": "SlaveryAndSimilarPractices",
    "isOtherExploit": "Other",
}
LABOUR = [
    "Agriculture",
    "Aquafarming",
    "Begging",
    "Construction",
    "DomesticWork",
    "Hospitality",
    "IllicitActivities",
    "Manufacturing",
    "MiningOrDrilling",
    "Peddling",
    "Transportation",
    "Other",
]

Row = dict[str, str]


def single(column: str, mapping: dict[str, str] | None = None) -> Callable[[Row], list[str]]:
    def values(row: Row) -> list[str]:
        value = row[column]
        if not value:
            return ["Unknown"]
        return [mapping.get(value, value) if mapping else value]

    return values


def flags(columns: dict[str, str]) -> Callable[[Row], list[str]]:
    def values(row: Row) -> list[str]:
        found = [name for column, name in columns.items() if row.get(column) == "1"]
        return found or ["Unknown"]

    return values


DIMENSIONS: dict[str, Callable[[Row], list[str]]] = {
    "year": single("yearOfRegistration"),
    "gender": single("gender", GENDER),
    "age_ctdc": single("ageBroad"),
    "citizenship": single("citizenship"),
    "exploitation_country": single("CountryOfExploitation"),
    "exploitation": flags(EXPLOITATION),
    "labour": flags({f"typeOfLabour{name}": name for name in LABOUR}),
}
TABLES = [
    ["year"],
    ["gender"],
    ["age_ctdc"],
    ["citizenship"],
    ["exploitation_country"],
    ["exploitation"],
    ["labour"],
    ["year", "gender"],
    ["gender", "exploitation"],
    ["citizenship", "exploitation_country"],
    ["year", "age_ctdc", "exploitation"],
    ["gender", "labour", "exploitation_country"],
]


def direct_counts(path: Path, by: list[str]) -> Counter[tuple[str, ...]]:
    counts: Counter[tuple[str, ...]] = Counter()
    with path.open(encoding="utf-8", newline="") as source:
        for row in csv.DictReader(source):
            keys: list[tuple[str, ...]] = [()]
            for name in by:
                keys = [(*k, v) for k in keys for v in DIMENSIONS[name](row)]
            for key in keys:
                counts[key] += 1
    return counts


def strom_cells(dataset: str, by: list[str]) -> list[dict[str, object]]:
    result = subprocess.run(
        [STROM, "stats", "table", "--dataset", dataset, "--by", ",".join(by), "--format", "json"],
        capture_output=True,
        text=True,
        check=True,
    )
    cells: list[dict[str, object]] = json.loads(result.stdout)
    return cells


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("file", type=Path)
    parser.add_argument("--dataset", required=True)
    args = parser.parse_args()
    failures = 0
    print(f"{'table':40} {'cells':>6} {'equal':>6} {'primary':>8} {'second.':>8} {'differ':>7}")
    for by in TABLES:
        direct = direct_counts(args.file, by)
        cells = strom_cells(args.dataset, by)
        equal = primary = secondary = differ = 0
        for cell in cells:
            key = tuple(str(cell[name]) for name in by)
            expected = direct.get(key, 0)
            count = cell["count"]
            if count is None:
                if 0 < expected < THRESHOLD:
                    primary += 1
                else:
                    secondary += 1
            elif count == expected:
                equal += 1
            else:
                differ += 1
                print(f"  {key}: STROM {count}, file {expected}")
        # Every value the file has must be a cell of STROM's table, and the other way round.
        missing = [
            k for k, n in direct.items() if n and k not in {tuple(str(c[b]) for b in by) for c in cells}
        ]
        differ += len(missing)
        for key in missing[:5]:
            print(f"  {key}: in the file ({direct[key]}), not in STROM's table")
        failures += differ
        print(f"{','.join(by):40} {len(cells):6} {equal:6} {primary:8} {secondary:8} {differ:7}")
    print("agree" if not failures else f"{failures} disagreements")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
