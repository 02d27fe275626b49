"""/api/v1/cases: list and search, opening a case with its person, reading and editing with versions."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from strom.audit.models import AuditEntry
from strom.cases.models import Case, IdentityDocument, Person
from strom.cases.tests.factories import make_case
from tests.personas import Cast

pytestmark = pytest.mark.django_db


def post(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, body, content_type="application/json")


def patch(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.patch(url, body, content_type="application/json")


def create_body(cast: Cast, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "organisation_id": cast.org_a.pk,
        "municipality_id": cast.riga.pk,
        "vic_TypeOfExploitation": ["ForcedLabour"],
        "person": {
            "prs_FirstName": "Jūlija",
            "prs_SecondName": "Ivanova",
            "other_names": ["Юлия Иванова"],
            "prs_Gender": "Feminine",
            "prs_Birthdate": "1998-04-02",
            "prs_Citizenship": ["UA"],
            "languages": ["uk", "ru"],
        },
        "document": {"doc_type": "Passport", "number": "FX 123456", "issuing_country": "UA"},
    }
    body.update(overrides)
    return body


def test_open_a_case_through_the_api(cast: Cast, as_persona: Any) -> None:
    client = as_persona("caseworker_a")
    response = post(client, reverse("api:case_create"), create_body(cast))
    assert response.status_code == 201, response.content
    data = response.json()
    case = Case.objects.get()
    assert data["ref"] == case.ref
    assert data["cas_Status"] == "Active"
    assert data["stage"] == "screening"
    assert data["vic_TypeOfExploitation"] == ["ForcedLabour"]
    assert data["person"]["prs_FirstName"] == "Jūlija"
    assert data["person"]["other_names"] == ["Юлия Иванова"]
    assert data["person"]["documents"][0]["number"] == "FX 123456"
    assert "id" not in data  # cases are named by their reference, never a database id
    assert case.person.family_name == "Ivanova"


@pytest.mark.parametrize(
    ("change", "pointer"),
    [
        ({"person": {"prs_Birthdate": "2999-01-01"}}, "#/person/prs_Birthdate"),
        ({"person": {"prs_Citizenship": ["XX"]}}, "#/person/prs_Citizenship"),
        ({"person": {"believed_child": True}}, "#/person/believed_child"),
        ({"document": {"doc_type": "Passport", "number": "--"}}, "#/document/number"),
        ({"municipality_id": "VILNIUS"}, "#/municipality_id"),
        ({"vic_TypeOfExploitation": ["Nonsense"]}, "#/vic_TypeOfExploitation/0"),
    ],
)
def test_bad_input_answers_422_and_saves_nothing(
    cast: Cast, as_persona: Any, change: dict[str, Any], pointer: str
) -> None:
    body = create_body(cast)
    for key, value in change.items():
        body[key] = {**body[key], **value} if isinstance(body.get(key), dict) else value
    response = post(as_persona("caseworker_a"), reverse("api:case_create"), body)
    assert response.status_code == 422, response.content
    assert response["Content-Type"].startswith("application/problem+json")
    assert pointer in [e["pointer"] for e in response.json()["errors"]]
    assert not Person.objects.exists()
    assert not IdentityDocument.objects.exists()
    assert not Case.objects.exists()


def test_municipality_in_another_country_is_422(cast: Cast, as_persona: Any) -> None:
    response = post(
        as_persona("caseworker_a"),
        reverse("api:case_create"),
        create_body(cast, municipality_id=cast.vilnius.pk),
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["pointer"] == "#/municipality_id"
    assert not Person.objects.exists()


def test_cannot_open_a_case_in_another_organisation(cast: Cast, as_persona: Any) -> None:
    response = post(
        as_persona("caseworker_a"),
        reverse("api:case_create"),
        create_body(cast, organisation_id=cast.org_b.pk, municipality_id=cast.vilnius.pk),
    )
    # A refusal: answered as an organisation that does not exist would be.
    assert response.status_code == 404
    assert not Person.objects.exists()


def test_another_case_for_an_existing_person(cast: Cast, as_persona: Any) -> None:
    first = make_case(cast)
    body = create_body(cast, person=None, person_id=first.person_id, document=None)
    response = post(as_persona("caseworker_a"), reverse("api:case_create"), body)
    assert response.status_code == 201
    assert Case.objects.filter(person=first.person).count() == 2
    other = make_case(cast, org="b")
    body = create_body(cast, person=None, person_id=other.person_id, document=None)
    assert post(as_persona("caseworker_a"), reverse("api:case_create"), body).status_code == 404


def test_list_search_and_pages(cast: Cast, as_persona: Any) -> None:
    wanted = make_case(cast, given_name="Yulia", family_name="Ivanova")
    for _ in range(3):
        make_case(cast)
    make_case(cast, org="b", given_name="Julija", family_name="Ivanova")
    client = as_persona("caseworker_a")
    data = client.get(reverse("api:case_list"), {"q": "Юлия Иванова"}).json()
    assert [item["ref"] for item in data["items"]] == [wanted.ref]
    assert data["items"][0]["person"] == {
        "id": wanted.person_id,
        "prs_FirstName": "Yulia",
        "prs_SecondName": "Ivanova",
    }
    assert (
        client.get(reverse("api:case_list"), {"q": wanted.ref.lower()}).json()["items"][0]["ref"]
        == wanted.ref
    )

    seen: list[str] = []
    cursor = ""
    while True:
        page = client.get(reverse("api:case_list"), {"limit": 3, "cursor": cursor}).json()
        seen += [item["ref"] for item in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert len(seen) == len(set(seen)) == 4
    audited = AuditEntry.objects.filter(action="case.view", details__list="api")
    assert audited.count() == 4  # one per response that showed persons, not one per case


def test_list_filters_are_validated(cast: Cast, as_persona: Any) -> None:
    response = as_persona("caseworker_a").get(reverse("api:case_list"), {"stage": "nonsense"})
    assert response.status_code == 422


def test_get_case_is_audited(cast: Cast, as_persona: Any) -> None:
    case = make_case(cast, age_uncertain=True, believed_child=True)
    data = as_persona("supervisor_a").get(reverse("api:case_detail", kwargs={"ref": case.ref})).json()
    assert data["is_child"] is True
    assert data["child_basis"] == "presumed"
    assert data["cas_CaseOwner"]["id"] == cast.users["caseworker_a"].pk
    assert AuditEntry.objects.filter(action="case.view", object_ref=case.ref).count() == 1


def test_patch_case_with_version_and_conflict(cast: Cast, as_persona: Any) -> None:
    case = make_case(cast)
    url = reverse("api:case_update", kwargs={"ref": case.ref})
    first, second = as_persona("caseworker_a"), as_persona("supervisor_a")
    ok = patch(first, url, {"version": 1, "vic_TypeOfExploitation": ["ForcedBegging"]})
    assert ok.status_code == 200
    assert ok.json()["version"] == 2
    stale = patch(second, url, {"version": 1, "vic_TypeOfExploitation": ["SexualExploitation"]})
    assert stale.status_code == 409
    problem = stale.json()
    assert stale["Content-Type"].startswith("application/problem+json")
    assert problem["changed_fields"] == ["vic_TypeOfExploitation"]
    assert problem["stored_version"] == 2
    assert "ForcedBegging" not in stale.content.decode()
    case.refresh_from_db()
    assert case.forms_of_exploitation == ["ForcedBegging"]


def test_only_supervisors_reassign_through_the_api(cast: Cast, as_persona: Any) -> None:
    case = make_case(cast)
    url = reverse("api:case_update", kwargs={"ref": case.ref})
    refused = patch(
        as_persona("caseworker_a"), url, {"version": 1, "owner_id": cast.users["supervisor_a"].pk}
    )
    assert refused.status_code == 422
    done = patch(as_persona("supervisor_a"), url, {"version": 1, "owner_id": cast.users["supervisor_a"].pk})
    assert done.status_code == 200
    assert done.json()["cas_CaseOwner"]["id"] == cast.users["supervisor_a"].pk


def test_person_read_patch_and_document(cast: Cast, as_persona: Any) -> None:
    case = make_case(cast, given_name="Anna", family_name="Berzina")
    client = as_persona("caseworker_a")
    url = reverse("api:person_detail", kwargs={"person_id": case.person_id})
    data = client.get(url).json()
    assert data["prs_SecondName"] == "Berzina"
    assert AuditEntry.objects.filter(action="person.view", object_ref=str(case.person_id)).count() == 1

    response = patch(
        client,
        reverse("api:person_update", kwargs={"person_id": case.person_id}),
        {
            "version": data["version"],
            "prs_SecondName": "Bērziņa",
            "prs_Birthdate": "2011-05-05",
        },
    )
    assert response.status_code == 200, response.content
    assert response.json()["prs_SecondName"] == "Bērziņa"
    case.refresh_from_db()
    assert case.is_child  # the birth date makes it a child's case
    stale = patch(
        client,
        reverse("api:person_update", kwargs={"person_id": case.person_id}),
        {
            "version": data["version"],
            "contact": "+371 1",
        },
    )
    assert stale.status_code == 409
    assert stale.json()["changed_fields"] == ["contact"]
    assert stale.json()["stored_version"] == 2

    doc = post(
        client,
        reverse("api:person_document_add", kwargs={"person_id": case.person_id}),
        {
            "doc_type": "IdentityCard",
            "number": "LV-1",
            "held_by_person": False,
        },
    )
    assert doc.status_code == 201
    assert doc.json()["held_by_person"] is False
    bad = post(
        client,
        reverse("api:person_document_add", kwargs={"person_id": case.person_id}),
        {
            "doc_type": "IdentityCard",
            "number": "LV-2",
            "issuing_country": "XX",
        },
    )
    assert bad.status_code == 422
    assert IdentityDocument.objects.count() == 1
