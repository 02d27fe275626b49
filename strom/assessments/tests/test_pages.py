"""The done-when path on the pages: a coordinator uploads a KoboToolbox-style XLSForm (groups, a repeat,
relevance, constraints, labels in three languages), opens a round for municipalities in three
countries, respondents answer in Latvian, Russian and English, the comparison shows the answers side
by side, and the export opens in a spreadsheet with the repeat in its own sheet."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from conftest import login_client
from strom.accounts.models import Membership, User
from strom.assessments.models import Questionnaire, Response, Round
from strom.assessments.services import response_submit
from strom.assessments.tests.factories import ANSWERS, SURVEY, make_round, xlsform
from strom.core.roles import OrgType, Role
from strom.directory.models import Municipality, Organisation
from tests.personas import PASSWORD, Cast


def _tartu(cast: Cast) -> tuple[Organisation, User]:
    """A third country: Tartu's social services in Estonia, with one respondent."""
    tartu = Municipality.objects.create(country="EE", name="Tartu", code="TRT")
    organisation = Organisation.objects.create(
        name="Tartu Social Services", org_type=OrgType.MUNICIPALITY, country="EE", municipality=tartu
    )
    user = User.objects.create_user("tartu@example.test", PASSWORD, full_name="Tartu Respondent")
    Membership.objects.create(user=user, organisation=organisation, role=Role.SUPERVISOR)
    return organisation, user


def _answer(client: Client, response: Response, language: str, fields: dict[str, Any]) -> Any:
    url = reverse("assessments:response", args=[response.pk])
    page = client.get(url, {"lang": language})
    assert page.status_code == 200
    return client.post(url, {"lang": language, "revision": str(response.revision), **fields})


def test_the_done_when_path(cast: Cast, as_persona: Any) -> None:
    estonia, tartu_user = _tartu(cast)
    cast.org_b.org_type = OrgType.MUNICIPALITY  # Vilnius answers as a municipality here
    cast.org_b.save(update_fields=["org_type"])
    coordinator = as_persona("coordinator_a")

    upload = coordinator.post(
        reverse("assessments:import"),
        {"organisation": cast.orgs["coordinator_lv"].pk, "file": SimpleUploadedFile("kobo.xlsx", xlsform())},
    )
    assert upload.status_code == 302
    questionnaire = Questionnaire.objects.get()
    opened = coordinator.post(
        reverse("assessments:round_new", args=[questionnaire.pk]),
        {
            "title": "Baseline 2025",
            "organisation": cast.orgs["coordinator_lv"].pk,
            "countries": ["LV", "LT", "EE"],
            "org_types": ["Municipality"],
            "deadline": (dt.date.today() + dt.timedelta(days=30)).isoformat(),
        },
    )
    assert opened.status_code == 302
    round_ = Round.objects.get()
    assert round_.responses.count() == 3

    riga = round_.responses.get(organisation=cast.org_a)
    latvian = as_persona("caseworker_a")
    page = latvian.get(reverse("assessments:response", args=[riga.pk]), {"lang": "lv"}).content.decode()
    assert "Vai pašvaldība identificē iespējamos upurus?" in page
    assert "not about victims" in page
    # The constraint's own message, in Latvian, and nothing saved.
    refused = _answer(
        latvian, riga, "lv", {"action": "submit", "q:identifies": "yes", "q:staff_trained": "-1"}
    )
    assert refused.status_code == 400
    assert "Norādiet skaitli no 0 līdz 10000." in refused.content.decode()
    assert Response.objects.get(pk=riga.pk).status == "not_started"
    # A partner entry is added on the page, then everything is submitted.
    added = _answer(
        latvian, riga, "lv", {"action": "add:partners", "q:has_partners": "yes", "count:partners": "0"}
    )
    assert 'name="q:partners:0:partner_name"' in added.content.decode()
    submitted = _answer(
        latvian,
        riga,
        "lv",
        {
            "action": "submit",
            "q:identifies": "yes",
            "q:staff_trained": "12",
            "q:who_pays": ["state", "municipality"],
            "q:procedure": "Identifikācijas kārtība, 2023",
            "q:has_partners": "yes",
            "count:partners": "1",
            "q:partners:0:partner_name": "Valsts policija",
            "q:partners:0:partner_type": "police",
        },
    )
    assert submitted.status_code == 302
    vilnius = round_.responses.get(organisation=cast.org_b)
    russian = _answer(
        as_persona("supervisor_b"),
        vilnius,
        "ru",
        {
            "action": "submit",
            "q:identifies": "yes",
            "q:staff_trained": "4",
            "q:who_pays": ["ngo"],
            "q:has_partners": "no",
        },
    )
    assert russian.status_code == 302
    tartu = round_.responses.get(organisation=estonia)
    tartu_client = login_client(tartu_user)
    english = _answer(
        tartu_client, tartu, "en", {"action": "submit", "q:identifies": "no", "q:who_pays": ["nobody"]}
    )
    assert english.status_code == 302
    languages = dict(Response.objects.filter(round=round_).values_list("organisation__country", "language"))
    assert languages == {"LV": "Latviešu (lv)", "LT": "Русский (ru)", "EE": "English (en)"}

    comparison = coordinator.get(reverse("assessments:compare", args=[round_.pk])).content.decode()
    # Side by side per country, with the same counts in the chart and the table.
    for country in ["Latvia", "Lithuania", "Estonia"]:
        assert country in comparison
    assert "The municipality" in comparison
    assert "1 (100.0 %)" in comparison
    assert "<svg" in comparison
    assert "Identifikācijas kārtība, 2023" in comparison
    by_municipality = coordinator.get(
        reverse("assessments:compare", args=[round_.pk]), {"by": "municipality"}
    )
    assert "Tartu (EE)" in by_municipality.content.decode()

    export = coordinator.get(reverse("assessments:export", args=[round_.pk]))
    book = load_workbook(io.BytesIO(export.content))
    assert book.sheetnames == ["baseline_municipal", "partners"]
    main = list(book["baseline_municipal"].values)
    header = list(main[0])
    assert header[:4] == ["roles/identifies", "roles/staff_trained", "roles/who_pays", "roles/who_pays/state"]
    riga_row = next(r for r in main[1:] if r[header.index("_country")] == "LV")
    assert riga_row[header.index("roles/who_pays")] == "state municipality"
    assert riga_row[header.index("roles/who_pays/municipality")] == 1
    assert riga_row[header.index("roles/who_pays/ngo")] == 0
    partners = list(book["partners"].values)
    assert list(partners[0]) == [
        "partners/partner_name",
        "partners/partner_type",
        "_index",
        "_parent_table_name",
        "_parent_index",
        "_submission__id",
    ]
    assert partners[1][0] == "Valsts policija"
    assert partners[1][4] == riga_row[header.index("_index")]
    assert partners[1][5] == riga.pk


