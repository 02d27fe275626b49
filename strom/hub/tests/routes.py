"""Authorisation expectations for the knowledge hub routes (tests/test_authorisation.py)."""

from __future__ import annotations

from tests.authz import PERSONAS, Route, expect

ROUTES: list[Route] = []

# --- Country profiles (strom/hub/views_countries.py, api_countries.py) -----------------------------
# Every member reads them (hub.view); the outsider, in no organisation, is refused; a visitor without
# an account is sent to log in (the hub is not public in the tests; test_countries.py opens it).
_COUNTRY_READERS = [p for p in PERSONAS if p not in {"outsider", "anonymous"}]
ROUTES += [
    Route("hub:countries", expect=expect(_COUNTRY_READERS)),
    Route("hub:country_detail", kwargs=lambda c: {"country": "LV"}, expect=expect(_COUNTRY_READERS)),
    Route("api:hub_countries", expect=expect(_COUNTRY_READERS, anonymous=401)),
    Route("api:hub_country", kwargs=lambda c: {"code": "LV"}, expect=expect(_COUNTRY_READERS, anonymous=401)),
]
# --- end of country profiles ----------------------------------------------------------------------
