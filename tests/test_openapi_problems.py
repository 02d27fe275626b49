"""The OpenAPI document matches what the API sends: one schema per name, the problem answers of
every operation, and NUL characters refused before they reach the database."""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

from django.test import Client
from ninja import Schema

from strom.api.errors import PROBLEM_CONTENT_TYPE
from strom.site.api import api
from tests.personas import Cast
from tests.test_openapi import PUBLIC_OPERATIONS

METHODS = {"get", "post", "put", "patch", "delete"}


def _document() -> dict[str, Any]:
    doc: dict[str, Any] = Client().get("/api/v1/openapi.json").json()
    return doc


def _subclasses(cls: type) -> set[type]:
    found: set[type] = set(cls.__subclasses__())
    for sub in list(found):
        found |= _subclasses(sub)
    return found


def test_no_two_api_schemas_share_a_name() -> None:
    # The document names a schema by its class name: a second class of the same name silently
    # replaces the first, and responses no longer match (DocumentOut, ServiceOut once did).
    api.get_openapi_schema()  # every router imported
    by_name: dict[str, set[str]] = defaultdict(set)
    for cls in _subclasses(Schema):
        if cls.__module__.startswith("strom.") and ".tests." not in cls.__module__:
            by_name[cls.__name__].add(f"{cls.__module__}.{cls.__qualname__}")
    shared = {name: sorted(where) for name, where in by_name.items() if len(where) > 1}
    assert not shared, shared


def test_the_operations_that_once_got_the_wrong_schema_now_name_their_own() -> None:
    doc = _document()
    paths = doc["paths"]

    def schema_name(path: str, method: str, status: str) -> str:
        content = paths[path][method]["responses"][status]["content"]["application/json"]
        ref: str = content["schema"].get("$ref") or content["schema"]["items"]["$ref"]
        return ref.rsplit("/", 1)[-1]

    assert schema_name("/api/v1/cases/persons/{person_id}/documents", "post", "201") == "IdentityDocumentOut"
    assert schema_name("/api/v1/casefile/{ref}/documents", "post", "201") == "CaseDocumentOut"
    assert schema_name("/api/v1/support/{ref}/services", "get", "200") == "ServicesOut"
    listed = doc["components"]["schemas"]["ServicesOut"]["properties"]["services"]["items"]["$ref"]
    assert listed.endswith("/SupportServiceOut")
    assert schema_name("/api/v1/network/services/{service_id}", "get", "200") == "NetworkServiceOut"
    person = doc["components"]["schemas"]["PersonOut"]["properties"]["documents"]["items"]["$ref"]
    assert person.endswith("/IdentityDocumentOut")


def test_every_operation_documents_its_problem_answers_as_problem_json() -> None:
    doc = _document()
    for path, item in doc["paths"].items():
        for method, operation in item.items():
            if method not in METHODS:
                continue
            responses = operation["responses"]
            # An operation other instances call without a user cannot answer 401 (tests/test_openapi.py).
            public = (method, path) in PUBLIC_OPERATIONS
            required = {"400"} if public else {"400", "401", "403", "404", "429"}
            assert required <= set(responses), (method, path)
            if operation.get("parameters") or operation.get("requestBody") or method != "get":
                assert "422" in responses, (method, path)
            for status, response in responses.items():
                if int(status) >= 400:
                    assert list(response["content"]) == [PROBLEM_CONTENT_TYPE], (method, path, status)
    schemas = doc["components"]["schemas"]
    assert set(schemas["Problem"]["required"]) == {"type", "title", "status", "detail", "instance"}
    assert "errors" in schemas["InvalidInputProblem"]["properties"]


def test_a_conflict_is_documented_with_the_conflict_problem() -> None:
    responses = _document()["paths"]["/api/v1/cases/{ref}"]["patch"]["responses"]
    schema = responses["409"]["content"][PROBLEM_CONTENT_TYPE]["schema"]
    assert schema["$ref"].endswith("/EditConflictProblem")


def test_a_download_documents_the_types_a_stored_file_can_have() -> None:
    path = "/api/v1/casefile/{ref}/documents/{document_uuid}"
    content = _document()["paths"][path]["get"]["responses"]["200"]["content"]
    assert {"application/pdf", "image/png", "image/jpeg", "text/plain"} <= set(content)
    assert "application/octet-stream" not in content


# --- NUL characters --------------------------------------------------------------------------------


def test_a_nul_in_an_api_path_query_or_body_is_a_400_problem(cast: Cast, as_persona: Any) -> None:
    client = as_persona("caseworker_a")
    answers = [
        client.get("/api/v1/cases/LV%00X"),
        client.get("/api/v1/organisations", {"q": "Riga\x00"}),
        client.post(
            "/api/v1/organisations",
            data=json.dumps({"name": "A\u0000B", "org_type": "NGO", "country": "LV"}),
            content_type="application/json",
        ),
    ]
    for response in answers:
        assert response.status_code == 400
        assert response["Content-Type"].startswith(PROBLEM_CONTENT_TYPE)
        body = response.json()
        assert body["type"] == "urn:strom:problem:nul-character"
        assert "NUL character" in body["detail"]


def test_a_nul_in_a_page_address_is_a_400_page(cast: Cast, as_persona: Any) -> None:
    response = as_persona("caseworker_a").get("/cases/LV%00X/")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")


def test_an_upload_may_hold_nul_bytes(cast: Cast, as_persona: Any) -> None:
    # Files are binary: only the URL, the query and non-multipart bodies are checked.
    from django.core.files.uploadedfile import SimpleUploadedFile

    from strom.cases.tests.factories import make_case

    case = make_case(cast)
    pdf = b"%PDF-1.4\n1 0 obj << /Length 2 >> stream\n\x00\x01\nendstream endobj\ntrailer << >>\n%%EOF\n"
    response = as_persona("caseworker_a").post(
        f"/api/v1/casefile/{case.ref}/documents",
        {"file": SimpleUploadedFile("scan.pdf", pdf), "title": "Scan", "kind": "correspondence"},
    )
    assert response.status_code == 201, response.content
    assert response.json()["size"] == len(pdf)
