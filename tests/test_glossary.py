"""The glossary of terms with legal meaning (docs/glossary/glossary.csv): complete, sourced where
confirmed, and followed by the catalogues' labels and headings.

A label or heading names a term when its English text is the term, or begins with it followed by more
words ("Residence permit renewal"). A label that is the term must read as the term's base form; a
heading that begins with it must use the term's words, allowing each longer word the endings and
stem changes an inflected language gives it ("Uzturēšanās atļauju veidi", "Elamisloa pikendamine").
Running text is left to review, and so are the terms still marked "to be checked".
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pytest

from strom.core.languages import REGION_LANGUAGES
from tests.test_i18n import TRANSLATED, Entry, catalogue

GLOSSARY = Path(__file__).resolve().parent.parent / "docs" / "glossary" / "glossary.csv"
TERM_IDS = [
    "presumed_victim",
    "reasonable_grounds",
    "reflection_period",
    "formal_identification",
    "nrm",
    "focal_point",
    "residence_permit",
    "support_plan",
    "consent",
    "data_scope",
]
LANGUAGES = [code for code, _ in REGION_LANGUAGES if code != "en"]
STATUSES = {"confirmed", "own term", "to be checked"}
# The statuses the catalogues are held to.
AGREED = {"confirmed", "own term"}
# A label or heading, not running text: short, and not a sentence.
LABEL_LENGTH = 60


@dataclass(frozen=True)
class Term:
    term_id: str
    english: str
    language: str
    term: str
    status: str
    source: str


def glossary() -> list[Term]:
    with GLOSSARY.open(encoding="utf-8", newline="") as fh:
        return [
            Term(r["term_id"], r["english"], r["language"], r["term"], r["status"], r["source"])
            for r in csv.DictReader(fh)
        ]


def _plain(text: str) -> str:
    """Without diacritics: an inflected form may lengthen a vowel (Polish "zgoda", "zgód")."""
    return "".join(c for c in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(c))


def _stem(word: str) -> str:
    """A word without what an inflection may change: the last two letters of a longer word, three of a
    long one (Estonian "elamisluba", "elamisloa")."""
    if len(word) > 8:
        return word[:-3]
    return word[:-2] if len(word) > 4 else word


def names_term(msgid: str, english: str) -> bool:
    text = msgid.strip().casefold()
    if len(text) > LABEL_LENGTH or text.endswith((".", "?", "!", ":")):
        return False
    return text == english or re.match(re.escape(english) + r"\b(?![-'])", text) is not None


def uses_term(entry: Entry, term: Term) -> bool:
    translations = [text.casefold() for text in entry.msgstr.values()]
    if entry.msgid.strip().casefold() == term.english:
        return all(text.strip() == term.term.casefold() for text in translations)
    stems = [_stem(word) for word in _plain(term.term).split()]
    return all(all(stem in _plain(text) for stem in stems) for text in translations)


def test_the_glossary_has_every_term_in_every_language_once() -> None:
    rows = glossary()
    assert sorted((t.term_id, t.language) for t in rows) == sorted(
        (term_id, language) for term_id in TERM_IDS for language in LANGUAGES
    )
    assert {t.status for t in rows} <= STATUSES
    english = {t.term_id: t.english for t in rows}
    assert all(english[t.term_id] == t.english == t.english.casefold() for t in rows)


def test_a_confirmed_term_names_its_source() -> None:
    unsourced = [
        (t.term_id, t.language) for t in glossary() if t.status in AGREED and not (t.term and t.source)
    ]
    assert unsourced == []
    # The article, recital or section: a source without one cannot be looked up.
    unplaced = [
        (t.term_id, t.language)
        for t in glossary()
        if t.status == "confirmed" and not re.search(r"\b(Art\.|recital)|§", t.source)
    ]
    assert unplaced == []


def test_the_checker_tells_a_term_from_another_word() -> None:
    permit = Term("residence_permit", "residence permit", "lv", "uzturēšanās atļauja", "confirmed", "x")
    assert names_term("Residence permit", permit.english)
    assert names_term("Residence permit types", permit.english)
    assert not names_term("Residence permits are renewed before they end.", permit.english)
    assert not names_term("Consents", "consent")
    assert uses_term(Entry(msgid="Residence permit", msgstr={0: "Uzturēšanās atļauja"}), permit)
    assert uses_term(Entry(msgid="Residence permit types", msgstr={0: "Uzturēšanās atļauju veidi"}), permit)
    assert not uses_term(Entry(msgid="Residence permit", msgstr={0: "Uzturēšanās atļaujas"}), permit)
    assert not uses_term(Entry(msgid="Residence permit types", msgstr={0: "Dzīves atļauju veidi"}), permit)


@pytest.mark.parametrize("language", [lang for lang in TRANSLATED if lang in LANGUAGES])
def test_labels_and_headings_use_the_glossary_term(language: str) -> None:
    terms = [t for t in glossary() if t.language == language and t.status in AGREED]
    _, messages = catalogue(language)
    problems = [
        f"{t.english} → {t.term}: {entry.msgid!r} = {entry.msgstr.get(0)!r}"
        for t in terms
        for entry in messages
        if names_term(entry.msgid, t.english)
        and all(text.strip() for text in entry.msgstr.values())  # untranslated: another gate's finding
        and not uses_term(entry, t)
    ]
    assert problems == []
