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

# --- Search (strom/hub/views_search.py, api_search.py) ---------------------------------------------
# Every member searches every entry (hub.view); the outsider is refused and a visitor without an
# account is sent to log in while the hub is not public (test_search.py opens it).
_SEARCHERS = [p for p in PERSONAS if p not in {"outsider", "anonymous"}]
ROUTES += [
    Route("hub:home", expect=expect(_SEARCHERS)),
    Route("api:hub_search", expect=expect(_SEARCHERS, anonymous=401)),
]
# --- end of search ---------------------------------------------------------------------------------

# --- Guidance a form's help links to (strom/hub/views_guidance.py) ----------------------------------------
# The same readers as the search; every reader is sent on, to a guideline or to the search.
ROUTES += [
    Route("hub:help", kwargs=lambda c: {"topic": "reflection-period"}, expect=expect(_SEARCHERS, ok=302)),
]
# --- end of guidance -------------------------------------------------------------------------------
