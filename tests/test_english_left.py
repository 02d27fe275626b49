"""No English left on a page rendered in another language.

Every page of the authorisation test (a GET route that some persona may see, outside the API) is
rendered as that persona in each offered language but English, and the words a reader sees (text,
and the labels of aria-label, title, placeholder and alt) are compared with English: the words of
the catalogue's English source strings that the language's translations do not also use, and the
small words every English sentence has. Allowed are names and codes: anything stored in the database
(organisations, people, places, records users wrote, the indicator sets' texts, which pages mark when
they fall back to English), the languages' own names in the menu, and STROM.

The normal run checks a sample of pages in Latvian and Russian; `pytest -m slow` checks every page in
every offered language.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from functools import cache
from html.parser import HTMLParser
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models, transaction
from django.test import Client
from django.urls import reverse
from django.utils.translation import get_language_info

from tests.authz import PERSONAS, Route
from tests.test_authorisation import declared_routes
from tests.test_i18n import catalogue

ALLOWED = {"strom", "eur", "csv", "xlsx", "pdf", "api", "json", "ical", "ics", "url", "id", "ok"}
# File types a form accepts, and the brand in the HTCDS value "Facebook Messenger".
ALLOWED |= {"jpeg", "jpg", "png", "webp", "messenger"}
# Words of a language that are spelled as English words are: Swedish "sex" (six) and "bar" (carried),
# German "also" (so). They are that language's words on its pages, not English left.
NATIVE_HOMOGRAPHS: dict[str, set[str]] = {
    "da": {"bar"},
    "nb": {"bar"},
    "sv": {"bar", "sex", "element", "installation", "versions"},
    "de": {"also"},
}
# Small words with no other meaning in the region's languages: English whatever page they are on.
FUNCTION_WORDS = set(
    [
        "the",
        "and",
        "of",
        "to",
        "for",
        "with",
        "this",
        "that",
        "not",
        "you",
        "your",
        "are",
        "was",
        "were",
        "has",
        "have",
        "from",
        "will",
        "can",
        "all",
        "any",
        "yet",
        "new",
        "one",
        "more",
        "what",
        "who",
        "when",
        "which",
        "there",
        "their",
        "they",
        "been",
        "into",
        "only",
        "also",
        "than",
        "then",
        "here",
        "must",
        "may",
        "should",
        "would",
        "could",
        "about",
        "after",
        "before",
        "while",
        "these",
        "those",
        "each",
        "other",
    ]
)
SKIPPED_ELEMENTS = {"script", "style", "code", "pre", "kbd", "samp", "textarea", "svg"}
LABEL_ATTRIBUTES = {"aria-label", "title", "placeholder", "alt"}
# Whole words in any script ("bokmål" is one word, not "bokm"), apostrophes and hyphens inside.
WORD = re.compile(r"[^\W\d_](?:[\w'\u2019-]*[^\W\d_])?")
PLACEHOLDERS = re.compile(r"%\([a-z_]+\)[sd]|%[sd]|\{[a-z_]*\}")
OTHER_LANGUAGES = [code for code, _ in settings.LANGUAGES if code != "en"]
# The pages of a Lithuanian case worker's journey and of the hub: the bounded run's sample.
SAMPLE = {
    "core:dashboard",
    "accounts:profile",
    "cases:list",
    "cases:detail",
    "cases:stages",
    "screening:new",
    "screening:list",
    "consent:overview",
    "support:overview",
    "referrals:list",
    "referrals:new",
    "network:list",
    "practices:list",
    "guidelines:list",
    "hub:home",
    "audit:list",
}


class _VisibleText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.parts += [value or "" for name, value in attrs if name in LABEL_ATTRIBUTES]
        if tag in SKIPPED_ELEMENTS or dict(attrs).get("translate") == "no":
            self._skipping.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if self._skipping and self._skipping[-1] == tag:
            self._skipping.pop()

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def visible_words(html: str) -> list[str]:
    parser = _VisibleText()
    parser.feed(html)
    return WORD.findall(" ".join(parser.parts))


def _words(text: str) -> set[str]:
    return {w.casefold() for w in WORD.findall(PLACEHOLDERS.sub(" ", text))}


@cache
def english_words(language: str) -> frozenset[str]:
    """The catalogue's English words that its translations into `language` do not also use."""
    _, messages = catalogue(language)
    source: set[str] = set()
    translated: set[str] = set()
    for entry in messages:
        source |= _words(entry.msgid + " " + (entry.msgid_plural or ""))
        for text in entry.msgstr.values():
            translated |= _words(text)
    return frozenset({w for w in source - translated if len(w) > 2} | FUNCTION_WORDS)


def _stored_text() -> Iterator[str]:
    for model in apps.get_models():
        fields = [
            f.name
            for f in model._meta.concrete_fields
            if isinstance(f, (models.CharField, models.TextField, models.JSONField))
        ]
        if not fields:
            continue
        for row in model._default_manager.values_list(*fields):
            yield from (str(value) for value in row if value)