def test_a_bad_xlsform_is_shown_by_sheet_and_row(cast: Cast, as_persona: Any) -> None:
    bad = xlsform(survey=[*SURVEY, {"type": "geopoint", "name": "where"}])
    page = as_persona("coordinator_a").post(
        reverse("assessments:import"),
        {"organisation": cast.orgs["coordinator_lv"].pk, "file": SimpleUploadedFile("bad.xlsx", bad)},
    )
    assert page.status_code == 400
    text = page.content.decode()
    assert "geopoint" in text
    assert f"<td>{len(SURVEY) + 2}</td>" in text
    assert not Questionnaire.objects.exists()


def test_two_rounds_compared_and_the_questionnaire_given_back_as_xlsform(cast: Cast, as_persona: Any) -> None:
    first = make_round(cast)
    second = make_round(cast, first.questionnaire, title="Baseline 2026")
    client = as_persona("coordinator_a")
    page = client.get(reverse("assessments:compare", args=[second.pk]), {"against": first.pk})
    assert "Share in “Baseline 2025”" in page.content.decode()
    back = client.get(reverse("assessments:xlsform", args=[first.questionnaire_id]))
    book = load_workbook(io.BytesIO(back.content))
    assert book.sheetnames == ["survey", "choices", "settings"]
    assert [c.value for c in book["survey"][1]][:3] == ["type", "name", "label::English (en)"]


def test_the_command_line_imports_a_form(cast: Cast, tmp_path: Any) -> None:
    path = tmp_path / "kobo.xlsx"
    path.write_bytes(xlsform(version="9"))
    out = io.StringIO()
    call_command(
        "assessments", "import", str(path), "--organisation", str(cast.orgs["coordinator_lv"].pk), stdout=out
    )
    assert Questionnaire.objects.get().version == "9"
    assert "baseline_municipal" in out.getvalue()


def test_a_colleagues_save_in_between_is_not_overwritten(cast: Cast, as_persona: Any) -> None:
    response = make_round(cast).responses.get(organisation=cast.org_a)
    url = reverse("assessments:response", args=[response.pk])
    first = as_persona("caseworker_a").post(url, {"action": "save", "q:identifies": "yes", "revision": "0"})
    assert first.status_code == 302
    late = as_persona("supervisor_a").post(url, {"action": "save", "q:identifies": "no", "revision": "0"})
    assert late.status_code == 400
    page = late.content.decode()
    assert "A colleague saved this response" in page
    assert 'name="revision" value="1"' in page  # saving again keeps the second colleague's answers
    assert Response.objects.get(pk=response.pk).answers == {"identifies": "yes"}


def test_the_country_profile_links_to_the_rounds_of_its_municipalities(cast: Cast, as_persona: Any) -> None:
    round_ = make_round(cast)
    page = as_persona("caseworker_b").get(reverse("hub:country_detail", args=["LT"])).content.decode()
    assert reverse("assessments:compare", args=[round_.pk]) in page
    iceland = as_persona("caseworker_b").get(reverse("hub:country_detail", args=["IS"])).content.decode()
    assert reverse("assessments:compare", args=[round_.pk]) not in iceland


def test_the_comparison_reads_a_fixed_number_of_queries_however_many_respond(
    cast: Cast, as_persona: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    round_ = make_round(cast)
    client = as_persona("analyst_a")
    url = reverse("assessments:compare", args=[round_.pk])
    client.get(url)  # the session's first request reads what later ones find cached
    counts = []
    for org, persona in [(cast.org_a, "caseworker_a"), (cast.org_b, "caseworker_b")]:
        response_submit(
            by=cast.users[persona],
            response=round_.responses.get(organisation=org),
            answers=ANSWERS,
            language="en",
        )
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
