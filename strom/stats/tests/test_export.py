"""Exports: k-anonymised CTDC rows that the CTDC importer accepts, and Eurostat-style tables."""

from __future__ import annotations

import csv
import io
from collections import Counter

from strom.audit.actors import STATISTICS
from strom.stats.export import export_ctdc, export_eurostat
from strom.stats.refresh import facts_refresh
from strom.stats.services import ctdc_import
from strom.stats.tests.helpers import full_case
from tests.personas import Cast


def rows_of(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_the_ctdc_export_is_k_anonymous_reports_what_it_gave_up_and_imports_again(cast: Cast) -> None:
    for _ in range(4):
        full_case(
            cast, gender="Feminine", citizenships=["UA"], forms=["SexualExploitation"], exploited_in="LV"
        )
    for country in ("ER", "SO", "SD"):
        full_case(
            cast, gender="Feminine", citizenships=[country], forms=["SexualExploitation"], exploited_in="LV"
        )
    full_case(cast, gender="Masculine", citizenships=["VN"], forms=["ForcedLabour"], exploited_in="PL")
    facts_refresh()
    out = io.StringIO()
    report = export_ctdc(out, by=STATISTICS, k=3)
    rows = rows_of(out.getvalue())
    # The three women of rare citizenships lose their citizenship and make a group of three; the
    # Vietnamese man, alone whatever is blanked, is left out.
    assert report["blanked"]["citizenship"] == 4
    assert report["left_out"] == 1
    assert len(rows) == report["rows"] == 7
    assert {r["citizenship"] for r in rows} == {"UA", ""}
    assert "VN" not in {r["citizenship"] for r in rows}
    keys = Counter(
        (
            r["yearOfRegistration"],
            r["gender"],
            r["ageBroad"],
            r["citizenship"],
            r["CountryOfExploitation"],
            r["isForcedLabour"],
            r["isSexualExploit"],
        )
        for r in rows
    )
    assert min(keys.values()) >= 3
    assert rows[0]["isSexualExploit"] == "1"
    assert rows[0]["Datasource"] == "Case Management"
    # The file is valid CTDC: the importer, which checks every value, takes it.
    dataset = ctdc_import(by=STATISTICS, data=out.getvalue().encode(), dataset_name="round-trip")
    assert dataset.rows == 7


def test_the_eurostat_export_gives_registered_victims_by_sex_and_each_breakdown(
    cast: Cast, exact_counts: None
) -> None:
    for _ in range(12):
        full_case(cast, gender="Feminine", citizenships=["LV"], rg_after_days=2)
    full_case(cast, gender="Masculine", citizenships=["LV"])  # no decision: not a registered victim
    facts_refresh()
    out = io.StringIO()
    report = export_eurostat(out, by=STATISTICS)
    rows = rows_of(out.getvalue())
    assert set(report["tables"]) == {"crim_thb_vage", "crim_thb_vctz", "crim_thb_vexp"}
    citizenship = [r for r in rows if r["table"] == "crim_thb_vctz"]
    assert citizenship == [
        {
            "table": "crim_thb_vctz",
            "year": citizenship[0]["year"],
            "sex": "Feminine",
            "breakdown": "citizenship_group",
            "value": "ReportingCountry",
            "count": "12",
        }
    ]
