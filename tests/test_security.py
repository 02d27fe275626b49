"""The security baseline: deploy checks, headers, CSP-safe templates, CSRF, healthz, error pages."""

from __future__ import annotations

import base64
import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.conf import settings
from django.db import OperationalError
from django.http import Http404
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

import strom
from strom.site import views
from tests.personas import Cast

STROM_DIR = Path(strom.__file__).resolve().parent
TEMPLATES = sorted(STROM_DIR.rglob("templates/**/*.html"))


def _production_env(tmp_path: Path) -> dict[str, str]:
    def key() -> str:
        return base64.b64encode(secrets.token_bytes(32)).decode()

    keys = {"current": "k1", "keys": {"k1": key()}, "blind_index_key": key(), "audit_key": key()}
    env = {k: v for k, v in os.environ.items() if not k.startswith(("STROM_", "DJANGO_"))}
    env.update(
        STROM_ENV="production",
        STROM_SECRET_KEY=secrets.token_urlsafe(60),
        STROM_FIELD_KEYS=json.dumps(keys),
        STROM_STATS_RECORD_KEY=secrets.token_urlsafe(40),
        STROM_AUDIT_SIGNING_KEY=key(),
        STROM_ALLOWED_HOSTS="strom.example.org",
        STROM_VAR_DIR=str(tmp_path),
        DATABASE_URL="postgresql://postgres@127.0.0.1:5432/x",
    )
    return env


def test_deploy_checks_report_no_issues_with_production_settings(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "django",
            "check",
            "--deploy",
            "--fail-level",
            "WARNING",
            "--settings=strom.settings",
        ],
        cwd=STROM_DIR.parent,
        env=_production_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output, output


# --- headers ---


@pytest.mark.parametrize("persona", ["anonymous", "caseworker_a"])
def test_responses_carry_the_security_headers(cast: Cast, as_persona: Any, persona: str) -> None:
    url = reverse("accounts:login") if persona == "anonymous" else reverse("core:dashboard")
    response = as_persona(persona).get(url)
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in csp.split(";") if part.strip())
    for name in ("script-src", "style-src", "default-src"):
        assert directives[name] == "'self'", csp
    assert "unsafe-inline" not in csp
    assert "unsafe-eval" not in csp
    assert directives["frame-ancestors"] == "'none'"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_production_settings_make_cookies_secure_and_send_hsts(tmp_path: Path) -> None:
    code = (
        "import django, json; django.setup(); from django.conf import settings as s; "
        "print(json.dumps([s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, "
        "s.SECURE_HSTS_SECONDS, s.DEBUG]))"
    )
    env = {**_production_env(tmp_path), "DJANGO_SETTINGS_MODULE": "strom.settings"}
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code],
        cwd=STROM_DIR.parent,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    secure_session, secure_csrf, ssl_redirect, hsts, debug = json.loads(
        result.stdout.strip().splitlines()[-1]
    )
    assert secure_session is True
    assert secure_csrf is True
    assert ssl_redirect is True
    assert hsts >= 31536000
    assert debug is False


# --- templates: nothing the CSP would block, CSRF in every POST form ---

INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>\s*\S", re.IGNORECASE)
STYLE_ATTR = re.compile(r"<[^>]+\sstyle\s*=", re.IGNORECASE)
STYLE_TAG = re.compile(r"<style\b", re.IGNORECASE)
EVENT_ATTR = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)
TEMPLATE_COMMENT = re.compile(r"\{#.*?#\}|\{% comment %\}.*?\{% endcomment %\}", re.DOTALL)
POST_FORM = re.compile(r"<form\b[^>]*\bmethod=[\"']?post[\"']?[^>]*>(.*?)</form>", re.IGNORECASE | re.DOTALL)


def test_templates_exist_to_check() -> None:
    assert len(TEMPLATES) > 5


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(STROM_DIR)))
def test_template_has_no_inline_script_or_style(path: Path) -> None:
    text = TEMPLATE_COMMENT.sub("", path.read_text(encoding="utf-8"))
    assert not INLINE_SCRIPT.search(text), "inline <script> body: the CSP blocks it; use a static file"
    assert not STYLE_ATTR.search(text), 'style="" attribute: the CSP blocks it; use a class in strom.css'
    assert not STYLE_TAG.search(text), "<style> element: the CSP blocks it; use strom.css"
    assert not EVENT_ATTR.search(text), "on…= event handler attribute: the CSP blocks it"


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(STROM_DIR)))
def test_every_post_form_carries_a_csrf_token(path: Path) -> None:
    for body in POST_FORM.findall(TEMPLATE_COMMENT.sub("", path.read_text(encoding="utf-8"))):
        assert "{% csrf_token %}" in body, f"a POST form in {path.name} has no {{% csrf_token %}}"


