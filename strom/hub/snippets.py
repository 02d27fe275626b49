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
import itertools
import re
import unicodedata

from django.utils.safestring import SafeString, mark_safe

MAX_FRAGMENTS = 2
FRAGMENT_WORDS = 24
LEAD_WORDS = 8  # words shown before the first marked word of a fragment
PLAIN_WORDS = 30  # a text without a marked word: its start

# Split at words, keeping them: separator, word, separator, ..., word, separator.
_WORD_SPLIT = re.compile(r"(\w+)")
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
        # The starts a marked word may have: each lexeme, and a lexeme of five letters or more without
        # its last letter.
        self.starts = (*lexemes, *(lexeme[:-1] for lexeme in lexemes if len(lexeme) >= 5))

    def __call__(self, word: str) -> bool:
        found = self.seen.get(word)
        if found is None:
            found = self.seen[word] = fold(word).startswith(self.starts)
        return found

    def hits(self, words: list[str]) -> list[int]:
        """The positions of the marked words: the words met for the first time on this page are
        judged one by one, the rest are looked up in one pass (a page repeats most of its words)."""
        if not self.lexemes:
            return []
        seen = self.seen
        for word in set(words).difference(seen):
            self(word)
        return list(itertools.compress(itertools.count(), map(seen.__getitem__, words)))


def snippets(texts: list[str], lexemes: tuple[str, ...]) -> list[SafeString]:
    """A snippet of each text, for one page of results."""
    marker = _Marker(lexemes)
    return [snippet(text, marker) for text in texts]


def snippet(text: str, lexemes: tuple[str, ...] | _Marker) -> SafeString:
    """Up to two passages of `text` around the query's words, escaped, the words in <mark>."""
    marks = lexemes if isinstance(lexemes, _Marker) else _Marker(lexemes)
    # The text split at its words: separator, word, separator, ..., word, separator. A passage is a
    # slice of it, so no word's position in the text is ever looked up.
    parts = _WORD_SPLIT.split(text)
    words = parts[1::2]
    hits = marks.hits(words)
    if not hits:
        return _passage(parts, 0, min(len(words), PLAIN_WORDS), [])
    # Each hit's window; hits close together share one, which is counted once.
    windows = []
    count = len(words)
    low = high = 0
    last_start = -1
    for hit in hits:
        start = max(0, min(hit - LEAD_WORDS, count - FRAGMENT_WORDS))
        if start == last_start:
            continue
        last_start = start
        end = min(count, start + FRAGMENT_WORDS)
        while hits[low] < start:
            low += 1
        while high < len(hits) and hits[high] < end:
            high += 1
        windows.append((high - low, start, end))
    chosen: list[tuple[int, int]] = []
    for _count, start, end in sorted(windows, key=lambda w: (-w[0], w[1])):
        if all(end <= s or start >= e for s, e in chosen):
            chosen.append((start, end))
        if len(chosen) == MAX_FRAGMENTS:
            break
    return mark_safe(" ".join(_passage(parts, start, end, hits) for start, end in sorted(chosen)))  # noqa: S308 - each passage is escaped by _passage


def _passage(parts: list[str], start: int, end: int, hits: list[int]) -> SafeString:
    """Words start to end of the split text, escaped as one string, the marked ones in <mark>."""
    count = len(parts) // 2
    if not count:
        return mark_safe(html.escape(parts[0].strip()))  # noqa: S308 - escaped here
    # Word n is parts[2n + 1]; the slice runs from word `start` to word `end - 1` with the separators
    # between them, plus the text before the first word and after the last where the passage has them.
    passage = parts[2 * start + 1 : 2 * end]
    for n in hits[bisect.bisect_left(hits, start) : bisect.bisect_left(hits, end)]:
        passage[2 * (n - start)] = _START + passage[2 * (n - start)] + _STOP
    if start == 0:
        passage.insert(0, parts[0])
    if end == count:
        passage.append(parts[-1].rstrip())
    body = html.escape("".join(passage)).replace(_START, "<mark>").replace(_STOP, "</mark>")
    return mark_safe(("… " if start > 0 else "") + body + (" …" if end < count else ""))  # noqa: S308 - escaped above
