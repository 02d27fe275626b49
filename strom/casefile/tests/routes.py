"""Case file routes: who gets what.

The case (org A, case worker caseworker_a) is seen by caseworker_a and supervisor_a; everyone else
gets 404 (anonymous: 302 on pages, 401 on the API). Perpetrators follow the same list here because
both hold case.edit; the hotline-owner case is in test_access.py. A note is edited by its author only.
"""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from strom.casefile import services
from strom.cases.tests.factories import make_case
from tests.authz import Route, expect
from tests.personas import Cast

A = ("caseworker_a", "supervisor_a")
PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def api(allowed: tuple[str, ...], ok: int = 200) -> dict[str, int]:
    return expect(allowed, ok=ok, anonymous=401)


def case_ref(cast: Cast) -> dict[str, Any]:
    return {"ref": make_case(cast).ref}


def event(cast: Cast) -> dict[str, Any]:
    case = make_case(cast)
    e = services.event_record(
        by=cast.users["caseworker_a"], case=case, event_type="Recruitment", country="LV"
    )
    return {"ref": case.ref, "event_id": e.pk}


def perpetrator(cast: Cast) -> dict[str, Any]:
    case = make_case(cast)
    p = services.perpetrator_add(by=cast.users["caseworker_a"], case=case, name="Test Trafficker")
    return {"ref": case.ref, "perpetrator_id": p.pk}


def note(cast: Cast) -> dict[str, Any]:
    case = make_case(cast)
    n = services.note_add(by=cast.users["caseworker_a"], case=case, body="Synthetic note.")
    return {"ref": case.ref, "note_id": n.pk}


def document(cast: Cast) -> dict[str, Any]:
    case = make_case(cast)
    d = services.document_upload(
        by=cast.users["caseworker_a"],
        case=case,
        file=SimpleUploadedFile("letter.pdf", PDF),
        title="Letter",
        kind="correspondence",
    )
    return {"ref": case.ref, "document_uuid": d.uuid}


def note_data(cast: Cast) -> dict[str, Any]:
    return {"body": "Synthetic note."}


def event_data(cast: Cast) -> dict[str, Any]:
    return {"event_type": "Transit", "date_from": "2024-03", "country": "LT"}


def upload_data(cast: Cast) -> dict[str, Any]:
    return {"title": "Scan", "kind": "other", "file": SimpleUploadedFile("scan.pdf", PDF)}


ROUTES = [
    # Pages
    Route("casefile:overview", kwargs=case_ref, expect=expect(A)),
    Route("casefile:event_create", kwargs=case_ref, expect=expect(A)),
    Route("casefile:event_create", method="post", kwargs=case_ref, data=event_data, expect=expect(A, ok=302)),
    Route("casefile:event_edit", kwargs=event, expect=expect(A)),
    Route("casefile:perpetrator_create", kwargs=case_ref, expect=expect(A)),
    Route("casefile:perpetrator_edit", kwargs=perpetrator, expect=expect(A)),
    Route("casefile:note_create", kwargs=case_ref, expect=expect(A)),
    Route("casefile:note_create", method="post", kwargs=case_ref, data=note_data, expect=expect(A, ok=302)),
    Route("casefile:note_edit", kwargs=note, expect=expect(("caseworker_a",))),
    Route("casefile:document_upload", kwargs=case_ref, expect=expect(A)),
    Route(
        "casefile:document_upload", method="post", kwargs=case_ref, data=upload_data, expect=expect(A, ok=302)
    ),
    Route("casefile:document_download", kwargs=document, expect=expect(A)),
    # API
    Route("api:casefile_event_list", kwargs=case_ref, expect=api(A)),
    Route(
        "api:casefile_event_create",
        method="post",
        kwargs=case_ref,
        data=event_data,
        json=True,
        expect=api(A, ok=201),
    ),
    Route(
        "api:casefile_event_update",
        method="patch",
        kwargs=event,
        data=lambda c: {"version": 1, "city": "Kaunas"},
        json=True,
        expect=api(A),
    ),
    Route("api:casefile_perpetrator_list", kwargs=case_ref, expect=api(A)),
    Route(
        "api:casefile_perpetrator_create",
        method="post",
        kwargs=case_ref,
        data=lambda c: {"name": "Test Trafficker", "roles": ["RecruiterOrIntermediary"]},
        json=True,
        expect=api(A, ok=201),
    ),
    Route("api:casefile_note_list", kwargs=case_ref, expect=api(A)),
    Route(
        "api:casefile_note_create",
        method="post",
        kwargs=case_ref,
        data=note_data,
        json=True,
        expect=api(A, ok=201),
    ),
    Route(
        "api:casefile_note_update",
        method="patch",
        kwargs=note,
        data=lambda c: {"version": 1, "body": "Corrected."},
        json=True,
        expect=api(("caseworker_a",)),
    ),
    Route("api:casefile_document_list", kwargs=case_ref, expect=api(A)),
    Route(
        "api:casefile_document_upload",
        method="post",
        kwargs=case_ref,
        data=upload_data,
        expect=api(A, ok=201),
    ),
    Route("api:casefile_document_download", kwargs=document, expect=api(A)),
]
