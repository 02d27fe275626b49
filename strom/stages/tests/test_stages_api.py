"""The stages API: a case from screening to follow-up through /api/v1, conflicts, other organisations."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from strom.stages.tests.stage_helpers import opened_case

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def _post(client: Any, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, body, content_type="application/json")


def test_a_case_goes_from_screening_to_follow_up_through_the_api(cast: Any, as_persona: Any) -> None:
    case = opened_case(cast)
    base = f"/api/v1/cases/{case.ref}"
    supervisor = as_persona("supervisor_a")
    worker = as_persona("caseworker_a")
    stage = worker.get(f"{base}/stage").json()
    assert stage["stage"] == "screening"
    assert stage["next_stages"][0] == {
        "stage": "reflection",
        "allowed": False,
        "refusal": "Record a positive reasonable-grounds decision before the reflection and recovery "
        "period starts.",
    }
    r = _post(supervisor, f"{base}/decisions/reasonable-grounds", {
        "outcome": "positive", "decided_at": TODAY().isoformat(), "version": stage["version"],
        "start_reflection": True, "reason": "Strong indicators",
    })  # fmt: skip
    assert r.status_code == 201, r.content
    assert r.json()["decided_by_org_type"] == "NonPoliceGovernmentalOrganization"
    stage = worker.get(f"{base}/stage").json()
    assert stage["stage"] == "reflection"
    assert stage["reflection"]["base_days"] == 30
    r = _post(supervisor, f"{base}/decisions/identification", {
        "outcome": "positive", "decided_at": TODAY().isoformat(), "version": stage["version"],
        "decided_by_org_type": "Police",
    })  # fmt: skip
    assert r.status_code == 201, r.content
    assert r.json()["decided_by_user_id"] is None
    stage = worker.get(f"{base}/stage").json()
    assert stage["trafficking_status"] == "ActualVictimOfTrafficking"
    r = _post(worker, f"{base}/stage", {"to_stage": "assistance", "version": stage["version"]})
    assert r.status_code == 200, r.content
    r = _post(worker, f"{base}/return-plans", {"kind": "return", "destination_country": "ua"})
    assert r.status_code == 201
    r = _post(
        worker,
        f"{base}/stage",
        {
            "to_stage": "return_reintegration",
            "version": r.json()["id"] and worker.get(f"{base}/stage").json()["version"],
        },
    )
    assert r.json()["stage"] == "return_reintegration"
    r = _post(
        worker,
        f"{base}/closure",
        {"version": r.json()["version"], "closure_reason": "ReturnedToCountryOfOrigin"},
    )
    assert r.json()["stage"] == "closed"
    r = _post(worker, f"{base}/follow-up", {"version": r.json()["version"], "action": "start"})
    assert (r.json()["stage"], r.json()["status"]) == ("follow_up", "FollowUp")
    tasks = worker.get(f"{base}/tasks").json()
    assert [t["kind"] for t in tasks if t["done_at"] is None and t["cancelled_at"] is None] == [
        "follow_up_contact"
    ] * 3


def test_stale_version_answers_409(cast: Any, as_persona: Any) -> None:
    case = opened_case(cast)
    client = as_persona("caseworker_a")
    other = as_persona("supervisor_a")
    version = case.version
    assert (
        _post(
            client, f"/api/v1/cases/{case.ref}/closure", {"closure_reason": "LostContact", "version": version}
        ).status_code
        == 200
    )
    # The supervisor loaded the case before that and starts follow-up from the old version.
    r = _post(other, f"/api/v1/cases/{case.ref}/follow-up", {"action": "start", "version": version})
    assert r.status_code == 409
    assert r.json()["type"] == "urn:strom:problem:edit-conflict"


def test_refused_move_answers_422_with_the_reason(cast: Any, as_persona: Any) -> None:
    case = opened_case(cast)
    r = _post(
        as_persona("caseworker_a"),
        f"/api/v1/cases/{case.ref}/stage",
        {"to_stage": "assistance", "version": 1},
    )
    assert r.status_code == 422
    assert "cannot move to" in r.json()["errors"][0]["detail"]


def test_permits_proceedings_and_tasks_through_the_api(cast: Any, as_persona: Any) -> None:
    case = opened_case(cast)
    base = f"/api/v1/cases/{case.ref}"
    client = as_persona("caseworker_a")
    r = _post(client, f"{base}/residence-permits", {
        "basis": ["personal_situation"], "applied_on": TODAY().isoformat(), "decision": "granted",
        "decided_on": TODAY().isoformat(), "valid_from": TODAY().isoformat(),
        "valid_until": (TODAY() - dt.timedelta(days=1)).isoformat(),
    })  # fmt: skip
    assert r.status_code == 422
    assert r.json()["errors"][0]["pointer"] == "#/valid_until"
    r = _post(
        client, f"{base}/residence-permits", {"basis": ["cooperation"], "applied_on": TODAY().isoformat()}
    )
    permit_id = r.json()["id"]
    r = client.patch(
        f"{base}/residence-permits/{permit_id}",
        {"basis": ["personal_situation"]},
        content_type="application/json",
    )
    assert r.json()["basis"] == ["personal_situation"]
    r = _post(
        client, f"{base}/proceedings", {"kind": "criminal", "role": "witness", "authority": "Riga Police"}
    )
    assert r.status_code == 201
    r = client.patch(
        f"{base}/proceedings/{r.json()['id']}", {"status": "concluded"}, content_type="application/json"
    )
    assert r.json()["status"] == "concluded"
    assert len(client.get(f"{base}/proceedings").json()) == 1
    r = _post(client, f"{base}/tasks", {"title_key": "contact_person", "due_date": TODAY().isoformat()})
    assert r.status_code == 201
    assert r.json()["title"] == "Contact the person"
    overdue = client.get("/api/v1/cases/tasks/overdue").json()
    assert [t["id"] for t in overdue] == [r.json()["id"]]
    r = _post(client, f"{base}/tasks/{r.json()['id']}/complete", {})
    assert r.json()["done_at"] is not None
    r = _post(client, f"{base}/tasks", {"title_key": "contact_person", "due_date": TODAY().isoformat(),
                                        "assignee_id": cast.caseworker_b.pk})  # fmt: skip
    assert r.status_code == 422


def test_another_organisations_case_is_404_everywhere(cast: Any, as_persona: Any) -> None:
    case = opened_case(cast, "b")
    client = as_persona("supervisor_a")
    base = f"/api/v1/cases/{case.ref}"
    assert client.get(f"{base}/stage").status_code == 404
    assert client.get(f"{base}/tasks").status_code == 404
    assert _post(client, f"{base}/closure", {"version": 1, "closure_reason": "Other"}).status_code == 404
    assert client.get("/api/v1/cases/LV-RIX-XXXXX/stage").status_code == 404


def test_openapi_documents_the_stage_operations(cast: Any, as_persona: Any) -> None:
    doc = as_persona("caseworker_a").get("/api/v1/openapi.json").json()
    for path in (
        "/api/v1/cases/{ref}/stage",
        "/api/v1/cases/{ref}/decisions/reasonable-grounds",
        "/api/v1/cases/{ref}/residence-permits/{permit_id}",
        "/api/v1/cases/tasks/overdue",
    ):
        assert path in doc["paths"], path


def test_every_conflict_of_the_stages_api_is_the_edit_conflict_problem(cast: Any, as_persona: Any) -> None:
    from strom.api.errors import PROBLEM_CONTENT_TYPE

    worker = as_persona("caseworker_a")
    paths = worker.get("/api/v1/openapi.json").json()["paths"]
    conflicts = {
        (path, method): operation["responses"]["409"]
        for path, item in paths.items()
        if path.startswith("/api/v1/cases/{ref}/")
        for method, operation in item.items()
        if isinstance(operation, dict) and "409" in operation.get("responses", {})
    }
    assert ("/api/v1/cases/{ref}/stage", "post") in conflicts
    for where, response in conflicts.items():
        schema = response["content"][PROBLEM_CONTENT_TYPE]["schema"]
        assert schema["$ref"].endswith("/EditConflictProblem"), where
    # The answer is that document: the version stored now, and the fields changed (none for a move).
    case = opened_case(cast)
    version = case.version
    closed = _post(
        worker, f"/api/v1/cases/{case.ref}/closure", {"closure_reason": "LostContact", "version": version}
    )
    assert closed.status_code == 200
    stale = _post(
        as_persona("supervisor_a"),
        f"/api/v1/cases/{case.ref}/follow-up",
        {"action": "start", "version": version},
    )
    assert stale.status_code == 409
    body = stale.json()
    assert (body["type"], body["stored_version"], body["changed_fields"]) == (
        "urn:strom:problem:edit-conflict",
        version + 1,
        [],
    )
