from __future__ import annotations

from typing import Any

import pytest

from strom.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_me_describes_the_caller(cast: Any, as_persona: Any) -> None:
    data = as_persona("caseworker_a").get("/api/v1/me").json()
    assert data["email"] == "caseworker_a@example.test"
    assert data["full_name"] == "Caseworker A"
    assert data["two_factor"] is True
    assert data["two_factor_required"] is True
    assert data["memberships"] == [
        {
            "id": cast.caseworker_a.memberships.get().pk,
            "organisation_id": cast.org_a.pk,
            "organisation_name": "Riga Social Service",
            "role": "case_worker",
            "is_active": True,
        }
    ]


def test_users_lists_colleagues_only_with_their_visible_memberships(cast: Any, as_persona: Any) -> None:
    data = as_persona("orgadmin_a").get("/api/v1/users", {"page": 1}).json()
    emails = {u["email"] for u in data["items"]}
    assert "caseworker_a@example.test" in emails
    assert "caseworker_b@example.test" not in emails
    assert data["count"] == len(emails) == 3  # org A: its case worker, supervisor and admin
    for user in data["items"]:
        assert {m["organisation_id"] for m in user["memberships"]} == {cast.org_a.pk}


def test_users_filters_by_name_through_the_blind_index(cast: Any, as_persona: Any) -> None:
    data = as_persona("sysadmin").get("/api/v1/users", {"name": "analyst b"}).json()
    assert [u["email"] for u in data["items"]] == ["analyst_b@example.test"]


def test_user_detail_is_audited_and_hides_other_organisations(cast: Any, as_persona: Any) -> None:
    client = as_persona("orgadmin_a")
    assert client.get(f"/api/v1/users/{cast.caseworker_b.pk}").status_code == 404
    data = client.get(f"/api/v1/users/{cast.caseworker_a.pk}").json()
    assert data["email"] == "caseworker_a@example.test"
    entry = AuditEntry.objects.get(action="user.view")
    assert entry.channel == "api"
    assert entry.object_ref == str(cast.caseworker_a.pk)
