"""Search snippets made in Python: the passages of a record's text where the query's words are, the
words marked.

PostgreSQL's `ts_headline` re-parses every body of the page with its text search configuration and
was about half of a search's database time. The parsed query already names the lexemes the index
matched, so the page's twenty bodies are marked here instead: a word is marked when its folded form
(lower case, without diacritics, as `hub_unaccent` folds it) begins with one of the query's lexemes.
A stem is the start of the words it comes from in the region's languages (`'traffick'` for
"trafficking", `'торговл'` for "торговли"); where a stemmer changes the last letter (`'happi'` for
"happy") one letter of slack is allowed for lexemes of five letters or more. Words the query excludes
(`-word`) are never marked.
"""

from __future__ import annotations

import bisect
import functools
import html
import re
import unicodedata

from django.utils.safestring import SafeString, mark_safe

MAX_FRAGMENTS = 2
FRAGMENT_WORDS = 24
LEAD_WORDS = 8  # words shown before the first marked word of a fragment
PLAIN_WORDS = 30  # a text without a marked word: its start

_WORD = re.compile(r"\w+")
# A lexeme of tsquery text: 'word', with '' for a quote inside.
_LEXEME = re.compile(r"'((?:[^']|'')*)'")
# Marked words are wrapped in control characters first, so that each passage is escaped in one go.
_START, _STOP = "\x02", "\x03"
# hub_unaccent's folds that Unicode decomposition does not make (migration 0001 of the hub).
_FOLDS = str.maketrans({"æ": "ae", "ø": "o", "ł": "l", "ß": "ss", "þ": "th", "ð": "d", "đ": "d", "œ": "oe"})
_LATIN_END = 0x250  # decomposed only below this: hub_unaccent keeps "й" and folds only "ё" in Cyrillic


@functools.lru_cache(maxsize=65536)
def fold(word: str) -> str:
    """`word` as the index holds it: lower case, diacritics of Latin letters and Cyrillic yo folded."""
    if word.isascii():
        return word.lower()
    lowered = word.lower().translate(_FOLDS).replace("\u0451", "\u0435")
    return "".join(unicodedata.normalize("NFKD", ch)[0] if ord(ch) < _LATIN_END else ch for ch in lowered)


def query_lexemes(tsquery: str) -> tuple[str, ...]:
    """The lexemes of tsquery text that a match contains: those under a `!` are left out."""
    wanted: list[str] = []
    negated_groups: list[bool] = []
    negate_next = False
    i = 0
    while i < len(tsquery):
        ch = tsquery[i]
        if ch == "!":
            negate_next = True
        elif ch == "(":
            negated_groups.append(negate_next or any(negated_groups[-1:]))
            negate_next = False
        elif ch == ")":
            if negated_groups:
                negated_groups.pop()
        elif ch == "'":
            found = _LEXEME.match(tsquery, i)
            if found is None:
                break
            if not negate_next and not any(negated_groups[-1:]):
                wanted.append(found.group(1).replace("''", "'"))
            negate_next = False
            i = found.end()
            continue
        i += 1
    return tuple(dict.fromkeys(w for w in wanted if w))


class _Marker:
    """Which words a query marks; each distinct word is folded and compared once per page."""

    def __init__(self, lexemes: tuple[str, ...]) -> None:
        self.lexemes = lexemes
        self.seen: dict[str, bool] = {}

    def __call__(self, word: str) -> bool:
        found = self.seen.get(word)
        if found is None:
            folded = fold(word)
            found = any(
                folded.startswith(lexeme) or (len(lexeme) >= 5 and folded.startswith(lexeme[:-1]))
                for lexeme in self.lexemes
            )
            self.seen[word] = found
        return found


def snippets(texts: list[str], lexemes: tuple[str, ...]) -> list[SafeString]:
    """A snippet of each text, for one page of results."""
    marker = _Marker(lexemes)
    return [snippet(text, marker) for text in texts]


def snippet(text: str, lexemes: tuple[str, ...] | _Marker) -> SafeString:
    """Up to two passages of `text` around the query's words, escaped, the words in <mark>."""
    marks = lexemes if isinstance(lexemes, _Marker) else _Marker(lexemes)
    words = list(_WORD.finditer(text))
    hits = [n for n, word in enumerate(words) if marks.lexemes and marks(word.group())]
    if not hits:
        return _passage(text, words, 0, min(len(words), PLAIN_WORDS), set())
    windows = []
    for hit in hits:
        start = max(0, min(hit - LEAD_WORDS, len(words) - FRAGMENT_WORDS))
        end = min(len(words), start + FRAGMENT_WORDS)
        windows.append((bisect.bisect_left(hits, end) - bisect.bisect_left(hits, start), start, end))
    chosen: list[tuple[int, int]] = []
    for _count, start, end in sorted(windows, key=lambda w: (-w[0], w[1])):
        if all(end <= s or start >= e for s, e in chosen):
            chosen.append((start, end))
        if len(chosen) == MAX_FRAGMENTS:
            break
    marked = set(hits)
    return mark_safe(" ".join(_passage(text, words, start, end, marked) for start, end in sorted(chosen)))  # noqa: S308 - each passage is escaped by _passage


def _passage(text: str, words: list[re.Match[str]], start: int, end: int, marked: set[int]) -> SafeString:
    """Words start to end of `text`, escaped as one string, the marked ones in <mark>."""
    if not words:
        return mark_safe(html.escape(text.strip()))  # noqa: S308 - escaped here
    parts: list[str] = []
    position = words[start].start() if start > 0 else 0
    for n in range(start, end):
        if n in marked:
            word = words[n]
            parts += (text[position : word.start()], _START, word.group(), _STOP)
            position = word.end()
    tail = text[position:].rstrip() if end == len(words) else text[position : words[end - 1].end()]
    parts.append(tail)
    body = html.escape("".join(parts)).replace(_START, "<mark>").replace(_STOP, "</mark>")
    return mark_safe(("… " if start > 0 else "") + body + (" …" if end < len(words) else ""))  # noqa: S308 - escaped above
