"""/api/v1/assessments: questionnaires, rounds, the comparison of a round and answering a response.

The same access functions and services as the pages. Answers are sent and returned by question name
(`{"staff": "4", "who": "state ngo", "partners": [{"partner_name": "…"}]}`), never by label.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from strom.api.auth import api_user
from strom.assessments.access import check_may_read, get_response_for, get_round_for
from strom.assessments.models import Questionnaire, Response, Round
from strom.assessments.selectors import compare
from strom.assessments.services import response_save, response_submit

router = Router(tags=["assessments"])


class QuestionnaireOut(Schema):
    id: int
    form_id: str
    version: str
    title: str
    default_language: str
    languages: list[dict[str, str]]


class RoundOut(Schema):
    id: int
    title: str
    questionnaire_id: int
    organisation_id: int
    countries: list[str]
    org_types: list[str]
    deadline: dt.date
    status: str


class ResponseOut(Schema):
    id: int
    round_id: int
    organisation_id: int
    status: str
    language: str
    revision: int
    answers: dict[str, Any]
    return_comment: str
    submitted_at: dt.datetime | None


class AnswersIn(Schema):
    answers: dict[str, Any]
    language: str = ""
    revision: int | None = None


class ChoiceCountOut(Schema):
    name: str
    label: str
    counts: list[int]
    shares: list[float | None]
    total: int


class QuestionOut(Schema):
    name: str
    path: str
    type: str
    label: str
    answered: int
    choices: list[ChoiceCountOut]


class ComparisonOut(Schema):
    round_id: int
    by: str
    places: list[str]
    submitted: int
    expected: int
    questions: list[QuestionOut]


@router.get("/questionnaires", response=list[QuestionnaireOut], url_name="assessments_questionnaires")
def list_questionnaires(request: HttpRequest) -> Any:
    user = api_user(request)
    check_may_read(user)
    return Questionnaire.objects.visible_to(user).defer("source")


@router.get("/rounds", response=list[RoundOut], url_name="assessments_rounds")
def list_rounds(request: HttpRequest) -> Any:
    user = api_user(request)
    check_may_read(user)
    return Round.objects.visible_to(user)


@router.get("/rounds/{round_id}/comparison", response=ComparisonOut, url_name="assessments_comparison")
def round_comparison(request: HttpRequest, round_id: int, by: str = "country", language: str = "en") -> Any:
    """Submitted answers per country (or `by=municipality`): counts and shares of each choice."""
    user = api_user(request)
    round_ = get_round_for(user, round_id)
    result = compare(
        user, round_, by="municipality" if by == "municipality" else "country", language=language
    )
    return {
        "round_id": round_.pk,
        "by": result.by,
        "places": [p.name for p in result.places],
        "submitted": result.submitted,
        "expected": result.expected,
        "questions": [
            {
                "name": q.name,
                "path": q.path,
                "type": q.type,
                "label": q.label,
                "answered": q.answered,
                "choices": [vars(row) for row in q.choices],
            }
            for q in result.questions
        ],
    }


@router.get("/responses/{response_id}", response=ResponseOut, url_name="assessments_response")
def get_response(request: HttpRequest, response_id: int) -> Response:
    return get_response_for(api_user(request), response_id)


@router.put("/responses/{response_id}", response=ResponseOut, url_name="assessments_response_save")
def save_response(request: HttpRequest, response_id: int, payload: AnswersIn) -> Response:
    """Save a draft; errors come back by field key (`q:<name>` or `q:<repeat>:<index>:<name>`)."""
    user = api_user(request)
    response = get_response_for(user, response_id, answer=True)
    return response_save(
        by=user,
        response=response,
        answers=payload.answers,
        language=payload.language,
        revision=payload.revision,
    )


@router.post("/responses/{response_id}/submit", response=ResponseOut, url_name="assessments_response_submit")
def submit_response(request: HttpRequest, response_id: int, payload: AnswersIn) -> Response:
    user = api_user(request)
    response = get_response_for(user, response_id, answer=True)
    return response_submit(
        by=user,
        response=response,
        answers=payload.answers,
        language=payload.language,
        revision=payload.revision,
    )
