"""ISO 3166-1 alpha-2 countries, from the HTCDS 2.0 `citizenship` value set (data/countries.csv).

The codes and the English names are HTCDS's; a name in any other language is CLDR's (through Babel),
so a country reads "Lietuva" in Lithuanian and "Литва" in Russian wherever STROM shows it. Data that
other systems read (statistics dimensions, CTDC files, the generated docs) asks for the English names
explicitly with `countries("en")`.

The Council of the Baltic Sea States members come first in pickers because nearly every record
concerns them.
"""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

from babel import Locale, UnknownLocaleError
from django.utils.translation import get_language

from strom.core.collation import sort_key

CBSS_MEMBERS = ("DK", "EE", "FI", "DE", "IS", "LV", "LT", "NO", "PL", "SE")


@cache
def _english() -> dict[str, str]:
    path = Path(__file__).parent / "data" / "countries.csv"
    with path.open(encoding="utf-8") as fh:
        return {row["code"]: row["name"] for row in csv.DictReader(fh)}


@cache
def _names(language: str) -> dict[str, str]:
    english = _english()
    if language == "en":
        return english
    try:
        territories = Locale.parse(language).territories
    except (UnknownLocaleError, ValueError):
        return english
    # A code CLDR does not name keeps its English name rather than showing the code.
    return {code: territories.get(code, name) for code, name in english.items()}


def _language(language: str | None) -> str:
    return (language or get_language() or "en").split("-")[0].lower()


def countries(language: str | None = None) -> dict[str, str]:
    """Code → name in `language`, by default the active language."""
    return _names(_language(language))


def country_name(code: str, language: str | None = None) -> str:
    return countries(language).get(code, code) if code else ""


@cache
def _choices(language: str) -> list[tuple[str, str]]:
    names = _names(language)
    first = [(code, names[code]) for code in CBSS_MEMBERS]
    key = sort_key(language)
    rest = sorted(((c, n) for c, n in names.items() if c not in CBSS_MEMBERS), key=lambda item: key(item[1]))
    return first + rest


def country_choices() -> list[tuple[str, str]]:
    """The CBSS members first, then every other country by name as the active language sorts it."""
    return list(_choices(_language(None)))


def is_country(code: str) -> bool:
    return code in _english()
