"""The authorisation matrix for routes: every URL pattern and API route, tried as every persona.

Each app declares its routes in `strom/<app>/tests/routes.py` as a list `ROUTES` of `Route`.
`tests/test_authorisation.py` enumerates every URL pattern (web and API) and fails when one has no
`Route`, or when a `Route` does not say what each persona gets.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from tests.personas import ALL_PERSONAS, Cast

PERSONAS = ALL_PERSONAS
ROLE_PERSONAS = tuple(p for p in ALL_PERSONAS if p not in {"outsider", "anonymous"})


@dataclass
class Route:
    name: str  # "namespace:name" as used by reverse(); API routes are "api:<url name>"
    method: str = "get"
    expect: dict[str, int] = field(default_factory=dict)
    kwargs: Callable[[Cast], dict[str, Any]] | None = None
    data: Callable[[Cast], dict[str, Any]] | None = None
    json: bool = False  # send `data` as a JSON body
    note: str = ""


def expect(
    allowed: Iterable[str],
    *,
    ok: int = 200,
    denied: int = 404,
    anonymous: int = 302,
    overrides: dict[str, int] | None = None,
) -> dict[str, int]:
    """Build a complete persona -> status map: `allowed` get `ok`, everyone else `denied`."""
    allowed = set(allowed)
    unknown = allowed - set(PERSONAS)
    if unknown:
        raise ValueError(f"unknown personas: {sorted(unknown)}")
    result = {p: (ok if p in allowed else denied) for p in PERSONAS}
    result["anonymous"] = ok if "anonymous" in allowed else anonymous
    result.update(overrides or {})
    return result


def everyone_logged_in(*, ok: int = 200, anonymous: int = 302) -> dict[str, int]:
    return expect([p for p in PERSONAS if p != "anonymous"], ok=ok, anonymous=anonymous)


def public(*, ok: int = 200) -> dict[str, int]:
    return {p: ok for p in PERSONAS}


@dataclass(frozen=True)
class Read:
    """How tests/test_audited_reads.py reads a route that shows personal data."""

    persona: str = ""  # who reads; empty: the first persona the route answers 200
    setup: Callable[[Cast], object] | None = None  # rows a list needs to show anything
