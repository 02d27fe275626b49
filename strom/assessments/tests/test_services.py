"""Rounds, answers and their checks, returns, reminders and findings, through the services."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from strom.accounts.models import Notification
from strom.actionplans.models import Recommendation, SourceKind
from strom.assessments.models import Response, ResponseStatus, RoundReminder
from strom.assessments.services import (
    finding_record,
    response_return,
    response_save,
    response_submit,
    round_close,
    round_open,
)
from strom.assessments.tasks import send_deadline_reminders
from strom.assessments.tests.factories import ANSWERS, LV, RU, STAFF_MESSAGE, make_questionnaire, make_round
from strom.audit.models import AuditEntry
from strom.core.errors import NotAllowed
from tests.personas import Cast


def _response_a(cast: Cast) -> Response:
    return make_round(cast).responses.get(organisation=cast.org_a)


@pytest.mark.django_db
def test_a_round_goes_to_the_organisations_of_the_types_and_countries_chosen(cast: Cast) -> None:
    round_ = make_round(cast)
    assert set(round_.responses.values_list("organisation__name", flat=True)) == {
        cast.org_a.name,
        cast.org_b.name,
    }
    assert AuditEntry.objects.filter(action="assessment.round_open", object_ref=str(round_.pk)).exists()


@pytest.mark.django_db
def test_a_round_is_refused_without_organisations_or_with_a_past_deadline(cast: Cast) -> None:
    questionnaire = make_questionnaire(cast)
    with pytest.raises(ValidationError, match="No organisation"):
        make_round(cast, questionnaire, countries=["IS"])
    with pytest.raises(ValidationError, match="after today"):
        make_round(cast, questionnaire, deadline=dt.date.today())
    assert not questionnaire.rounds.exists()


@pytest.mark.django_db
def test_only_the_offices_coordinators_open_rounds(cast: Cast) -> None:
    questionnaire = make_questionnaire(cast)
    with pytest.raises(NotAllowed):
        round_open(
            by=cast.users["coordinator_b"],
            questionnaire=questionnaire,
            organisation=cast.orgs["coordinator_lv"],
            title="x",
            deadline=dt.date.today() + dt.timedelta(days=3),
            countries=["LV"],
            org_types=["Municipality"],
        )


@pytest.mark.django_db
def test_a_draft_keeps_answers_by_name_and_two_colleagues_share_it(cast: Cast) -> None:
    response = _response_a(cast)
    saved = response_save(
        by=cast.users["caseworker_a"],
        response=response,
        answers={"identifies": "yes"},
        language="lv",
        revision=0,
    )
    assert (saved.status, saved.answers, saved.language, saved.revision) == (
        "draft",
        {"identifies": "yes"},
        LV,
        1,
    )
    again = response_save(
        by=cast.users["supervisor_a"],
        response=response,
        answers={**saved.answers, "staff_trained": "4"},
        language="en",
        revision=1,
    )
    assert again.answers == {"identifies": "yes", "staff_trained": "4"}
    # The first colleague, still on revision 1, does not silently overwrite the second's answer.
    with pytest.raises(ValidationError, match="colleague saved"):
        response_save(
            by=cast.users["caseworker_a"],
            response=response,
            answers={"identifies": "no"},
            language="lv",
            revision=1,
        )
    assert Response.objects.get(pk=response.pk).answers["staff_trained"] == "4"


@pytest.mark.parametrize(
    ("language", "message"),
    [("lv", STAFF_MESSAGE[LV]), ("ru", STAFF_MESSAGE[RU]), ("pl", "Give a number from 0 to 10000.")],
)
@pytest.mark.django_db
def test_a_broken_constraint_is_refused_with_the_forms_message_in_the_respondents_language(
    cast: Cast, language: str, message: str
) -> None:
    response = _response_a(cast)
    with pytest.raises(ValidationError) as caught:
        response_submit(
            by=cast.users["caseworker_a"],
            response=response,
            answers={**ANSWERS, "staff_trained": "-3"},
            language=language,
        )
    assert caught.value.message_dict == {"q:staff_trained": [message]}  # Polish is not offered: English
    assert Response.objects.get(pk=response.pk).status == ResponseStatus.NOT_STARTED
    assert not AuditEntry.objects.filter(action__startswith="assessment.response").exists()


@pytest.mark.django_db
def test_select_multiple_constraint_and_types(cast: Cast) -> None:
    response = _response_a(cast)
    answers: dict[str, Any] = {
        **ANSWERS,
        "who_pays": ["nobody", "state"],
        "partners": [{"partner_name": "", "partner_type": "army"}],
    }
    with pytest.raises(ValidationError) as caught:
        response_save(by=cast.users["caseworker_a"], response=response, answers=answers, language="ru")
    assert caught.value.message_dict["q:who_pays"] == ["«Никто» нельзя сочетать с другими ответами."]  # noqa: RUF001
    assert caught.value.message_dict["q:partners:0:partner_type"] == ["Choose from the list."]


@pytest.mark.django_db
def test_submission_needs_required_answers_and_drops_what_is_not_relevant(cast: Cast) -> None:
    response = _response_a(cast)
    with pytest.raises(ValidationError) as caught:
        response_submit(
            by=cast.users["caseworker_a"], response=response, answers={"has_partners": "no"}, language="en"
        )
    assert list(caught.value.message_dict) == ["q:identifies"]
    answers = {
        "identifies": "no",
        "staff_trained": "7",
        "has_partners": "no",
        "partners": [{"partner_name": "X"}],
    }
    done = response_submit(by=cast.users["caseworker_a"], response=response, answers=answers, language="en")
    # Not relevant when the municipality does not identify, nor when it has no partners: dropped.
    assert done.answers == {"identifies": "no", "has_partners": "no"}
    assert done.status == ResponseStatus.SUBMITTED
    with pytest.raises(ValidationError, match="submitted"):
        response_save(by=cast.users["caseworker_a"], response=done, answers=answers, language="en")


@pytest.mark.django_db
def test_a_required_answer_inside_a_repeat(cast: Cast) -> None:
    response = _response_a(cast)
    with pytest.raises(ValidationError) as caught:
        response_submit(
            by=cast.users["caseworker_a"],
            response=response,
            answers={**ANSWERS, "partners": [{"partner_name": "Police"}, {"partner_type": "ngo"}]},
            language="en",
        )
    assert list(caught.value.message_dict) == ["q:partners:1:partner_name"]


@pytest.mark.django_db
def test_outsiders_and_other_organisations_do_not_answer(cast: Cast) -> None:
    response = _response_a(cast)
    for persona in ["caseworker_b", "coordinator_a", "orgadmin_a"]:
        with pytest.raises(NotAllowed):
            response_save(by=cast.users[persona], response=response, answers={}, language="en")


@pytest.mark.django_db
def test_the_coordinator_returns_with_comments_and_the_municipality_answers_again(cast: Cast) -> None:
    response = response_submit(
        by=cast.users["caseworker_a"], response=_response_a(cast), answers=ANSWERS, language="en"
    )
    with pytest.raises(NotAllowed):
        response_return(by=cast.users["coordinator_b"], response=response, comment="x")
    with pytest.raises(ValidationError, match="changed"):
        response_return(by=cast.users["coordinator_a"], response=response, comment="  ")
    returned = response_return(
        by=cast.users["coordinator_a"], response=response, comment="Add the procedure's year."
    )
    assert (returned.status, returned.return_comment) == ("returned", "Add the procedure's year.")
    again = response_submit(by=cast.users["supervisor_a"], response=returned, answers=ANSWERS, language="en")
    assert again.status == "submitted"


@pytest.mark.django_db
def test_a_closed_round_takes_no_answers(cast: Cast) -> None:
    response = _response_a(cast)
    round_close(by=cast.users["coordinator_a"], round_=response.round)
    with pytest.raises(ValidationError, match="closed"):
        response_save(by=cast.users["caseworker_a"], response=response, answers={}, language="en")


@pytest.mark.django_db
def test_reminders_go_once_to_the_respondents_of_organisations_that_have_not_submitted(cast: Cast) -> None:
    round_ = make_round(cast, deadline=dt.date.today() + dt.timedelta(days=10))
    response_submit(
        by=cast.users["caseworker_b"],
        response=round_.responses.get(organisation=cast.org_b),
        answers=ANSWERS,
        language="en",
    )
    assert send_deadline_reminders(today=dt.date.today()) == 0  # ten days before: not yet
    in_a_week = round_.deadline - dt.timedelta(days=7)
    sent = send_deadline_reminders(today=in_a_week)
    notified = set(
        Notification.objects.filter(message_key="assessment_deadline").values_list("user__email", flat=True)
    )
    assert notified == {cast.users["caseworker_a"].email, cast.users["supervisor_a"].email}
    assert sent == 2
    assert send_deadline_reminders(today=in_a_week) == 0
    assert send_deadline_reminders(today=round_.deadline - dt.timedelta(days=1)) == 2
    assert RoundReminder.objects.filter(round=round_).count() == 2


@pytest.mark.django_db
def test_a_finding_becomes_a_recommendation_for_action_plans(cast: Cast) -> None:
    round_ = make_round(cast)
    finding = finding_record(
        by=cast.users["coordinator_a"],
        round_=round_,
        question="procedure",
        text="Every municipality should adopt a written identification procedure.",
        organisation=cast.orgs["coordinator_lv"],
        addressee_country="LV",
    )
    recommendation = Recommendation.objects.get(pk=finding.recommendation_id)
    assert recommendation.source_kind == SourceKind.ASSESSMENT
    assert "Baseline 2025" in recommendation.assessment_reference
    assert recommendation.reference == "procedure"
    with pytest.raises(ValidationError):
        finding_record(
            by=cast.users["coordinator_a"],
            round_=round_,
            question="nope",
            text="x",
            organisation=cast.orgs["coordinator_lv"],
            addressee_country="LV",
        )
