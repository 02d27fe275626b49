"""/api/v1/hub/search: the hub search, with the page's parameters and the same results.

The answer is built as a dict and declared with `DictOut` (strom/api/schemas.py): ninja's `Schema`
read each field of twenty results through its attribute getter, about as much as the rest of the API
layer; pydantic alone validates the dict in a fraction of that.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from strom.api.auth import api_user
from strom.api.schemas import DictOut
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


class HubSearchHitOut(DictOut):
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


class HubSearchOut(DictOut):
    query: str
    page: int
    per_page: int
    total: int = Field(description=f"Results, counted up to {COUNT_LIMIT + 1}")
    more_than_counted: bool
    kinds: dict[str, int] = Field(description="Results per kind (of those counted)")
    results: list[HubSearchHitOut]


@router.get("/search", response=HubSearchOut, url_name="hub_search")
def hub_search(request: HttpRequest, params: Query[HubSearchQuery]) -> dict[str, Any]:
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
    return answer(results)


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
