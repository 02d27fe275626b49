"""Saving, seeing and converting screenings: pages, services and API."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from strom.audit.models import AuditEntry
from strom.cases.models import Case, Person
from strom.cases.tests.factories import make_case
from strom.core.errors import NotAllowed
from strom.core.registry import timeline_for
from strom.screening import indicators
from strom.screening.models import IndicatorSetVersion, Screening
from strom.screening.selectors import screening_page
from strom.screening.services import screening_convert, screening_create
from tests.personas import Cast

PRESUMED = ["ADL-DR-01", "ADL-DR-02", "ADL-EX-01", "ADL-EX-02", "ADL-CD-01", "ADL-CD-02"]

pytestmark = pytest.mark.django_db


def _anonymous(cast: Cast, by: str = "caseworker_a", **extra: Any) -> Screening:
    # For the screener's own organisation (a hotline operator's is their hotline).
    org = cast.users[by].memberships.get().organisation
    return screening_create(
        by=cast.users[by], indicator_set_id="ilo-adult-labour", observed=PRESUMED, organisation=org, **extra
    )


# --- services ------------------------------------------------------------------------------------------


def test_saving_records_set_version_result_snapshot_and_an_audit_entry_without_content(cast: Cast) -> None:
    screening = _anonymous(cast, notes="Met at the bus station; passport held by the foreman.")
    assert (screening.indicator_set_id, screening.indicator_set_version) == ("ilo-adult-labour", 1)
    assert screening.level == "strong"
    assert screening.result["rule"] == "ilo-2009/2"
    assert screening.rule_version == 2
    assert screening.anonymous
    assert screening.case is None
    entry = AuditEntry.objects.get(action="screening.create", object_ref=str(screening.pk))
    assert "bus station" not in json.dumps(entry.details)
    with connection.cursor() as cursor:
        cursor.execute("SELECT notes::text FROM screening_screening WHERE id = %s", [screening.pk])
        assert "bus station" not in cursor.fetchone()[0]


def test_an_analyst_cannot_screen(cast: Cast) -> None:
    with pytest.raises(NotAllowed):
        screening_create(
            by=cast.analyst_a, indicator_set_id="ilo-adult-labour", observed=[], organisation=cast.org_a
        )


def test_a_worker_cannot_screen_for_another_organisation(cast: Cast) -> None:
    with pytest.raises(NotAllowed):
        screening_create(
            by=cast.caseworker_a, indicator_set_id="ilo-adult-labour", observed=[], organisation=cast.org_b
        )


def test_unknown_indicator_ids_save_nothing(cast: Cast) -> None:
    with pytest.raises(ValidationError):
        screening_create(
            by=cast.caseworker_a,
            indicator_set_id="ilo-adult-labour",
            observed=["CHS-DR-01"],
            organisation=cast.org_a,
        )
    assert not Screening.objects.exists()


def test_screening_on_a_child_case_applies_the_child_rule(cast: Cast) -> None:
    case = make_case(cast, age_estimate=15)
    observed = ["ADL-CR-01", "ADL-CR-02", "ADL-EX-01", "ADL-EX-02"]  # recruitment + exploitation, no means
    screening = screening_create(
        by=cast.caseworker_a, indicator_set_id="ilo-adult-labour", observed=observed, case=case
    )
    assert screening.result["child"] is True
    assert screening.level == "strong"
    assert screening.organisation == case.organisation
    assert not screening.anonymous


def test_a_case_can_be_screened_several_times_and_each_appears_on_its_timeline(cast: Cast) -> None:
    case = make_case(cast)
    first = screening_create(
        by=cast.caseworker_a, indicator_set_id="ilo-adult-labour", observed=["ADL-DR-01"], case=case
    )
    second = screening_create(
        by=cast.supervisor_a, indicator_set_id="ilo-adult-labour", observed=PRESUMED, case=case
    )
    items = [i for i in timeline_for(cast.caseworker_a, case) if i.kind == "screening"]
    assert [i.url for i in items] == [
        reverse("screening:detail", kwargs={"screening_id": second.pk}),
        reverse("screening:detail", kwargs={"screening_id": first.pk}),
    ]
    assert items[0].title.startswith("Screening: Strong indications")
    assert items[1].title.startswith("Screening: Some indications")


def test_nobody_outside_the_case_may_screen_on_it(cast: Cast) -> None:
    case = make_case(cast)
    with pytest.raises(NotAllowed):
        screening_create(by=cast.caseworker_b, indicator_set_id="ilo-adult-labour", observed=[], case=case)


def test_convert_opens_person_and_case_and_links_the_screening(cast: Cast) -> None:
    screening = _anonymous(cast, gender="Feminine")
    case = screening_convert(
        by=cast.caseworker_a, screening=screening, municipality=cast.riga, given_name="Jūlija"
    )
    screening.refresh_from_db()
    assert screening.case == case
    assert screening.converted_at is not None
    assert case.person.given_name == "Jūlija"
    assert case.person.gender == "Feminine"
    assert case.forms_of_exploitation == ["ForcedLabour"]
    assert AuditEntry.objects.filter(action="screening.convert", object_ref=str(screening.pk)).exists()
    assert any(i.kind == "screening" for i in timeline_for(cast.caseworker_a, case))


def test_convert_presumes_a_child_when_the_pre_screening_said_under_18(cast: Cast) -> None:
    screening = _anonymous(cast, age_band="12-17")
    case = screening_convert(by=cast.caseworker_a, screening=screening, municipality=cast.riga)
    assert case.is_child
    assert case.child_basis == "presumed"


def test_a_failed_conversion_saves_nothing(cast: Cast) -> None:
    screening = _anonymous(cast)
    with pytest.raises(ValidationError):
        screening_convert(
            by=cast.caseworker_a, screening=screening, municipality=cast.vilnius, given_name="Anna"
        )  # municipality in the wrong country: case_open refuses after the person was made
    screening.refresh_from_db()
    assert screening.case is None
    assert not Person.objects.exists()
    assert not Case.objects.exists()


def test_a_screening_converts_only_once(cast: Cast) -> None:
    screening = _anonymous(cast)
    screening_convert(by=cast.caseworker_a, screening=screening, municipality=cast.riga)
    with pytest.raises(ValidationError, match="already been converted"):
        screening_convert(by=cast.caseworker_a, screening=screening, municipality=cast.riga)
    assert Case.objects.count() == 1


def test_an_old_screening_reads_the_same_after_a_new_version_of_its_list(cast: Cast) -> None:
    screening = _anonymous(cast)
    v1 = indicators.get_set("ilo-adult-labour", 1)
    # Version 2 demotes the indicators this screening ticked: a stored row, as a publication makes.
    document = indicators.to_document(v1) | {"version": 2}
    for raw in document["indicators"]:
        if raw["id"] in PRESUMED:
            raw["strength"] = "weak"
    IndicatorSetVersion.objects.create(
        set_id="ilo-adult-labour", version=2, document=document, source_document="test"
    )
    assert indicators.get_set("ilo-adult-labour").version == 2
    screening.refresh_from_db()
    assert screening.scored().level == "strong"
    assert screening.indicator_set().version == 1
    assert screening.indicator_set().indicator(PRESUMED[0]).strength != "weak"


# --- visibility and pages -------------------------------------------------------------------------------


def test_visibility_creator_org_case_workers_and_case_viewers(cast: Cast) -> None:
    by_hotline = _anonymous(cast, by="hotline_a")  # the Latvian hotline's, not organisation A's
    in_org_a = _anonymous(cast)
    on_case_b = screening_create(
        by=cast.caseworker_b, indicator_set_id="ilo-adult-labour", observed=[], case=make_case(cast, org="b")
    )
    visible = {
        u: set(Screening.objects.visible_to(cast.users[u]).values_list("pk", flat=True)) for u in cast.users
    }
    assert visible["hotline_a"] == {by_hotline.pk}
    assert visible["caseworker_a"] == visible["supervisor_a"] == {in_org_a.pk}
    assert visible["caseworker_b"] == visible["supervisor_b"] == {on_case_b.pk}
    for name in ("hotline_b", "analyst_a", "orgadmin_a", "sysadmin", "coordinator_a", "outsider"):
        assert visible[name] == set(), name


def test_the_checklist_has_no_name_field_and_groups_indicators_by_dimension(as_persona: Any) -> None:
    page = as_persona("hotline_a").get(reverse("screening:new"), {"set": "ilo-adult-labour"}).content.decode()
    assert 'name="given_name"' not in page
    assert 'name="family_name"' not in page
    assert page.count("<fieldset") >= 6
    assert "<legend><h2>Coercion at destination</h2></legend>" in page
    assert '<label for="ind-ADL-DR-01">' in page
    assert '<span class="badge">Strong</span>' in page
    assert 'aria-live="polite"' in page
    assert "hx-post=" in page


def test_the_preview_shows_the_result_and_saves_nothing(as_persona: Any) -> None:
    client = as_persona("caseworker_a")
    response = client.post(
        reverse("screening:preview") + "?set=ilo-adult-labour", {"observed": PRESUMED}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert "Strong indications" in body
    assert "This is a recommendation; the decision is made by a person." in body
    assert "<html" not in body
    assert not Screening.objects.exists()


def test_the_no_script_preview_button_saves_nothing(as_persona: Any) -> None:
    client = as_persona("caseworker_a")
    response = client.post(
        reverse("screening:new") + "?set=ilo-adult-labour", {"observed": PRESUMED, "action": "preview"}
    )
    assert response.status_code == 200
    assert "Strong indications" in response.content.decode()
    assert not Screening.objects.exists()


def test_saving_from_the_page_redirects_to_the_result(cast: Cast, as_persona: Any) -> None:
    client = as_persona("caseworker_a")
    response = client.post(
        reverse("screening:new") + "?set=ilo-adult-labour",
        {"observed": PRESUMED, "age_band": "25-39", "notes": "Synthetic note"},
    )
    screening = Screening.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("screening:detail", args=[screening.pk])
    page = client.get(response["Location"]).content.decode()
    assert "Synthetic note" in page
    assert "The decision is yours" in page
    assert AuditEntry.objects.filter(action="screening.view", object_ref=str(screening.pk)).exists()


def test_a_tampered_indicator_id_is_an_error_on_the_page(as_persona: Any) -> None:
    response = as_persona("caseworker_a").post(
        reverse("screening:new") + "?set=ilo-adult-labour", {"observed": ["ADL-DR-01", "EVIL"]}
    )
    assert response.status_code == 200
    assert "error-summary" in response.content.decode()
    assert not Screening.objects.exists()


def test_screening_on_a_case_from_the_page(cast: Cast, as_persona: Any) -> None:
    case = make_case(cast)
    url = reverse("screening:new") + f"?set=ilo-adult-labour&case={case.ref}"
    page = as_persona("caseworker_a").get(url).content.decode()
    assert 'name="age_band"' not in page  # the case already knows the person
    as_persona("caseworker_a").post(url, {"observed": PRESUMED})
    assert Screening.objects.get().case == case
    assert as_persona("caseworker_b").get(url).status_code == 404


def test_convert_page_opens_the_case(cast: Cast, as_persona: Any) -> None:
    screening = _anonymous(cast)
    response = as_persona("supervisor_a").post(
        reverse("screening:convert", args=[screening.pk]),
        {"given_name": "Anna", "family_name": "Bērziņa", "gender": "Feminine", "municipality": cast.riga.pk},
    )
    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:detail", kwargs={"ref": case.ref})


def test_list_uses_keyset_pages_with_a_fixed_number_of_queries(cast: Cast, as_persona: Any) -> None:
    made = [_anonymous(cast).pk for _ in range(5)]
    page = screening_page(cast.caseworker_a, size=2)
    assert [s.pk for s in page.screenings] == made[::-1][:2]
    older = screening_page(cast.caseworker_a, before=page.older, size=2)
    assert [s.pk for s in older.screenings] == made[::-1][2:4]
    assert older.newer == made[2]
    client = as_persona("caseworker_a")
    client.get(reverse("screening:list"))  # warm the session and permission caches
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("screening:list"))
    for _ in range(10):
        _anonymous(cast)
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("screening:list"))
    assert response.status_code == 200
    assert len(many) == len(few)


# --- API ------------------------------------------------------------------------------------------------


def _post(client: Any, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, data=body, content_type="application/json")


def test_api_lists_sets_with_versions_and_returns_one(as_persona: Any) -> None:
    client = as_persona("analyst_a")
    sets = client.get(reverse("api:screening_indicator_sets")).json()
    adult = next(s for s in sets if s["id"] == "ilo-adult-labour")
    assert adult["versions"] == [1]
    assert adult["indicator_count"] == 67
    detail = client.get(reverse("api:screening_indicator_set", args=["ilo-adult-labour", 1])).json()
    assert detail["indicators"][0]["strength"] in {"strong", "medium", "weak"}
    assert client.get(reverse("api:screening_indicator_set", args=["ilo-adult-labour", 9])).status_code == 404


def test_api_score_is_stateless_and_refuses_unknown_ids_with_422(as_persona: Any) -> None:
    client = as_persona("caseworker_a")
    url = reverse("api:screening_score")
    result = _post(client, url, {"indicator_set_id": "ilo-adult-labour", "observed": PRESUMED}).json()
    assert result["level"] == "strong"
    assert result["is_recommendation"] is True
    cd = next(d for d in result["dimensions"] if d["id"] == "CD")
    assert cd["positive"]
    assert cd["drivers"] == ["ADL-CD-01", "ADL-CD-02"]
    bad = _post(client, url, {"indicator_set_id": "ilo-adult-labour", "observed": ["NOPE"]})
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["pointer"] == "#/observed"
    missing = _post(client, url, {"indicator_set_id": "nope", "observed": []})
    assert missing.status_code == 422
    assert not Screening.objects.exists()


def test_api_save_read_and_convert(cast: Cast, as_persona: Any) -> None:
    client = as_persona("caseworker_a")
    created = _post(
        client,
        reverse("api:screening_create"),
        {
            "indicator_set_id": "ilo-child-sexual",
            "observed": ["CHS-DR-01"],
            "age_band": "12-17",
            "notes": "n",
        },
    )
    assert created.status_code == 201
    body = created.json()
    assert body["anonymous"]
    assert body["result"]["child"]
    assert body["result"]["level"] == "some"
    read = client.get(reverse("api:screening_detail", args=[body["id"]])).json()
    assert read["notes"] == "n"
    converted = _post(
        client, reverse("api:screening_convert", args=[body["id"]]), {"municipality_id": cast.riga.pk}
    )
    assert converted.status_code == 201
    case = Case.objects.get(ref=converted.json()["case_ref"])
    assert case.is_child
    again = _post(
        client, reverse("api:screening_convert", args=[body["id"]]), {"municipality_id": cast.riga.pk}
    )
    assert again.status_code == 422
    on_case = _post(
        client,
        reverse("api:screening_create"),
        {"indicator_set_id": "ilo-adult-labour", "observed": PRESUMED, "case_ref": case.ref},
    ).json()
    assert on_case["case_ref"] == case.ref
    assert on_case["result"]["child"] is True
