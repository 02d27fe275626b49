"""The OpenAPI 3 document: public, complete, and honest about authentication."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from strom.site.api import api

METHODS = {"get", "post", "put", "patch", "delete"}


def _document() -> dict[str, Any]:
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    doc: dict[str, Any] = response.json()
    return doc


def _operations(doc: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {
        (method, path): op
        for path, item in doc["paths"].items()
        for method, op in item.items()
        if method in METHODS
    }


def _api_url_names() -> set[str]:
    def walk(patterns: list[Any], ns: str = "") -> set[str]:
        names: set[str] = set()
        for p in patterns:
            if isinstance(p, URLResolver):
                names |= walk(p.url_patterns, p.namespace or ns)
            elif isinstance(p, URLPattern) and ns == "api" and p.name:
                names.add(p.name)
        return names

    return walk(get_resolver().url_patterns) - {"api-root", "openapi-json"}


def test_document_is_openapi_3_and_public() -> None:
    doc = _document()  # fetched without any credentials
    assert doc["openapi"].startswith("3.")
    assert doc["info"]["title"] == "STROM API"
    assert doc["paths"]


def test_document_lists_both_security_schemes() -> None:
    schemes = _document()["components"]["securitySchemes"]
    assert schemes["ApiTokenAuth"]["type"] == "http"
    assert schemes["ApiTokenAuth"]["scheme"] == "bearer"
    assert schemes["SessionAuth"] == {
        **schemes["SessionAuth"],
        "type": "apiKey",
        "in": "cookie",
        "name": "strom_session",
    }


# Operations that deliberately need no user: other STROM instances call them, and a message's
# signature by the partner's pinned key is its authentication (docs/transnational.md).
PUBLIC_OPERATIONS = {
    ("get", "/api/v1/transnational/jwks"),
    ("post", "/api/v1/transnational/messages"),
}


def test_every_operation_is_documented_and_requires_authentication() -> None:
    doc = _document()
    operations = _operations(doc)
    documented = {op["operationId"] for op in operations.values()}
    expected = {
        api.get_openapi_operation_id(operation)
        for bound in api._get_bound_routers()
        for path_view in bound.path_operations.values()
        for operation in path_view.operations
        if operation.include_in_schema
    }
    assert expected
    assert expected == documented
    for (method, path), op in operations.items():
        if (method, path) in PUBLIC_OPERATIONS:
            assert not op.get("security"), f"{method.upper()} {path} is listed as public"
            continue
        assert op.get("security"), (
            f"{method.upper()} {path} is public; mark it deliberately and update this test"
        )
        names = {name for requirement in op["security"] for name in requirement}
        assert names == {"ApiTokenAuth", "SessionAuth"}


def test_every_api_operation_has_an_explicit_url_name() -> None:
    # Without url_name= ninja falls back to the view function's name, which nobody declares on purpose.
    missing = [
        operation.view_func.__name__
        for bound in api._get_bound_routers()
        for path_view in bound.path_operations.values()
        for operation in path_view.operations
        if not getattr(operation, "url_name", None)
    ]
    assert not missing, f"operations without url_name=: {missing}"
    assert {"organisation_list", "organisation_detail", "organisation_create", "organisation_update"} <= (
        _api_url_names()
    )


def test_no_interactive_docs_page_that_would_load_a_cdn() -> None:
    assert api.docs_url is None
    assert Client().get("/api/v1/docs").status_code == 404
