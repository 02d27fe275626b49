"""The statistics pages and API: controlled figures only, downloads, imports from the page, the dashboard."""

from __future__ import annotations

import io
import json
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from conftest import login_client
from strom.cases.models import Case
from strom.stats.models import Dataset, ImportJob, ImportState
from strom.stats.refresh import facts_refresh
from strom.stats.tasks import run_import_jobs
from strom.stats.tests.helpers import full_case
from strom.stats.tests.test_ctdc import GOOD_ROWS, ctdc_file, one_bad
from tests.personas import Cast


def cases(cast: Cast, women: int = 12, men: int = 3) -> list[Case]:
    made = [full_case(cast, gender="Feminine", exploited_in="") for _ in range(women)]
    made += [full_case(cast, gender="Masculine", exploited_in="") for _ in range(men)]
    facts_refresh()
    return made


def test_the_analyst_sees_a_controlled_table_and_no_case(cast: Cast, exact_counts: None) -> None:
    made = cases(cast, women=14, men=12)
    made += [full_case(cast, gender="NonConforming", exploited_in="")]
    facts_refresh()
    client = login_client(cast.users["analyst_a"])
    page = client.get("/stats/", {"by1": "gender"}).content.decode()
    # One person of another gender: withheld, and so is the smallest other count (12), or 27 - 14 - 12 = 1.
    assert "<td>14</td>" in page
    assert "<td>12</td>" not in page
    assert page.count("withheld to protect the people counted") == 2
    for case in made:
        assert case.ref not in page


def test_the_api_returns_cells_margins_and_the_rule_with_small_counts_as_null(
    cast: Cast, exact_counts: None
) -> None:
    made = cases(cast)
    client = login_client(cast.users["coordinator_b"])
    response = client.get("/api/v1/stats/tables", {"by": "gender,year", "dataset": "strom"})
    assert response.status_code == 200
    body = response.json()
    assert body["by"] == ["gender", "year"]
    assert body["rule"]["threshold"] == 11
    assert {c["gender"] for c in body["cells"]} == {"Feminine", "Masculine"}
    assert all(c["count"] is None for c in body["cells"])  # 3 men withheld; 12 women would give them away
    assert any(t["gender"] is None and t["year"] is None and t["count"] == 15 for t in body["totals"])
    text = json.dumps(body)
    assert all(case.ref not in text for case in made)
    assert "person" not in text


def test_bad_api_requests_get_reasons(cast: Cast) -> None:
    client = login_client(cast.users["analyst_a"])
    response = client.get("/api/v1/stats/tables", {"by": "gender", "where": "year=3020..2019"})
    assert response.status_code in (400, 422)
    assert "range" in response.content.decode()


def test_csv_and_xlsx_downloads_hold_the_same_controlled_cells(cast: Cast, exact_counts: None) -> None:
    from openpyxl import load_workbook

    cases(cast, women=20, men=0)
    client = login_client(cast.users["supervisor_a"])
    csv_text = client.get("/stats/table.csv", {"by1": "gender", "rounding": "5"}).content.decode()
    table, notes = csv_text.split("\n#", 1)
    # Labels, not codes, and the total under the cells (STROM_STATS_NOISE_MAX = 0 here).
    assert table.splitlines() == ["Sex/gender,Number of people", "Female,20", "Total,20"]
    assert "Counted exactly, without noise: strom." in notes  # STROM_STATS_NOISE_MAX = 0 here
    assert "rounded to a multiple of 5" in notes
    xlsx = client.get("/stats/table.xlsx", {"by1": "gender"})
    book = load_workbook(io.BytesIO(xlsx.content))
    rows = [list(r) for r in book["table"].iter_rows(values_only=True)]
    assert rows[:3] == [["Sex/gender", "Number of people"], ["Female", 20], ["Total", 20]]
    assert rows[3] == [None, None]  # an empty row, then the method
    assert rows[4][0].startswith("Disclosure control: counts under 11")
    rule = {row[0]: row[1] for row in book["rule"].iter_rows(values_only=True)}
    assert rule["threshold"] == 11
    assert rule["perturbation.method"] == "none"
    report = client.get("/stats/report/", {"by1": "gender", "by2": "year"}).content.decode()
    assert "How this table was protected" in report


