"""The demo assessment: the CSV XLSForm imports, two rounds are answered in three languages by the demo
municipalities of eight countries, the first is closed, a finding became a recommendation; loaded once."""

from __future__ import annotations

import pytest

from strom.actionplans.models import Recommendation, SourceKind
from strom.assessments.models import Questionnaire, Response, ResponseStatus, RoundStatus
from strom.assessments.survey import Survey
from strom.demo.accounts import demo_load
from strom.demo.assessments import ANSWERS, FORM, demo_assessments_load

pytestmark = pytest.mark.django_db


def test_the_demo_form_has_every_label_in_english_latvian_and_russian() -> None:
    from strom.assessments import xlsform

    parsed = xlsform.parse(FORM.read_bytes(), FORM.name)
    survey = Survey(parsed.structure, parsed.languages, parsed.default_language)
    assert [lang["code"] for lang in parsed.languages] == ["en", "lv", "ru"]
    for node in survey.walk():
        assert {"English (en)", "Latviešu (lv)", "Русский (ru)"} <= set(node["label"]), node["name"]
    for options in parsed.structure["choices"].values():
        for choice in options:
            assert len(choice["label"]) == 3, choice["name"]
    assert "partners" in {r["name"] for r in survey.repeats()}


def test_the_demo_loads_two_rounds_once() -> None:
    demo_load()
    answered = demo_assessments_load()
    assert answered == 2 * len(ANSWERS)
    assert demo_assessments_load() == 0
    questionnaire = Questionnaire.objects.get()
    first, second = questionnaire.rounds.order_by("opened_at", "pk")
    assert first.status == RoundStatus.CLOSED
    assert first.responses.filter(status=ResponseStatus.SUBMITTED).count() == len(ANSWERS)
    assert second.responses.filter(status=ResponseStatus.DRAFT).count() == 2
    languages = set(Response.objects.exclude(language="").values_list("language", flat=True))
    assert languages == {"English (en)", "Latviešu (lv)", "Русский (ru)"}
    assert set(first.responses.values_list("organisation__country", flat=True)) >= {"LV", "LT", "EE", "PL"}
    assert Recommendation.objects.filter(source_kind=SourceKind.ASSESSMENT).count() == 1
