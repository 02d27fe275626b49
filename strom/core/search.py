"""What the knowledge hub's apps offer to the one search box, without the search importing them.

Each app whose records are found by the hub search (practices, guidelines, events and their sessions,
recommendations) registers a `SearchSource` from its `AppConfig.ready()`: the model, and a function
that turns one row into the `SearchDocument` the index holds, or into None when the row must not be
found (a draft, a withdrawn record, an event not yet published). The hub keeps its index in step with
the registered models and answers the search; the apps never import it.

Only what may be shown to every member goes into a document: titles, summaries and texts of published
records, never a participant, a contact's details or anything of a case.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils.functional import Promise


@dataclass(frozen=True)
class SearchDocument:
    """One record as the hub search sees it.

    `language` is the ISO 639-1 code of the text (the search picks PostgreSQL's dictionary for it where
    there is one). `public` says the record may be read without logging in where the instance allows
    public reading. The facets are value codes, not labels: `country` ISO 3166-1 alpha-2 ("" for the
    whole region), `forms` HTCDS forms of exploitation, `stages` stages of the chain of assistance,
    `sectors` and `themes` the hub's own value sets, `type` the kind's own subtype (an event's type).
    """

    title: str
    body: str
    language: str
    url: str
    public: bool = False
    country: str = ""
    year: int | None = None
    type: str = ""
    themes: tuple[str, ...] = ()
    forms: tuple[str, ...] = ()
    stages: tuple[str, ...] = ()
    sectors: tuple[str, ...] = ()


@dataclass(frozen=True)
class SearchSource:
    """A model whose rows the hub search finds.

    `kind` names the source in the index and in the search's filter ("practice", "event"...);
    `document(row)` says what the row contributes, None to leave it out; `dependents(row)` lists other
    indexed rows whose documents change with this one (an event's sessions when the event is published).
    """

    kind: str
    label: str | Promise
    model: type[models.Model]
    document: Callable[[Any], SearchDocument | None]
    dependents: Callable[[Any], Iterable[models.Model]] | None = field(default=None)


_SEARCH_SOURCES: dict[str, SearchSource] = {}


def register_search_source(source: SearchSource) -> SearchSource:
    _SEARCH_SOURCES[source.kind] = source
    return source


def search_sources() -> list[SearchSource]:
    return sorted(_SEARCH_SOURCES.values(), key=lambda s: s.kind)


def source_for_model(model: type[models.Model]) -> SearchSource | None:
    for source in _SEARCH_SOURCES.values():
        if source.model is model:
            return source
    return None
