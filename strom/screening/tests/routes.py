"""Who gets what on every screening route (tests/test_authorisation.py runs these for every persona)."""

from __future__ import annotations

from typing import Any

from strom.screening.services import screening_create
from tests.authz import Route, everyone_logged_in, expect
from tests.personas import Cast

# People who open cases or take hotline calls may screen.
SCREENERS = [
    "caseworker_a",
    "supervisor_a",
    "hotline_a",
    "caseworker_b",
    "supervisor_b",
    "hotline_b",
    "recipient",
]
# An anonymous pre-screening by caseworker_a in org A: its creator and org A's case.view holders.
ORG_A_VIEWERS = ["caseworker_a", "supervisor_a"]
CONVERTERS = ["caseworker_a", "supervisor_a"]


def _screening(cast: Cast, by: str = "caseworker_a") -> dict[str, Any]:
    screening = screening_create(
        by=cast.users[by],
        indicator_set_id="ilo-adult-labour",
        observed=["ADL-DR-01", "ADL-EX-01"],
        organisation=cast.org_a,
    )
    return {"screening_id": screening.pk}


def _by_hotline(cast: Cast) -> dict[str, Any]:
    return _screening(cast, "hotline_a")


def _checklist(cast: Cast) -> dict[str, Any]:
    return {"set": "ilo-adult-labour", "observed": ["ADL-DR-01", "ADL-EX-01"]}


ROUTES = [
    Route("screening:list", expect=expect(SCREENERS)),
    Route("screening:new", expect=expect(SCREENERS), note="the list of indicator sets"),
    Route("screening:new", data=lambda c: {"set": "ilo-child-sexual"}, expect=expect(SCREENERS)),
    Route("screening:new", method="post", data=_checklist, expect=expect(SCREENERS, ok=302)),
    Route("screening:preview", method="post", data=_checklist, expect=expect(SCREENERS)),
    Route("screening:detail", kwargs=_screening, expect=expect(ORG_A_VIEWERS)),
    Route(
        "screening:detail",
        kwargs=_by_hotline,
        expect=expect(["hotline_a", *ORG_A_VIEWERS]),
        note="the hotline operator sees their own screening; org A's case workers see it too",
    ),
    Route("screening:convert", kwargs=_screening, expect=expect(CONVERTERS)),
    Route(
        "screening:convert",
        method="post",
        kwargs=_screening,
        data=lambda c: {"municipality": c.riga.pk, "gender": "NonSpecifiedUnknown", "given_name": "Test"},
        expect=expect(CONVERTERS, ok=302),
    ),
    Route(
        "screening:convert",
        kwargs=_by_hotline,
        expect=expect(CONVERTERS, overrides={"hotline_a": 200}),
        note="the creator may convert (hotline operators hold case.create)",
    ),
    # --- API ---
    Route("api:screening_indicator_sets", expect=everyone_logged_in(anonymous=401)),
    Route(
        "api:screening_indicator_set",
        kwargs=lambda c: {"set_id": "ilo-adult-labour", "version": 1},
        expect=everyone_logged_in(anonymous=401),
    ),
    Route(
        "api:screening_score",
        method="post",
        json=True,
        data=lambda c: {"indicator_set_id": "ilo-adult-labour", "observed": ["ADL-DR-01"]},
        expect=everyone_logged_in(anonymous=401),
    ),
    Route(
        "api:screening_create",
        method="post",
        json=True,
        data=lambda c: {"indicator_set_id": "ilo-adult-labour", "observed": ["ADL-DR-01"]},
        expect=expect(SCREENERS, ok=201, anonymous=401),
    ),
    Route("api:screening_detail", kwargs=_screening, expect=expect(ORG_A_VIEWERS, anonymous=401)),
    Route(
        "api:screening_convert",
        method="post",
        json=True,
        kwargs=_screening,
        data=lambda c: {"municipality_id": c.riga.pk, "given_name": "Test"},
        expect=expect(CONVERTERS, ok=201, anonymous=401),
    ),
]
