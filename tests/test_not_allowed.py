"""`NotAllowed` answers exactly like a missing page at every edge."""

from __future__ import annotations

import re

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client, override_settings
from django.urls import path

from strom.cli import main
from strom.core.errors import NotAllowed
from strom.site import urls as project_urls


def _refuse(request: HttpRequest) -> HttpResponse:
    raise NotAllowed


# The project's own pages and 404 answer (a page, or a problem document under /api/), plus two
# addresses that refuse.
urlpatterns = [path("refuse/", _refuse), path("api/v1/refuse/", _refuse), *project_urls.urlpatterns]
handler404 = project_urls.handler404


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__)
def test_a_page_that_refuses_answers_404_like_a_missing_one(client: Client) -> None:
    refused = client.get("/refuse/")
    missing = client.get("/nothing-here/")
    assert refused.status_code == missing.status_code == 404
    # Identical but for the per-response CSP nonce and CSRF tokens, and the address to return to.
    assert _without_nonce(refused.content) == _without_nonce(missing.content)


def _without_nonce(body: bytes) -> bytes:
    return re.sub(rb'(nonce="|"X-CSRFToken": "|value=")[^"]*"', b"", body)


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__)
def test_an_api_path_that_refuses_answers_a_404_problem(client: Client) -> None:
    response = client.get("/api/v1/refuse/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/problem+json")


def test_the_command_line_prints_the_refusal_without_a_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def refuse(argv: list[str]) -> None:
        raise NotAllowed("No such case, or you may not see it.")

    monkeypatch.setattr("django.core.management.execute_from_command_line", refuse)
    assert main(["anything"]) == 1
    err = capsys.readouterr().err
    assert "No such case, or you may not see it." in err
    assert "Traceback" not in err
