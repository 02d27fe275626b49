"""Authorisation expectations for the practices routes (tests/test_authorisation.py)."""

from __future__ import annotations

from tests.authz import Route

ROUTES: list[Route] = []
