"""Aggregated tables between STROM instances: export, import (checked whole, never twice), regional tables.

The "national" tables are made here from synthetic CTDC files imported as case-level datasets, then
exported as the other instance would export them.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError

from conftest import login_client
from strom.audit.actors import STATISTICS
from strom.audit.models import AuditEntry
from strom.stats.ctdc import ImportRejected
from strom.stats.engine import Spec, parse_by, parse_datasets, parse_filter
from strom.stats.exchange import FORMAT, exchange_document
from strom.stats.models import AggregateCell, Dataset, DatasetKind, ImportJob, ImportState
from strom.stats.services import ctdc_import, table_import, table_publish
from strom.stats.tasks import run_import_jobs
from strom.stats.tests.test_ctdc import HEADER, ctdc_file
from tests.personas import Cast

# (gender, year) -> people. Latvia has 3 men in 2020: withheld, with what would give them away.
LATVIA = {
    ("Feminine", "2019"): 30,
    ("Feminine", "2020"): 25,
    ("Feminine", "2021"): 20,
    ("Masculine", "2019"): 15,
    ("Masculine", "2020"): 3,
    ("Masculine", "2021"): 14,
}
LITHUANIA = {
    (g, y): (20 if g == "Feminine" else 12)
    for g in ("Feminine", "Masculine")
    for y in ("2019", "2020", "2021")
}


CTDC_GENDER = {"Feminine": "Female", "Masculine": "Male"}


def people(counts: dict[tuple[str, str], int]) -> bytes:
    rows = []
    for (gender, year), n in counts.items():
        row = ["" for _ in HEADER]
        row[0], row[1] = year, CTDC_GENDER[gender]
        rows += [list(row) for _ in range(n)]
    return ctdc_file(rows)


def national_file(settings: Any, name: str, counts: dict[tuple[str, str], int], **options: Any) -> bytes:
    """What the other instance's `strom stats table --format strom` prints."""
    settings.STROM_INSTANCE_NAME = name
    ctdc_import(by=STATISTICS, data=people(counts), dataset_name=f"{name.lower()}-cases")
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "stats",
        "table",
        "--dataset",
        f"{name.lower()}-cases",
        "--by",
        options.get("by", "gender,year"),
        "--format",
        "strom",
        *[arg for w in options.get("where", []) for arg in ("--where", w)],
        stdout=out,
        stderr=err,
    )
    settings.STROM_INSTANCE_NAME = "Regional task force"
    return out.getvalue().encode("utf-8")


def import_file(data: bytes, name: str, tmp_path: Any) -> str:
    path = tmp_path / f"{name}.json"
    path.write_bytes(data)
    out = io.StringIO()
    call_command("import", "table", str(path), "--dataset", name, stdout=out)
    return out.getvalue()


def cell(body: list[dict[str, Any]], **where: str | None) -> int | None:
    [found] = [c for c in body if all(c[k] == v for k, v in where.items())]
    count: int | None = found["count"]
    return count


def test_an_exported_table_imports_again_with_the_same_published_counts(
    db: None, settings: Any, tmp_path: Any
) -> None:
    data = national_file(settings, "Latvia", LATVIA)
    document = json.loads(data)
    assert document["format"] == FORMAT
    assert document["version"] == 1
    assert document["source"] == "Latvia"
    assert document["by"] == ["gender", "year"]
    assert document["where"] == []
    assert document["rule"]["threshold"] == 11
    assert cell(document["cells"], gender="Masculine", year="2020") is None  # 3 people
    assert cell(document["cells"], gender="Feminine", year="2019") == 30
    assert cell(document["totals"], gender=None, year=None) == 107

    said = import_file(data, "lv", tmp_path)
    assert "Latvia" in said
    assert "lv" in said
    assert "12 entries" in said
    dataset = Dataset.objects.get(name="lv")
    assert dataset.kind == DatasetKind.AGGREGATE
    assert dataset.rows == 107
    assert dataset.exchange["source"] == "Latvia"
    assert AggregateCell.objects.filter(dataset=dataset).count() == 6 + 6  # cells, then margins

    again = table_publish(by=STATISTICS, spec=Spec(datasets=[dataset], by=parse_by("gender,year")))
    assert again.cells() == document["cells"]
    assert sorted(map(json.dumps, again.totals())) == sorted(map(json.dumps, document["totals"]))
    # Fewer dimensions: the other instance's margins.
    by_gender = table_publish(by=STATISTICS, spec=Spec(datasets=[dataset], by=parse_by("gender"))).cells()
    assert by_gender == [{"gender": "Feminine", "count": 75}, {"gender": "Masculine", "count": 32}]
    assert AuditEntry.objects.filter(action="stats.dataset.import", details__source="Latvia").exists()


