# Cyrillic letters are the point of this module, not look-alikes of Latin ones.
# ruff: noqa: RUF001, RUF002, RUF003
"""Sorting names the way each language of the region sorts them.

In the database, lists sorted by a name use PostgreSQL's ICU collation of the viewer's language
(`collated("name")` → `Collate(F("name"), "lt-x-icu")`). In Python (names that are encrypted or not in
the database, such as country names), `sort_key(language)` applies the same letters of each alphabet
that CLDR's collation tailors at the first level: Lithuanian č, š, ž after c, s, z and y as a form of i,
Swedish and Finnish å, ä, ö after z, Polish ą, ć, ę, ł, ń, ó, ś, ź, ż after their base letters,
Estonian š, z, ž after s and õ, ä, ö, ü after w, Icelandic á, ð, é, í, ó, ú, ý after their letters and
þ, æ, ö at the end, Danish and Norwegian æ, ø, å at the end, Ukrainian ґ, є, і, ї in their places.
Other accented Latin letters sort with their base letter (German ä with a), with the accent deciding
only between otherwise equal names. PyICU would do this in full but is not a dependency; the
tests in strom/core/tests/test_collation.py compare this key with PostgreSQL's ICU order.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from functools import cache
from typing import TypeVar

from django.db.models import F
from django.db.models.functions import Collate
from django.utils.translation import get_language

# Letters with a place of their own: (letter, the letter it follows). "~" is after z.
_AFTER: dict[str, tuple[tuple[str, str], ...]] = {
    "da": (("æ", "~"), ("ø", "æ"), ("å", "ø")),
    "nb": (("æ", "~"), ("ø", "æ"), ("å", "ø")),
    "sv": (("å", "~"), ("ä", "å"), ("ö", "ä")),
    "fi": (("å", "~"), ("ä", "å"), ("ö", "ä")),
    "is": (
        ("á", "a"),
        ("ð", "d"),
        ("é", "e"),
        ("í", "i"),
        ("ó", "o"),
        ("ú", "u"),
        ("ý", "y"),
        ("þ", "~"),
        ("æ", "þ"),
        ("ö", "æ"),
    ),
    "et": (("š", "s"), ("z", "š"), ("ž", "z"), ("õ", "w"), ("ä", "õ"), ("ö", "ä"), ("ü", "ö")),
    "lt": (("č", "c"), ("š", "s"), ("ž", "z")),
    "lv": (("č", "c"), ("ģ", "g"), ("y", "į"), ("ķ", "k"), ("ļ", "l"), ("ņ", "n"), ("š", "s"), ("ž", "z")),
    "pl": (
        ("ą", "a"),
        ("ć", "c"),
        ("ę", "e"),
        ("ł", "l"),
        ("ń", "n"),
        ("ó", "o"),
        ("ś", "s"),
        ("ź", "z"),
        ("ż", "ź"),
    ),
    "uk": (("ґ", "г"), ("є", "е"), ("і", "и"), ("ї", "і")),
}
# Letters that are the same letter at the first level (Russian ё is е), beside Latin accents.
_SAME: dict[str, dict[str, str]] = {
    "lt": {"y": "i"},
    "da": {"ä": "æ", "ö": "ø"},
    "nb": {"ä": "æ", "ö": "ø"},
    "sv": {"æ": "ä", "ø": "ö"},
    "fi": {"æ": "ä", "ø": "ö"},
    "ru": {"ё": "е"},
    "uk": {"ё": "е"},
}
_EXPAND = {"ß": "ss"}
# Spaces and punctuation count, before any letter or digit (ICU's "non-ignorable", PostgreSQL's
# default), a space before a hyphen. A modifier letter (the Ukrainian apostrophe ʼ) sorts after the
# letters of the alphabet, as ICU puts it.
_SPACE, _PUNCTUATION, _MODIFIER = 1.0, 2.0, float(0x10000)

T = TypeVar("T")


def _base(char: str) -> str:
    """A Latin letter without its accents; other scripts' letters stay as they are (й is not и)."""
    stripped = "".join(c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c))
    return stripped if stripped.isascii() else char


@cache
def _weights(language: str) -> dict[str, float]:
    weights: dict[str, float] = {"~": float(ord("z")) + 0.5}
    for letter, after in _AFTER.get(language, ()):
        weights[letter] = _weight_of(after, weights) + 0.01
    weights.pop("~")
    return weights


def _primary(char: str, weights: dict[str, float]) -> float:
    if unicodedata.category(char) == "Lm":
        return _MODIFIER
    if char.isalnum():
        return _weight_of(char, weights)
    return _SPACE if char.isspace() else _PUNCTUATION


def _weight_of(char: str, weights: dict[str, float]) -> float:
    if char in weights:
        return weights[char]
    return float(ord(_base(char)[0]))


@cache
def sort_key(language: str) -> Callable[[str], tuple[tuple[float, ...], str, str]]:
    """A key for sorted(): the language's letters first, then accents, then case."""
    weights = _weights(language)
    same = _SAME.get(language, {})

    def key(text: str) -> tuple[tuple[float, ...], str, str]:
        folded = "".join(_EXPAND.get(c, c) for c in text.casefold())
        primary = tuple(_primary(same.get(c, c), weights) for c in folded)
        return (primary, unicodedata.normalize("NFD", folded), text)

    return key


def active_language() -> str:
    return (get_language() or "en").split("-")[0].lower()


def sorted_by_name(items: list[T], name: Callable[[T], str], language: str | None = None) -> list[T]:
    key = sort_key(language or active_language())
    return sorted(items, key=lambda item: key(name(item)))


# PostgreSQL ships ICU collations named "<language>-x-icu" (pg_collation); English uses the root order.
ICU_COLLATIONS = {
    code: f"{code}-x-icu" for code in ("da", "de", "et", "fi", "is", "lt", "lv", "nb", "pl", "ru", "sv", "uk")
}
ICU_COLLATIONS["en"] = "und-x-icu"


def db_collation(language: str | None = None) -> str:
    return ICU_COLLATIONS.get(language or active_language(), "und-x-icu")


def collated(field: str, language: str | None = None) -> Collate:
    """`order_by(collated("name"))`: a name sorted as the viewer's language sorts it."""
    return Collate(F(field), db_collation(language))
