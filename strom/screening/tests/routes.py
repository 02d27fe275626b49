"""Who gets what on every screening route (tests/test_authorisation.py runs these for every persona)."""

from __future__ import annotations

from typing import Any

from strom.screening.indicators import get_set
from strom.screening.models import ScreeningRecheck
from strom.screening.services import screening_create
from strom.screening.set_services import indicator_set_adapt
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


def _screening(cast: Cast, by: str = "caseworker_a", org: str = "a") -> dict[str, Any]:
    screening = screening_create(
        by=cast.users[by],
        indicator_set_id="ilo-adult-labour",
        observed=["ADL-DR-01", "ADL-EX-01"],
        organisation=cast.orgs[org],
    )
    return {"screening_id": screening.pk}


def _by_hotline(cast: Cast) -> dict[str, Any]:
    # A hotline operator screens for their own hotline (tests/personas.py).
    return _screening(cast, "hotline_a", "hotline_lv")


def _checklist(cast: Cast) -> dict[str, Any]:
    return {"set": "ilo-adult-labour", "observed": ["ADL-DR-01", "ADL-EX-01"]}


# Indicator sets: the shared ones are the system admin's, a country's own set its coordinators'.
SHARED_SET_PUBLISHERS = ["sysadmin"]
LATVIAN_SET_PUBLISHERS = ["coordinator_a"]
COORDINATORS = ["coordinator_a", "coordinator_b"]
# Screenings to look at again: supervisors see their organisation's list, coordinators the counts.
RECHECK_VIEWERS = ["supervisor_a", "supervisor_b", *COORDINATORS]


def _shared_set(cast: Cast) -> dict[str, Any]:
    return {"set_id": "ilo-adult-labour"}


def _latvian_set(cast: Cast) -> dict[str, Any]:
    row = indicator_set_adapt(by=cast.users["coordinator_a"], set_id="ilo-adult-labour", country="LV")
    return {"set_id": row.set_id}


def _publish_form(cast: Cast) -> dict[str, Any]:
    base = get_set("ilo-adult-labour")
    data: dict[str, Any] = {
        "base_version": base.version,
        "source_document": "ILO WCMS_105023, page 4",
        "change_note": "Checked the strengths.",
    }
    for i in base.indicators:
        data[f"strength_{i.id}"] = i.strength
        data.update({f"text_{i.id}_{lang}": text for lang, text in i.texts.items()})
    return data


def _publish_json(cast: Cast) -> dict[str, Any]:
    base = get_set("ilo-adult-labour")
    return {
        "base_version": base.version,
        "source_document": "ILO WCMS_105023",
        "change_note": "Checked the strengths.",
        "indicators": [{"id": i.id, "strength": i.strength, "text": i.texts} for i in base.indicators],
    }


def _recheck(cast: Cast) -> dict[str, Any]:
    screening = screening_create(
        by=cast.users["caseworker_a"],
        indicator_set_id="ilo-child-labour",
        observed=["CHL-EX-01"],
        organisation=cast.org_a,
    )
    recheck = ScreeningRecheck.objects.create(
        screening=screening,
        organisation=cast.org_a,
        rule_version=2,
        stored_rule_version=1,
        stored_level="some",
        current_level="strong",
    )
    return {"recheck_id": recheck.pk}


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
        expect=expect(["hotline_a"]),
        note="the hotline operator sees their own screening; the hotline has no one else with case.view",
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
        expect=expect(["hotline_a"]),
        note="the creator may convert for the hotline (hotline operators hold case.create); org A may not",
    ),
    Route("screening:sets", expect=everyone_logged_in()),
    # docs/screening.md as a page: no personal data, for everyone who works in STROM.
    Route("screening:docs", expect=everyone_logged_in()),
    Route("screening:set_detail", kwargs=_shared_set, expect=everyone_logged_in()),
    Route(
        "screening:set_detail",
        kwargs=_latvian_set,
        expect=everyone_logged_in(),
        note="a country's own set is readable by everyone logged in, like the shared ones",
    ),
    Route("screening:set_publish", kwargs=_shared_set, expect=expect(SHARED_SET_PUBLISHERS)),
    Route(
        "screening:set_publish",
        method="post",
        kwargs=_shared_set,
        data=_publish_form,
        expect=expect(SHARED_SET_PUBLISHERS, ok=302),
    ),
    Route(
        "screening:set_publish",
        kwargs=_latvian_set,
        expect=expect(LATVIAN_SET_PUBLISHERS),
        note="Latvia's own set: its coordinators, not the system admin nor Lithuania's coordinator",
    ),
    Route(
        "screening:set_adapt",
        method="post",
        kwargs=_shared_set,
        data=lambda c: {"country": "LV"},
        expect=expect(COORDINATORS, ok=302),
        note="Lithuania's coordinator is sent back with the refusal; only Latvia's gets the set",
    ),
    Route("screening:rechecks", expect=expect(RECHECK_VIEWERS)),
    Route(
        "screening:recheck_done",
        method="post",
        kwargs=_recheck,
        expect=expect(["supervisor_a"], ok=302),
        note="org A's supervisors close org A's re-checks; coordinators see counts only",
    ),
    # --- API ---
    Route(
        "api:screening_indicator_set_versions",
        kwargs=_shared_set,
        expect=everyone_logged_in(anonymous=401),
    ),
    Route(
        "api:screening_indicator_set_publish",
        method="post",
        json=True,
        kwargs=_shared_set,
        data=_publish_json,
        expect=expect(SHARED_SET_PUBLISHERS, ok=201, anonymous=401),
    ),
    Route(
        "api:screening_indicator_set_adapt",
        method="post",
        json=True,
        kwargs=_shared_set,
        data=lambda c: {"country": "LV"},
        expect=expect(["coordinator_a"], ok=201, anonymous=401, overrides={"coordinator_b": 422}),
        note="Lithuania's coordinator may not start a set for Latvia: a clear refusal",
    ),
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
