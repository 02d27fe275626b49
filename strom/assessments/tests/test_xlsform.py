"""Reading XLSForms: what is kept, and every kind of bad form refused with its sheet and row."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from strom.assessments import xlsform
from strom.assessments.models import Questionnaire
from strom.assessments.services import questionnaire_import
from strom.assessments.tests.factories import EN, LV, RU, SURVEY
from strom.assessments.tests.factories import xlsform as build
from strom.audit.models import AuditEntry
from tests.personas import Cast


def _problems(content: bytes, name: str = "form.xlsx") -> list[xlsform.FormError]:
    with pytest.raises(xlsform.XLSFormRejected) as caught:
        xlsform.parse(content, name)
    return caught.value.errors


def test_the_structure_keeps_groups_repeats_rules_and_every_language() -> None:
    parsed = xlsform.parse(build(), "baseline.xlsx")
    assert (parsed.form_id, parsed.version, parsed.default_language) == ("baseline_municipal", "2025-1", EN)
    assert [lang["code"] for lang in parsed.languages] == ["en", "lv", "ru"]
    roles, _has_partners, partners = parsed.structure["children"]
    assert [roles["kind"], partners["kind"]] == ["group", "repeat"]
    staff = roles["children"][1]
    assert staff["path"] == "roles/staff_trained"
    assert staff["relevant"] == "${identifies} = 'yes'"
    assert staff["constraint_message"][RU] == "Укажите число от 0 до 10000."
    assert staff["hint"][EN] == "Count each person once."
    assert partners["children"][0]["repeat"] == "partners"
    assert parsed.structure["choices"]["payer"][3]["label"][LV] == "Neviens"
    # ODK's own metadata (start, end) is not asked.
    assert "start" not in str([c["name"] for c in parsed.structure["children"]])


def test_a_missing_survey_sheet_is_refused() -> None:
    problems = _problems(build(sheets=("choices", "settings")))
    assert any("survey" in p.message for p in problems)


def test_an_unknown_type_is_refused_with_its_row() -> None:
    survey = [*SURVEY[:3], {"type": "geopoint", "name": "where"}, *SURVEY[3:]]
    problems = _problems(build(survey=survey))
    assert any(p.sheet == "survey" and p.row == 5 and "geopoint" in p.message for p in problems)


def test_a_name_used_twice_is_refused_even_in_another_group() -> None:
    survey = [*SURVEY, {"type": "text", "name": "procedure"}]
    problems = _problems(build(survey=survey))
    assert any(
        p.row == len(survey) + 1 and "procedure" in p.message and "row 8" in p.message for p in problems
    )


def test_a_broken_expression_is_refused_with_its_row_and_column() -> None:
    survey = [dict(row) for row in SURVEY]
    survey[4]["constraint"] = ". >= = 0"
    problems = _problems(build(survey=survey))
    assert any(p.row == 6 and "constraint" in p.message for p in problems)


def test_a_choice_list_that_does_not_exist_is_refused_by_pyxform() -> None:
    survey = [*SURVEY, {"type": "select_one sizes", "name": "size"}]
    problems = _problems(build(survey=survey))
    assert any(
        (p.sheet, p.row) == ("survey", len(survey) + 1)
        and p.message.startswith("pyxform:")
        and "sizes" in p.message
        for p in problems
    )


def test_every_problem_is_listed_not_only_the_first() -> None:
    survey = [*SURVEY, {"type": "audio", "name": "voice"}, {"type": "text", "name": "identifies"}]
    problems = _problems(build(survey=survey, settings=False))
    rows = {p.row for p in problems if p.sheet == "survey"}
    assert {len(SURVEY) + 2, len(SURVEY) + 3} <= rows
    assert any(p.sheet == "settings" and "version" in p.message for p in problems)


def test_a_file_that_is_not_a_workbook_is_refused_in_words() -> None:
    assert _problems(b"PK\x03\x04 not really a zip")[0].message
    assert "xlsx" in _problems(b"hello", "form.pdf")[0].message


@pytest.mark.django_db
def test_import_keeps_versions_and_refuses_the_same_version_twice(cast: Cast) -> None:
    coordinator, office = cast.users["coordinator_a"], cast.orgs["coordinator_lv"]
    first = questionnaire_import(by=coordinator, organisation=office, file_name="b.xlsx", content=build())
    assert bytes(first.source)[:2] == b"PK"
    assert first.source_name == "b.xlsx"
    with pytest.raises(ValidationError, match="already here"):
        questionnaire_import(by=coordinator, organisation=office, file_name="b.xlsx", content=build())
    second = questionnaire_import(
        by=coordinator, organisation=office, file_name="b.xlsx", content=build(version="2026-1")
    )
    assert list(
        Questionnaire.objects.filter(form_id="baseline_municipal")
        .values_list("version", flat=True)
        .order_by("version")
    ) == ["2025-1", "2026-1"]
    assert AuditEntry.objects.filter(
        action="assessment.questionnaire_import", object_ref=str(second.pk)
    ).exists()


@pytest.mark.django_db
def test_a_refused_form_saves_nothing(cast: Cast) -> None:
    with pytest.raises(xlsform.XLSFormRejected):
        questionnaire_import(
            by=cast.users["coordinator_a"],
            organisation=cast.orgs["coordinator_lv"],
            file_name="b.xlsx",
            content=build(survey=[*SURVEY, {"type": "image", "name": "photo"}]),
        )
    assert not Questionnaire.objects.exists()
    assert not AuditEntry.objects.filter(action="assessment.questionnaire_import").exists()


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=2000), st.sampled_from(["f.xlsx", "f.xls", "f.csv"]))
def test_any_upload_is_read_or_refused_with_reasons(content: bytes, name: str) -> None:
    errors: list[xlsform.FormError] = []
    try:
        xlsform.parse(content, name)
    except xlsform.XLSFormRejected as exc:
        errors = exc.errors
        refused = True
    else:
        refused = False
    assert not refused or (errors and all(e.message for e in errors))