def test_two_national_tables_add_up_where_both_published_and_withheld_entries_stay_withheld(
    db: None, settings: Any, tmp_path: Any
) -> None:
    import_file(national_file(settings, "Latvia", LATVIA), "lv", tmp_path)
    import_file(national_file(settings, "Lithuania", LITHUANIA), "lt", tmp_path)
    out, err = io.StringIO(), io.StringIO()
    call_command("stats", "table", "--dataset", "lv,lt", "--by", "gender,year", stdout=out, stderr=err)
    cells = json.loads(out.getvalue())
    assert cell(cells, gender="Feminine", year="2019") == 30 + 20
    assert cell(cells, gender="Masculine", year="2019") == 15 + 12
    # Latvia withheld these four (3 men, and what would give them away): so does the sum.
    for gender, year in [
        ("Feminine", "2020"),
        ("Feminine", "2021"),
        ("Masculine", "2020"),
        ("Masculine", "2021"),
    ]:
        assert cell(cells, gender=gender, year=year) is None
    assert "withheld in the sum" in err.getvalue()

    published = table_publish(
        by=STATISTICS, spec=Spec(datasets=parse_datasets("lv,lt"), by=parse_by("gender,year"))
    )
    assert published.rule["withheld_in_parts"] == 4
    assert [p["source"] for p in published.rule["parts"]] == ["Latvia", "Lithuania"]
    totals = published.totals()
    assert cell(totals, gender=None, year=None) == 107 + 96
    assert cell(totals, gender="Masculine", year=None) == 32 + 36

    # The regional table can itself be exchanged, and is then a table like any other.
    regional = exchange_document(published)
    assert regional["source"] == "Regional task force"
    assert "withheld in the sum" in regional["rule"]["combined"]


def test_a_case_level_part_is_protected_before_it_is_added(db: None, settings: Any, tmp_path: Any) -> None:
    import_file(national_file(settings, "Lithuania", LITHUANIA), "lt", tmp_path)
    # Our own two women of 2019: published in the sum as 22, they could be found as 22 - 20.
    ctdc_import(
        by=STATISTICS, data=people({("Feminine", "2019"): 2, ("Masculine", "2019"): 40}), dataset_name="own"
    )
    published = table_publish(
        by=STATISTICS, spec=Spec(datasets=parse_datasets("lt,own"), by=parse_by("gender,year"))
    )
    cells = published.cells()
    assert cell(cells, gender="Feminine", year="2019") is None
    assert cell(cells, gender="Masculine", year="2019") is None  # the other entry of its line
    assert cell(cells, gender="Masculine", year="2020") == 12
    assert published.rule["parts"][-1]["dataset"] == "own"


def test_tables_an_aggregated_dataset_cannot_give_are_explained(
    db: None, settings: Any, tmp_path: Any
) -> None:
    import_file(national_file(settings, "Latvia", LATVIA), "lv", tmp_path)
    with pytest.raises(CommandError, match=r"has no age_ctdc.*no case-level data"):
        call_command("stats", "table", "--dataset", "lv", "--by", "gender,age_ctdc", stdout=io.StringIO())
    with pytest.raises(CommandError, match="needs exactly those filters"):
        call_command(
            "stats",
            "table",
            "--dataset",
            "lv",
            "--by",
            "gender",
            "--where",
            "year=2019",
            stdout=io.StringIO(),
        )
    # "all" means the case-level datasets: an aggregated table is combined by name.
    assert "lv" not in [d.name for d in parse_datasets("all")]


def test_a_filtered_table_combines_with_tables_under_the_same_filter(
    db: None, settings: Any, tmp_path: Any
) -> None:
    where = ["year=2019..2020"]
    import_file(national_file(settings, "Lithuania", LITHUANIA, by="gender", where=where), "lt", tmp_path)
    spec = Spec(datasets=parse_datasets("lt"), by=parse_by("gender"), filters=[parse_filter(where[0])])
    assert table_publish(by=STATISTICS, spec=spec).cells() == [
        {"gender": "Feminine", "count": 40},
        {"gender": "Masculine", "count": 24},
    ]


def test_exchange_refuses_rounding(db: None, settings: Any) -> None:
    ctdc_import(by=STATISTICS, data=people(LITHUANIA), dataset_name="lt-cases")
    with pytest.raises(CommandError, match="without rounding"):
        call_command(
            "stats", "table", "--dataset", "lt-cases", "--by", "gender", "--format", "strom", "--round", "5"
        )


