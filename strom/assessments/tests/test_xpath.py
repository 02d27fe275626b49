"""ODK XPath on the answers: the ODK functions, `${}` references in and out of repeats, choice filters."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from strom.assessments import xpath
from strom.assessments.survey import Checker, Survey, literal

DOC = ET.fromstring(  # noqa: S314 - the test's own literal document
    "<data><g><who>state ngo</who><n>5</n><empty/></g>"
    "<p><name>A</name><kind>police</kind></p><p><name>B</name><kind>ngo</kind></p></data>"
)


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("selected(/data/g/who, 'ngo')", True),
        ("selected(/data/g/who, 'municipality')", False),
        ("selected(/data/g/who, 'st')", False),  # a whole choice name, not a substring
        ("count-selected(/data/g/who) = 2", True),
        ("selected-at(/data/g/who, 1) = 'ngo'", True),
        ("if(/data/g/n > 3, 'many', 'few') = 'many'", True),
        ("coalesce(/data/g/empty, 'none') = 'none'", True),
        ("regex(/data/g/who, '^state')", True),
        ("int(7.9) = 7", True),
        ("count(/data/p) = 2", True),
        ("/data/g/n >= 0 and /data/g/n < 10", True),
        ("/data/g/empty = ''", True),
        ("today() > date('2020-01-01')", True),
        ("date('1970-01-11') - date('1970-01-01') = 10", True),
    ],
)
def test_odk_functions(expression: str, expected: bool) -> None:
    assert xpath.truth(expression, DOC, DOC) is expected


def test_dot_is_the_question_being_checked() -> None:
    element = DOC.find("g/n")
    assert xpath.truth(". >= 0 and . < 10", DOC, element)
    assert not xpath.truth(". > 5", DOC, element)


@pytest.mark.parametrize("broken", ["/data/a = = 'x'", "selected(/data/a", "unknown-function(.)", "'open"])
def test_a_broken_expression_is_refused(broken: str) -> None:
    with pytest.raises(xpath.ExpressionError):
        xpath.check(broken)


def test_literal_quotes_any_text() -> None:
    for text in ["plain", "it's", 'say "hi"', "both ' and \""]:
        assert xpath.evaluate(literal(text), DOC, DOC) == text


def _survey() -> Survey:
    def q(name: str, path: str, repeat: str = "", **extra: str) -> dict[str, object]:
        return {
            "kind": "question",
            "type": "text",
            "name": name,
            "path": path,
            "repeat": repeat,
            "label": {},
            "hint": {},
            "relevant": "",
            "constraint": "",
            "required": "",
            "choice_filter": "",
            "list_name": "",
            **extra,
        }

    structure = {
        "children": [
            q("country", "country", type="select_one", list_name="countries"),
            q("city", "city", type="select_one", list_name="cities", choice_filter="country = ${country}"),
            {
                "kind": "repeat",
                "name": "partners",
                "path": "partners",
                "repeat": "",
                "label": {},
                "hint": {},
                "relevant": "",
                "children": [
                    q("kind", "partners/kind", "partners"),
                    q("other", "partners/other", "partners", relevant="${kind} = 'other'"),
                ],
            },
        ],
        "choices": {
            "countries": [{"name": "lv", "label": {}, "extra": {}}, {"name": "lt", "label": {}, "extra": {}}],
            "cities": [
                {"name": "riga", "label": {}, "extra": {"country": "lv"}},
                {"name": "vilnius", "label": {}, "extra": {"country": "lt"}},
            ],
        },
    }
    return Survey(structure, [], "default")


def test_a_reference_inside_a_repeat_means_the_same_entry() -> None:
    survey = _survey()
    checker = Checker(survey, {"partners": [{"kind": "police"}, {"kind": "other"}]})
    other = survey.nodes["other"]
    assert [checker.relevant(other, 0), checker.relevant(other, 1)] == [False, True]


def test_a_choice_filter_reads_the_choices_own_columns() -> None:
    survey = _survey()
    checker = Checker(survey, {"country": "lt"})
    assert [c["name"] for c in checker.choices(survey.nodes["city"], None)] == ["vilnius"]


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_any_text_survives_as_an_xpath_literal(text: str) -> None:
    # XML cannot hold every character; XPath string literals can, and choice filters compare them.
    assert xpath.evaluate(literal(text), DOC, DOC) == text


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_any_expression_is_either_valid_or_refused_in_words(expression: str) -> None:
    reason = None
    try:
        xpath.check(expression)
    except xpath.ExpressionError as exc:
        reason = str(exc)
    assert reason is None or reason


def test_a_date_answer_compares_with_today_as_in_odk() -> None:
    from strom.assessments import survey as survey_module

    node = {
        "kind": "question",
        "type": "date",
        "name": "adopted",
        "path": "adopted",
        "repeat": "",
        "label": {},
        "hint": {},
        "relevant": "",
        "constraint": ". <= today() and . > date('1990-01-01')",
        "required": "",
        "choice_filter": "",
        "list_name": "",
        "constraint_message": {"default": "Not in the future."},
    }
    form = Survey({"children": [node], "choices": {}}, [], "default")
    assert survey_module.check(form, {"adopted": "2014-05-20"}, language="default", complete=True)[1] == {}
    refused = survey_module.check(form, {"adopted": "2999-01-01"}, language="default", complete=True)[1]
    assert refused == {"q:adopted": "Not in the future."}
    assert survey_module.check(form, {"adopted": "1980-01-01"}, language="default", complete=True)[1]