def test_template_checks_catch_violations() -> None:
    assert INLINE_SCRIPT.search("<script>alert(1)</script>")
    assert not INLINE_SCRIPT.search('<script src="/static/x.js" defer></script>')
    assert STYLE_ATTR.search('<p class="a" style="color:red">')
    assert EVENT_ATTR.search('<button onclick="x()">')
    assert POST_FORM.findall('<form method="post"><input></form>') == ["<input>"]
    assert (
        TEMPLATE_COMMENT.sub("", "a{# <style> #}b{% comment %}<script>x</script>{% endcomment %}c") == "abc"
    )


# --- CSRF ---


def test_csrf_is_enforced_on_web_forms(cast: Cast) -> None:
    from tests.personas import give_totp_device

    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.orgadmin_a)
    session = client.session
    from django_otp import DEVICE_ID_SESSION_KEY

    session[DEVICE_ID_SESSION_KEY] = give_totp_device(cast.orgadmin_a).persistent_id
    session.save()
    response = client.post(
        reverse("directory:edit", args=[cast.org_a.pk]),
        {"name": "Hijacked", "org_type": "NGO", "municipality": ""},
    )
    assert response.status_code == 403
    cast.org_a.refresh_from_db()
    assert cast.org_a.name == "Riga Social Service"


def test_csrf_is_enforced_for_anonymous_posts(db: None) -> None:
    response = Client(enforce_csrf_checks=True).post(reverse("set_language"), {"language": "lv"})
    assert response.status_code == 403


# --- healthz ---


def test_healthz_says_ok_and_nothing_else(db: None) -> None:
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-store" in response["Cache-Control"]
    for header in ("Server", "X-Powered-By"):
        assert header not in response


def test_healthz_answers_503_when_the_database_is_down(db: None) -> None:
    with mock.patch("strom.site.views.connection.cursor", side_effect=OperationalError("connection refused")):
        response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable"}
    assert b"refused" not in response.content


# --- error pages ---


def test_404_page_reveals_nothing(cast: Cast, as_persona: Any) -> None:
    assert settings.DEBUG is False
    response = as_persona("caseworker_a").get("/no/such/page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "Page not found" in body
    for leak in ("Traceback", "urlpatterns", "strom.urls", "Using the URLconf"):
        assert leak not in body


def test_404_handler_never_shows_the_exception_message(db: None) -> None:
    request = RequestFactory().get("/directory/7/")
    request.user = mock.Mock(is_authenticated=False)
    request.session = {}  # type: ignore[assignment]
    response = views.page_not_found(request, Http404("organisation 7 belongs to Vilnius Support Centre"))
    assert response.status_code == 404
    assert b"Vilnius" not in response.content


def _failing_context_processor(request: Any) -> dict[str, Any]:
    raise RuntimeError("context processor broke")


def test_500_page_renders_even_when_context_processors_fail() -> None:
    engine: dict[str, Any] = settings.TEMPLATES[0]
    options = {
        **engine["OPTIONS"],
        "context_processors": [
            *engine["OPTIONS"]["context_processors"],
            f"{__name__}._failing_context_processor",
        ],
    }
    templates = [{**engine, "OPTIONS": options}]
    with override_settings(TEMPLATES=templates):
        response = views.server_error(RequestFactory().get("/cases/LV-RIX-7K3F9/"))
    assert response.status_code == 500
    body = response.content.decode()
    assert "Something went wrong" in body
    assert "LV-RIX-7K3F9" not in body
    assert "context processor" not in body


def test_500_for_api_paths_is_problem_json() -> None:
    response = views.server_error(RequestFactory().get("/api/v1/organisations"))
    assert response.status_code == 500
    assert response["Content-Type"].startswith("application/problem+json")
    assert json.loads(response.content)["type"] == "urn:strom:problem:server-error"