def test_a_higher_threshold_can_be_asked_for_a_stricter_receiver(db: None, settings: Any) -> None:
    ctdc_import(by=STATISTICS, data=people(LITHUANIA), dataset_name="lt-cases")
    out = io.StringIO()
    call_command(
        "stats", "table", "--dataset", "lt-cases", "--by", "gender,year", "--format", "strom",
        "--threshold", "13", stdout=out, stderr=io.StringIO(),
    )  # fmt: skip
    document = json.loads(out.getvalue())
    assert document["rule"]["threshold"] == 13
    assert cell(document["cells"], gender="Masculine", year="2019") is None  # 12 < 13
    settings.STROM_STATS_THRESHOLD = 13
    assert (
        table_import(by=STATISTICS, data=out.getvalue().encode(), dataset_name="strict").kind
        == DatasetKind.AGGREGATE
    )


# -- bad files ------------------------------------------------------------------------------------


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(document: dict[str, Any]) -> None:
        target: Any = document
        parts = path.split(".")
        for part in parts[:-1]:
            target = target[int(part)] if part.isdigit() else target[part]
        target[int(parts[-1]) if parts[-1].isdigit() else parts[-1]] = value

    return change


def _published_index(document: dict[str, Any], gender: str, year: str) -> int:
    return next(i for i, c in enumerate(document["cells"]) if c["gender"] == gender and c["year"] == year)


BAD: list[tuple[str, Any, str]] = [
    ("format", _set("format", "ctdc"), "not a STROM table exchange file"),
    ("version", _set("version", 2), "Version 2 of the format is not known"),
    ("dimension", _set("by", ["gender", "shoe_size"]), "no dimension shoe_size"),
    ("value", _set("cells.0.gender", "Robot"), "gender has no value Robot"),
    ("text count", _set("cells.0.count", "30"), "whole number"),
    ("negative", _set("cells.0.count", -30), "whole number"),
    ("fraction", _set("cells.0.count", 30.5), "whole number"),
    ("weaker rule", _set("rule.threshold", 5), "withholds counts under 11"),
    ("rounded", _set("rule.rounding", 5), "rounded table"),
    ("margins", _set("cells.0.count", 31), "do not add up to this total"),
    ("small count", None, "under the table's own threshold"),
    ("one withheld", None, "only withheld entry of its line"),
    ("missing", None, "entry for gender=Feminine, year=2019 is missing"),
    ("twice", None, "appears twice"),
    ("date", _set("generated_at", "yesterday"), "ISO 8601"),
]


@pytest.mark.parametrize(("what", "change", "why"), BAD, ids=[b[0] for b in BAD])
def test_a_bad_file_is_rejected_with_its_reasons_and_nothing_is_stored(
    db: None, settings: Any, what: str, change: Any, why: str
) -> None:
    document = json.loads(national_file(settings, "Latvia", LATVIA))
    first = _published_index(document, "Feminine", "2019")
    assert first == 0
    if what == "small count":
        document["cells"][_published_index(document, "Masculine", "2020")]["count"] = 3
    elif what == "one withheld":
        for gender, year, n in [
            ("Feminine", "2020", 25),
            ("Feminine", "2021", 20),
            ("Masculine", "2021", 14),
        ]:
            document["cells"][_published_index(document, gender, year)]["count"] = n
        document["cells"][_published_index(document, "Masculine", "2020")]["count"] = None
    elif what == "missing":
        del document["cells"][0]
    elif what == "twice":
        document["cells"].append(dict(document["cells"][0]))
    else:
        change(document)
    before = Dataset.objects.count()
    with pytest.raises(ImportRejected) as rejected:
        table_import(by=STATISTICS, data=json.dumps(document).encode(), dataset_name="bad")
    assert any(why in error.why for error in rejected.value.errors), [str(e) for e in rejected.value.errors]
    if what == "one withheld":  # said of the withheld entry itself: Masculine 2020 is cell 5
        assert [(e.row, e.column) for e in rejected.value.errors] == [(5, "cells.count")] * 2
    assert Dataset.objects.count() == before
    assert not AggregateCell.objects.exists()


def test_a_file_that_is_not_json_or_not_utf8_is_rejected(db: None) -> None:
    for data, why in [
        (b"gender,count\n", "not JSON"),
        ("{}".encode("utf-16"), "not UTF-8"),
        (b"[]", "not a STROM"),
    ]:
        with pytest.raises(ImportRejected) as rejected:
            table_import(by=STATISTICS, data=data, dataset_name="bad")
        assert why in str(rejected.value.errors[0])


