"""Authorisation expectations for the assessment routes (tests/test_authorisation.py).

The round is run by the Latvian coordinator's office (coordinator_a holds assessments.manage there)
and sent to municipalities and NGOs in Latvia and Lithuania: organisation A (Riga, answered by
caseworker_a and supervisor_a) and organisation B (Vilnius, caseworker_b and supervisor_b). Every
member reads questionnaires, rounds and the comparison of submitted answers (hub.view); a response
not submitted is read by its organisation's respondents and by the round's coordinator. coordinator_b
may import and open rounds, but for the Lithuanian office only: the form refuses the Latvian office
(200). The outsider, with no membership, reads nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from strom.assessments.models import Response, Round
from strom.assessments.services import response_submit
from strom.assessments.tests.factories import ANSWERS, make_round, xlsform
from tests.authz import PERSONAS, Route, expect
from tests.personas import Cast

READERS = [p for p in PERSONAS if p not in ("anonymous", "outsider")]
MANAGERS = ["coordinator_a", "coordinator_b"]
RUNNER = ["coordinator_a"]
RESPONDENTS_A = ["caseworker_a", "supervisor_a"]


def round_of(cast: Cast) -> Round:
    if "_assessments_round" not in cast.__dict__:
        cast.__dict__["_assessments_round"] = make_round(cast)
    found: Round = cast.__dict__["_assessments_round"]
    return found


def response_of(cast: Cast, *, submitted: bool = False) -> Response:
    key = f"_assessments_response_{submitted}"
    if key not in cast.__dict__:
        response = round_of(cast).responses.get(organisation=cast.org_a)
        if submitted:
            response = response_submit(
                by=cast.users["caseworker_a"], response=response, answers=ANSWERS, language="en"
            )
        cast.__dict__[key] = response
    found: Response = cast.__dict__[key]
    return found


def _round(cast: Cast) -> dict[str, Any]:
    return {"round_id": round_of(cast).pk}


def _questionnaire(cast: Cast) -> dict[str, Any]:
    return {"questionnaire_id": round_of(cast).questionnaire_id}


def _response(cast: Cast) -> dict[str, Any]:
    return {"response_id": response_of(cast).pk}


def _submitted(cast: Cast) -> dict[str, Any]:
    return {"response_id": response_of(cast, submitted=True).pk}


def _upload(cast: Cast) -> dict[str, Any]:
    return {
        "organisation": cast.orgs["coordinator_lv"].pk,
        "file": SimpleUploadedFile("baseline.xlsx", xlsform(version="2026-1")),
    }


def _round_form(cast: Cast) -> dict[str, Any]:
    return {
        "title": "Baseline 2026",
        "organisation": cast.orgs["coordinator_lv"].pk,
        "countries": ["LV", "LT"],
        "org_types": ["Municipality"],
        "deadline": (dt.date.today() + dt.timedelta(days=20)).isoformat(),
    }


def _answers(cast: Cast) -> dict[str, Any]:
    return {"action": "save", "q:identifies": "yes", "q:staff_trained": "3", "revision": "0"}


def _finding(cast: Cast) -> dict[str, Any]:
    return {
        "question": "identifies",
        "text": "Every municipality should have a written identification procedure.",
        "organisation": cast.orgs["coordinator_lv"].pk,
        "addressee_country": "LV",
        "addressee_kind": "ministry",
    }


def _api_answers(cast: Cast) -> dict[str, Any]:
    return {"answers": {"identifies": "no"}, "language": "lv"}


def _api_submit(cast: Cast) -> dict[str, Any]:
    return {"answers": {"identifies": "no", "has_partners": "no"}, "language": "ru"}


ROUTES = [
    Route("assessments:index", expect=expect(READERS)),
    Route("assessments:import", expect=expect(MANAGERS)),
    Route(
        "assessments:import",
        method="post",
        data=_upload,
        expect=expect(MANAGERS, overrides={"coordinator_a": 302}),
        note="coordinator_b may import, but not for the Latvian office: the form refuses it",
    ),
    Route("assessments:questionnaire", kwargs=_questionnaire, expect=expect(READERS)),
    Route("assessments:xlsform", kwargs=_questionnaire, expect=expect(READERS)),
    Route("assessments:round_new", kwargs=_questionnaire, expect=expect(MANAGERS)),
    Route(
        "assessments:round_new",
        method="post",
        kwargs=_questionnaire,
        data=_round_form,
        expect=expect(MANAGERS, overrides={"coordinator_a": 302}),
    ),
    Route("assessments:round", kwargs=_round, expect=expect(READERS)),
    Route("assessments:round_close", method="post", kwargs=_round, expect=expect(RUNNER, ok=302)),
    Route("assessments:compare", kwargs=_round, expect=expect(READERS)),
    Route("assessments:export", kwargs=_round, expect=expect(RUNNER)),
    Route("assessments:finding", kwargs=_round, expect=expect(RUNNER)),
    Route("assessments:finding", method="post", kwargs=_round, data=_finding, expect=expect(RUNNER, ok=302)),
    Route("assessments:response", kwargs=_response, expect=expect([*RESPONDENTS_A, *RUNNER])),
    Route(
        "assessments:response",
        method="post",
        kwargs=_response,
        data=_answers,
        expect=expect(RESPONDENTS_A, ok=302),
        note="the coordinator sees the draft but does not answer for the municipality",
    ),
    Route(
        "assessments:response_return",
        method="post",
        kwargs=_submitted,
        data=lambda cast: {"comment": "Please add the written procedure's name."},
        expect=expect(RUNNER, ok=302),
    ),
    Route("api:assessments_questionnaires", expect=expect(READERS, anonymous=401)),
    Route("api:assessments_rounds", expect=expect(READERS, anonymous=401)),
    Route("api:assessments_comparison", kwargs=_round, expect=expect(READERS, anonymous=401)),
    Route(
        "api:assessments_response", kwargs=_response, expect=expect([*RESPONDENTS_A, *RUNNER], anonymous=401)
    ),
    Route(
        "api:assessments_response_save",
        method="put",
        json=True,
        kwargs=_response,
        data=_api_answers,
        expect=expect(RESPONDENTS_A, anonymous=401),
    ),
    Route(
        "api:assessments_response_submit",
        method="post",
        json=True,
        kwargs=_response,
        data=_api_submit,
        expect=expect(RESPONDENTS_A, anonymous=401),
    ),
]
