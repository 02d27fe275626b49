"""ISO 3166-1 alpha-2 countries, from the HTCDS 2.0 `citizenship` value set (data/countries.csv).

The Council of the Baltic Sea States members come first in pickers because nearly every record
concerns them.
"""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

CBSS_MEMBERS = ("DK", "EE", "FI", "DE", "IS", "LV", "LT", "NO", "PL", "SE")


@cache
def countries() -> dict[str, str]:
    path = Path(__file__).parent / "data" / "countries.csv"
    with path.open(encoding="utf-8") as fh:
        return {row["code"]: row["name"] for row in csv.DictReader(fh)}


def country_choices() -> list[tuple[str, str]]:
    all_countries = countries()
    first = [(code, all_countries[code]) for code in CBSS_MEMBERS]
    rest = sorted(
        ((c, n) for c, n in all_countries.items() if c not in CBSS_MEMBERS), key=lambda item: item[1]
    )
    return first + rest


def is_country(code: str) -> bool:
    return code in countries()