def test_the_same_file_is_not_imported_twice(db: None, settings: Any, tmp_path: Any) -> None:
    data = national_file(settings, "Latvia", LATVIA)
    import_file(data, "lv", tmp_path)
    with pytest.raises(CommandError):
        import_file(data, "lv-again", tmp_path)
    with pytest.raises(ImportRejected) as rejected:
        table_import(by=STATISTICS, data=data, dataset_name="lv-again")
    assert "already imported as the dataset lv" in rejected.value.errors[0].why
    assert not Dataset.objects.filter(name="lv-again").exists()
    assert AggregateCell.objects.count() == 12


# -- pages and API --------------------------------------------------------------------------------


def test_the_page_uploads_a_table_and_combines_it(cast: Cast, settings: Any) -> None:
    lv = national_file(settings, "Latvia", LATVIA)
    lt = national_file(settings, "Lithuania", LITHUANIA)
    client = login_client(cast.users["analyst_a"])
    for name, data in [("lv", lv), ("lt", lt)]:
        response = client.post(
            "/stats/datasets/import/",
            {"name": name, "format": "table", "file": SimpleUploadedFile(f"{name}.json", data)},
        )
        assert response.status_code == 302
    assert run_import_jobs() == 2
    assert set(ImportJob.objects.values_list("state", flat=True)) == {ImportState.DONE}
    job = ImportJob.objects.get(dataset_name="lv")
    assert "12 rows imported into the dataset lv" in client.get(f"/stats/imports/{job.pk}/").content.decode()
    assert "Latvia (gender, year)" in client.get("/stats/datasets/").content.decode()

    query: dict[str, Any] = {"datasets": ["lv", "lt"], "by1": "gender", "by2": "year"}
    page = client.get("/stats/", query).content.decode()
    assert "Combined table" in page
    assert "lv (Latvia); lt (Lithuania)" in page
    assert "<td>50</td>" in page
    cannot = client.get("/stats/", {"datasets": ["lv"], "by1": "age_ctdc"}).content.decode()
    assert "it has no age_ctdc" in cannot
    download = client.get("/stats/table.strom.json", query)
    assert download["Content-Disposition"].endswith('.strom.json"')
    assert json.loads(download.content)["format"] == FORMAT
    refused = client.get("/stats/table.strom.json", {**query, "rounding": "5"})
    assert refused.status_code == 400
    assert "without rounding" in refused.content.decode()


def test_a_bad_upload_of_a_table_lists_its_problems(cast: Cast, settings: Any) -> None:
    document = json.loads(national_file(settings, "Latvia", LATVIA))
    document["cells"][0]["gender"] = "Robot"
    client = login_client(cast.users["analyst_a"])
    client.post(
        "/stats/datasets/import/",
        {
            "name": "bad",
            "format": "table",
            "file": SimpleUploadedFile("bad.json", json.dumps(document).encode()),
        },
    )
    run_import_jobs()
    job = ImportJob.objects.get()
    assert job.state == ImportState.FAILED
    page = client.get(f"/stats/imports/{job.pk}/").content.decode()
    assert "cells.gender" in page
    assert "Robot" in page
    assert not Dataset.objects.filter(name="bad").exists()


def test_the_api_gives_the_exchange_file_and_combined_tables(cast: Cast, settings: Any) -> None:
    ctdc_import(by=STATISTICS, data=people(LITHUANIA), dataset_name="lt-cases")
    client = login_client(cast.users["coordinator_a"])
    body = client.get("/api/v1/stats/tables/exchange", {"by": "gender", "dataset": "lt-cases"}).json()
    assert body["format"] == FORMAT
    assert body["source"] == settings.STROM_INSTANCE_NAME
    assert body["cells"] == [{"gender": "Feminine", "count": 60}, {"gender": "Masculine", "count": 36}]
    table_import(by=STATISTICS, data=json.dumps(body).encode(), dataset_name="lt")
    combined = client.get("/api/v1/stats/tables", {"by": "gender", "dataset": "lt,lt-cases"}).json()
    assert combined["cells"] == [{"gender": "Feminine", "count": 120}, {"gender": "Masculine", "count": 72}]
    assert combined["rule"]["withheld_in_parts"] == 0
    rounded = client.get(
        "/api/v1/stats/tables/exchange", {"by": "gender", "dataset": "lt-cases", "rounding": "5"}
    )
    assert rounded.status_code in (400, 422)


def test_the_rule_leaves_out_the_secondary_line_when_nothing_more_was_withheld(cast: Cast) -> None:
    ctdc_import(by=STATISTICS, data=people(LITHUANIA), dataset_name="lt-cases")
    page = login_client(cast.users["analyst_a"]).get("/stats/", {"datasets": "lt-cases", "by1": "gender"})
    assert "more entr" not in page.content.decode()
