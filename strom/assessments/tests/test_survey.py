"""Any answers a form or the API can send are checked or refused field by field, never an exception."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from strom.assessments import survey as survey_module
from strom.assessments import xlsform
from strom.assessments.tests.factories import xlsform as build

PARSED = xlsform.parse(build(), "baseline.xlsx")
SURVEY = survey_module.Survey(PARSED.structure, PARSED.languages, PARSED.default_language)
NAMES = [*SURVEY.nodes, "unknown"]
VALUES: Any = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.text(max_size=20)
    | st.sampled_from(["yes", "no", "state", "12"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(NAMES), inner, max_size=3),
    max_leaves=8,
)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(NAMES), VALUES, max_size=8), st.booleans())
def test_any_answers_are_kept_or_refused_by_field(raw: dict[str, Any], complete: bool) -> None:
    kept, errors = survey_module.check(SURVEY, raw, language="lv", complete=complete)
    assert set(kept) <= set(SURVEY.nodes)
    assert all(key.startswith("q:") and message for key, message in errors.items())


def test_a_well_formed_answer_set_passes() -> None:
    raw = {"identifies": "yes", "staff_trained": "3", "who_pays": ["state"], "has_partners": "no"}
    kept, errors = survey_module.check(SURVEY, raw, language="en", complete=True)
    assert errors == {}
    assert kept == {"identifies": "yes", "staff_trained": "3", "who_pays": "state", "has_partners": "no"}
