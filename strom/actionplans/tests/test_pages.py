"""The pages: a round table's conclusions recorded on a page, a recommendation showing every measure
that answers it, a progress report with evidence, the plan as XLSX and as a printable report, and the
command line."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from strom.actionplans.models import Evidence, MeasureStatus, Recommendation
from strom.actionplans.tests.factories import (
    make_measure,
    make_plan,
    make_recommendation,
    measure_of,
    plan_of,
    session_of,
)
from tests.personas import Cast


def test_a_coordinator_records_a_round_tables_conclusions(cast: Cast, as_persona: Any) -> None:
    session = session_of(cast)
    client = as_persona("coordinator_a")
    page = client.get(reverse("actionplans:session_conclusions"), {"session": session.pk}).content.decode()
    assert session.title in page
    response = client.post(
        reverse("actionplans:session_conclusions"),
        {
            "organisation": cast.orgs["coordinator_lv"].pk,
            "session": session.pk,
            "conclusions": (
                "Name a contact person in every municipality.\r\n\r\n"
                "Train police and social workers together."
            ),
            "addressee_country": "LV",
            "addressee_kind": "municipality",
            "addressee_municipality": cast.riga.pk,
            "themes": ["municipal_role", "training"],
        },
    )
    assert response.status_code == 302
    made = list(Recommendation.objects.order_by("reference"))
    assert [r.text for r in made] == [
        "Name a contact person in every municipality.",
        "Train police and social workers together.",
    ]
    assert made[0].themes == ["municipal_role", "training"]


def test_a_recommendation_shows_every_measure_that_answers_it(cast: Cast, as_persona: Any) -> None:
    recommendation = make_recommendation(cast)
    first = make_measure(cast, make_plan(cast), answers=[recommendation])
    make_measure(cast, make_plan(cast, title="Riga shelter plan"), answers=[recommendation])
    client = as_persona("analyst_b")
    page = client.get(reverse("actionplans:recommendation", args=[recommendation.pk])).content.decode()
    assert page.count(first.title) == 2
    assert "Riga shelter plan" in page
    assert "Measures planned" in page
    listing = client.get(reverse("actionplans:recommendations"), {"country": "LV"}).content.decode()
    assert recommendation.short_text in listing


def test_a_progress_report_with_evidence(cast: Cast, as_persona: Any) -> None:
    measure = measure_of(cast)
    manual = measure.indicators.get()
    client = as_persona("supervisor_a")
    response = client.post(
        reverse("actionplans:report_create", args=[measure.pk]),
        {
            "date": "2025-06-20",
            "text": "All 120 social workers trained.",
            "status": "done",
            f"value_{manual.pk}": "120",
            "evidence": [SimpleUploadedFile("attendance.txt", b"Training held on 12 and 19 June.\n")],
        },
    )
    assert response.status_code == 302
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.DONE
    evidence = Evidence.objects.get()
    download = as_persona("caseworker_b").get(reverse("actionplans:evidence", args=[evidence.pk]))
    assert download.content == b"Training held on 12 and 19 June.\n"
    assert download["Content-Disposition"] == 'attachment; filename="attendance.txt"'


def test_evidence_of_a_type_not_accepted_is_refused_and_nothing_is_saved(cast: Cast, as_persona: Any) -> None:
    measure = measure_of(cast)
    response = as_persona("supervisor_a").post(
        reverse("actionplans:report_create", args=[measure.pk]),
        {
            "date": "2025-06-20",
            "text": "Report.",
            "status": "done",
            "evidence": [SimpleUploadedFile("run.exe", b"MZ\x90\x00")],
        },
    )
    assert response.status_code == 200
    assert "are not accepted" in response.content.decode()
    measure.refresh_from_db()
    assert (measure.status, measure.reports.count()) == (MeasureStatus.PLANNED, 0)


def test_the_plan_as_xlsx(cast: Cast, as_persona: Any) -> None:
    measure = measure_of(cast)
    response = as_persona("caseworker_a").get(reverse("actionplans:export", args=[measure.plan_id]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Plan", "Measures", "Indicators", "Progress reports", "Recommendations"]
    assert book["Plan"]["B1"].value == "Riga action plan 2024-2026"
    measures = list(book["Measures"].values)
    assert measures[1][:3] == (
        "Identification training for social workers",
        "Riga Social Service",
        "Riga Safe House",
    )
    assert measures[1][5] == 12000
    indicators = list(book["Indicators"].values)
    assert indicators[1][1:7] == (
        "Social workers trained",
        "people",
        "Reported by the plan's owner",
        0,
        120,
        None,
    )
    assert (
        list(book["Recommendations"].values)[1][0] == "Train every municipal social worker in identification."
    )


def test_the_printable_report_and_the_dashboards(cast: Cast, as_persona: Any) -> None:
    measure = measure_of(cast)
    client = as_persona("coordinator_b")
    report = client.get(reverse("actionplans:print", args=[measure.plan_id])).content.decode()
    assert "Identification training for social workers" in report
    assert "Social workers trained" in report
    dashboard = client.get(reverse("actionplans:dashboard", args=[measure.plan_id])).content.decode()
    assert "Measures by status" in dashboard
    country = client.get(reverse("actionplans:country", args=["LV"])).content.decode()
    assert "Riga action plan 2024-2026" in country


def test_the_command_line_lists_shows_and_exports(cast: Cast, tmp_path: Path) -> None:
    plan = plan_of(cast)
    measure_of(cast)
    out = io.StringIO()
    call_command("actionplans", "list", stdout=out)
    assert out.getvalue().strip() == f"{plan.pk}\tLV\tmunicipal\tadopted\tRiga action plan 2024-2026"
    target = tmp_path / "plan.json"
    call_command(
        "actionplans", "export", str(plan.pk), "--format", "json", "--out", str(target), stderr=io.StringIO()
    )
    data = json.loads(target.read_text())
    assert data["measures"][0]["indicators"][0]["target"] == 120
    xlsx = tmp_path / "plan.xlsx"
    call_command("actionplans", "export", str(plan.pk), "--out", str(xlsx), stderr=io.StringIO())
    assert load_workbook(xlsx)["Plan"]["B1"].value == plan.title
    assert dt.date.fromisoformat(data["period"][0]) == dt.date(2024, 1, 1)


def test_a_plans_pages_ask_the_database_as_often_for_many_measures_as_for_one(
    cast: Cast, as_persona: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from strom.actionplans.services import session_conclusions_record

    plan = plan_of(cast)
    from_session = session_conclusions_record(
        by=cast.coordinator_a,
        organisation=cast.orgs["coordinator_lv"],
        session=session_of(cast),
        conclusions=["Name a contact person."],
        addressee_country="LV",
        addressee_kind="ministry",
        addressee_name="Ministry of Welfare",
    )
    make_measure(cast, plan, answers=[make_recommendation(cast), *from_session])
    client = as_persona("caseworker_a")

    def queries(name: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse(name, args=[plan.pk])).status_code == 200
        return len(captured)

    pages = ("actionplans:plan", "actionplans:dashboard", "actionplans:print")
    queries("actionplans:plan")  # the session's first request does more (log-in bookkeeping)
    one = {name: queries(name) for name in pages}
    for _n in range(3):
        make_measure(cast, plan, answers=[make_recommendation(cast), *from_session])
    assert {name: queries(name) for name in pages} == one
