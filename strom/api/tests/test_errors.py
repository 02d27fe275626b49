"""Every API error is RFC 9457 problem+json and reveals nothing it should not."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest
from django.test import Client, override_settings
from django.utils import timezone
from ninja import NinjaAPI, Schema
from ninja.testing import TestClient

from strom.api import errors
from strom.api.services import api_token_create
from tests.personas import Cast

PROBLEM_FIELDS = {"type", "title", "status", "detail", "instance"}


def assert_problem(response: Any, status: int, kind: str) -> dict[str, Any]:
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert set(body) >= PROBLEM_FIELDS
    assert body["status"] == status
    assert body["type"] == f"urn:strom:problem:{kind}"
    return body


def test_unknown_api_path_is_a_problem_not_an_html_page(as_persona: Any) -> None:
    for persona in ("anonymous", "caseworker_a"):
        response = as_persona(persona).get("/api/v1/no/such/thing")
        body = assert_problem(response, 404, "not-found")
        assert body["instance"] == "/api/v1/no/such/thing"


def test_missing_and_forbidden_answer_the_same(cast: Cast, as_persona: Any) -> None:
    client = as_persona("orgadmin_b")
    forbidden = client.patch(
        f"/api/v1/organisations/{cast.org_a.pk}", data={}, content_type="application/json"
    )
    missing = client.patch("/api/v1/organisations/999999", data={}, content_type="application/json")
    assert forbidden.status_code == missing.status_code == 404
    assert {k: v for k, v in forbidden.json().items() if k != "instance"} == {
        k: v for k, v in missing.json().items() if k != "instance"
    }


def test_anonymous_gets_401_with_bearer_challenge(cast: Cast) -> None:
    response = Client().get("/api/v1/organisations")
    assert_problem(response, 401, "unauthenticated")
    assert response["WWW-Authenticate"] == 'Bearer realm="STROM"'


def test_invalid_body_gets_422_with_pointers_to_the_fields(as_persona: Any) -> None:
    response = as_persona("sysadmin").post(
        "/api/v1/organisations",
        data={"name": "X", "org_type": "Pirates", "country": "EE"},
        content_type="application/json",
    )
    body = assert_problem(response, 422, "invalid-input")
    assert {e["pointer"] for e in body["errors"]} == {"#/org_type"}
    assert all(e["detail"] for e in body["errors"])


def test_invalid_query_parameter_is_named(as_persona: Any) -> None:
    response = as_persona("sysadmin").get("/api/v1/organisations", {"page": "zero"})
    body = assert_problem(response, 422, "invalid-input")
    assert body["errors"][0] == {**body["errors"][0], "parameter": "page", "in": "query"}


def test_validation_error_from_a_service_is_422_with_field_pointers(cast: Cast, as_persona: Any) -> None:
    response = as_persona("sysadmin").post(
        "/api/v1/organisations",
        data={
            "name": "Vilnius Support Centre",
            "org_type": "NGO",
            "country": "LT",
            "municipality_id": cast.riga.pk,
        },
        content_type="application/json",
    )
    body = assert_problem(response, 422, "invalid-input")
    assert {e["pointer"] for e in body["errors"]} == {"#/name", "#/municipality"}


def test_problem_is_in_the_requested_language(cast: Cast) -> None:
    response = Client().get("/api/v1/organisations", HTTP_ACCEPT_LANGUAGE="lv")
    assert_problem(response, 401, "unauthenticated")
    assert response["Content-Language"] == "lv"


def test_rate_limit_answers_429_with_retry_after(cast: Cast) -> None:
    _, plaintext = api_token_create(
        by=cast.caseworker_a,
        name="busy",
        scopes=["read"],
        expires_at=timezone.now() + timedelta(days=1),
        second_factor_verified=True,
    )
    client = Client(HTTP_AUTHORIZATION=f"Bearer {plaintext}")
    with override_settings(STROM_API_RATE_LIMIT="2/day"):
        assert client.get("/api/v1/organisations").status_code == 200
        assert client.get("/api/v1/organisations").status_code == 200
        response = client.get("/api/v1/organisations")
    assert_problem(response, 429, "rate-limited")
    assert int(response["Retry-After"]) >= 1


# --- handlers on a throwaway API, for errors the real routes do not raise on demand ---

probe = NinjaAPI(urls_namespace="problem-probe")
errors.register(probe)


class Payload(Schema):
    age: int


@probe.get("/boom", auth=None)
def boom(request: HttpRequest) -> None:
    # Like a database error that quotes the offending value.
    raise RuntimeError(f"Key (name)=({request.GET['name']}) already exists")


@probe.get("/gone", auth=None)
def gone(request: HttpRequest) -> None:
    raise Http404("organisation 7 belongs to org B")


@probe.post("/service", auth=None)
def service(request: HttpRequest) -> None:
    raise DjangoValidationError("Not allowed now.")


@probe.post("/payload", auth=None)
def payload(request: HttpRequest, data: Payload) -> None:
    return None


def test_unhandled_exception_is_a_generic_500_and_logs_no_data(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.ERROR, logger="strom.api"):
        response = TestClient(probe).get("/boom", query_params={"name": "Anna Bērziņa"})
    body = assert_problem(response, 500, "server-error")
    assert "Bērziņa" not in response.content.decode()
    assert "RuntimeError" in caplog.text
    assert "Bērziņa" not in caplog.text
    assert body["detail"]


def test_http404_message_is_never_shown() -> None:
    response = TestClient(probe).get("/gone")
    assert_problem(response, 404, "not-found")
    assert "org B" not in response.content.decode()


def test_non_field_validation_error_points_at_the_document() -> None:
    body = assert_problem(TestClient(probe).post("/service"), 422, "invalid-input")
    assert body["errors"] == [{"pointer": "#/", "detail": "Not allowed now."}]


def test_body_field_pointer_drops_the_argument_name() -> None:
    body = assert_problem(TestClient(probe).post("/payload", json={"age": "old"}), 422, "invalid-input")
    assert [e["pointer"] for e in body["errors"]] == ["#/age"]
