# ruff: noqa: T201 - a command-line tool that prints
"""Check strom/stats/htcds_fields.py against the HTCDS 2.0 reference folder, when it is at hand.

    .venv/bin/python bench/htcds_check.py                       # ../shared/reference/htcds
    .venv/bin/python bench/htcds_check.py /path/to/htcds        # a checkout of UNMigration/HTCDS

The export's field and value names are written by hand in strom/stats/htcds_fields.py, so the
tests do not depend on a folder outside the repository. This script reads the reference's
value-sets/field_standards.csv (field names, types, value names) and value-sets/choices.csv, and
says, for every field the export writes, whether it exists with that name and whether each value
name is one HTCDS lists. It also checks STROM's country list (strom/core/data/countries.csv)
against HTCDS's citizenship list. Exit status 1 when anything differs.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from strom.stats import htcds_fields as hf

DEFAULT = Path(__file__).resolve().parent.parent.parent / "shared" / "reference" / "htcds"


def main() -> int:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
    standards = folder / "value-sets" / "field_standards.csv"
    if not standards.exists():
        print(f"no HTCDS reference at {folder}: nothing checked")
        return 0
    with standards.open(encoding="utf-8") as fh:
        fields = {
            (row.get("Field Name including Prefix") or "").strip(): row
            for row in csv.DictReader(fh)
            if (row.get("Field Name including Prefix") or "").strip()
        }
    problems: list[str] = []
    for name in sorted(hf.HTCDS_FIELDS):
        row = fields.get(name)
        if row is None:
            problems.append(f"{name}: not an HTCDS field")
            continue
        kind = (row.get("Field Type") or "").strip()
        if name in hf.VALUES:
            reference = (row.get("Value Names (if picklist)") or "").split()
            extra = [v for v in hf.VALUES[name] if v not in reference]
            missing = [v for v in reference if v not in hf.VALUES[name]]
            if extra:
                problems.append(f"{name}: value names HTCDS does not have: {extra}")
            if missing:
                print(f"{name}: HTCDS values the export never writes: {missing}")
        if name in hf.DATE_FIELDS and kind != "Date":
            problems.append(f"{name}: HTCDS type is {kind!r}, not Date")
        if name in hf.MULTISELECT and kind != "Multiselect Picklist":
            problems.append(f"{name}: HTCDS type is {kind!r}, not Multiselect Picklist")
        print(f"ok  {name} ({kind})")
    for name in hf.EXTENSIONS:
        if name in fields:
            problems.append(f"{name}: an extension with the name of an HTCDS field")
    with (folder / "value-sets" / "choices.csv").open(encoding="utf-8") as fh:
        citizenship = {row["name"].strip() for row in csv.DictReader(fh) if row["list_name"] == "citizenship"}
    countries_csv = Path(__file__).resolve().parent.parent / "strom" / "core" / "data" / "countries.csv"
    with countries_csv.open(encoding="utf-8") as fh:
        strom_countries = {row["code"] for row in csv.DictReader(fh)}
    if strom_countries != citizenship:
        problems.append(
            f"countries: STROM only {sorted(strom_countries - citizenship)}, "
            f"HTCDS only {sorted(citizenship - strom_countries)}"
        )
    for problem in problems:
        print(f"DIFFERS  {problem}")
    print(f"{len(hf.HTCDS_FIELDS)} HTCDS fields checked, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
