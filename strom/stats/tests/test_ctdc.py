"""CTDC global dataset import: checked whole, all or nothing, never twice. Synthetic files only."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from strom.audit.actors import STATISTICS
from strom.stats.ctdc import ImportRejected
from strom.stats.engine import Spec, count_raw, parse_by, parse_datasets, parse_filter
from strom.stats.models import Dataset, Fact
from strom.stats.services import ctdc_import

HEADER = [
    "yearOfRegistration",
    "gender",
    "ageBroad",
    "majorityStatus",
    "citizenship",
    "CountryOfExploitation",
    "isForcedLabour",
    "isSexualExploit",
    "isOtherExploit",
    "meansOfControlDebtBondage",
    "meansOfControlThreats",
    "typeOfLabourConstruction",
    "typeOfSexProstitution",
    "recruiterRelationFamily",
    "recruiterRelationUnknown",
]


def ctdc_file(rows: list[list[str]], header: list[str] | None = None) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header or HEADER)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


GOOD_ROWS = [
    ["2019", "Female", "18--20", "Adult", "UA", "PL", "0", "1", "0", "", "1", "", "1", "0", "1"],
    ["2019", "Male", "30--38", "Adult", "UA", "PL", "1", "0", "0", "1", "", "1", "", "1", "0"],
    ["2020", "", "9--17", "", "", "", "", "", "", "", "", "", "", "", ""],
]


def test_a_good_file_becomes_a_dataset_whose_tables_count_its_rows(db: None) -> None:
    dataset = ctdc_import(by=STATISTICS, data=ctdc_file(GOOD_ROWS), dataset_name="sample")
    assert dataset.rows == 3
    assert Fact.objects.filter(dataset=dataset).count() == 3
    spec = Spec(datasets=parse_datasets("sample"), by=parse_by("year,exploitation"))
    counts = count_raw(spec)
    assert counts[(2019, None)] == 2
    assert counts[(2020, None)] == 1
    child = count_raw(Spec(datasets=[dataset], by=parse_by("child"), filters=[parse_filter("year=2020")]))
    assert child == {(1,): 1, (None,): 1}  # 9--17 without a majority status is a child
    group = count_raw(
        Spec(datasets=[dataset], by=parse_by("citizenship_group"), filters=[parse_filter("year=2019")])
    )
    assert group[(3,)] == 2  # Ukrainians exploited in Poland: non-EU


def one_bad(column: str, value: str) -> list[list[str]]:
    row = list(GOOD_ROWS[0])
    row[HEADER.index(column)] = value
    return [row]


@pytest.mark.parametrize(
    ("rows", "column", "why"),
    [
        (one_bad("yearOfRegistration", "3020"), "yearOfRegistration", "future"),
        (one_bad("citizenship", "XQ"), "citizenship", "country code"),
        (one_bad("CountryOfExploitation", "ZZ"), "CountryOfExploitation", "country code"),
        (one_bad("gender", "Woman"), "gender", "gender"),
        (one_bad("ageBroad", "18-20"), "ageBroad", "age band"),
        (one_bad("isForcedLabour", "yes"), "isForcedLabour", "0, 1"),
    ],
)
def test_a_bad_value_rejects_the_whole_file_with_row_column_value_and_reason(
    db: None, rows: list[list[str]], column: str, why: str
) -> None:
    with pytest.raises(ImportRejected) as caught:
        ctdc_import(by=STATISTICS, data=ctdc_file(GOOD_ROWS + rows), dataset_name="bad")
    [error] = caught.value.errors
    assert (error.row, error.column) == (5, column)  # header is row 1, so the fourth record is row 5
    assert error.value == rows[0][HEADER.index(column)]
    assert why in error.why
    assert not Dataset.objects.filter(name="bad").exists()
    assert not Fact.objects.exists()


def test_wrong_columns_are_rejected_before_any_row(db: None) -> None:
    header = ["year", "gender", "colour"]
    with pytest.raises(ImportRejected) as caught:
        ctdc_import(
            by=STATISTICS, data=ctdc_file([["2019", "Female", "red"]], header=header), dataset_name="foreign"
        )
    problems = {(e.column, e.why) for e in caught.value.errors}
    assert ("colour", "This is not a column of the CTDC global dataset.") in problems
    assert ("yearOfRegistration", "This column is required and missing.") in problems


def test_a_file_that_is_not_utf8_is_rejected_with_its_line(db: None) -> None:
    data = ctdc_file(GOOD_ROWS) + "2019,Žena,18--20,Adult,UA,PL,0,1,0,,,,,,\n".encode("cp1250")
    with pytest.raises(ImportRejected) as caught:
        ctdc_import(by=STATISTICS, data=data, dataset_name="latin")
    [error] = caught.value.errors
    assert error.row == 5
    assert "UTF-8" in error.why


def test_a_row_with_the_wrong_number_of_values_is_rejected(db: None) -> None:
    with pytest.raises(ImportRejected) as caught:
        ctdc_import(by=STATISTICS, data=ctdc_file([*GOOD_ROWS, ["2019", "Female"]]), dataset_name="short")
    assert caught.value.errors[0].row == 5


def test_the_same_file_is_not_imported_twice_even_under_another_name(db: None) -> None:
    data = ctdc_file(GOOD_ROWS)
    ctdc_import(by=STATISTICS, data=data, dataset_name="first")
    with pytest.raises(ImportRejected) as caught:
        ctdc_import(by=STATISTICS, data=data, dataset_name="second")
    assert "already imported as the dataset first" in caught.value.errors[0].why
    assert Fact.objects.count() == 3


def test_the_command_imports_and_the_table_command_prints_controlled_json_and_csv(
    db: None, tmp_path: object, capsys: pytest.CaptureFixture[str]
) -> None:
    from pathlib import Path

    rows = [GOOD_ROWS[0]] * 14 + [GOOD_ROWS[1]] * 3
    path = Path(str(tmp_path)) / "ctdc.csv"
    path.write_bytes(ctdc_file(rows))
    call_command("import", "ctdc", str(path), "--dataset", "cli", "--no-progress")
    assert "17 rows imported" in capsys.readouterr().out
    call_command("stats", "table", "--dataset", "cli", "--by", "gender")
    cells = json.loads(capsys.readouterr().out)
    # 3 men withheld, and 14 women too, or the total (17) would give the men away.
    assert cells == [{"gender": "Feminine", "count": None}, {"gender": "Masculine", "count": None}]
    call_command(
        "stats",
        "table",
        "--dataset",
        "cli",
        "--by",
        "gender,year",
        "--where",
        "gender=Feminine",
        "--format",
        "csv",
    )
    out = capsys.readouterr().out.splitlines()
    assert out[:2] == ["gender,year,count", "Feminine,2019,14"]
    # Under the table, the method: a CTDC release is counted exactly.
    assert out[-1] == "# Counted exactly, without noise: cli."
    with pytest.raises(CommandError):
        call_command("import", "ctdc", str(path), "--dataset", "again", "--no-progress")


def test_the_dimensions_command_lists_names_and_values(db: None, capsys: pytest.CaptureFixture[str]) -> None:
    call_command("stats", "dimensions", "--format", "json")
    listing = {d["name"]: d for d in json.loads(capsys.readouterr().out)}
    assert "Feminine" in [v["name"] for v in listing["gender"]["values"]]
    assert listing["means_of_control"]["multiple"] is True
    assert {"year", "age_eurostat", "citizenship_group", "days_to_closure", "services"} <= set(listing)
