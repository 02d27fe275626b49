"""Perpetrators: only for users holding case.edit in the case's organisation (not the hotline
operator who owns the case), encrypted names, exact same-name matches across the organisation."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from strom.casefile import access, services
from strom.casefile.models import Perpetrator
from strom.casefile.selectors import casefile_sections_context, same_name_elsewhere
from strom.cases.tests.factories import hotline_supervisor, make_case
from strom.core.errors import NotAllowed
from tests.personas import Cast

pytestmark = pytest.mark.django_db


def test_hotline_owner_sees_the_case_but_not_its_perpetrators(cast: Cast, as_persona: Any) -> None:
    case = make_case(cast, org="hotline_lv")  # opened, and so held, by hotline_a
    services.perpetrator_add(by=hotline_supervisor(cast), case=case, name="Synthetic Recruiter")
    hotline = cast.users["hotline_a"]
    assert access.can_see_perpetrators(hotline, case) is False
    context = casefile_sections_context(hotline, case)
    assert context["casefile_perpetrators"] == []
    assert context["casefile_may_see_perpetrators"] is False
    client = as_persona("hotline_a")
    page = client.get(reverse("casefile:overview", kwargs={"ref": case.ref}))
    assert page.status_code == 200
    assert "Synthetic Recruiter" not in page.content.decode()
    assert "casefile-perpetrators" not in page.content.decode()
    assert client.get(reverse("api:casefile_perpetrator_list", kwargs={"ref": case.ref})).status_code == 404
    assert client.get(reverse("casefile:perpetrator_create", kwargs={"ref": case.ref})).status_code == 404
    with pytest.raises(NotAllowed):
        services.perpetrator_add(by=hotline, case=case, name="Someone")


def test_case_workers_of_the_organisation_see_perpetrators(cast: Cast, as_persona: Any) -> None:
    case = make_case(cast)
    services.perpetrator_add(
        by=cast.users["caseworker_a"], case=case, name="Synthetic Recruiter", roles=["Exploiter"]
    )
    for persona in ("caseworker_a", "supervisor_a"):
        page = as_persona(persona).get(reverse("casefile:overview", kwargs={"ref": case.ref}))
        assert "Synthetic Recruiter" in page.content.decode()


def test_names_and_details_are_encrypted(cast: Cast) -> None:
    p = services.perpetrator_add(
        by=cast.users["caseworker_a"],
        case=make_case(cast),
        name="Synthetic Recruiter",
        aliases="Syn\nRec",
        details="Drove her to Tallinn",
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, aliases, details, name_index FROM casefile_perpetrator WHERE id = %s", [p.pk]
        )
        name, aliases, details, index = cursor.fetchone()
    assert all(v.startswith("v1$") for v in (name, aliases, details))
    assert "Recruiter" not in name
    assert "Tallinn" not in details
    assert len(index) == 64


def test_a_perpetrator_needs_something_recorded(cast: Cast) -> None:
    with pytest.raises(ValidationError) as exc:
        services.perpetrator_add(by=cast.users["caseworker_a"], case=make_case(cast))
    assert "name" in exc.value.message_dict


def test_same_name_in_other_cases_of_the_organisation_is_found_across_scripts(cast: Cast) -> None:
    worker = cast.users["caseworker_a"]
    first, second, elsewhere = make_case(cast), make_case(cast), make_case(cast, "b")
    p = services.perpetrator_add(by=worker, case=first, name="Юрий Петров")
    services.perpetrator_add(by=worker, case=second, name="Jurijs Petrovs")
    services.perpetrator_add(by=cast.users["caseworker_b"], case=elsewhere, name="Yuri Petrov")
    assert same_name_elsewhere(worker, first, [p]) == {p.pk: [second.ref]}


def test_edit_updates_the_name_index(cast: Cast) -> None:
    case = make_case(cast)
    p = services.perpetrator_add(by=cast.users["caseworker_a"], case=case, name="Anna")
    p.case = case
    before = p.name_index
    services.perpetrator_update(by=cast.users["caseworker_a"], perpetrator=p, version=1, name="Berta")
    assert Perpetrator.objects.get(pk=p.pk).name_index not in ("", before)


def test_api_create_and_list(cast: Cast, as_persona: Any) -> None:
    case = make_case(cast)
    client = as_persona("supervisor_a")
    url = reverse("api:casefile_perpetrator_create", kwargs={"ref": case.ref})
    created = client.post(
        url,
        {
            "name": "Synthetic Broker",
            "aliases": ["S. B."],
            "roles": ["BrokerTravelAgent"],
            "relationship": "Acquainted",
            "nationality": "EE",
        },
        content_type="application/json",
    )
    assert created.status_code == 201
    assert created.json()["aliases"] == ["S. B."]
    bad = client.post(url, {"roles": ["Wizard"]}, content_type="application/json")
    assert bad.status_code == 422
    bad = client.post(url, {"nationality": "XX", "name": "x"}, content_type="application/json")
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["pointer"] == "#/nationality"
    listed = client.get(reverse("api:casefile_perpetrator_list", kwargs={"ref": case.ref}))
    assert [p["name"] for p in listed.json()] == ["Synthetic Broker"]
