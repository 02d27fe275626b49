"""The directory of organisations: pages, services and API."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from strom.audit.models import AuditEntry
from strom.core.errors import NotAllowed
from strom.core.roles import OrgType
from strom.directory.models import Municipality, Organisation
from strom.directory.services import UNSET, municipality_create, organisation_create, organisation_update
from tests.personas import Cast

# --- pages ---


# The cast's organisations by country, in the directory's order (tests/personas.py).
LT_NAMES = [
    "Lithuanian Trafficking Hotline",
    "National Coordinator's Office (LT)",
    "Vilnius Institute for Migration Research",
    "Vilnius Support Centre",
]
LV_NAMES = [
    "Latvian Trafficking Hotline",
    "National Coordinator's Office (LV)",
    "National Rapporteur's Office (LV)",
    "Riga Safe House",
    "Riga Social Service",
]


def _names(response: Any) -> list[str]:
    return [o.name for o in response.context["page"].object_list]


def test_every_member_sees_the_directory(cast: Cast, as_persona: Any) -> None:
    response = as_persona("analyst_b").get(reverse("directory:list"))
    # LT sorts before LV, then by name.
    assert _names(response) == [*LT_NAMES, *LV_NAMES]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"country": "LV"}, LV_NAMES),
        ({"org_type": "NGO"}, ["Vilnius Support Centre"]),
        ({"q": "support"}, ["Vilnius Support Centre"]),
        ({"q": "riga", "country": "LT"}, []),
    ],
)
def test_directory_filters(cast: Cast, as_persona: Any, query: dict[str, str], expected: list[str]) -> None:
    assert _names(as_persona("caseworker_a").get(reverse("directory:list"), query)) == expected


def test_filtering_with_htmx_returns_only_the_results(cast: Cast, as_persona: Any) -> None:
    response = as_persona("caseworker_a").get(
        reverse("directory:list"), {"country": "LV"}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert "Riga Social Service" in body
    assert "<html" not in body
    assert "HX-Request" in response["Vary"]


def test_inactive_organisations_are_listed_for_system_admins_only(cast: Cast, as_persona: Any) -> None:
    Organisation.objects.filter(pk=cast.org_b.pk).update(is_active=False)
    assert "Vilnius Support Centre" not in _names(as_persona("caseworker_a").get(reverse("directory:list")))
    assert "Vilnius Support Centre" in _names(as_persona("sysadmin").get(reverse("directory:list")))
    detail = reverse("directory:detail", args=[cast.org_b.pk])
    assert as_persona("caseworker_a").get(detail).status_code == 404


def test_directory_list_query_count_does_not_grow_with_organisations(cast: Cast, as_persona: Any) -> None:
    client = as_persona("caseworker_a")
    client.get(reverse("directory:list"))  # warm the session

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("directory:list")).status_code == 200
        return len(ctx.captured_queries)

    before = count()
    for i in range(5):
        Organisation.objects.create(
            name=f"Shelter {i}", org_type=OrgType.SHELTER, country="LV", municipality=cast.riga
        )
    assert count() == before


def test_detail_links_to_users_only_for_those_who_may_see_them(cast: Cast, as_persona: Any) -> None:
    url = reverse("directory:detail", args=[cast.org_a.pk])
    users_link = reverse("accounts:user_list") + f"?organisation={cast.org_a.pk}"
    assert users_link in as_persona("orgadmin_a").get(url).content.decode()
    assert users_link in as_persona("supervisor_a").get(url).content.decode()
    assert users_link not in as_persona("caseworker_a").get(url).content.decode()
    assert users_link not in as_persona("orgadmin_b").get(url).content.decode()


def test_detail_shows_type_country_and_municipality(cast: Cast, as_persona: Any) -> None:
    body = as_persona("caseworker_b").get(reverse("directory:detail", args=[cast.org_a.pk])).content.decode()
    for text in ("Riga Social Service", "Municipality", "Latvia", "Rīga"):
        assert text in body


def test_org_admin_edits_own_organisation(cast: Cast, as_persona: Any) -> None:
    response = as_persona("orgadmin_a").post(
        reverse("directory:edit", args=[cast.org_a.pk]),
        {"name": "Riga City Social Service", "org_type": "LocalGovernmentOrganisation", "municipality": ""},
    )
    assert response.status_code == 302
    cast.org_a.refresh_from_db()
    assert (cast.org_a.name, cast.org_a.org_type, cast.org_a.municipality_id) == (
        "Riga City Social Service",
        "LocalGovernmentOrganisation",
        None,
    )
    entry = AuditEntry.objects.get(action="organisation.update")
    assert entry.details == {"fields": ["municipality", "name", "org_type"]}
    assert entry.organisation_id == cast.org_a.pk


def test_edit_form_offers_only_municipalities_of_the_country(cast: Cast, as_persona: Any) -> None:
    response = as_persona("orgadmin_a").post(
        reverse("directory:edit", args=[cast.org_a.pk]),
        {"name": "Riga Social Service", "org_type": "Municipality", "municipality": cast.vilnius.pk},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["municipality"]
    cast.org_a.refresh_from_db()
    assert cast.org_a.municipality_id == cast.riga.pk


def test_system_admin_creates_organisation_and_municipality(cast: Cast, as_persona: Any) -> None:
    client = as_persona("sysadmin")
    response = client.post(
        reverse("directory:municipality_create"), {"country": "EE", "name": "Tallinn", "code": "tll"}
    )
    assert response.status_code == 302
    tallinn = Municipality.objects.get(country="EE", name="Tallinn")
    assert tallinn.code == "TLL"
    response = client.post(
        reverse("directory:create"),
        {"name": "Tallinn Shelter", "org_type": "Shelter", "country": "EE", "municipality": tallinn.pk},
    )
    assert response.status_code == 302
    assert Organisation.objects.filter(name="Tallinn Shelter", municipality=tallinn).exists()
    assert set(AuditEntry.objects.values_list("action", flat=True)) >= {
        "municipality.create",
        "organisation.create",
    }


def test_create_form_errors_are_listed_and_nothing_is_saved(cast: Cast, as_persona: Any) -> None:
    response = as_persona("sysadmin").post(
        reverse("directory:create"),
        {
            "name": "Riga Social Service",
            "org_type": "Municipality",
            "country": "LV",
            "municipality": cast.vilnius.pk,
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["name"]
    assert errors["municipality"]
    assert 'class="error-summary"' in response.content.decode()
    assert Organisation.objects.count() == len(LT_NAMES) + len(LV_NAMES)  # the cast's


# --- services ---


def test_municipality_must_be_in_the_organisations_country(cast: Cast) -> None:
    with pytest.raises(ValidationError) as exc:
        organisation_create(
            by=cast.sysadmin, name="X", org_type="NGO", country="LV", municipality=cast.vilnius
        )
    assert "municipality" in exc.value.message_dict


@pytest.mark.parametrize("country", ["XX", "lvv", "", "EU"])
def test_country_must_be_an_iso_code(cast: Cast, country: str) -> None:
    with pytest.raises(ValidationError) as exc:
        organisation_create(by=cast.sysadmin, name="X", org_type="NGO", country=country)
    assert "country" in exc.value.message_dict


def test_names_are_unique_per_country_ignoring_case(cast: Cast) -> None:
    with pytest.raises(ValidationError):
        organisation_create(by=cast.sysadmin, name="riga social  service", org_type="NGO", country="LV")
    # The same name in another country is fine.
    assert organisation_create(by=cast.sysadmin, name="Riga Social Service", org_type="NGO", country="EE").pk


def test_only_system_admins_create(cast: Cast) -> None:
    with pytest.raises(NotAllowed):
        organisation_create(by=cast.orgadmin_a, name="X", org_type="NGO", country="LV")
    with pytest.raises(NotAllowed):
        municipality_create(by=cast.orgadmin_a, country="LV", name="Daugavpils", code="DGP")


def test_org_admin_cannot_update_another_organisation(cast: Cast) -> None:
    with pytest.raises(NotAllowed):
        organisation_update(by=cast.orgadmin_b, organisation=cast.org_a, name="Mine now")


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"name": "Rīga", "code": "RIG"}, "name"),
        ({"name": "Jūrmala", "code": "RIX"}, "code"),
        ({"name": "Jūrmala", "code": "J"}, "code"),
        ({"name": "", "code": "JUR"}, "name"),
    ],
)
def test_municipality_validation(cast: Cast, data: dict[str, str], field: str) -> None:
    with pytest.raises(ValidationError) as exc:
        municipality_create(by=cast.sysadmin, country="LV", **data)
    assert field in exc.value.message_dict
    assert Municipality.objects.count() == 2


def test_update_without_changes_writes_no_audit_entry(cast: Cast) -> None:
    organisation_update(
        by=cast.orgadmin_a, organisation=cast.org_a, name="Riga Social Service", municipality=UNSET
    )
    assert not AuditEntry.objects.filter(action="organisation.update").exists()


# --- API ---


def test_api_list_is_paginated_and_filtered(cast: Cast, as_persona: Any) -> None:
    body = as_persona("caseworker_a").get("/api/v1/organisations", {"country": "lt", "q": "support"}).json()
    assert body["count"] == 1
    item = body["items"][0]
    assert item == {
        "id": cast.org_b.pk,
        "name": "Vilnius Support Centre",
        "org_type": "NGO",
        "country": "LT",
        "municipality": {"id": cast.vilnius.pk, "country": "LT", "name": "Vilnius", "code": "VNO"},
        "is_active": True,
    }


def test_api_create_and_patch(cast: Cast, as_persona: Any) -> None:
    sysadmin = as_persona("sysadmin")
    created = sysadmin.post(
        "/api/v1/organisations",
        data={
            "name": "Riga Shelter",
            "org_type": "Shelter",
            "country": "LV",
            "municipality_id": cast.riga.pk,
        },
        content_type="application/json",
    )
    assert created.status_code == 201
    org_id = created.json()["id"]
    patched = sysadmin.patch(
        f"/api/v1/organisations/{org_id}", data={"municipality_id": None}, content_type="application/json"
    )
    assert patched.status_code == 200
    assert patched.json()["municipality"] is None
    assert patched.json()["name"] == "Riga Shelter"  # fields not sent stay as they were


def test_api_patch_unknown_municipality_is_422(cast: Cast, as_persona: Any) -> None:
    response = as_persona("orgadmin_a").patch(
        f"/api/v1/organisations/{cast.org_a.pk}",
        data={"municipality_id": 999999},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["pointer"] == "#/municipality_id"


def test_api_patch_null_name_is_422(cast: Cast, as_persona: Any) -> None:
    response = as_persona("orgadmin_a").patch(
        f"/api/v1/organisations/{cast.org_a.pk}", data={"name": None}, content_type="application/json"
    )
    assert response.status_code == 422
    cast.org_a.refresh_from_db()
    assert cast.org_a.name == "Riga Social Service"
