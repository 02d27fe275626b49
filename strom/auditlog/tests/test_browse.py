"""Browsing the audit log: who sees which entries, filters, keyset pages, htmx partials, the API."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from strom.audit.models import AuditEntry
from strom.audit.services import audit_record
from strom.auditlog.selectors import PAGE_SIZE

pytestmark = pytest.mark.django_db


def _seed(cast: Any) -> dict[str, AuditEntry]:
    return {
        "a": audit_record(
            actor=cast.users["caseworker_a"],
            action="case.open",
            object_type="case",
            object_ref="A-1",
            organisation_id=cast.org_a.pk,
        ),
        "b": audit_record(
            actor=cast.users["caseworker_b"],
            action="case.open",
            object_type="case",
            object_ref="B-1",
            organisation_id=cast.org_b.pk,
        ),
        "login_a": audit_record(actor=cast.users["supervisor_a"], action="user.login"),
        "login_b": audit_record(actor=cast.users["supervisor_b"], action="user.login"),
        "cli": audit_record(actor=None, action="keys.rotate", object_type="key", object_ref="k2"),
    }


def _shown(client: Client, **params: Any) -> set[int]:
    response = client.get("/audit/", params, headers={"HX-Request": "true"})
    assert response.status_code == 200
    return {entry.seq for entry in response.context["page"].entries}


def test_org_admin_sees_own_organisation_and_own_members_entries_only(cast: Any, as_persona: Any) -> None:
    seeded = _seed(cast)
    shown = _shown(as_persona("orgadmin_a"))
    assert seeded["a"].seq in shown
    assert seeded["login_a"].seq in shown
    assert not {seeded["b"].seq, seeded["login_b"].seq, seeded["cli"].seq} & shown


def test_system_admin_sees_everything_and_can_narrow_to_one_organisation(cast: Any, as_persona: Any) -> None:
    seeded = _seed(cast)
    client = as_persona("sysadmin")
    assert {e.seq for e in seeded.values()} <= _shown(client)
    assert _shown(client, organisation=cast.org_b.pk) == {seeded["b"].seq}


def test_filters_by_actor_action_and_object(cast: Any, as_persona: Any) -> None:
    seeded = _seed(cast)
    client = as_persona("sysadmin")
    assert _shown(client, actor="CASEWORKER_A@example.test") == {seeded["a"].seq}
    assert _shown(client, action="user.login") == {seeded["login_a"].seq, seeded["login_b"].seq}
    assert _shown(client, object_type="case", object_ref="B-1") == {seeded["b"].seq}


def test_date_filter_includes_both_days_and_rejects_a_reversed_range(cast: Any, as_persona: Any) -> None:
    seeded = _seed(cast)
    client = as_persona("sysadmin")
    today = timezone.localdate()
    assert seeded["a"].seq in _shown(client, date_from=today.isoformat(), date_to=today.isoformat())
    assert not _shown(client, date_from=(today + timedelta(days=1)).isoformat())

    before = AuditEntry.objects.count()
    response = client.get(
        "/audit/", {"date_from": today.isoformat(), "date_to": (today - timedelta(days=1)).isoformat()}
    )
    assert response.status_code == 200
    assert "The last day must be on or after the first day." in response.content.decode()
    assert 'href="#id_date_to"' in response.content.decode()
    assert response.context["page"].entries == []
    assert AuditEntry.objects.count() == before  # nothing was shown, nothing to record


def test_keyset_pages_walk_older_and_back_newer(cast: Any, as_persona: Any) -> None:
    made = [
        audit_record(actor=None, action="test.page", organisation_id=cast.org_a.pk)
        for _ in range(PAGE_SIZE + 10)
    ]
    client = as_persona("orgadmin_a")
    first = client.get("/audit/", {"action": "test.page"}).context["page"]
    assert [e.seq for e in first.entries] == [e.seq for e in reversed(made)][:PAGE_SIZE]
    assert first.newer is None
    assert first.older == made[10].seq

    second = client.get("/audit/", {"action": "test.page", "before": first.older}).context["page"]
    assert [e.seq for e in second.entries] == [e.seq for e in reversed(made[:10])]
    assert second.older is None
    assert second.newer == made[9].seq

    back = client.get("/audit/", {"action": "test.page", "after": second.newer}).context["page"]
    assert [e.seq for e in back.entries] == [e.seq for e in first.entries]


def test_query_count_does_not_grow_with_the_page(
    cast: Any, as_persona: Any, django_assert_max_num_queries: Any
) -> None:
    client = as_persona("orgadmin_a")
    audit_record(actor=None, action="test.page", organisation_id=cast.org_a.pk)
    client.get("/audit/")  # warm the session and the caches
    with django_assert_max_num_queries(20) as few:
        client.get("/audit/", {"action": "test.page"})
    for _ in range(PAGE_SIZE):
        audit_record(actor=None, action="test.page", organisation_id=cast.org_a.pk)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/audit/", {"action": "test.page"})


def test_htmx_gets_the_results_partial_and_a_browser_the_whole_page(cast: Any, as_persona: Any) -> None:
    client = as_persona("orgadmin_a")
    full = client.get("/audit/").content.decode()
    partial = client.get("/audit/", headers={"HX-Request": "true"}).content.decode()
    assert "<html" in full
    assert 'id="audit-results"' in full
    assert "<html" not in partial
    assert "<table" in partial


def test_browsing_is_itself_audited_with_filter_names_but_not_values(cast: Any, as_persona: Any) -> None:
    as_persona("orgadmin_a").get("/audit/", {"actor": "caseworker_a@example.test", "object_ref": "A-1"})
    entry = AuditEntry.objects.filter(action="audit.browse").latest("seq")
    assert entry.actor_id == cast.users["orgadmin_a"].pk
    assert entry.organisation_id == cast.org_a.pk
    assert entry.details == {"filters": ["actor", "object_ref"], "page": "first"}
    assert "caseworker_a" not in str(entry.details)


def test_api_lists_visible_entries_with_keyset_pages(cast: Any, as_persona: Any) -> None:
    seeded = _seed(cast)
    client = as_persona("orgadmin_b")
    body = client.get("/api/v1/audit", {"action": "case.open"}).json()
    assert [item["seq"] for item in body["items"]] == [seeded["b"].seq]
    assert body["items"][0]["actor"] == "caseworker_b@example.test"
    assert body["older"] is None

    older = client.get("/api/v1/audit", {"before": seeded["b"].seq, "action": "case.open"}).json()
    assert older["items"] == []
    assert AuditEntry.objects.filter(action="audit.browse", channel="api").count() == 2


def test_api_rejects_a_reversed_date_range_as_problem_json(cast: Any, as_persona: Any) -> None:
    response = as_persona("sysadmin").get(
        "/api/v1/audit", {"date_from": "2026-02-02", "date_to": "2026-02-01"}
    )
    assert response.status_code == 422
    assert response["Content-Type"].startswith("application/problem+json")
    assert response.json()["errors"][0]["pointer"] == "#/date_to"
