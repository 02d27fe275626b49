from __future__ import annotations

import json
from io import StringIO
from typing import Any

from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse

from strom.guidelines.models import SectionText
from strom.guidelines.services import draft_start
from strom.guidelines.tests.factories import make_guideline
from tests.personas import Cast


def test_a_reader_gets_the_chosen_language_and_the_original_where_it_is_missing(
    cast: Cast, as_persona: Any
) -> None:
    guideline = make_guideline(cast)
    page = as_persona("caseworker_b").get(reverse("guidelines:detail", args=[guideline.slug]), {"lang": "lv"})
    text = page.content.decode()
    assert "Pazīmes" in text  # the Latvian section
    assert "Whom to call" in text  # the second, only in English
    assert "shown in the original language (English)" in text
    assert 'lang="en"' in text


def test_a_visitor_without_an_account_reads_only_where_the_hub_is_public(cast: Cast) -> None:
    guideline = make_guideline(cast)
    draft_only = make_guideline(cast, title="Unpublished", publish=False)
    url = reverse("guidelines:detail", args=[guideline.slug])
    assert Client().get(url).status_code == 302
    assert Client().get("/api/v1/guidelines/").status_code == 401
    with override_settings(STROM_HUB_PUBLIC=True):
        assert "Signs to look for" in Client().get(url).content.decode()
        assert Client().get(reverse("guidelines:detail", args=[draft_only.slug])).status_code == 404
        listed = Client().get("/api/v1/guidelines/").json()
        assert [row["slug"] for row in listed] == [guideline.slug]
        assert Client().get(reverse("guidelines:draft", args=[guideline.slug])).status_code == 302


def test_the_side_by_side_editor_shows_the_source_and_saves_the_target(cast: Cast, as_persona: Any) -> None:
    guideline = make_guideline(cast)
    draft = draft_start(by=cast.coordinator_a, guideline=guideline)
    first, second = draft.sections.order_by("position")
    client = as_persona("coordinator_a")
    url = reverse("guidelines:translate", args=[guideline.slug, "lv"])
    page = client.get(url).content.decode()
    assert "Debt bondage, no documents." in page  # the English source, read-only
    assert f'name="{second.key}-heading"' in page
    assert "Not translated yet" in page
    response = client.post(
        url,
        {
            "title": "Upuru identificēšana",
            f"{first.key}-heading": "Pazīmes",
            f"{first.key}-body": "Parādu verdzība.",
            f"{second.key}-heading": "Kam zvanīt",
            f"{second.key}-body": "Valsts uzticības tālrunim.",
        },
    )
    assert response.status_code == 302
    assert SectionText.objects.get(section=second, language="lv").heading == "Kam zvanīt"
    assert draft.texts.get(language="lv").title == "Upuru identificēšana"
    # The original changes: the translation is marked on the editor.
    save = reverse("guidelines:section_save", args=[guideline.slug, second.key])
    response = client.post(
        save,
        {f"{second.key}-heading": "Whom to call", f"{second.key}-body": "The hotline, day and night."},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert "Saved." in response.content.decode()
    assert "Needs update" in client.get(url).content.decode()


def test_the_versions_page_compares_two_versions(cast: Cast, as_persona: Any) -> None:
    guideline = make_guideline(cast)
    client = as_persona("coordinator_a")
    draft = draft_start(by=cast.coordinator_a, guideline=guideline)
    key = draft.sections.order_by("position")[1].key
    client.post(
        reverse("guidelines:section_save", args=[guideline.slug, key]),
        {f"{key}-heading": "Whom to call", f"{key}-body": "The national hotline, day and night."},
    )
    client.post(reverse("guidelines:publish", args=[guideline.slug]), {"note": "Hours of the hotline"})
    page = (
        as_persona("caseworker_a").get(reverse("guidelines:versions", args=[guideline.slug])).content.decode()
    )
    assert "Hours of the hotline" in page
    assert "+The national hotline, day and night." in page
    assert "-The national hotline." in page


def test_the_list_filters_by_country_and_language(cast: Cast, as_persona: Any) -> None:
    make_guideline(cast)
    client = as_persona("analyst_b")
    assert "Identifying victims" in client.get(reverse("guidelines:list"), {"country": "LV"}).content.decode()
    assert (
        "Identifying victims"
        not in client.get(reverse("guidelines:list"), {"country": "region"}).content.decode()
    )
    assert (
        "Identifying victims"
        not in client.get(reverse("guidelines:list"), {"language": "ru"}).content.decode()
    )


def test_the_api_reads_a_guideline_in_a_language(cast: Cast, as_persona: Any) -> None:
    guideline = make_guideline(cast)
    data = as_persona("caseworker_b").get(f"/api/v1/guidelines/{guideline.slug}", {"lang": "lv"}).json()
    assert data["title_fallback"] is True
    assert [(s["heading"], s["fallback"]) for s in data["sections"]] == [
        ("Pazīmes", False),
        ("Whom to call", True),
    ]


def test_the_command_lists_shows_and_exports(cast: Cast) -> None:
    guideline = make_guideline(cast)
    out = StringIO()
    call_command("guidelines", "list", stdout=out)
    assert f"{guideline.slug}\tLV\ten,lv\tv1" in out.getvalue()
    out = StringIO()
    call_command("guidelines", "show", guideline.slug, "--lang", "lv", stdout=out)
    assert "Pazīmes" in out.getvalue()
    assert "Whom to call [en]" in out.getvalue()
    out = StringIO()
    call_command("guidelines", "export", guideline.slug, stdout=out)
    exported = json.loads(out.getvalue())
    assert exported["versions"][0]["sections"][0]["texts"]["lv"]["heading"] == "Pazīmes"


def test_the_list_reads_a_fixed_number_of_queries(cast: Cast, as_persona: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_guideline(cast)
    client = as_persona("caseworker_a")
    client.get(reverse("guidelines:list"))
    with CaptureQueriesContext(connection) as first:
        client.get(reverse("guidelines:list"))
    make_guideline(cast, title="A second guideline")
    with CaptureQueriesContext(connection) as second:
        client.get(reverse("guidelines:list"))
    assert len(second) == len(first)


def test_a_reader_is_told_when_a_translation_lags_behind_its_original(cast: Cast, as_persona: Any) -> None:
    guideline = make_guideline(cast)
    client = as_persona("coordinator_a")
    draft = draft_start(by=cast.coordinator_a, guideline=guideline)
    key = draft.sections.order_by("position")[0].key
    client.post(
        reverse("guidelines:section_save", args=[guideline.slug, key]),
        {f"{key}-heading": "Signs to look for", f"{key}-body": "Debt bondage, no documents, no pay."},
    )
    client.post(reverse("guidelines:publish", args=[guideline.slug]))
    url = reverse("guidelines:detail", args=[guideline.slug])
    page = as_persona("caseworker_a").get(url, {"lang": "lv"}).content.decode()
    assert "was changed after it was translated" in page
    data = as_persona("caseworker_a").get(f"/api/v1/guidelines/{guideline.slug}", {"lang": "lv"}).json()
    assert [s["outdated"] for s in data["sections"]] == [True, False]
