"""/api/v1/hub/search: the hub search, with the page's parameters and the same results.

The answer is written as JSON here rather than returned as a `HubSearchOut` for ninja to validate: on
a page of twenty results ninja's validation of each item cost about as much as the rest of the API
layer. `HubSearchOut` still declares the answer in the OpenAPI document, and a test validates real
answers against it, so the two cannot drift apart.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema

from strom.api.auth import api_user
from strom.hub.search import (
    COUNT_LIMIT,
    MAX_PAGE,
    MAX_QUERY,
    PER_PAGE,
    SearchFilters,
    SearchResults,
    public_only_for,
    search,
)

router = Router(tags=["hub"])


class HubSearchQuery(Schema):
    q: str = Field("", max_length=MAX_QUERY, description='Words, "a phrase", -word (web search syntax)')
    kind: list[str] = Field(default_factory=list, description="practice, guideline, event, session...")
    country: str = Field("", max_length=2, description="ISO 3166-1 alpha-2")
    theme: str = Field("", max_length=64)
    form: str = Field("", max_length=64, description="An HTCDS form of exploitation")
    stage: str = Field("", max_length=64)
    sector: str = Field("", max_length=64)
    type: str = Field("", max_length=64)
    year: int | None = Field(None, ge=1900, le=2200)
    page: int = Field(1, ge=1, le=MAX_PAGE)


class HubSearchHitOut(Schema):
    kind: str
    key: str
    title: str
    url: str
    snippet: str = Field(description="HTML: the record's text escaped, the query's words in <mark>")
    language: str
    country: str
    year: int | None
    type: str
    themes: list[str]
    public: bool


class HubSearchOut(Schema):
    query: str
    page: int
    per_page: int
    total: int = Field(description=f"Results, counted up to {COUNT_LIMIT + 1}")
    more_than_counted: bool
    kinds: dict[str, int] = Field(description="Results per kind (of those counted)")
    results: list[HubSearchHitOut]


@router.get("/search", response=HubSearchOut, url_name="hub_search")
def hub_search(request: HttpRequest, params: Query[HubSearchQuery]) -> HttpResponse:
    public_only = public_only_for(api_user(request))
    filters = SearchFilters(
        kinds=tuple(params.kind),
        country=params.country.upper(),
        theme=params.theme,
        form=params.form,
        stage=params.stage,
        sector=params.sector,
        type=params.type,
        year=params.year,
    )
    results = search(query=params.q, filters=filters, public_only=public_only, page=params.page)
    return HttpResponse(json.dumps(answer(results)), content_type="application/json; charset=utf-8")


def answer(results: SearchResults) -> dict[str, Any]:
    """The answer as `HubSearchOut` declares it, in plain JSON types."""
    return {
        "query": results.query,
        "page": results.page,
        "per_page": PER_PAGE,
        "total": results.total,
        "more_than_counted": results.total_is_lower_bound,
        "kinds": results.kind_counts,
        "results": [
            {
                "kind": hit.kind,
                "key": hit.key,
                "title": hit.title,
                "url": hit.url,
                "snippet": str(hit.snippet),
                "language": hit.language,
                "country": hit.country,
                "year": hit.year,
                "type": hit.type,
                "themes": list(hit.themes),
                "public": hit.public,
            }
            for hit in results.hits
        ],
    }