def data_words() -> set[str]:
    """Names and codes: every word stored in the database now, the shipped indicator sets' texts, and
    the languages' own names.

    The shipped sets count whether or not their rows are in the database: a migration stores them,
    but a transactional test empties every table, and the screening pages then read the same texts
    from the files."""
    from strom.screening.indicators import shipped, to_document

    words = set().union(*(_words(text) for text in _stored_text()))
    for indicator_set in shipped().values():
        words |= _words(json.dumps(to_document(indicator_set), ensure_ascii=False))
    for code, _ in settings.LANGUAGES:
        words |= _words(get_language_info(code)["name_local"])
    return words


@cache
def country_words(language: str) -> frozenset[str]:
    """The words of the country names in `language` (CLDR): Lithuanian "Sent Lusija" is not English."""
    from strom.core.countries import countries

    return frozenset(set().union(*(_words(name) for name in countries(language).values())))


def english_on(html: str, language: str, allowed: Callable[[], set[str]]) -> list[str]:
    english = english_words(language)
    # A short word in capitals is a code (TRY, the Turkish lira; EUR), not English.
    seen = {
        w
        for w in visible_words(html)
        if w.isascii() and w.casefold() in english and not (w.isupper() and len(w) <= 4)
    }
    found = sorted(seen - ALLOWED - NATIVE_HOMOGRAPHS.get(language, set()), key=str.casefold)
    found = [w for w in found if w.casefold() not in country_words(language)]
    if not found:
        return []
    data = allowed()
    return [w for w in found if w.casefold() not in data and w.casefold() not in ALLOWED]


def test_the_checker_finds_english_and_passes_names_and_code() -> None:
    html = (
        '<p>Lietas <b>the</b> saraksts</p><nav aria-label="Residence permit"></nav>'
        '<script>var permit = "Consent";</script><code>Consent</code><p>STROM</p>'
    )
    found = english_on(html, "lv", lambda: {"residence"})
    assert found == ["permit", "the"]
    assert english_on("<p>Lietas saraksts</p>", "lv", set) == []
    assert english_on("<select><option>TRY</option></select>", "lv", set) == []


def html_pages() -> list[Route]:
    """GET pages of the authorisation test that some persona sees (one route per name and kwargs)."""
    pages = []
    for route in declared_routes():
        if route.method != "get" or route.name.startswith("api:") or route.json:
            continue
        if 200 in route.expect.values():
            pages.append(route)
    return pages


def _viewer(route: Route) -> str:
    """A persona that sees the page; a logged-in one where there is one."""
    seeing = [p for p in PERSONAS if route.expect.get(p) == 200]
    logged_in = [p for p in seeing if p != "anonymous"]
    return (logged_in or seeing)[0]


def _render(
    route: Route, language: str, cast: Any, as_persona: Callable[[str], Client]
) -> tuple[str, str] | None:
    """The page's address and HTML, or None when it is not an HTML page for this viewer."""
    client = as_persona(_viewer(route))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    url = reverse(route.name, kwargs=route.kwargs(cast) if route.kwargs else None)
    response = client.get(url, data=route.data(cast) if route.data else {})
    if response.status_code != 200 or getattr(response, "streaming", False):
        return None
    if not response.get("Content-Type", "").startswith("text/html"):
        return None
    return url, response.content.decode()


def _check(routes: list[Route], languages: list[str], cast: Any, as_persona: Any) -> None:
    left: list[str] = []
    allowed: dict[str, set[str]] = {}

    def stored() -> set[str]:
        if "words" not in allowed:
            allowed["words"] = data_words()
        return allowed["words"]

    # As in the authorisation test: each page in a savepoint that is rolled back, with the cast's memos
    # forgotten, so the objects one page's address makes (an invitation, a token) do not collide.
    pristine = dict(cast.__dict__)
    for route in routes:
        for language in languages:
            cast.__dict__.clear()
            cast.__dict__.update(pristine)
            with transaction.atomic():
                page = _render(route, language, cast, as_persona)
                allowed.clear()  # a page's own objects are made when its address is
                words = english_on(page[1], language, stored) if page else []
                transaction.set_rollback(True)
            if page and words:
                left.append(f"{language} {route.name} {page[0]}: {' '.join(words)}")
    assert left == [], "\n".join(left)


@pytest.mark.django_db
def test_sample_pages_show_no_english_in_latvian_and_russian(cast: Any, as_persona: Any) -> None:
    routes = [r for r in html_pages() if r.name in SAMPLE]
    assert {r.name for r in routes} == SAMPLE, "a sampled page left the authorisation test"
    _check(routes, [lang for lang in ("lv", "ru") if lang in OTHER_LANGUAGES], cast, as_persona)


@pytest.mark.slow
@pytest.mark.django_db
def test_every_page_shows_no_english_in_any_offered_language(cast: Any, as_persona: Any) -> None:
    _check(html_pages(), OTHER_LANGUAGES, cast, as_persona)
