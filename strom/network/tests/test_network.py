from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from strom.audit.actors import NETWORK_IMPORT
from strom.audit.models import AuditEntry
from strom.core.errors import NotAllowed
from strom.directory.models import Municipality
from strom.network.csvio import ImportFailed, export_text, import_csv
from strom.network.models import NetworkService, ServiceType
from strom.network.selectors import network_search
from strom.network.services import service_create, service_update, service_update_capacity
from strom.network.tests.factories import make_service
from strom.support.choices import ServiceType as SupportServiceType
from tests.personas import Cast

pytestmark = pytest.mark.django_db
RIGA_TZ = ZoneInfo("Europe/Riga")


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    # Messages are compared in English; another test in the same worker may have left Latvian active.
    with translation.override("en"):
        yield


def names(qs: Any) -> set[str]:
    return {s.name for s in qs}


def test_the_taxonomy_holds_every_support_plan_service_type_with_the_same_value() -> None:
    for member in SupportServiceType:
        assert ServiceType(member.value).label == member.label
    assert {"LawEnforcement", "LabourInspection", "MigrationAuthority", "EmbassyConsulate"} <= set(
        ServiceType.values
    )


def test_municipality_filter_finds_services_naming_it_or_covering_its_country(cast: Cast) -> None:
    jurmala = Municipality.objects.create(country="LV", name="Jūrmala", code="JUR")
    make_service(cast.org_a, name="Riga only", municipalities=[cast.riga])
    make_service(cast.org_a, name="All Latvia", countries=["LV"])
    make_service(cast.org_b, name="Vilnius only", municipalities=[cast.vilnius])
    user = cast.users["caseworker_b"]
    assert names(network_search(user, municipality=cast.riga)) == {"Riga only", "All Latvia"}
    assert names(network_search(user, municipality=jurmala)) == {"All Latvia"}
    assert names(network_search(user, municipality=cast.vilnius)) == {"Vilnius only"}


def test_language_free_places_and_eligibility_filters(cast: Cast) -> None:
    make_service(cast.org_a, name="Russian speaking, full", languages=["ru"], free_places=0)
    make_service(
        cast.org_a, name="Latvian, free, children", languages=["lv"], free_places=2, for_children=True
    )
    user = cast.users["caseworker_a"]
    assert names(network_search(user, language="ru")) == {"Russian speaking, full"}
    assert names(network_search(user, free_places=True)) == {"Latvian, free, children"}
    assert names(network_search(user, eligibility="children")) == {"Latvian, free, children"}


def test_open_now_uses_the_riga_time_of_the_given_moment(cast: Cast) -> None:
    make_service(cast.org_a, name="Hotline", open_247=True)
    make_service(cast.org_a, name="Office", hours=[{"day": 0, "opens": "09:00", "closes": "17:00"}])
    user = cast.users["caseworker_a"]
    # Monday 2026-11-23 10:00 in Riga is 08:00 UTC; 22:00 in Riga is after closing.
    monday_morning = dt.datetime(2026, 11, 23, 10, 0, tzinfo=RIGA_TZ)
    monday_night = dt.datetime(2026, 11, 23, 22, 0, tzinfo=RIGA_TZ)
    tuesday_morning = monday_morning + dt.timedelta(days=1)
    assert names(network_search(user, open_now=True, now=monday_morning)) == {"Hotline", "Office"}
    assert names(network_search(user, open_now=True, now=monday_night)) == {"Hotline"}
    assert names(network_search(user, open_now=True, now=tuesday_morning)) == {"Hotline"}


def test_outsiders_see_no_service_and_inactive_ones_are_hidden_from_other_organisations(cast: Cast) -> None:
    make_service(cast.org_a, name="Closed down", is_active=False)
    assert names(network_search(cast.users["outsider"])) == set()
    assert names(network_search(cast.users["caseworker_b"])) == set()
    assert names(network_search(cast.users["orgadmin_a"])) == {"Closed down"}


def _create(cast: Cast, **fields: Any) -> NetworkService:
    base: dict[str, Any] = {"service_type": "SafeAccommodation", "name": "Riga shelter"}
    base.update(fields)
    return service_create(by=cast.users["orgadmin_a"], organisation=cast.org_a, **base)


def test_invalid_codes_and_times_are_explained(cast: Cast) -> None:
    with pytest.raises(ValidationError) as exc:
        _create(
            cast,
            countries=["XX"],
            languages=["Russian"],
            hours=[{"day": 0, "opens": "17:00", "closes": "09:00"}],
            service_type="Astrology",
        )
    errors = exc.value.message_dict
    assert "“XX” is not an ISO 3166 country code." in errors["countries"]
    assert "“russian” is not an ISO 639 language code." in errors["languages"]
    assert "The closing time must be after the opening time (17:00 to 09:00)." in errors["hours"]
    assert "service_type" in errors
    assert not NetworkService.objects.exists()


