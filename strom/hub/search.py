"""The hub's one search box: full-text search over the index of every search source, with filters.

A query is parsed as web search syntax ("quoted phrases", `or`, `-word`) once with every text search
configuration an entry may have been indexed with, and the parses are OR-ed: an English entry is
found by its stems, a Latvian entry (indexed with `simple`) by its words as written. Query and index
are both unaccented, so a word typed without diacritics finds it. Where the server has pg_trgm, titles
similar to the query word by word (typos, other endings) are found too, and the similarity adds to the
rank. Snippets are made only for the page shown, in Python from the parsed query's lexemes
(strom.hub.snippets), not with `ts_headline`, which cost half of a search's database time.
"""

from __future__ import annotations

import functools
import hashlib
import math
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils.html import escape
from django.utils.safestring import SafeString

from strom.core import cache_tokens
from strom.hub.index import RESULTS_GENERATION, search_configs
from strom.hub.snippets import query_lexemes, snippets

PER_PAGE = 20
MAX_PAGE = 500
MAX_QUERY = 200
# Counting and ranking stop here: "more than 200 results" is as useful as the exact number, and 200
# matches of a word found in most records are ranked rather than all of them (each candidate costs a
# row read and a rank: 400 took a third more of PostgreSQL's time per search; docs/hub-search.md).
COUNT_LIMIT = CANDIDATES = 200
# Part of the keys of the pages and candidates kept in the cache: a new version whenever how they are
# made changes (the rank, the limits), so that a deployment never serves what the old code kept.
CACHE_VERSION = 2
FUZZY_LIMIT = 50


@dataclass(frozen=True)
class SearchFilters:
    kinds: tuple[str, ...] = ()
    country: str = ""
    theme: str = ""
    form: str = ""
    stage: str = ""
    sector: str = ""
    type: str = ""
    year: int | None = None

    def any(self) -> bool:
        return bool(self.kinds or self.country or self.theme or self.form or self.stage or self.sector)


@dataclass(frozen=True)
class SearchHit:
    kind: str
    key: str
    title: str
    url: str
    snippet: SafeString
    language: str
    country: str
    year: int | None
    type: str
    themes: list[str]
    public: bool


@dataclass
class SearchResults:
    query: str
    hits: list[SearchHit]
    page: int
    total: int  # at most COUNT_LIMIT + 1
    kind_counts: dict[str, int] = field(default_factory=dict)

    @property
    def total_is_lower_bound(self) -> bool:
        return self.total > COUNT_LIMIT

    @property
    def pages(self) -> int:
        return max(1, math.ceil(min(self.total, COUNT_LIMIT) / PER_PAGE))

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


@functools.cache
def has_trigrams() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        return cursor.fetchone() is not None


def parsed_query(query: str) -> str:
    """The query parsed with every configuration, the distinct parses OR-ed, as tsquery text ("" when
    only stop words are left). Most configurations parse most words alike; asking once keeps the query
    the index is searched with short, which the rank of every match pays for."""
    return _parsed(query, tuple(search_configs()))


# A parse depends only on the words and the configurations, never on the index, so each process keeps
# the parses of the queries it has seen: a query typed again costs no round trip to PostgreSQL.
@functools.lru_cache(maxsize=4096)
def _parsed(query: str, configs: tuple[str, ...]) -> str:
    with connection.cursor() as cursor:
        # The names come from pg_ts_config and go in as a parameter, cast by the server.
        cursor.execute(
            "SELECT DISTINCT websearch_to_tsquery(c::regconfig, hub_unaccent(%s))::text"
            " FROM unnest(%s::text[]) AS c",
            [query, list(configs)],
        )
        parses = sorted(row[0] for row in cursor.fetchall() if row[0])
    return " | ".join(f"({p})" for p in parses)


# The search's statements are written as SQL rather than built with the ORM: building them and
# converting every candidate row took about 1.5 ms of the server's CPU per search, a third of its
# Python time (docs/performance.md). The filters are the one part the statements share.
_ARRAY_FILTERS = (("themes", "theme"), ("forms", "form"), ("stages", "stage"), ("sectors", "sector"))


def _where(filters: SearchFilters, *, public_only: bool) -> tuple[str, list[Any]]:
    """The filters as one SQL condition over hub_searchentry ("TRUE" without any), and its parameters."""
    conditions: list[str] = []
    params: list[Any] = []
    if public_only:
        conditions.append("public")
    if filters.kinds:
        conditions.append("kind = ANY(%s::varchar[])")
        params.append(list(filters.kinds))
    if filters.country:
        conditions.append("country = %s")
        params.append(filters.country)
    if filters.type:
        conditions.append("type = %s")
        params.append(filters.type)
    if filters.year is not None:
        conditions.append("year = %s")
        params.append(filters.year)
    for column, name in _ARRAY_FILTERS:
        value = getattr(filters, name)
        if value:
            conditions.append(f"{column} @> ARRAY[%s]::varchar(64)[]")
            params.append(value)
    return " AND ".join(conditions) or "TRUE", params


