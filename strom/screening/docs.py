"""The screening documentation in each language, and its list of indicator sets, rendered from the data
so the two cannot drift.

docs/screening.md is the English original; a translation is docs/<language>/screening.md, with the
same markers. The page /screening/docs/ shows the reader's language where its file exists, else the
English one with a note (docs/translating.md). `strom screening docs` writes the section between the
markers of every language's file; `strom screening docs --check` and
strom/screening/tests/test_docs_screening.py fail when a file and the data differ. The shipped files
are the data in the repository; versions an instance publishes later are listed on its own pages
(/screening/sets/) and in its API.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from strom.core.languages import REGION_LANGUAGES, SOURCE_LANGUAGE
from strom.screening.indicators import IndicatorSet, shipped, shipped_row_fields

DOCS_DIR = Path(settings.BASE_DIR) / "docs"
DOC_PATH = DOCS_DIR / "screening.md"
START = "<!-- indicator-sets:start -->"
END = "<!-- indicator-sets:end -->"


def _status(indicator_set: IndicatorSet) -> str:
    fields = shipped_row_fields(indicator_set)
    if fields["verified"]:
        status = _("verified by %(who)s on %(date)s") % {
            "who": fields["verified_by"],
            "date": fields["checked_on"],
        }
    else:
        status = _("unverified")
    to_check = _("to be checked against the ILO text")
    if indicator_set.to_check:
        status += f"; **{to_check}** " + _("(the whole set)")
    marked = [i.id for i in indicator_set.indicators_to_check]
    if marked:
        status += f"; **{to_check}**: " + ", ".join(f"`{i}`" for i in marked)
    note = indicator_set.source.get("verification")
    if note:
        status += f". {_cell(str(note))}"
    return status


def _cell(text: str) -> str:
    return " ".join(text.replace("|", "\\|").split())


def sets_markdown(
    sets: dict[tuple[str, int], IndicatorSet] | None = None, language: str = SOURCE_LANGUAGE
) -> str:
    """One row per set and version: form, audience, indicators, source, link, verification status, with
    the headings and the status in `language` (the sources' titles and notes are quoted as written)."""
    with translation.override(language):
        return _sets_markdown(shipped() if sets is None else sets)


def _sets_markdown(sets: dict[tuple[str, int], IndicatorSet]) -> str:
    headings = [
        _("Set id"),
        _("Version"),
        _("Form (HTCDS)"),
        _("Audience"),
        _("Indicators"),
        _("Source"),
        _("Status"),
    ]
    lines = ["| " + " | ".join(headings) + " |", "|---|---|---|---|---|---|---|"]
    for (set_id, version), indicator_set in sorted(sets.items()):
        source = indicator_set.source
        title = _cell(str(source["title"]))
        url = str(source.get("url") or "")
        cited = f"[{title}]({url})" if url else title
        basis = source.get("based_on")
        if isinstance(basis, list) and basis:
            cited += "; " + _("based on:") + " " + "; ".join(_cell(str(b)) for b in basis)
        lines.append(
            f"| `{set_id}` | {version} | {indicator_set.exploitation} | {indicator_set.audience} | "
            f"{len(indicator_set.indicators)} | {cited} | {_status(indicator_set)} |"
        )
    return "\n".join(lines)


def embedded(text: str) -> str:
    return text.split(START, 1)[1].split(END, 1)[0].strip()


def render_into(text: str, language: str = SOURCE_LANGUAGE) -> str:
    """The doc text with its generated section replaced by the current data, in `language`."""
    head, rest = text.split(START, 1)
    _old, tail = rest.split(END, 1)
    return f"{head}{START}\n{sets_markdown(language=language)}\n{END}{tail}"


def language_of(path: Path) -> str:
    """The language of a documentation file: its folder's code, or English for the original."""
    code = path.parent.name
    return code if code in dict(REGION_LANGUAGES) and code != SOURCE_LANGUAGE else SOURCE_LANGUAGE


def doc_path(language: str, docs_dir: Path | None = None) -> Path:
    """Where the documentation in `language` is kept: the English original, or its translation."""
    docs_dir = DOCS_DIR if docs_dir is None else docs_dir
    if language == SOURCE_LANGUAGE:
        return docs_dir / "screening.md"
    return docs_dir / language / "screening.md"


def doc_paths(docs_dir: Path | None = None) -> list[Path]:
    """The English original and every translation in the repository."""
    return [
        path
        for code, _name in REGION_LANGUAGES
        if (path := doc_path(code, docs_dir)).is_file() or code == SOURCE_LANGUAGE
    ]


def doc_for(language: str, docs_dir: Path | None = None) -> tuple[str, Path]:
    """The language a reader of `language` reads the documentation in, and its file: their own where
    it is translated, else English."""
    path = doc_path(language, docs_dir) if language in dict(REGION_LANGUAGES) else None
    if path is not None and path.is_file():
        return language, path
    return SOURCE_LANGUAGE, doc_path(SOURCE_LANGUAGE, docs_dir)


# A translation names the English text it was made from: `<!-- translated-from: <digest> -->`.
_TRANSLATED_FROM = re.compile(r"<!--\s*translated-from:\s*([0-9a-f]+)\s*-->")


def source_digest(text: str) -> str:
    """The English text's digest, without the generated list: new data does not make a translation old."""
    if START in text and END in text:
        head, rest = text.split(START, 1)
        text = head + rest.split(END, 1)[1]
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def needs_update(translation: str, docs_dir: Path | None = None) -> bool:
    """True when a translation was made from another English text than today's, or does not say."""
    found = _TRANSLATED_FROM.search(translation)
    english = doc_path(SOURCE_LANGUAGE, docs_dir).read_text(encoding="utf-8")
    return found is None or found.group(1) != source_digest(english)