def test_free_places_cannot_exceed_capacity_and_capacity_cannot_drop_below_them(cast: Cast) -> None:
    service = _create(cast, capacity=5)
    with pytest.raises(ValidationError) as exc:
        service_update_capacity(by=cast.users["caseworker_a"], service=service, free_places=6)
    assert "between 0 and 5" in exc.value.message_dict["free_places"][0]
    service_update_capacity(by=cast.users["caseworker_a"], service=service, free_places=4)
    with pytest.raises(ValidationError) as exc:
        service_update(by=cast.users["orgadmin_a"], service=service, capacity=3)
    assert "There are 4 free places now" in exc.value.message_dict["capacity"][0]


def test_capacity_update_is_audited_and_shown_with_its_time(cast: Cast, as_persona: Any) -> None:
    service = _create(cast, capacity=5)
    client = as_persona("caseworker_a")
    response = client.post(
        reverse("network:capacity", args=[service.pk]), {"free_places": "3"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert b"3 free places" in response.content
    assert b"updated just now" in response.content
    service.refresh_from_db()
    assert (service.free_places, service.updated_by) == (3, cast.users["caseworker_a"])
    entry = AuditEntry.objects.get(action="network.capacity_update")
    assert entry.object_ref == str(service.pk)
    assert entry.actor_id == cast.users["caseworker_a"].pk
    page = client.get(reverse("network:list"))
    assert b"3 free places, <time" in page.content


def test_case_worker_of_another_organisation_cannot_update_free_places(cast: Cast) -> None:
    service = _create(cast, capacity=5)
    with pytest.raises(NotAllowed):
        service_update_capacity(by=cast.users["caseworker_b"], service=service, free_places=1)


def test_org_b_admin_cannot_edit_an_org_a_service(cast: Cast, as_persona: Any) -> None:
    service = _create(cast)
    client = as_persona("orgadmin_b")
    assert client.get(reverse("network:edit", args=[service.pk])).status_code == 404
    response = client.patch(
        f"/api/v1/network/services/{service.pk}", {"name": "Taken over"}, content_type="application/json"
    )
    assert response.status_code == 404
    with pytest.raises(NotAllowed):
        service_update(by=cast.users["orgadmin_b"], service=service, name="Taken over")
    service.refresh_from_db()
    assert service.name == "Riga shelter"


def test_edit_page_saves_hours_coverage_and_bumps_the_version(cast: Cast, as_persona: Any) -> None:
    service = _create(cast)
    response = as_persona("orgadmin_a").post(
        reverse("network:edit", args=[service.pk]),
        {
            "service_type": "SafeAccommodation",
            "name": "Riga shelter",
            "countries": "lv",
            "municipalities": [cast.riga.pk],
            "languages": "lv, RU",
            "hours": "Mon 09:00-17:00\nsat 10:00-12:00",
            "capacity": "6",
            "for_women": "on",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    service.refresh_from_db()
    assert service.countries == ["LV"]
    assert service.languages == ["lv", "ru"]
    assert service.hours == [
        {"day": 0, "opens": "09:00", "closes": "17:00"},
        {"day": 5, "opens": "10:00", "closes": "12:00"},
    ]
    assert list(service.municipalities.all()) == [cast.riga]
    assert service.version == 2
    assert AuditEntry.objects.filter(action="network.service_update").count() == 1


def test_list_filters_through_htmx_return_only_the_results(cast: Cast, as_persona: Any) -> None:
    make_service(cast.org_a, name="Riga shelter", municipalities=[cast.riga])
    make_service(cast.org_b, name="Vilnius shelter", municipalities=[cast.vilnius])
    response = as_persona("caseworker_b").get(
        reverse("network:list"), {"municipality": cast.riga.pk}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert b"Riga shelter" in response.content
    assert b"Vilnius shelter" not in response.content
    assert b"<html" not in response.content


def test_freshness_lists_the_stalest_first(cast: Cast, as_persona: Any) -> None:
    fresh = make_service(cast.org_a, name="Fresh")
    service_update_capacity(by=NETWORK_IMPORT, service=fresh, free_places=1)
    make_service(cast.org_a, name="Never updated")
    content = as_persona("coordinator_b").get(reverse("network:freshness")).content.decode()
    assert content.index("Never updated") < content.index("Fresh")


CSV_HEADER = (
    "organisation,organisation_country,service_type,name,languages,municipalities,capacity,free_places"
)


def test_csv_round_trip_recreates_the_directory(cast: Cast) -> None:
    service = make_service(
        cast.org_a,
        name="Riga shelter",
        countries=["LV"],
        municipalities=[cast.riga],
        hours=[{"day": 1, "opens": "08:00", "closes": "20:00"}],
        nrm_focal_point=True,
    )
    text = export_text(NetworkService.objects.all())
    NetworkService.objects.all().delete()
    assert import_csv(text.encode()) == (1, 0)
    copy = NetworkService.objects.get()
    for field in (
        "name",
        "countries",
        "languages",
        "hours",
        "capacity",
        "free_places",
        "nrm_focal_point",
        "phone",
    ):
        assert getattr(copy, field) == getattr(service, field), field
    assert list(copy.municipalities.all()) == [cast.riga]
    assert import_csv(text.encode()) == (0, 1)


def test_import_is_all_or_nothing_and_names_row_column_value_and_why(cast: Cast) -> None:
    text = "\n".join(
        [
            CSV_HEADER,
            "Riga Social Service,LV,SafeAccommodation,Good shelter,lv,LV:RIX,5,2",
            "Nobody,LV,SafeAccommodation,Ghost shelter,lv,,5,2",
            "Riga Social Service,LV,SafeAccommodation,Bad shelter,lv,LV:XXX,five,",
            "Riga Social Service,LV,SafeAccommodation,Too full,lv,,2,3",
        ]
    )
    with pytest.raises(ImportFailed) as exc:
        import_csv(text.encode())
    found = {(e.row, e.column, e.value) for e in exc.value.errors}
    assert (3, "organisation", "Nobody") in found
    assert (4, "capacity", "five") in found
    assert (4, "municipalities", "LV:XXX") in found
    assert any(e.row == 5 and e.column == "free_places" for e in exc.value.errors)
    assert not NetworkService.objects.exists()


def test_cli_export_and_import(cast: Cast, tmp_path: Any) -> None:
    make_service(cast.org_a, name="Riga shelter")
    out = tmp_path / "network.csv"
    call_command("network", "export", "--out", str(out), stdout=io.StringIO())
    NetworkService.objects.all().delete()
    call_command("network", "import", str(out), stdout=io.StringIO())
    assert names(NetworkService.objects.all()) == {"Riga shelter"}


def test_export_download_holds_only_what_the_user_sees(cast: Cast, as_persona: Any) -> None:
    make_service(cast.org_a, name="Visible shelter")
    make_service(cast.org_a, name="Hidden shelter", is_active=False)
    response = as_persona("caseworker_b").get(reverse("network:export"))
    assert response["Content-Type"].startswith("text/csv")
    body = response.content.decode()
    assert "Visible shelter" in body
    assert "Hidden shelter" not in body


def test_api_filters_create_and_capacity(cast: Cast, as_persona: Any) -> None:
    make_service(cast.org_b, name="Vilnius shelter", municipalities=[cast.vilnius])
    admin = as_persona("orgadmin_a")
    created = admin.post(
        "/api/v1/network/services",
        {
            "organisation_id": cast.org_a.pk,
            "service_type": "SafeAccommodation",
            "name": "Riga shelter",
            "municipality_ids": [cast.riga.pk],
            "capacity": 4,
            "hours": [{"day": 0, "opens": "09:00", "closes": "17:00"}],
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    service_id = created.json()["id"]
    listed = as_persona("caseworker_b").get("/api/v1/network/services", {"municipality_id": cast.riga.pk})
    assert [item["name"] for item in listed.json()["items"]] == ["Riga shelter"]
    worker = as_persona("caseworker_a")
    updated = worker.post(
        f"/api/v1/network/services/{service_id}/capacity", {"free_places": 2}, content_type="application/json"
    )
    assert updated.status_code == 200
    assert updated.json()["free_places"] == 2
    assert updated.json()["free_places_updated_at"]
    too_many = worker.post(
        f"/api/v1/network/services/{service_id}/capacity", {"free_places": 9}, content_type="application/json"
    )
    assert too_many.status_code == 422


def test_list_and_detail_query_counts_do_not_grow_with_services(cast: Cast, as_persona: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = as_persona("caseworker_a")
    first = make_service(cast.org_a, name="Shelter 0", municipalities=[cast.riga])

    def count(url: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    count(reverse("network:list"))  # the first request of a session writes the session
    few = count(reverse("network:list"))
    detail = count(reverse("network:detail", args=[first.pk]))
    for number in range(1, 6):
        make_service(cast.org_b, name=f"Shelter {number}", municipalities=[cast.riga, cast.vilnius])
    assert count(reverse("network:list")) == few
    assert count(reverse("network:detail", args=[first.pk])) == detail


def test_service_covers_and_accepts_follow_the_filter_rules(cast: Cast) -> None:
    from strom.network.selectors import service_accepts, service_covers

    national = make_service(cast.org_a, name="All Latvia", countries=["LV"], for_children=True)
    local = make_service(cast.org_b, name="Vilnius only", municipalities=[cast.vilnius], for_adults=True)
    assert service_covers(national, cast.riga)
    assert not service_covers(national, cast.vilnius)
    assert service_covers(local, cast.vilnius)
    assert not service_covers(local, cast.riga)
    assert service_accepts(national, child=True)
    assert not service_accepts(local, child=True)
    assert service_accepts(local, child=False)
