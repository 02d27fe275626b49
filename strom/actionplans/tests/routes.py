"""Authorisation expectations for the action plans routes (tests/test_authorisation.py).

Every member reads recommendations and adopted plans (hub.view); the outsider, with no membership,
reads nothing. The Riga plan is kept by supervisor_a (action_plans.edit in Riga's social service);
recommendations are recorded by the national coordinators (recommendations.edit), each for their own
office: coordinator_b may record, but not for the Latvian office (the form refuses the choice, 200;
the API answers 404). The system admin holds neither permission.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from strom.actionplans.tests.factories import (
    evidence_of,
    measure_of,
    plan_of,
    recommendation_of,
    session_of,
)
from tests.authz import PERSONAS, Route, expect
from tests.personas import Cast

READERS = [p for p in PERSONAS if p not in ("anonymous", "outsider")]
KEEPERS = ["supervisor_a"]
MAY_KEEP = ["supervisor_a", "coordinator_a", "supervisor_b", "coordinator_b"]
RECORDERS = ["coordinator_a"]
MAY_RECORD = ["coordinator_a", "coordinator_b"]


def _plan(cast: Cast) -> dict[str, Any]:
    return {"pk": plan_of(cast).pk}


def _measure(cast: Cast) -> dict[str, Any]:
    return {"pk": measure_of(cast).pk}


def _recommendation(cast: Cast) -> dict[str, Any]:
    return {"pk": recommendation_of(cast).pk}


def _evidence(cast: Cast) -> dict[str, Any]:
    return {"pk": evidence_of(cast).pk}


def _api(key: str, make: Any) -> Any:
    return lambda cast: {key: make(cast).pk}


def _new_plan(cast: Cast) -> dict[str, Any]:
    return {
        "owner": cast.org_a.pk,
        "level": "municipal",
        "country": "LV",
        "municipality": cast.riga.pk,
        "title": "Riga plan 2027",
        "period_start": "2027-01-01",
        "period_end": "2027-12-31",
    }


def _new_recommendation(cast: Cast) -> dict[str, Any]:
    return {
        "organisation": cast.orgs["coordinator_lv"].pk,
        "source_kind": "report",
        "report_title": "National rapporteur's report 2024",
        "text": "Open a hotline in every municipality.",
        "language": "en",
        "addressee_country": "LV",
        "addressee_kind": "ministry",
        "addressee_name": "Ministry of the Interior",
    }


def _conclusions(cast: Cast) -> dict[str, Any]:
    return {
        "organisation": cast.orgs["coordinator_lv"].pk,
        "session": session_of(cast).pk,
        "conclusions": "Municipalities need a contact person.\n\nTrain police and social workers together.",
        "addressee_country": "LV",
        "addressee_kind": "municipality",
        "addressee_municipality": cast.riga.pk,
    }


def _new_measure(cast: Cast) -> dict[str, Any]:
    return {
        "title": "A contact person in the social service",
        "responsible": cast.org_a.pk,
        "start_date": "2024-03-01",
        "target_date": "2024-12-31",
        "budget_currency": "EUR",
        "report_every_months": "6",
        "answers": [recommendation_of(cast).pk],
    }


def _report(cast: Cast) -> dict[str, Any]:
    return {
        "date": dt.date.today().isoformat(),
        "text": "The first training was held.",
        "status": "in_progress",
    }


def _api_plan(cast: Cast) -> dict[str, Any]:
    return {
        "owner_id": cast.org_a.pk,
        "level": "municipal",
        "country": "LV",
        "municipality_id": cast.riga.pk,
        "title": "Riga plan 2027",
        "period_start": "2027-01-01",
        "period_end": "2027-12-31",
    }


def _api_recommendation(cast: Cast) -> dict[str, Any]:
    data = _new_recommendation(cast)
    data["organisation_id"] = data.pop("organisation")
    return data


def _api_conclusions(cast: Cast) -> dict[str, Any]:
    return {
        "organisation_id": cast.orgs["coordinator_lv"].pk,
        "conclusions": ["Municipalities need a contact person."],
        "addressee_country": "LV",
        "addressee_kind": "municipality",
        "addressee_municipality_id": cast.riga.pk,
    }


def _api_measure(cast: Cast) -> dict[str, Any]:
    return {
        "title": "A contact person in the social service",
        "responsible_id": cast.org_a.pk,
        "start_date": "2024-03-01",
        "target_date": "2024-12-31",
        "answers": [recommendation_of(cast).pk],
    }


def _reader_get(name: str, kwargs: Any = None, *, api: bool = False, note: str = "") -> Route:
    return Route(name, kwargs=kwargs, expect=expect(READERS, anonymous=401 if api else 302), note=note)


ROUTES = [
    _reader_get("actionplans:plans"),
    _reader_get("actionplans:plan", _plan),
    _reader_get("actionplans:dashboard", _plan),
    _reader_get("actionplans:print", _plan),
    _reader_get("actionplans:export", _plan),
    _reader_get("actionplans:country", lambda cast: {"country": "LV"}),
    _reader_get("actionplans:measure", _measure),
    _reader_get("actionplans:evidence", _evidence),
    _reader_get("actionplans:recommendations"),
    _reader_get("actionplans:recommendation", _recommendation),
    Route("actionplans:plan_create", expect=expect(MAY_KEEP)),
    Route(
        "actionplans:plan_create",
        method="post",
        data=_new_plan,
        expect=expect(KEEPERS, ok=302, overrides={p: 200 for p in MAY_KEEP if p not in KEEPERS}),
    ),
    Route(
        "actionplans:plan_status",
        method="post",
        kwargs=_plan,
        data=lambda cast: {"status": "adopted"},
        expect=expect(KEEPERS, ok=302),
    ),
    Route("actionplans:refresh", method="post", kwargs=_plan, expect=expect(KEEPERS, ok=302)),
    Route("actionplans:measure_create", kwargs=_plan, expect=expect(KEEPERS)),
    Route(
        "actionplans:measure_create",
        method="post",
        kwargs=_plan,
        data=_new_measure,
        expect=expect(KEEPERS, ok=302),
    ),
    Route(
        "actionplans:measure_status",
        method="post",
        kwargs=_measure,
        data=lambda cast: {"status": "in_progress"},
        expect=expect(KEEPERS, ok=302),
    ),
    Route("actionplans:indicator_create", kwargs=_measure, expect=expect(KEEPERS)),
    Route(
        "actionplans:indicator_create",
        method="post",
        kwargs=_measure,
        data=lambda cast: {"source": "manual", "name": "Trainings held", "target": "4"},
        expect=expect(KEEPERS, ok=302),
    ),
    Route("actionplans:report_create", kwargs=_measure, expect=expect(KEEPERS)),
    Route(
        "actionplans:report_create",
        method="post",
        kwargs=_measure,
        data=_report,
        expect=expect(KEEPERS, ok=302),
    ),
    Route("actionplans:recommendation_create", expect=expect(MAY_RECORD)),
    Route(
        "actionplans:recommendation_create",
        method="post",
        data=_new_recommendation,
        expect=expect(RECORDERS, ok=302, overrides={"coordinator_b": 200}),
    ),
    Route("actionplans:session_conclusions", expect=expect(MAY_RECORD)),
    Route(
        "actionplans:session_conclusions",
        method="post",
        data=_conclusions,
        expect=expect(RECORDERS, ok=302, overrides={"coordinator_b": 200}),
    ),
    # The API.
    _reader_get("api:actionplans_recommendations", api=True),
    _reader_get("api:actionplans_recommendation", _api("recommendation_id", recommendation_of), api=True),
    _reader_get(
        "api:actionplans_recommendation_measures", _api("recommendation_id", recommendation_of), api=True
    ),
    _reader_get("api:actionplans_plans", api=True),
    _reader_get("api:actionplans_plan", _api("plan_id", plan_of), api=True),
    _reader_get("api:actionplans_plan_export", _api("plan_id", plan_of), api=True),
    _reader_get("api:actionplans_country", lambda cast: {"country": "LV"}, api=True),
    _reader_get("api:actionplans_measure", _api("measure_id", measure_of), api=True),
    _reader_get("api:actionplans_reports", _api("measure_id", measure_of), api=True),
    _reader_get("api:actionplans_evidence", _api("evidence_id", evidence_of), api=True),
    Route(
        "api:actionplans_recommendation_create",
        method="post",
        json=True,
        data=_api_recommendation,
        expect=expect(RECORDERS, ok=201, anonymous=401),
    ),
    Route(
        "api:actionplans_session_conclusions",
        method="post",
        json=True,
        kwargs=_api("session_id", session_of),
        data=_api_conclusions,
        expect=expect(RECORDERS, ok=201, anonymous=401),
    ),
    Route(
        "api:actionplans_plan_create",
        method="post",
        json=True,
        data=_api_plan,
        expect=expect(KEEPERS, ok=201, anonymous=401),
    ),
    Route(
        "api:actionplans_plan_status",
        method="post",
        json=True,
        kwargs=_api("plan_id", plan_of),
        data=lambda cast: {"status": "adopted"},
        expect=expect(KEEPERS, anonymous=401),
    ),
    Route(
        "api:actionplans_plan_refresh",
        method="post",
        kwargs=_api("plan_id", plan_of),
        expect=expect(KEEPERS, anonymous=401),
    ),
    Route(
        "api:actionplans_measure_create",
        method="post",
        json=True,
        kwargs=_api("plan_id", plan_of),
        data=_api_measure,
        expect=expect(KEEPERS, ok=201, anonymous=401),
    ),
    Route(
        "api:actionplans_measure_status",
        method="post",
        json=True,
        kwargs=_api("measure_id", measure_of),
        data=lambda cast: {"status": "delayed"},
        expect=expect(KEEPERS, anonymous=401),
    ),
    Route(
        "api:actionplans_indicator_create",
        method="post",
        json=True,
        kwargs=_api("measure_id", measure_of),
        data=lambda cast: {"source": "manual", "name": "Trainings held", "target": 4},
        expect=expect(KEEPERS, ok=201, anonymous=401),
    ),
    Route(
        "api:actionplans_report_create",
        method="post",
        json=True,
        kwargs=_api("measure_id", measure_of),
        data=lambda cast: {"date": dt.date.today().isoformat(), "text": "Held.", "status": "in_progress"},
        expect=expect(KEEPERS, ok=201, anonymous=401),
    ),
]
