"""What the duplicate detection compares: a person's names and date of birth reduced to keys that do not
depend on script, transliteration, diacritics or word order.

Everything here is computed in memory from decrypted values and handed to the in-memory engine
(strom/linkage/engine.py); nothing is stored. The benchmark (bench/linkage_bench.py) builds its
records with the same functions.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from strom.crypto.service import normalise_name

# Letters that sound alike across the region's spellings, after `normalise_name` (which already
# transliterates to Latin, drops diacritics and folds j/y/i, w/v, ae/a, ...). Longest first.
_SOUNDS = (
    ("tsch", "c"),
    ("sch", "s"),
    ("tch", "c"),
    ("ch", "c"),
    ("cz", "c"),
    ("ts", "c"),
    ("tz", "c"),
    ("sz", "s"),
    ("sh", "s"),
    ("zh", "z"),
    ("kh", "h"),
    ("ph", "f"),
    ("th", "t"),
    ("ck", "k"),
    ("gh", "g"),
)
_CODES = str.maketrans("bpfvcszkgqdtlmnr", "1122333444556778")
_VOWELS = re.compile(r"[aeiouh]")
_DIGIT_RUNS = re.compile(r"(\d)\1+")


def phonetic_key(name: str) -> str:
    """A Soundex-like key of a normalised name, kept whole (not cut to four characters).

    A word's first vowel is kept as "a" so that names starting with a vowel still differ from those
    that do not; other vowels and h are dropped; consonants that sound alike share a digit.
    """
    words = []
    for word in name.split():
        for pattern, replacement in _SOUNDS:
            word = word.replace(pattern, replacement)
        head = "a" if word[:1] in "aeiou" else ""
        body = _DIGIT_RUNS.sub(r"\1", _VOWELS.sub("", word).translate(_CODES))
        words.append(head + body)
    return "".join(words)


@dataclass(frozen=True)
class PersonRecord:
    """The decrypted values the comparison needs, and nothing else (no address, no documents)."""

    id: int
    given_name: str
    family_name: str
    birth_date: str  # ISO date or ""
    gender: str  # HTCDS value; "" when unknown


COLUMNS = (
    "unique_id",
    "fn",
    "sn",
    "names",
    "fn_ph",
    "sn_ph",
    "fn3",
    "sn3",
    "dob",
    "byear",
    "bmd",
    "bm",
    "bd",
    "gender",
)


def features(record: PersonRecord, names: dict[str, tuple[str, str]] | None = None) -> tuple[object, ...]:
    """One row of the engine's input table, in the order of COLUMNS; None where a value is missing.

    `names` remembers each name's normalised form and phonetic key during one run: first names, and
    many surnames, repeat.
    """
    names = {} if names is None else names
    fn, fn_ph = _keys(record.given_name, names)
    sn, sn_ph = _keys(record.family_name, names)
    words = sorted(((fn or "") + " " + (sn or "")).split())
    dob = record.birth_date[:10] if len(record.birth_date) >= 10 else None
    return (
        record.id,
        fn,
        sn,
        " ".join(words) or None,
        fn_ph,
        sn_ph,
        fn[:3] if fn else None,
        sn[:3] if sn else None,
        dob,
        int(dob[:4]) if dob else None,
        dob[5:] if dob else None,
        int(dob[5:7]) if dob else None,
        int(dob[8:10]) if dob else None,
        record.gender if record.gender and record.gender != "NonSpecifiedUnknown" else None,
    )


def _keys(name: str, names: dict[str, tuple[str, str]]) -> tuple[str | None, str | None]:
    found = names.get(name)
    if found is None:
        normalised = normalise_name(name)
        found = names[name] = (normalised, phonetic_key(normalised) if normalised else "")
    return found[0] or None, found[1] or None


def feature_columns(records: Iterable[PersonRecord]) -> dict[str, list[object]]:
    """Column lists for an Arrow table, which hands them to the engine in memory (never through a file)."""
    columns: dict[str, list[object]] = {name: [] for name in COLUMNS}
    appenders = [columns[name].append for name in COLUMNS]
    names: dict[str, tuple[str, str]] = {}
    for record in records:
        for append, value in zip(appenders, features(record, names), strict=True):
            append(value)
    return columns
