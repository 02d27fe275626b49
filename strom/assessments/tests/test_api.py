"""The API: answers by question name, errors by field key, the comparison, and a CSV export's shape."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.urls import reverse

from strom.assessments.models import Response
from strom.assessments.services import response_submit
from strom.assessments.tests.factories import ANSWERS, make_round
from tests.personas import Cast


def test_answering_through_the_api_with_errors_by_field(cast: Cast, as_persona: Any) -> None:
    response = make_round(cast).responses.get(organisation=cast.org_a)
    client = as_persona("supervisor_a")
    url = reverse("api:assessments_response_save", kwargs={"response_id": response.pk})
    refused = client.put(
        url,
        {"answers": {"identifies": "yes", "staff_trained": "20000"}, "language": "lv"},
        content_type="application/json",
    )
    assert refused.status_code == 422
    assert "Norādiet skaitli no 0 līdz 10000." in refused.content.decode()
    saved = client.put(
        url,
        {"answers": {"identifies": "yes", "staff_trained": "20"}, "language": "lv", "revision": 0},
        content_type="application/json",
    )
    assert saved.status_code == 200
    assert saved.json()["answers"] == {"identifies": "yes", "staff_trained": "20"}
    assert saved.json()["revision"] == 1
    submit = reverse("api:assessments_response_submit", kwargs={"response_id": response.pk})
    done = client.post(
        submit,
        {"answers": {**ANSWERS, "who_pays": "state ngo"}, "language": "en"},
        content_type="application/json",
    )
    assert done.json()["status"] == "submitted"
    assert Response.objects.get(pk=response.pk).answers["who_pays"] == "state ngo"


def test_the_comparison_counts_by_choice_name_across_languages(cast: Cast, as_persona: Any) -> None:
    round_ = make_round(cast)
    for org, language in [(cast.org_a, "lv"), (cast.org_b, "ru")]:
        response_submit(
            by=cast.users["caseworker_a" if org == cast.org_a else "caseworker_b"],
            response=round_.responses.get(organisation=org),
            answers=ANSWERS,
            language=language,
        )
    data = (
        as_persona("analyst_b")
        .get(reverse("api:assessments_comparison", kwargs={"round_id": round_.pk}))
        .json()
    )
    assert data["submitted"] == 2
    identifies = next(q for q in data["questions"] if q["name"] == "identifies")
    yes = next(c for c in identifies["choices"] if c["name"] == "yes")
    assert (yes["counts"], yes["total"]) == ([1, 1], 2)


def test_csv_export_neutralises_formulas_and_keeps_the_kobo_columns(cast: Cast, as_persona: Any) -> None:
    round_ = make_round(cast)
    response_submit(
        by=cast.users["caseworker_a"],
        response=round_.responses.get(organisation=cast.org_a),
        answers={**ANSWERS, "procedure": '=HYPERLINK("https://example.org")'},
        language="en",
    )
    client = as_persona("coordinator_a")
    url = reverse("assessments:export", args=[round_.pk])
    rows = list(csv.reader(io.StringIO(client.get(url, {"format": "csv"}).content.decode("utf-8-sig"))))
    header = rows[0]
    assert "roles/who_pays/nobody" in header
    assert rows[1][header.index("roles/procedure")].startswith("'=")
    partners = list(
        csv.reader(
            io.StringIO(client.get(url, {"format": "csv", "sheet": "partners"}).content.decode("utf-8-sig"))
        )
    )
    assert partners[0][-4:] == ["_index", "_parent_table_name", "_parent_index", "_submission__id"]
    assert client.get(url, {"format": "csv", "sheet": "nope"}).status_code == 404
