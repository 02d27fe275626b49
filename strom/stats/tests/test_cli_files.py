"""`strom stats export` and `strom stats synthetic` write whole files or none."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from strom.stats.models import Dataset, DatasetKind, Fact
from strom.stats.tests.test_synthetic import code

pytestmark = pytest.mark.django_db


@pytest.fixture
def survey(db: None) -> Dataset:
    dataset = Dataset.objects.create(name="survey", kind=DatasetKind.CTDC, rows=40)
    Fact.objects.bulk_create(
        Fact(
            dataset=dataset,
            year=2020,
            gender=code("gender", "Feminine" if i % 2 else "Masculine"),
            child=code("child", "Adult"),
            exploitation=[1],
        )
        for i in range(40)
    )
    return dataset


def test_a_synthetic_extract_is_written_and_a_refused_one_leaves_no_file(
    survey: Dataset, tmp_path: Path, settings: Any, capsys: Any
) -> None:
    settings.STROM_STATS_DP_BUDGET = 1.0
    out = tmp_path / "synthetic.csv"
    args = ["stats", "synthetic", "--dataset", "survey", "--by", "gender,child", "--rows", "25"]
    call_command(*args, "--epsilon", "0.6", "--seed", "3", "--out", str(out))
    with out.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 25
    assert set(rows[0]) == {"gender", "child"}
    assert json.loads(capsys.readouterr().err)["epsilon"] == pytest.approx(0.6)
    second = tmp_path / "second.csv"
    with pytest.raises(CommandError, match="privacy budget"):
        call_command(*args, "--epsilon", "0.6", "--out", str(second))
    assert not second.exists()
    assert list(tmp_path.iterdir()) == [out]  # no partial file either


def test_an_export_that_fails_half_way_leaves_no_file(tmp_path: Path, monkeypatch: Any) -> None:
    from strom.stats import export

    def broken(out: Any, **kwargs: Any) -> dict[str, Any]:
        out.write("yearOfRegistration,gender\n2020,Female\n")
        raise RuntimeError("the database went away")

    monkeypatch.setattr(export, "export_ctdc", broken)
    target = tmp_path / "ctdc.csv"
    with pytest.raises(RuntimeError):
        call_command("stats", "export", "ctdc", "--out", str(target))
    assert list(tmp_path.iterdir()) == []


def test_the_htcds_export_writes_json_lines_by_the_file_name(tmp_path: Path, capsys: Any) -> None:
    target = tmp_path / "htcds.json"
    call_command("stats", "export", "htcds", "--out", str(target))
    report = json.loads(capsys.readouterr().err)
    assert report["format"] == "json"
    assert target.read_text(encoding="utf-8").count("\n") == report["cases"]
