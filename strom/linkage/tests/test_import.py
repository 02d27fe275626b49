"""The bulk import of persons: every row checked first, then all rows written or none."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook

from strom.audit.actors import PERSON_IMPORT
from strom.audit.models import AuditEntry
from strom.cases.models import Case, Person, PersonNameKey
from strom.linkage import services_import
from strom.linkage.importer import COLUMNS, ImportFileError, check_row
from strom.linkage.services_import import ImportRejected, persons_import
from tests.personas import Cast

HEADER = "prs_FirstName,prs_SecondName,prs_Birthdate,prs_Gender,prs_Citizenship,source_id,cas_Municipality"


def _csv(tmp_path: Path, *rows: str, header: str = HEADER) -> Path:
    path = tmp_path / "persons.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def _counts() -> tuple[int, int, int]:
    return Person.objects.count(), Case.objects.count(), PersonNameKey.objects.count()


def test_a_csv_file_becomes_persons_with_open_cases_encrypted_and_indexed(cast: Cast, tmp_path: Path) -> None:
    path = _csv(
        tmp_path,
        "Юлия,Иванова,1990-03-12,Feminine,UA;LV,old-1,RIX",
        "Julija,Ivanova,1990-03-12,feminine,ua,old-2,",
        ",Bērziņa,,,,old-3,",
    )
    result = persons_import(by=PERSON_IMPORT, path=path, organisation=cast.org_a, municipality=cast.riga)

    assert result.persons == 3
    persons = {p.source_id: p for p in Person.objects.filter(organisation=cast.org_a)}
    assert persons["old-1"].given_name == "Юлия"
    assert persons["old-1"].citizenships == ["LV", "UA"]
    assert persons["old-2"].gender == "Feminine"
    assert persons["old-3"].gender == "NonSpecifiedUnknown"
    # Both spellings of one person are kept: the import never drops a row as a duplicate.
    assert persons["old-1"].pk != persons["old-2"].pk
    with connection.cursor() as cursor:
        cursor.execute("SELECT given_name FROM cases_person WHERE id = %s", [persons["old-1"].pk])
        assert cursor.fetchone()[0].startswith("v1$")
    # The blind index makes the Cyrillic and the Latin spelling the same key, as the forms do.
    full_keys = [
        set(PersonNameKey.objects.filter(person=persons[s], kind="full").values_list("key", flat=True))
        for s in ("old-1", "old-2")
    ]
    assert full_keys[0]
    assert full_keys[0] == full_keys[1]
    cases = Case.objects.filter(person__in=persons.values())
    assert {(c.organisation_id, c.municipality_id, c.status) for c in cases} == {
        (cast.org_a.pk, cast.riga.pk, "Active")
    }
    batch = AuditEntry.objects.get(action="person.import")
    assert sorted(batch.details["refs"]) == sorted(c.ref for c in cases)
    assert batch.system_actor == "person-import"


def test_an_xlsx_workbook_is_read_with_its_date_cells(cast: Cast, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["prs_FirstName", "prs_SecondName", "prs_Birthdate", "source_id", "prs_PrimaryLanguage"])
    sheet.append(["Anna", "Liepa", dt.datetime(1985, 7, 1), 1001.0, "lv;RU"])
    path = tmp_path / "persons.xlsx"
    book.save(path)

    persons_import(by=PERSON_IMPORT, path=path, organisation=cast.org_a, municipality=cast.riga)

    person = Person.objects.get(source_id="1001")
    assert (person.birth_date, person.languages) == ("1985-07-01", ["lv", "ru"])


def test_bad_rows_are_reported_by_row_and_column_and_nothing_is_saved(cast: Cast, tmp_path: Path) -> None:
    path = _csv(
        tmp_path,
        "Anna,Liepa,1985-07-01,Feminine,LV,ok-1,",
        "Anna,Liepa,01.07.1985,Feminine,LV,bad-date,",
        "Anna,Liepa,1985-07-01,Female,LV,bad-gender,",
        "Anna,Liepa,1985-07-01,Feminine,LV;XX,bad-country,",
        ",,1985-07-01,Feminine,LV,no-names,",
        "Anna,Liepa,1985-07-01,Feminine,LV,bad-place,ZZZ",
        "Anna,Liepa,2999-01-01,Feminine,LV,future,",
    )
    before = _counts()

    with pytest.raises(ImportRejected) as caught:
        persons_import(by=PERSON_IMPORT, path=path, organisation=cast.org_a, municipality=cast.riga)

    problems = {(p.row, p.column): p.message for p in caught.value.report.problems}
    assert "is not a date as YYYY-MM-DD" in problems[(3, "prs_Birthdate")]
    assert "is not an HTCDS gender" in problems[(4, "prs_Gender")]
    assert "“XX” is not an ISO 3166 country code" in problems[(5, "prs_Citizenship")]
    assert "Give a first name or a surname" in problems[(6, "prs_FirstName")]
    assert "No municipality with the code ZZZ" in problems[(7, "cas_Municipality")]
    assert "cannot be in the future" in problems[(8, "prs_Birthdate")]
    assert caught.value.report.problem_count == 6
    assert _counts() == before
    assert not AuditEntry.objects.filter(action__startswith="person.import").exists()


def test_a_file_with_unknown_columns_is_refused_before_any_row(cast: Cast, tmp_path: Path) -> None:
    path = _csv(tmp_path, "Anna,Liepa", header="prs_FirstName,prs_Surname")
    with pytest.raises(ImportFileError, match="Unknown columns: prs_Surname"):
        persons_import(by=PERSON_IMPORT, path=path, organisation=cast.org_a, municipality=cast.riga)
    path = _csv(tmp_path, "1985-07-01", header="prs_Birthdate")
    with pytest.raises(ImportFileError, match="needs a column prs_FirstName or prs_SecondName"):
        persons_import(by=PERSON_IMPORT, path=path, organisation=cast.org_a, municipality=cast.riga)


def test_a_row_without_a_municipality_needs_the_default(cast: Cast, tmp_path: Path) -> None:
    path = _csv(tmp_path, "Anna,Liepa,,,,,")
    with pytest.raises(ImportRejected) as caught:
        persons_import(by=PERSON_IMPORT, path=path, organisation=cast.org_a)
    assert [(p.row, p.column) for p in caught.value.report.problems] == [(2, "cas_Municipality")]


def test_a_failure_while_writing_leaves_nothing_behind(
    cast: Cast, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _csv(tmp_path, *[f"Anna,Liepa{i},,,,row-{i}," for i in range(5)])
    monkeypatch.setattr(services_import, "BATCH_SIZE", 2)
    real_write = services_import._write_batch
    calls = []

    def failing_write(**kwargs: object) -> list[str]:
        calls.append(1)
        if len(calls) == 2:
            raise OSError("connection lost")
        return real_write(**kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(services_import, "_write_batch", failing_write)
    before = _counts()

    with pytest.raises(OSError, match="connection lost"):
        persons_import(by=PERSON_IMPORT, path=path, organisation=cast.org_a, municipality=cast.riga)

    assert _counts() == before


def test_the_command_imports_by_organisation_name_and_reports_problems(cast: Cast, tmp_path: Path) -> None:
    good = _csv(tmp_path, "Anna,Liepa,1985-07-01,Feminine,LV,cmd-1,RIX")
    call_command(
        "import",
        "persons",
        str(good),
        "--organisation",
        "Riga Social Service",
        "--country",
        "LV",
        "--no-progress",
    )
    assert Person.objects.filter(source_id="cmd-1", organisation=cast.org_a).exists()

    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "\nAnna,Liepa,1985-13-01,,,cmd-2,RIX\n", encoding="utf-8")
    with pytest.raises(CommandError, match=r"Nothing was imported\. Problems: 1"):
        call_command("import", "persons", str(bad), "--organisation", str(cast.org_a.pk), "--no-progress")
    assert not Person.objects.filter(source_id="cmd-2").exists()


@given(st.dictionaries(st.sampled_from(COLUMNS), st.text(max_size=30), max_size=len(COLUMNS)))
def test_any_cell_text_gives_a_row_or_problems_never_an_exception(values: dict[str, str]) -> None:
    row, problems = check_row(2, values)
    assert (row is None) == bool(problems)


def test_an_organisation_that_keeps_no_cases_gets_no_imported_persons(cast: Cast, tmp_path: Path) -> None:
    research = cast.orgs["research_lt"]
    path = _csv(tmp_path, "Anna,Liepa,,,,,")
    with pytest.raises(ImportRejected) as caught:
        persons_import(by=PERSON_IMPORT, path=path, organisation=research, municipality=cast.vilnius)
    assert [p.message for p in caught.value.report.problems] == ["This organisation does not keep cases."]
    assert not Person.objects.filter(organisation=research).exists()
