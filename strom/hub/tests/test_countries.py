"""Country profiles: one page per country bringing together what the hub's apps know of it."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from strom.actionplans.tests.factories import make_measure, make_plan
from strom.events.tests.factories import make_event
from strom.guidelines.services import country_profile_save
from strom.guidelines.tests.factories import make_guideline
from strom.network.tests.factories import make_service
from strom.pathways.models import PathwayStage
from strom.pathways.services import StepData, pathway_save
from strom.practices.tests.factories import make_practice
from tests.personas import Cast


def _latvia(cast: Cast) -> None:
    country_profile_save(
        by=cast.coordinator_a, country="LV", language="en", legal_framework="Criminal Law, section 154-1."
    )
    country_profile_save(
        by=cast.coordinator_a, country="LV", language="lv", legal_framework="Krimināllikums, 154.¹ pants."
    )
    make_guideline(cast)
    make_guideline(cast, title="Draft on housing", publish=False)
    event = make_event(cast)
    event.country = "LV"
    event.save(update_fields=["country"])
    make_service(cast.orgs["hotline_lv"], name="NRM desk", nrm_focal_point=True, email="nrm@hotline.example")
    pathway_save(
        by=cast.coordinator_a,
        municipality=cast.riga,
        version=0,
        steps=[
            StepData(stage=PathwayStage.DETECTION, agency_name="State Police", contact_person="Jānis Ozols")
        ],
    )
    make_measure(cast, make_plan(cast))
    make_practice(cast)
    make_practice(cast, state="submitted", title="A practice still in review")


def test_a_member_sees_every_part_of_the_profile(cast: Cast, as_persona: Any) -> None:
    _latvia(cast)
    page = as_persona("caseworker_b").get(reverse("hub:country_detail", args=["lv"])).content.decode()
    assert "Criminal Law, section 154-1." in page
    assert "Reflection and recovery period" in page or "reflection" in page.lower()
    assert "National Coordinator&#x27;s Office (LV)" in page or "National Coordinator's Office (LV)" in page
    assert "Latvian Trafficking Hotline" in page
    assert "NRM desk" in page
    assert "nrm@hotline.example" in page
    assert "Rīga" in page
    assert "Identifying victims in municipal services" in page
    assert "Draft on housing" not in page
    assert "Local Action against Human Trafficking" in page
    assert "Identification training for social workers" in page
    assert "Shelter places for men during the reflection period" in page
    assert "A practice still in review" not in page
    # The pathway's contact person stays on the pathway's own page.
    assert "Jānis Ozols" not in page


def test_the_legal_framework_follows_the_readers_language(cast: Cast, as_persona: Any) -> None:
    _latvia(cast)
    client = as_persona("caseworker_a")
    client.cookies["strom_language"] = "lv"
    assert "Krimināllikums" in client.get(reverse("hub:country_detail", args=["LV"])).content.decode()
    data = client.get("/api/v1/hub/countries/LV", {"lang": "ru"}).json()
    assert data["legal_framework"]["language"] == "en"  # no Russian text: English


def test_a_visitor_without_an_account_sees_published_content_but_no_contacts(cast: Cast) -> None:
    _latvia(cast)
    url = reverse("hub:country_detail", args=["LV"])
    assert Client().get(url).status_code == 302
    with override_settings(STROM_HUB_PUBLIC=True):
        page = Client().get(url).content.decode()
        assert "Criminal Law, section 154-1." in page
        assert "Identifying victims in municipal services" in page
        assert "nrm@hotline.example" not in page
        assert "Identification training for social workers" not in page
        assert "Shelter places for men" not in page  # a members-only practice
        data = Client().get("/api/v1/hub/countries/LV").json()
        assert data["focal_points"] == []
        assert data["pathways"] == []
        assert data["open_measures"] == []
        assert [row["code"] for row in Client().get("/api/v1/hub/countries").json()] == ["LV"]


def test_the_list_names_countries_with_something_to_show(cast: Cast, as_persona: Any) -> None:
    _latvia(cast)
    country_profile_save(
        by=cast.coordinator_b, country="LT", language="en", legal_framework="Criminal Code 147."
    )
    rows = as_persona("analyst_a").get("/api/v1/hub/countries").json()
    by_code = {row["code"]: row for row in rows}
    assert set(by_code) == {"LT", "LV"}
    lv = by_code["LV"]
    assert (lv["guidelines"], lv["events"], lv["practices"], lv["pathways"], lv["plans"]) == (1, 1, 1, 1, 1)
    assert by_code["LT"]["has_profile"]
    assert by_code["LT"]["guidelines"] == 0
    page = as_persona("analyst_a").get(reverse("hub:countries")).content.decode()
    assert "Lithuania" in page
    assert "Latvia" in page


def test_an_unknown_country_is_not_found(cast: Cast, as_persona: Any) -> None:
    assert as_persona("caseworker_a").get(reverse("hub:country_detail", args=["XX"])).status_code == 404
    assert as_persona("caseworker_a").get("/api/v1/hub/countries/XX").status_code == 404


def test_the_profile_page_reads_a_fixed_number_of_queries(cast: Cast, as_persona: Any) -> None:
    _latvia(cast)
    client = as_persona("caseworker_a")
    url = reverse("hub:country_detail", args=["LV"])
    client.get(url)
    with CaptureQueriesContext(connection) as first:
        client.get(url)
    make_guideline(cast, title="Second guideline")
    make_service(cast.orgs["coordinator_lv"], name="TRM desk", trm_focal_point=True)
    make_practice(cast, title="Second practice")
    with CaptureQueriesContext(connection) as second:
        client.get(url)
    assert len(second) == len(first)
