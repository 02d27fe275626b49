from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse

from strom.audit.models import AuditEntry
from strom.practices.models import EvidenceRating, Practice, PracticeState
from strom.practices.services import practice_revise
from strom.practices.tests.factories import advance, complete_rating, make_practice
from tests.personas import Cast

pytestmark = pytest.mark.django_db
JSON = "application/json"


def _json(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.content
    return json.loads(response.content)


def test_the_library_lists_published_practices_filtered_by_stage(cast: Cast, as_persona: Any) -> None:
    reflection = make_practice(cast, state="published")
    make_practice(cast, state="published", title="Outreach", stages=["screening"])
    make_practice(cast, state="draft", title="A draft")
    client = as_persona("caseworker_b")
    body = _json(client.get(reverse("api:practices_list"), {"stage": "reflection"}))
    assert [item["id"] for item in body["items"]] == [reflection.pk]
    assert body["items"][0]["level"] == "promising"
    assert _json(client.get(reverse("api:practices_list"), {"stage": "nowhere"}), 422)


def test_the_detail_is_the_published_version_for_readers_and_the_working_copy_for_editors(
    cast: Cast, as_persona: Any
) -> None:
    practice = make_practice(cast, state="published")
    practice_revise(by=cast.supervisor_a, practice=practice)
    url = reverse("api:practices_detail", args=[practice.pk])
    reader = _json(as_persona("caseworker_b").get(url))
    assert (reader["working_copy"], reader["state"], reader["version"]) == (False, None, 1)
    assert "contacts" not in reader
    assert reader["rating"][1] == {
        "criterion": "evidence",
        "score": 2,
        "justification": "Monitored outcomes for two years.",
    }
    editor = _json(as_persona("supervisor_a").get(url))
    assert (editor["working_copy"], editor["state"]) == (True, "draft")


def test_an_editor_creates_and_submits_through_the_api(cast: Cast, as_persona: Any) -> None:
    client = as_persona("supervisor_a")
    payload = {
        "organisation_id": cast.org_a.pk,
        "title": "Outreach",
        "summary": "Inspectors visit farms.",
        "country": "lv",
        "stages": ["screening"],
        "forms": ["ForcedLabour"],
        "contacts": [{"name": "Anna Liepa", "email": "anna@example.test"}],
    }
    created = _json(client.post(reverse("api:practices_create"), payload, content_type=JSON), 201)
    assert (created["country"], created["state"]) == ("LV", "draft")
    submitted = _json(client.post(reverse("api:practices_submit", args=[created["id"]])))
    assert submitted["state"] == "submitted"
    again = client.post(reverse("api:practices_submit", args=[created["id"]]))
    assert _json(again, 422)["detail"]


def test_bad_input_is_a_problem_with_pointers_and_nothing_is_saved(cast: Cast, as_persona: Any) -> None:
    payload = {"organisation_id": cast.org_a.pk, "title": " ", "summary": "x", "country": "XX"}
    body = _json(
        as_persona("supervisor_a").post(reverse("api:practices_create"), payload, content_type=JSON), 422
    )
    assert {e["pointer"] for e in body["errors"]} == {"#/title", "#/country"}
    assert not Practice.objects.exists()


def test_a_published_practice_cannot_lose_its_rating_through_the_api(cast: Cast, as_persona: Any) -> None:
    practice = make_practice(cast, state="published")
    practice = practice_revise(by=cast.supervisor_a, practice=practice)
    practice = advance(cast, practice, "in_review")
    emptied = {**vars(complete_rating()), "relevance": None, "relevance_note": ""}
    response = as_persona("coordinator_a").put(
        reverse("api:practices_rate", args=[practice.pk]), emptied, content_type=JSON
    )
    assert "cannot lose its rating criteria" in _json(response, 422)["errors"][0]["detail"]
    assert EvidenceRating.objects.get(practice=practice).relevance == 3


def test_reviewing_through_the_api_ends_in_a_version(cast: Cast, as_persona: Any) -> None:
    practice = make_practice(cast, state="submitted")
    client = as_persona("coordinator_b")
    _json(client.post(reverse("api:practices_start_review", args=[practice.pk])))
    rating = _json(
        client.put(
            reverse("api:practices_rate", args=[practice.pk]), vars(complete_rating()), content_type=JSON
        )
    )
    assert rating["level"] == "promising"
    version = _json(client.post(reverse("api:practices_publish", args=[practice.pk]), {}, content_type=JSON))
    assert (version["number"], version["is_current"]) == (1, True)
    practice.refresh_from_db()
    assert practice.state == PracticeState.PUBLISHED
    versions = _json(as_persona("caseworker_a").get(reverse("api:practices_versions", args=[practice.pk])))
    assert [v["number"] for v in versions] == [1]


def test_contacts_are_a_recorded_read_for_members(cast: Cast, as_persona: Any) -> None:
    practice = make_practice(cast, state="published")
    body = _json(as_persona("analyst_b").get(reverse("api:practices_contacts", args=[practice.pk])))
    assert body == [
        {"name": "Ieva Kalna", "function": "Head of unit", "email": "ieva@example.test", "phone": ""}
    ]
    assert AuditEntry.objects.filter(action="practice_contacts.view", actor_id=cast.analyst_b.pk).count() == 1
    assert (
        as_persona("outsider").get(reverse("api:practices_contacts", args=[practice.pk])).status_code == 404
    )


# --- the command line ---------------------------------------------------------------------------------------


def test_the_command_lists_shows_and_exports_published_practices(
    cast: Cast, tmp_path: Path, capsys: Any
) -> None:
    published = make_practice(cast, state="published")
    make_practice(cast, state="published", title="Outreach", country="LT", stages=["screening"])
    make_practice(cast, state="draft", title="A draft")
    call_command("practices", "list", "--stage", "reflection")
    out = capsys.readouterr().out
    assert f"{published.pk}\tLV\tpromising\tShelter places" in out
    assert "Outreach" not in out
    assert "A draft" not in out
    call_command("practices", "list", "--country", "lt")
    assert "Outreach" in capsys.readouterr().out
    call_command("practices", "show", str(published.pk))
    shown = json.loads(capsys.readouterr().out)
    assert (shown["id"], shown["version"], shown["level"]) == (published.pk, 1, "promising")
    target = tmp_path / "practices.json"
    call_command("practices", "export", "--out", str(target))
    exported = json.loads(target.read_text(encoding="utf-8"))
    assert sorted(p["title"] for p in exported["practices"]) == ["Outreach", published.title]
    assert "ieva@example.test" not in target.read_text(encoding="utf-8")


def test_the_command_says_when_a_practice_is_not_published(cast: Cast) -> None:
    from django.core.management.base import CommandError

    draft = make_practice(cast, state="draft")
    with pytest.raises(CommandError, match="No published practice"):
        call_command("practices", "show", str(draft.pk))
