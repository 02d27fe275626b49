"""Notes: encrypted in the database, restricted notes for author and supervisors only, edits by the
author only and audited, the htmx inline add, the API."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from strom.audit.models import AuditEntry
from strom.casefile import access, services
from strom.casefile.models import CaseNote
from strom.casefile.selectors import notes_for
from strom.cases.models import Case
from strom.cases.tests.factories import hotline_supervisor, make_case
from strom.core.errors import NotAllowed
from tests.personas import Cast

pytestmark = pytest.mark.django_db

BODY = "Synthetic: she said the recruiter in Daugavpils kept her passport."


def test_note_body_is_not_stored_in_plaintext(cast: Cast) -> None:
    note = services.note_add(by=cast.users["caseworker_a"], case=make_case(cast), body=BODY)
    with connection.cursor() as cursor:
        cursor.execute("SELECT body FROM casefile_casenote WHERE id = %s", [note.pk])
        (raw,) = cursor.fetchone()
    assert raw.startswith("v1$")
    assert "Daugavpils" not in raw
    assert "passport" not in raw
    assert CaseNote.objects.get(pk=note.pk).body == BODY


def test_restricted_note_is_read_by_author_and_supervisor_only(cast: Cast) -> None:
    case = make_case(cast)
    Case.objects.filter(pk=case.pk).update(owner=cast.users["hotline_a"])
    case.refresh_from_db()
    services.note_add(by=cast.users["caseworker_a"], case=case, body="open")
    services.note_add(by=cast.users["caseworker_a"], case=case, body="restricted", restricted=True)
    bodies = {
        name: [n.body for n in notes_for(cast.users[name], case)]
        for name in ("caseworker_a", "supervisor_a", "hotline_a")
    }
    assert bodies["caseworker_a"] == ["restricted", "open"]
    assert bodies["supervisor_a"] == ["restricted", "open"]
    assert bodies["hotline_a"] == ["open"]


def test_restricted_note_of_someone_else_is_not_found_by_id(cast: Cast) -> None:
    case = make_case(cast)
    Case.objects.filter(pk=case.pk).update(owner=cast.users["hotline_a"])
    note = services.note_add(by=cast.users["supervisor_a"], case=case, body="x", restricted=True)
    with pytest.raises(NotAllowed):
        access.get_note_for(cast.users["hotline_a"], case.ref, note.pk)
    with pytest.raises(NotAllowed):
        access.get_note_for(cast.users["caseworker_a"], case.ref, note.pk)


def test_restricted_notes_are_hidden_in_the_page_and_the_api(cast: Cast, as_persona: Any) -> None:
    case = make_case(cast, org="hotline_lv")  # opened, and so held, by hotline_a
    services.note_add(by=hotline_supervisor(cast), case=case, body="Supervisor only", restricted=True)
    client = as_persona("hotline_a")
    page = client.get(reverse("casefile:overview", kwargs={"ref": case.ref})).content.decode()
    assert "Supervisor only" not in page
    api = client.get(reverse("api:casefile_note_list", kwargs={"ref": case.ref})).json()
    assert api == []


def test_only_the_author_edits_and_every_edit_is_audited(cast: Cast) -> None:
    case = make_case(cast)
    note = services.note_add(by=cast.users["caseworker_a"], case=case, body="first")
    note.case = case
    with pytest.raises(NotAllowed, match="Only the author"):
        services.note_edit(by=cast.users["supervisor_a"], note=note, version=1, body="hijack")
    assert CaseNote.objects.get(pk=note.pk).body == "first"
    edited = services.note_edit(by=cast.users["caseworker_a"], note=note, version=1, body="second")
    assert edited.body == "second"
    assert edited.edited_at is not None
    assert edited.version == 2
    entry = AuditEntry.objects.get(action="note.edit")
    assert entry.details == {"note": note.pk, "fields": ["body"]}
    assert "second" not in str(entry.details)


def test_empty_note_is_refused(cast: Cast) -> None:
    with pytest.raises(ValidationError) as exc:
        services.note_add(by=cast.users["caseworker_a"], case=make_case(cast), body="   ")
    assert exc.value.message_dict == {"body": ["Write the note."]}


def test_htmx_add_returns_the_notes_section_with_the_new_note(cast: Cast, as_persona: Any) -> None:
    case = make_case(cast)
    response = as_persona("caseworker_a").post(
        reverse("casefile:note_create", kwargs={"ref": case.ref}),
        {"body": "Inline note"},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="casefile-notes"')
    assert "Inline note" in html
    assert "<html" not in html


def test_htmx_add_with_an_empty_note_shows_the_error_in_the_section(cast: Cast, as_persona: Any) -> None:
    case = make_case(cast)
    response = as_persona("caseworker_a").post(
        reverse("casefile:note_create", kwargs={"ref": case.ref}), {"body": ""}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert "data-error-summary" in html
    assert 'href="#id_body"' in html
    assert not CaseNote.objects.exists()


def test_api_create_list_patch_and_422(cast: Cast, as_persona: Any) -> None:
    case = make_case(cast)
    client = as_persona("caseworker_a")
    url = reverse("api:casefile_note_create", kwargs={"ref": case.ref})
    created = client.post(url, {"body": "API note", "restricted": True}, content_type="application/json")
    assert created.status_code == 201
    assert created.json()["restricted"] is True
    assert created.json()["author_name"] == "Caseworker A"
    empty = client.post(url, {"body": " "}, content_type="application/json")
    assert empty.status_code == 422
    assert empty.json()["errors"] == [{"pointer": "#/body", "detail": "Write the note."}]
    patch = reverse("api:casefile_note_update", kwargs={"ref": case.ref, "note_id": created.json()["id"]})
    ok = client.patch(patch, {"version": 1, "body": "API note, corrected"}, content_type="application/json")
    assert ok.status_code == 200
    assert ok.json()["edited_at"] is not None
    assert (
        client.patch(patch, {"version": 1, "body": "x"}, content_type="application/json").status_code == 409
    )
    listed = client.get(reverse("api:casefile_note_list", kwargs={"ref": case.ref}))
    assert [n["body"] for n in listed.json()] == ["API note, corrected"]
    assert (
        AuditEntry.objects.filter(action="case.view", object_ref=case.ref, details__section="notes").count()
        == 1
    )
