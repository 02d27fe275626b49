"""The hub search's index: one row per record the registered search sources offer (strom/core/search.py).

The index is derived data: every row is rebuilt from its source record by `strom hub reindex` and kept in
step by the signals in strom/hub/index.py. It holds only what a source's `SearchDocument` carries —
titles, summaries and facet codes of published records, never personal data — so it has no retention
of its own and its writes are not audited (docs/hub-search.md).
"""

from __future__ import annotations

from typing import Any

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models.expressions import RawSQL


class RegConfigField(models.CharField):  # type: ignore[type-arg]  # a CharField by value
    """A text search configuration name stored as PostgreSQL's `regconfig`.

    The type matters: `to_tsvector(regconfig, text)` is immutable, so the generated search vector below
    may use the row's own configuration; a text column cast to regconfig would not be allowed there.
    """

    def db_type(self, connection: Any) -> str:
        return "regconfig"


# The weighted vector: the title counts more than the body in the ranking. `hub_unaccent` is the
# immutable wrapper the first migration creates (around the unaccent extension where the server has it).
VECTOR_SQL = (
    "setweight(to_tsvector(config, hub_unaccent(title)), 'A')"
    " || setweight(to_tsvector(config, hub_unaccent(body)), 'B')"
)


class SearchEntry(models.Model):
    kind = models.CharField(max_length=32)
    key = models.CharField(max_length=64, help_text="The primary key of the source row.")
    language = models.CharField(max_length=8)
    config = RegConfigField(max_length=32, default="simple")
    title = models.TextField()
    body = models.TextField(blank=True)
    url = models.CharField(max_length=500)
    public = models.BooleanField(default=False)
    country = models.CharField(max_length=2, blank=True)
    year = models.SmallIntegerField(null=True, blank=True)
    type = models.CharField(max_length=64, blank=True)
    themes = ArrayField(models.CharField(max_length=64), default=list, blank=True)
    forms = ArrayField(models.CharField(max_length=64), default=list, blank=True)
    stages = ArrayField(models.CharField(max_length=64), default=list, blank=True)
    sectors = ArrayField(models.CharField(max_length=64), default=list, blank=True)
    vector = models.GeneratedField(
        expression=RawSQL(VECTOR_SQL, []),  # noqa: S611 - constant SQL, no parameters
        output_field=SearchVectorField(),
        db_persist=True,
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "key"], name="hub_search_entry_source_row")]
        indexes = [
            GinIndex(fields=["vector"], name="hub_search_vector"),
            # The list without a query: newest first, in the index's order.
            models.Index(models.F("year").desc(nulls_last=True), "id", name="hub_search_newest"),
        ]
        # The trigram index on the unaccented title is created by migration 0002 where the server has
        # pg_trgm; it cannot be declared here because it is optional.

    def __str__(self) -> str:
        return f"{self.kind} {self.key}: {self.title}"
