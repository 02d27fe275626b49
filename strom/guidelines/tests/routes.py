"""Authorisation expectations for the guidelines routes (tests/test_authorisation.py)."""

from __future__ import annotations

from tests.authz import Route

ROUTES: list[Route] = []
