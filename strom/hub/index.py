"""Keeping the hub search's index in step with the records the search sources offer.

Every save or delete of a registered source's model updates that row's entry (and the entries of its
`dependents`) in the same transaction, so a rolled-back change leaves the index as it was.
`reindex()` rebuilds the index of one kind or of every kind (`strom hub reindex`). The index is derived
data: its writes are not audited, the change of the source record is.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from typing import Any

from django.db import connection, models, transaction
from django.db.models.signals import post_delete, post_save, pre_delete

from strom.core import cache_tokens
from strom.core.search import SearchDocument, SearchSource, search_sources, source_for_model
from strom.hub.models import SearchEntry

# PostgreSQL's text search configurations for the languages that have one (its Snowball stemmers).
# Every other language (Latvian, Estonian, Polish, Icelandic, Ukrainian...) uses `simple`: words as
# written, lower-cased, without diacritics; trigram similarity then finds other forms and typos.
LANGUAGE_CONFIGS = {
    "en": "english",
    "de": "german",
    "da": "danish",
    "sv": "swedish",
    "fi": "finnish",
    "nb": "norwegian",
    "nn": "norwegian",
    "no": "norwegian",
    "ru": "russian",
    "lt": "lithuanian",  # PostgreSQL 14 and later ship a Lithuanian stemmer; older servers fall back
    "fr": "french",
    "es": "spanish",
    "it": "italian",
    "nl": "dutch",
    "pt": "portuguese",
    "hu": "hungarian",
    "ro": "romanian",
}
SIMPLE = "simple"
# Long texts add little to finding a record and slow the ranking down: the index keeps their start.
MAX_BODY = 4000
BATCH = 2000


@functools.cache
def server_configs() -> frozenset[str]:
    """The configurations this PostgreSQL server has (asked once per process)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT cfgname FROM pg_ts_config")
        return frozenset(row[0] for row in cursor.fetchall())


def config_for(language: str) -> str:
    config = LANGUAGE_CONFIGS.get(language.lower().split("-")[0], SIMPLE)
    return config if config in server_configs() else SIMPLE


def search_configs() -> list[str]:
    """Every configuration an entry may have been indexed with: a query is parsed with each of them."""
    return sorted({config_for(code) for code in LANGUAGE_CONFIGS} | {SIMPLE})


def entry_values(document: SearchDocument) -> dict[str, Any]:
    return {
        "language": document.language[:8],
        "config": config_for(document.language),
        "title": document.title,
        "body": document.body[:MAX_BODY],
        "url": document.url,
        "public": document.public,
        "country": document.country,
        "year": document.year,
        "type": document.type,
        "themes": list(document.themes),
        "forms": list(document.forms),
        "stages": list(document.stages),
        "sectors": list(document.sectors),
    }


# A new token whenever the index changes: search pages kept under an older one are not used
# (strom.hub.search, strom.core.cache_tokens).
RESULTS_GENERATION = "strom:hub:results-generation"


def forget_search_results() -> None:
    cache_tokens.renew(RESULTS_GENERATION)


def index_row(source: SearchSource, row: models.Model) -> None:
    """Write (or remove) one row's entry from what its source says about it now."""
    document = source.document(row)
    key = str(row.pk)
    forget_search_results()
    if document is None:
        SearchEntry.objects.filter(kind=source.kind, key=key).delete()
        return
    SearchEntry.objects.update_or_create(kind=source.kind, key=key, defaults=entry_values(document))


def _index_dependents(rows: Iterable[models.Model]) -> None:
    for row in rows:
        source = source_for_model(type(row))
        if source is not None:
            index_row(source, row)


def _dependents(source: SearchSource, row: models.Model) -> list[models.Model]:
    return list(source.dependents(row)) if source.dependents is not None else []


def _saved(sender: type[models.Model], instance: models.Model, raw: bool = False, **kwargs: Any) -> None:
    source = source_for_model(sender)
    if source is None or raw:  # raw: fixtures being loaded; `strom hub reindex` covers them
        return
    index_row(source, instance)
    _index_dependents(_dependents(source, instance))


def _deleting(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    source = source_for_model(sender)
    if source is not None:
        # Asked before the row goes: afterwards its relations may be gone too.
        instance._hub_dependents = _dependents(source, instance)  # type: ignore[attr-defined]  # carried to _deleted


def _deleted(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    source = source_for_model(sender)
    if source is None:
        return
    SearchEntry.objects.filter(kind=source.kind, key=str(instance.pk)).delete()
    forget_search_results()
    dependents: list[models.Model] = getattr(instance, "_hub_dependents", [])
    for row in dependents:
        # A dependent deleted with it (a session with its event) has gone; the rest are indexed anew.
        fresh = type(row)._default_manager.filter(pk=row.pk).first()
        if fresh is not None:
            _index_dependents([fresh])


def connect_signals() -> None:
    """One receiver for every model: a source registered after the hub's start (a test's) is kept too."""
    post_save.connect(_saved, dispatch_uid="hub_search_saved")
    pre_delete.connect(_deleting, dispatch_uid="hub_search_deleting")
    post_delete.connect(_deleted, dispatch_uid="hub_search_deleted")


def _documents(source: SearchSource) -> Iterator[tuple[str, SearchDocument]]:
    for row in source.model._default_manager.order_by("pk").iterator(chunk_size=BATCH):
        document = source.document(row)
        if document is not None:
            yield str(row.pk), document


def reindex(kind: str | None = None) -> dict[str, int]:
    """Rebuild the entries of one kind (or of all) from their sources; returns entries per kind.

    Kinds no source registers any more lose their entries when all are rebuilt.
    """
    sources = [s for s in search_sources() if kind is None or s.kind == kind]
    counts: dict[str, int] = {}
    with transaction.atomic():
        if kind is None:
            SearchEntry.objects.all().delete()
        for source in sources:
            SearchEntry.objects.filter(kind=source.kind).delete()
            batch: list[SearchEntry] = []
            counts[source.kind] = 0
            for key, document in _documents(source):
                batch.append(SearchEntry(kind=source.kind, key=key, **entry_values(document)))
                if len(batch) >= BATCH:
                    counts[source.kind] += len(SearchEntry.objects.bulk_create(batch))
                    batch = []
            counts[source.kind] += len(SearchEntry.objects.bulk_create(batch))
        forget_search_results()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE hub_searchentry")
    return counts
