"""No one outside the case sees it: every page and API route of a case and its person, as every persona.

A case of organisation A is seen by A's case workers and supervisors only. Everyone else — the other
organisation's staff, A's hotline operator, national coordinator, analyst and org admin, the system
admin, a user with no membership — gets 404 (401 for anonymous API calls), never a hint that it
exists; the list and every search leave it out.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from strom.audit.models import AuditEntry
from strom.cases.models import Case
from strom.cases.services import identity_document_add
from strom.cases.tests.factories import hotline_supervisor, make_case
from tests.personas import ALL_PERSONAS, Cast

pytestmark = pytest.mark.django_db

INSIDERS = {"caseworker_a", "supervisor_a"}
OUTSIDERS = sorted(set(ALL_PERSONAS) - INSIDERS)


@pytest.fixture
def secret_case(cast: Cast) -> Case:
    case = make_case(cast, given_name="Zaiga", family_name="Kalniņa", contact="+371 2555 5555")
    identity_document_add(
        by=cast.users["caseworker_a"], person=case.person, doc_type="Passport", number="LV777"
    )
    return case


def _web_urls(case: Case) -> list[tuple[str, bool]]:
    """Each page as (url, takes a POST); a random case reference may itself contain "new" or "edit"."""
    ref, pid = {"ref": case.ref}, {"person_id": case.person_id}
    return [
        (reverse("cases:detail", kwargs=ref), False),
        (reverse("cases:detail", kwargs={"ref": case.ref.lower()}), False),
        (reverse("cases:edit", kwargs=ref), True),
        (reverse("cases:person", kwargs=pid), False),
        (reverse("cases:person_edit", kwargs=pid), True),
        (reverse("cases:document_add", kwargs=pid), True),
        (reverse("cases:person_case_open", kwargs=pid), True),
    ]


def _api_urls(case: Case) -> list[tuple[str, str]]:
    ref, pid = {"ref": case.ref}, {"person_id": case.person_id}
    return [
        ("get", reverse("api:case_detail", kwargs=ref)),
        ("patch", reverse("api:case_update", kwargs=ref)),
        ("get", reverse("api:person_detail", kwargs=pid)),
        ("patch", reverse("api:person_update", kwargs=pid)),
        ("post", reverse("api:person_document_add", kwargs=pid)),
    ]


@pytest.mark.parametrize("persona", OUTSIDERS)
def test_no_one_outside_the_case_sees_it(
    cast: Cast, as_persona: Any, secret_case: Case, persona: str
) -> None:
    client = as_persona(persona)
    anonymous = persona == "anonymous"
    for url, takes_post in _web_urls(secret_case):
        response = client.get(url)
        if anonymous:
            assert response.status_code == 302, url
            assert response["Location"].startswith(reverse("accounts:login")), url
        else:
            assert response.status_code == 404, (url, response.status_code)
        assert b"Kalni" not in response.content
        if takes_post:
            # Writes are refused the same way, and change nothing.
            write = client.post(url, {"version": 1, "contact": "x", "number": "X1", "doc_type": "Passport"})
            assert write.status_code == (302 if anonymous else 404), url

    for method, url in _api_urls(secret_case):
        body = {"version": 1, "contact": "x", "doc_type": "Passport", "number": "X1"}
        response = getattr(client, method)(url, body, content_type="application/json")
        assert response.status_code == (401 if anonymous else 404), (method, url, response.status_code)
        assert b"Kalni" not in response.content
        assert b"LV777" not in response.content

    for query in (secret_case.ref, secret_case.ref.lower(), "Zaiga Kalnina", "Kalniņa", "LV777"):
        listing = client.get(reverse("cases:list"), {"q": query})
        if listing.status_code == 200:  # the case users of org B and the hotline operators have a list
            assert listing.context["page"].rows == []
        api = client.get(reverse("api:case_list"), {"q": query})
        assert api.status_code in (200, 401, 404)
        assert api.status_code != 200 or api.json()["items"] == []

    secret_case.refresh_from_db()
    assert secret_case.version == 1
    assert secret_case.person.contact == "+371 2555 5555"
    assert secret_case.person.documents.count() == 1
    # Nothing was shown, so nothing of it was recorded as seen by this persona.
    user = cast.users.get(persona)
    assert not AuditEntry.objects.filter(
        action__in=["case.view", "person.view"], actor_id=getattr(user, "pk", -1)
    )


@pytest.mark.parametrize("persona", sorted(INSIDERS))
def test_the_organisations_case_workers_and_supervisors_see_it(
    as_persona: Any, secret_case: Case, persona: str
) -> None:
    client = as_persona(persona)
    for url, _ in _web_urls(secret_case)[:1] + _web_urls(secret_case)[2:]:
        assert client.get(url).status_code == 200, url
    assert b"Kalni" in client.get(reverse("cases:list"), {"q": "Kalnina"}).content
    assert client.get(reverse("api:case_detail", kwargs={"ref": secret_case.ref})).status_code == 200


def test_the_hotline_operator_who_opened_it_does_not_see_it_afterwards(cast: Cast, as_persona: Any) -> None:
    case = make_case(cast, org="hotline_lv", owner=hotline_supervisor(cast))
    client = as_persona("hotline_a")
    assert client.get(reverse("cases:detail", kwargs={"ref": case.ref})).status_code == 404
    assert case.ref.encode() not in client.get(reverse("cases:list")).content


def test_every_tab_of_the_case_page_is_in_the_authorisation_test() -> None:
    from strom.cases.tests.routes import CASE_PARTS
    from strom.core.registry import case_sections

    assert {section.name for section in case_sections()} | {"person", "timeline"} == set(CASE_PARTS)