def _rows(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows: list[tuple[Any, ...]] = cursor.fetchall()
    return rows


def _candidates(where: tuple[str, list[Any]], tsquery: str) -> list[tuple[int, str, float]]:
    """(id, kind, rank) of the matches, at most CANDIDATES + 1.

    The rank is `ts_rank`: how often the query's words occur, a title's words weighing more than the
    body's. `ts_rank_cd` (the words' closeness to each other as well) cost up to 30 µs a candidate
    for a query of several words, whose parses in several languages make many alternatives: about
    10 ms of the server's time per search, against 1 ms.

    Ranking every match of a word found in half the index would read half the table for each request.
    Without an order PostgreSQL stops reading at the limit, so a query with more matches ranks the
    first CANDIDATES it meets in the table (in the order entries were written), not the best of all;
    a query with fewer matches is ranked in full. Ordering the candidates (by recency, say) would make
    PostgreSQL read every match before the limit: measured, ten times slower for common words.
    """
    condition, params = where
    return _rows(
        "SELECT id, kind, ts_rank(vector, %s::tsquery) FROM hub_searchentry"  # noqa: S608 - the condition is _where's own text; values are parameters
        f" WHERE vector @@ %s::tsquery AND {condition} LIMIT {CANDIDATES + 1}",
        [tsquery, tsquery, *params],
    )


def _similar(where: tuple[str, list[Any]], query: str, exclude: set[int]) -> list[tuple[int, str, float]]:
    """Titles like the query word by word (typos, other endings, languages without a stemmer), for a
    query the full-text search finds little for; ranked below every full-text match."""
    if not has_trigrams():
        return []
    condition, params = where
    # pg_trgm's `<%`: the query is like some part of the title (pg_trgm.word_similarity_threshold,
    # 0.6); the title's side is the expression of the trigram index (migration 0003). As with the
    # candidates, the first FUZZY_LIMIT similar titles PostgreSQL meets, not the most similar of all: a
    # typo of a common word is like thousands of titles, and any order makes PostgreSQL check them all
    # (the newest first walked the table backwards, 50 to 130 ms for a rare word's typo; docs/hub-search.md).
    rows = _rows(
        "SELECT id, kind, word_similarity(hub_unaccent(lower(%s)), hub_unaccent(lower(title)))"  # noqa: S608 - the condition is _where's own text; values are parameters
        " FROM hub_searchentry WHERE hub_unaccent(lower(%s)) <%% hub_unaccent(lower(title))"
        f" AND NOT id = ANY(%s::bigint[]) AND {condition} LIMIT {FUZZY_LIMIT}",
        [query, query, sorted(exclude), *params],
    )
    return [(pk, kind, rank - 1.0) for pk, kind, rank in rows]


def _newest(where: tuple[str, list[Any]], start: int, count: int) -> list[int]:
    """A page of the entries without a query: newest first, in the order of the index hub_search_newest."""
    condition, params = where
    rows = _rows(
        f"SELECT id FROM hub_searchentry WHERE {condition}"  # noqa: S608 - the condition is _where's own text; values are parameters
        " ORDER BY year DESC NULLS LAST, id LIMIT %s OFFSET %s",
        [*params, count, start],
    )
    return [pk for (pk,) in rows]


# The columns of SearchHit, in its order, after the id and the body the snippet is made from.
_PAGE_SQL = (
    "SELECT id, body, kind, key, title, url, language, country, year, type, themes, public"
    " FROM hub_searchentry WHERE id = ANY(%s::bigint[])"
)


def _page_hits(ids: list[int], tsquery: str) -> list[SearchHit]:
    """The page's entries in the order of `ids`, each with its snippet: the passages of the body where
    the query's words are, marked, or the body's start without a query."""
    if not ids:
        return []
    by_id = {row[0]: row for row in _rows(_PAGE_SQL, [ids])}
    ordered = [by_id[pk] for pk in ids if pk in by_id]
    bodies = [row[1] for row in ordered]
    if tsquery:
        made = snippets(bodies, query_lexemes(tsquery))
    else:
        made = [escape(_shorten(body)) for body in bodies]
    return [
        SearchHit(kind, key, title, url, snippet, *facets)
        for (_pk, _body, kind, key, title, url, *facets), snippet in zip(ordered, made, strict=True)
    ]


def _shorten(text: str, words: int = 30) -> str:
    parts = text.split()
    return " ".join(parts[:words]) + (" …" if len(parts) > words else "")


def search(
    *, query: str, filters: SearchFilters, public_only: bool, page: int = 1, per_page: int = PER_PAGE
) -> SearchResults:
    """One page of results, best first (newest first without a query), with counts per kind.

    The same search gives the same page until the index changes, so pages are kept in the cache for
    STROM_HUB_SEARCH_CACHE_SECONDS under the index's generation token (strom.hub.index): a change anywhere in
    the index makes every kept page stale at once. Nothing in a page depends on who asks, beyond
    `public_only`, which is part of the key.
    """
    query = " ".join(query.split())[:MAX_QUERY]
    page = max(1, min(page, MAX_PAGE))
    ttl = settings.STROM_HUB_SEARCH_CACHE_SECONDS
    if ttl <= 0:
        return _search(query=query, filters=filters, public_only=public_only, page=page, per_page=per_page)
    key = _results_key(query, filters, public_only, page, per_page)
    found = cache.get_many([RESULTS_GENERATION, key])
    generation = cache_tokens.current(RESULTS_GENERATION, found)
    kept = found.get(key)
    if kept is not None and kept[0] == generation:
        results: SearchResults = kept[1]
        return results
    # What the search computes to keep (its candidates) is written with the page, in one round trip.
    to_keep: dict[str, Any] = {}
    results = _search(
        query=query,
        filters=filters,
        public_only=public_only,
        page=page,
        per_page=per_page,
        generation=generation,
        to_keep=to_keep,
    )
    to_keep[key] = (generation, results)
    cache.set_many(to_keep, ttl)
    return results


def _results_key(query: str, filters: SearchFilters, public_only: bool, page: int, per_page: int) -> str:
    what = repr((query, filters, public_only, page, per_page))
    return f"strom:hub:results:{CACHE_VERSION}:" + hashlib.sha256(what.encode("utf-8")).hexdigest()


def _search(
    *,
    query: str,
    filters: SearchFilters,
    public_only: bool,
    page: int,
    per_page: int,
    generation: str | None = None,
    to_keep: dict[str, Any] | None = None,
) -> SearchResults:
    where = _where(filters, public_only=public_only)
    start = (page - 1) * per_page
    if not query:
        page_ids = _newest(where, start, per_page)
        counts = _kind_counts(where)
        tsquery = ""
    else:
        tsquery = parsed_query(query)
        found = _matches(where, query, tsquery, per_page, (filters, public_only), generation, to_keep)
        counts = {}
        for _pk, kind, _rank in found:
            counts[kind] = counts.get(kind, 0) + 1
        found.sort(key=lambda item: (-item[2], -item[0]))
        page_ids = [pk for pk, _kind, _rank in found[start : start + per_page]]
    hits = _page_hits(page_ids, tsquery)
    return SearchResults(query=query, hits=hits, page=page, total=sum(counts.values()), kind_counts=counts)


def _matches(
    where: tuple[str, list[Any]],
    query: str,
    tsquery: str,
    per_page: int,
    scope: tuple[SearchFilters, bool],
    generation: str | None,
    to_keep: dict[str, Any] | None,
) -> list[tuple[int, str, float]]:
    """The ranked candidates, kept in the cache under the index's generation by what PostgreSQL was
    asked (the parsed query and the filters), not by what was typed: page 2 of a search, and a word
    typed with or without its diacritics, reuse them. Candidates topped up by similar titles depend on
    the typed words and are not kept. New candidates to keep are added to `to_keep` for the caller to
    write."""
    what = repr((tsquery, scope)).encode("utf-8")
    key = f"strom:hub:candidates:{CACHE_VERSION}:" + hashlib.sha256(what).hexdigest()
    if generation is not None:
        kept = cache.get(key)
        if kept is not None and kept[0] == generation:
            return list(kept[1])
    found = _candidates(where, tsquery) if tsquery else []
    if len(found) < per_page:
        return found + _similar(where, query, {pk for pk, _k, _r in found})
    if generation is not None and to_keep is not None:
        to_keep[key] = (generation, found)
    return found


def _kind_counts(where: tuple[str, list[Any]]) -> dict[str, int]:
    """Records per kind without a query, each counted up to COUNT_LIMIT + 1."""
    condition, params = where
    counts: dict[str, int] = {}
    for kind in _kinds():
        [(counts[kind],)] = _rows(
            f"SELECT count(*) FROM (SELECT 1 FROM hub_searchentry WHERE kind = %s AND {condition}"  # noqa: S608 - the condition is _where's own text; values are parameters
            f" LIMIT {COUNT_LIMIT + 1}) AS counted",
            [kind, *params],
        )
    return {kind: n for kind, n in counts.items() if n}


def _kinds() -> list[str]:
    """The kinds in the index, read from the (kind, key) index one kind at a time (a loose index scan)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "WITH RECURSIVE k AS (SELECT min(kind) AS kind FROM hub_searchentry"
            " UNION ALL SELECT (SELECT min(kind) FROM hub_searchentry WHERE kind > k.kind) FROM k"
            " WHERE k.kind IS NOT NULL) SELECT kind FROM k WHERE kind IS NOT NULL"
        )
        return [row[0] for row in cursor.fetchall()]


def public_only_for(user: Any) -> bool:
    """Whether `user` sees only the entries marked public: members (hub.view) see every entry; anyone
    else only the public ones, and only where the instance opens its hub (STROM_HUB_PUBLIC)."""
    from django.conf import settings

    from strom.core.errors import NotAllowed
    from strom.core.roles import Perm

    if user.is_authenticated and user.has_any(Perm.HUB_VIEW):
        return False
    if settings.STROM_HUB_PUBLIC:
        return True
    raise NotAllowed
