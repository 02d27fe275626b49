"""Every route, every persona: explicit expectations or the test fails (tests/authz.py)."""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any

import pytest
from django.core.cache import cache
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse

import strom
from tests.authz import PERSONAS, Route
from tests.referral_scope import RECIPIENT, refer_cases_to_recipient

# Framework routes that are not ours to guard (static files are served by WhiteNoise, not a URL pattern).
IGNORED: set[str] = set()


def _walk(patterns: list[Any], namespace: str = "") -> set[str]:
    names: set[str] = set()
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = p.namespace or ""
            names |= _walk(p.url_patterns, f"{namespace}{ns}:" if ns else namespace)
        elif isinstance(p, URLPattern):
            if p.name:
                names.add(f"{namespace}{p.name}")
            else:
                names.add(f"{namespace}<unnamed {p.pattern}>")
    return names


def all_route_names() -> set[str]:
    return _walk(get_resolver().url_patterns) - IGNORED


def declared_routes() -> list[Route]:
    routes: list[Route] = []
    for mod in pkgutil.iter_modules(strom.__path__):
        try:
            module = importlib.import_module(f"strom.{mod.name}.tests.routes")
        except ModuleNotFoundError:
            continue
        routes.extend(module.ROUTES)
    return routes


def test_every_route_has_an_expectation_for_every_persona() -> None:
    declared = declared_routes()
    names = all_route_names()
    missing = sorted(names - {r.name for r in declared})
    assert not missing, f"routes without an authorisation expectation: {missing}"
    unknown = sorted({r.name for r in declared} - names)
    assert not unknown, f"expectations for routes that do not exist: {unknown}"
    for route in declared:
        gaps = sorted(set(PERSONAS) - set(route.expect))
        assert not gaps, f"{route.name} {route.method.upper()} has no expectation for {gaps}"


def _route_id(route: Route) -> str:
    return f"{route.name}:{route.method}"


@pytest.mark.django_db
@pytest.mark.parametrize("route", declared_routes(), ids=_route_id)
def test_route_answers_every_persona_as_declared(route: Route, cast: Any, as_persona: Any) -> None:
    """One route, every persona. Each persona's turn runs in a savepoint that is rolled back, so every
    persona meets the same state: a POST by one cannot change what the next one sees. Before the
    referral recipient's turn, organisation A's cases are referred to them (tests/referral_scope.py)."""
    wrong: list[str] = []
    url = ""
    # Route helpers may memoise objects on the cast; those rows vanish with each rollback, so forget them.
    pristine = dict(cast.__dict__)
    for persona in PERSONAS:
        cast.__dict__.clear()
        cast.__dict__.update(pristine)
        cache.clear()  # throttles and rate limits count per persona, not across them
        with transaction.atomic():
            # Logged in first, objects made after: some objects (reset links) depend on the login.
            client = as_persona(persona)
            url = reverse(route.name, kwargs=route.kwargs(cast) if route.kwargs else None)
            data = route.data(cast) if route.data else {}
            secrets = refer_cases_to_recipient(cast) if persona == RECIPIENT else []
            call = getattr(client, route.method)
            if route.json:
                response = call(url, data=data, content_type="application/json")
            else:
                response = call(url, data=data)
            transaction.set_rollback(True)
        if response.status_code != route.expect[persona]:
            wrong.append(f"{persona}: got {response.status_code}, expected {route.expect[persona]}")
        body = b"" if getattr(response, "streaming", False) else response.content
        # A page may echo its own address (the language switcher's "next"): what the test itself sent
        # is not a leak.
        sent = url + repr(data)
        leaked = [s for s in secrets if s.encode() in body and s not in sent]
        if leaked:
            wrong.append(f"{persona}: the response shows what the referral's scope leaves out: {leaked}")
    assert not wrong, f"{route.method.upper()} {url}\n" + "\n".join(wrong)
