"""Trafficking events: partial dates in order and not in the future, value sets, chronological
order, the union of forms of exploitation, pages and API (happy paths, 422, conflicts)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from strom.audit.models import AuditEntry
from strom.casefile import services
from strom.casefile.models import TraffickingEvent
from strom.casefile.selectors import events_for, forms_of_exploitation_for
from strom.cases.services import EditConflict
from strom.cases.tests.factories import make_case
from tests.personas import Cast

pytestmark = pytest.mark.django_db


def record(cast: Cast, case: Any, **data: Any) -> TraffickingEvent:
    data.setdefault("event_type", "Exploitation")
    return services.event_record(by=cast.users["caseworker_a"], case=case, **data)


def test_end_date_before_start_date_is_refused(cast: Cast) -> None:
    with pytest.raises(ValidationError) as exc:
        record(cast, make_case(cast), date_from=dt.date(2023, 5, 10), date_to=dt.date(2023, 5, 1))
    assert exc.value.message_dict == {"date_to": ["The end date cannot be before the start date."]}
    assert not TraffickingEvent.objects.exists()


def test_future_dates_are_refused(cast: Cast) -> None:
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(ValidationError) as exc:
        record(cast, make_case(cast), date_from=tomorrow, date_to=tomorrow)
    assert exc.value.message_dict["date_from"] == ["The start date cannot be in the future."]
    assert exc.value.message_dict["date_to"] == ["The end date cannot be in the future."]


def test_a_month_that_contains_the_start_day_is_a_valid_end(cast: Cast) -> None:
    event = record(
        cast,
        make_case(cast),
        date_from=dt.date(2023, 5, 20),
        date_to=dt.date(2023, 5, 1),
        date_to_precision="month",
    )
    assert event.period_display.startswith("20 May 2023")
    assert event.period_display.endswith("May 2023")


def test_partial_dates_are_stored_as_the_first_day_of_their_period(cast: Cast) -> None:
    event = record(cast, make_case(cast), date_from=dt.date(2021, 7, 14), date_from_precision="year")
    assert event.date_from == dt.date(2021, 1, 1)
    assert event.period_display == "from 2021"


def test_unknown_values_and_sexual_types_without_sexual_exploitation_are_refused(cast: Cast) -> None:
    with pytest.raises(ValidationError) as exc:
        record(
            cast,
            make_case(cast),
            forms_of_exploitation=["ForcedLabour", "Nonsense"],
            sex_exploitation_types=["Prostitution"],
            means_of_control=["DebtBondage", "Magic"],
            industry="Z_Nothing",
            country="XX",
        )
    assert set(exc.value.message_dict) == {
        "forms_of_exploitation",
        "means_of_control",
        "industry",
        "country",
        "sex_exploitation_types",
    }


def test_events_are_listed_chronologically_with_undated_last(cast: Cast) -> None:
    case = make_case(cast)
    undated = record(cast, case, event_type="Transit")
    late = record(cast, case, date_from=dt.date(2023, 3, 1))
    early = record(cast, case, event_type="Recruitment", date_from=dt.date(2022, 11, 1))
    assert list(events_for(case)) == [early, late, undated]


def test_forms_of_exploitation_for_is_the_union_of_case_and_events(cast: Cast) -> None:
    case = make_case(cast, forms_of_exploitation=["ForcedBegging"])
    record(cast, case, forms_of_exploitation=["SexualExploitation"])
    record(cast, case, forms_of_exploitation=["ForcedLabour", "SexualExploitation"])
    assert forms_of_exploitation_for(case) == ["ForcedLabour", "SexualExploitation", "ForcedBegging"]


def test_city_street_postal_code_and_description_are_encrypted(cast: Cast) -> None:
    event = record(
        cast,
        make_case(cast),
        city="Rēzekne",
        street="Atbrīvošanas aleja 1",
        postal_code="LV-4601",
        description="Worked in a synthetic warehouse",
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT city, street, postal_code, description FROM casefile_traffickingevent WHERE id = %s",
            [event.pk],
        )
        city, street, postal_code, description = cursor.fetchone()
    for value in (city, street, postal_code, description):
        assert value.startswith("v1$")
    assert "zekne" not in city
    assert "Atbr" not in street
    assert "4601" not in postal_code
    assert "warehouse" not in description


def test_stale_version_is_refused_with_the_changed_fields(cast: Cast) -> None:
    event = record(cast, make_case(cast), city="Riga")
    services.event_update(by=cast.users["supervisor_a"], event=event, version=1, city="Jelgava")
    with pytest.raises(EditConflict) as exc:
        services.event_update(by=cast.users["caseworker_a"], event=event, version=1, city="Liepāja")
    assert [(c.field, c.stored) for c in exc.value.changes] == [("city", "Jelgava")]
    assert exc.value.stored_version == 2


def test_edits_are_audited_with_field_names_only(cast: Cast) -> None:
    event = record(cast, make_case(cast), description="first")
    services.event_update(by=cast.users["caseworker_a"], event=event, version=1, description="second secret")
    entry = AuditEntry.objects.get(action="event.update")
    assert entry.details == {"event": event.pk, "fields": ["description"]}


def test_event_page_records_partial_dates_and_redirects(cast: Cast, as_persona: Any) -> None:
    case = make_case(cast)
    client = as_persona("caseworker_a")
    url = reverse("casefile:event_create", kwargs={"ref": case.ref})
    response = client.post(
        url,
        {
            "event_type": "Recruitment",
            "date_from": "2022-09",
            "date_to": "2022",
            "country": "LV",
            "city": "Daugavpils",
            "recruitment_methods": ["ThroughOnlineSocialNetworks"],
            "websites_and_apps": ["Telegram"],
        },
    )
    assert response.status_code == 302
    event = TraffickingEvent.objects.get(case=case)
    assert (event.date_from, event.date_from_precision) == (dt.date(2022, 9, 1), "month")
    assert (event.date_to, event.date_to_precision) == (dt.date(2022, 1, 1), "year")


def test_event_page_shows_date_errors_in_the_summary(cast: Cast, as_persona: Any) -> None:
    case = make_case(cast)
    client = as_persona("caseworker_a")
    url = reverse("casefile:event_create", kwargs={"ref": case.ref})
    response = client.post(url, {"event_type": "Transit", "date_from": "2023-05-10", "date_to": "2023-04"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "data-error-summary" in html
    assert 'href="#id_date_to"' in html
    assert "The end date cannot be before the start date." in html
    response = client.post(url, {"event_type": "Transit", "date_from": "10.05.2023"})
    assert "Enter a date as YYYY-MM-DD" in response.content.decode()
    assert not TraffickingEvent.objects.exists()


def test_edit_page_keeps_input_after_a_conflict_and_shows_the_stored_value(
    cast: Cast, as_persona: Any
) -> None:
    event = record(cast, make_case(cast), city="Riga")
    services.event_update(by=cast.users["supervisor_a"], event=event, version=1, city="Jelgava")
    url = reverse("casefile:event_edit", kwargs={"ref": event.case.ref, "event_id": event.pk})
    response = as_persona("caseworker_a").post(
        url, {"event_type": "Exploitation", "city": "Liepāja", "version": 1}
    )
    html = response.content.decode()
    assert "Someone else saved this" in html
    assert "Jelgava" in html
    assert 'value="Liepāja"' in html
    assert 'name="version" value="2"' in html


def test_api_create_list_and_patch(cast: Cast, as_persona: Any) -> None:
    case = make_case(cast)
    client = as_persona("caseworker_a")
    url = reverse("api:casefile_event_create", kwargs={"ref": case.ref})
    created = client.post(
        url,
        {
            "event_type": "Exploitation",
            "date_from": "2023-02",
            "country": "FI",
            "forms_of_exploitation": ["ForcedLabour"],
            "industry": "A_AgricultureForestryAndFishing",
            "means_of_control": ["WithholdsDocuments", "DebtBondage"],
        },
        content_type="application/json",
    )
    assert created.status_code == 201
    body = created.json()
    assert body["date_from"] == "2023-02"
    assert body["means_of_control"] == [
        "DebtBondage",
        "WithholdsDocuments",
    ]
    patch_url = reverse("api:casefile_event_update", kwargs={"ref": case.ref, "event_id": body["id"]})
    patched = client.patch(
        patch_url, {"version": 1, "date_to": "2023-08-31", "industry": None}, content_type="application/json"
    )
    assert patched.status_code == 200
    assert patched.json()["date_to"] == "2023-08-31"
    assert patched.json()["industry"] is None
    stale = client.patch(patch_url, {"version": 1, "city": "Turku"}, content_type="application/json")
    assert stale.status_code == 409
    assert stale.json()["stored_version"] == 2
    listed = client.get(reverse("api:casefile_event_list", kwargs={"ref": case.ref}))
    assert [e["id"] for e in listed.json()] == [body["id"]]
    assert (
        AuditEntry.objects.filter(action="case.view", object_ref=case.ref, details__section="events").count()
        == 1
    )


def test_api_refuses_bad_events_with_422(cast: Cast, as_persona: Any) -> None:
    case = make_case(cast)
    client = as_persona("caseworker_a")
    url = reverse("api:casefile_event_create", kwargs={"ref": case.ref})
    future = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    response = client.post(
        url, {"event_type": "Transit", "date_from": future}, content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"pointer": "#/date_from", "detail": "The start date cannot be in the future."}
    ]
    response = client.post(url, {"event_type": "Holiday"}, content_type="application/json")
    assert response.status_code == 422
    response = client.post(
        url, {"event_type": "Transit", "date_from": "2023-13"}, content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["pointer"] == "#/date_from"
    assert not TraffickingEvent.objects.exists()
