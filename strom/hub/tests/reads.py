"""The hub's GET routes and whether they show personal data (tests/test_audited_reads.py)."""

from __future__ import annotations

NO_PERSONAL_DATA: dict[str, str] = {}

# --- Country profiles -----------------------------------------------------------------------------
_COUNTRY = (
    "a country's published hub content, its rules and institutions; "
    "focal points' institutional contacts for members only, no person's data"
)
NO_PERSONAL_DATA.update(
    {
        "hub:countries": _COUNTRY,
        "hub:country_detail": _COUNTRY,
        "api:hub_countries": _COUNTRY,
        "api:hub_country": _COUNTRY,
    }
)
# --- end of country profiles ----------------------------------------------------------------------

# --- Search ---------------------------------------------------------------------------------------
_SEARCH = "the search index: titles, summaries and facets of published hub records, no person's data"
NO_PERSONAL_DATA.update({"hub:home": _SEARCH, "api:hub_search": _SEARCH})
# --- end of search --------------------------------------------------------------------------------

# --- Guidance a form's help links to ----------------------------------------------------------------
NO_PERSONAL_DATA.update({"hub:help": "a redirect to a published guideline or to the hub search"})
# --- end of guidance -------------------------------------------------------------------------------