def _upload(client: Client, name: str, data: bytes) -> Any:
    return client.post("/stats/datasets/import/", {"name": name, "file": SimpleUploadedFile("f.csv", data)})


def test_an_upload_is_imported_by_the_worker_and_the_page_shows_progress_then_the_result(cast: Cast) -> None:
    client = login_client(cast.users["analyst_a"])
    response = _upload(client, "uploaded", ctdc_file(GOOD_ROWS))
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert job.state == ImportState.QUEUED
    waiting = client.get(f"/stats/imports/{job.pk}/").content.decode()
    assert 'hx-trigger="every 2s"' in waiting
    assert "<progress" in waiting
    assert run_import_jobs() == 1
    job.refresh_from_db()
    assert job.state == ImportState.DONE
    assert job.content == b""
    assert Dataset.objects.get(name="uploaded").rows == 3
    done = client.get(f"/stats/imports/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert "3 rows imported" in done
    assert "every 2s" not in done
    # Someone else's job is not found.
    assert login_client(cast.users["analyst_b"]).get(f"/stats/imports/{job.pk}/").status_code == 404


def test_a_bad_upload_lists_its_problems_and_imports_nothing(cast: Cast) -> None:
    client = login_client(cast.users["analyst_a"])
    _upload(client, "bad", ctdc_file(GOOD_ROWS + one_bad("yearOfRegistration", "3020")))
    run_import_jobs()
    job = ImportJob.objects.get()
    assert job.state == ImportState.FAILED
    page = client.get(f"/stats/imports/{job.pk}/").content.decode()
    assert "3020" in page
    assert "yearOfRegistration" in page
    assert "in the future" in page
    assert not Dataset.objects.filter(name="bad").exists()


def test_the_dashboard_counts_open_cases_of_the_coordinators_country(cast: Cast) -> None:
    cases(cast, women=4, men=0)  # all in Riga (LV), organisation A
    lv = login_client(cast.users["coordinator_a"]).get("/stats/dashboard/").content.decode()
    lt = login_client(cast.users["coordinator_b"]).get("/stats/dashboard/").content.decode()
    assert "<td>4</td>" in lv
    assert "Cases in LV." in lv
    assert "<td>4</td>" not in lt
    assert "Cases in LT." in lt


def test_the_openapi_document_describes_the_statistics_api(db: None) -> None:
    paths = Client().get("/api/v1/openapi.json").json()["paths"]
    assert {"/api/v1/stats/tables", "/api/v1/stats/dimensions", "/api/v1/stats/datasets"} <= set(paths)


def test_referral_states_become_the_referral_outcome_dimension(cast: Cast) -> None:
    from strom.network.tests.factories import service_a
    from strom.referrals.models import Referral
    from strom.stats.engine import Spec, count_raw, parse_by, parse_datasets

    case = full_case(cast)
    Referral.objects.create(
        case=case,
        from_organisation=cast.org_a,
        to_organisation=cast.org_b,
        service=service_a(cast),
        municipality=cast.riga,
        state="accepted",
        basis="override",
        override_reason="A synthetic emergency",
        sent_at=timezone.now(),
        created_by=cast.users["caseworker_a"],
    )
    facts_refresh()
    counts = count_raw(Spec(datasets=parse_datasets("strom"), by=parse_by("referral_outcome")))
    assert counts[(2,)] == 1  # "accepted" is the second value of the dimension


def test_strom_worker_runs_queued_imports_and_refreshes_stale_facts(cast: Cast) -> None:
    from django.core.management import call_command

    from strom.stats.models import Fact
    from strom.stats.refresh import builtin_dataset

    full_case(cast)
    client = login_client(cast.users["analyst_a"])
    _upload(client, "by-worker", ctdc_file(GOOD_ROWS))
    call_command("worker", "--once", stdout=io.StringIO())
    assert ImportJob.objects.get().state == ImportState.DONE
    assert Fact.objects.filter(dataset=builtin_dataset()).count() == 1


def test_an_import_may_not_take_the_built_in_name(cast: Cast) -> None:
    page = _upload(login_client(cast.users["analyst_a"]), "strom", ctdc_file(GOOD_ROWS)).content.decode()
    assert "There is a problem" in page
    assert not ImportJob.objects.exists()
