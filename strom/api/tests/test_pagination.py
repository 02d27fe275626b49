"""Page numbers, limits and offsets any client can send: never a server error.

The API declares a maximum for every paging parameter and answers a value outside it, a negative one
or a word with a 422 problem naming the parameter, in the reader's language. The pages (Django's
Paginator) show the nearest page that exists.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from strom.api.pagination import MAX_OFFSET, MAX_PAGE
from tests.personas import Cast

PAGING = {"page", "page_size", "limit", "offset"}
HUGE = "9" * 30  # past a 64-bit integer: once an SQL OFFSET the database refused it with a 500
BAD_VALUES = [HUGE, "9223372036854775807", "-1", "0", "abc", "1e3", "", "1.5"]


def _document() -> dict[str, Any]:
    doc: dict[str, Any] = Client().get("/api/v1/openapi.json").json()
    return doc


def _paginated_operations() -> dict[str, dict[str, dict[str, Any]]]:
    """path -> paging parameter -> its schema, for every GET list with paging parameters."""
    found: dict[str, dict[str, dict[str, Any]]] = {}
    for path, item in _document()["paths"].items():
        params = item.get("get", {}).get("parameters", [])
        paging = {p["name"]: p["schema"] for p in params if p["in"] == "query" and p["name"] in PAGING}
        if paging:
            found[path] = paging
    return found


def test_every_paginated_list_is_found() -> None:
    assert {
        "/api/v1/organisations",
        "/api/v1/network/services",
        "/api/v1/users",
        "/api/v1/pathways",
        "/api/v1/referrals",
    } <= set(_paginated_operations())


def test_every_paging_parameter_declares_its_bounds() -> None:
    for path, params in _paginated_operations().items():
        for name, schema in params.items():
            options = schema.get("anyOf", [schema])
            integer = next(o for o in options if o.get("type") == "integer")
            assert 0 < integer.get("maximum", 0) <= MAX_OFFSET, (path, name)
            assert integer.get("minimum") in {0, 1}, (path, name)


# Who may read each list (any persona that gets it; the test is about the paging, not the access).
API_READER = {
    "/api/v1/organisations": "caseworker_a",
    "/api/v1/network/services": "caseworker_a",
    "/api/v1/users": "sysadmin",
    "/api/v1/pathways": "caseworker_a",
    "/api/v1/referrals": "caseworker_a",
}


@pytest.mark.parametrize("path", sorted(API_READER))
def test_out_of_range_paging_is_a_422_problem_naming_the_parameter(
    path: str, cast: Cast, as_persona: Any
) -> None:
    client = as_persona(API_READER[path])
    assert client.get(path).status_code == 200
    for name in sorted(set(_paginated_operations()[path])):
        for value in BAD_VALUES:
            if name == "offset" and value == "0":
                continue  # the first item
            response = client.get(path, {name: value})
            if value == "" and response.status_code == 200:
                continue  # an empty value means the default
            assert response.status_code == 422, (name, value, response.status_code)
            assert response["Content-Type"].startswith("application/problem+json")
            body = response.json()
            assert body["type"] == "urn:strom:problem:invalid-input"
            assert [e["parameter"] for e in body["errors"]] == [name]
            assert body["errors"][0]["detail"]
            if len(value) > 1:
                assert value not in body["errors"][0]["detail"]  # the input is never echoed


def test_the_last_allowed_page_is_an_empty_page_not_an_error(cast: Cast, as_persona: Any) -> None:
    response = as_persona("caseworker_a").get("/api/v1/organisations", {"page": MAX_PAGE})
    assert response.status_code == 200
    assert response.json()["items"] == []
    response = as_persona("caseworker_a").get("/api/v1/referrals", {"offset": MAX_OFFSET})
    assert response.status_code == 200
    assert response.json()["items"] == []


def test_the_paging_error_is_a_translatable_sentence(cast: Cast, as_persona: Any) -> None:
    # pydantic's own messages are English only ("Input should be less than or equal to ...").
    client = as_persona("caseworker_a")
    english = client.get("/api/v1/organisations", {"page": HUGE}).json()["errors"][0]["detail"]
    assert english == f"Enter a number of at most {MAX_PAGE}."
    assert client.get("/api/v1/referrals", {"limit": "abc"}).json()["errors"][0]["detail"] == (
        "Enter a whole number."
    )


# --- the pages ------------------------------------------------------------------------------------

WEB_READER = {
    "directory:list": "caseworker_a",
    "network:list": "caseworker_a",
    "network:freshness": "sysadmin",
    "accounts:user_list": "sysadmin",
    "pathways:list": "caseworker_a",  # one page of every pathway: `page` is ignored
    "referrals:list": "caseworker_a",
}
UNPAGINATED = {"pathways:list"}


@pytest.mark.parametrize("name", sorted(WEB_READER))
def test_a_page_number_out_of_range_shows_the_nearest_page(name: str, cast: Cast, as_persona: Any) -> None:
    client = as_persona(WEB_READER[name])
    url = reverse(name)
    first = client.get(url)
    assert first.status_code == 200
    for value in BAD_VALUES:
        response = client.get(url, {"page": value})
        assert response.status_code == 200, (value, response.status_code)
        if name not in UNPAGINATED:
            assert response.context["page"].number == 1  # the only page there is
