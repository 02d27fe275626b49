"""The case timeline shows what happened in the case file without its content."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from strom.casefile import services
from strom.cases.tests.factories import make_case
from strom.core.registry import timeline_for
from tests.personas import Cast

pytestmark = pytest.mark.django_db


def test_timeline_lists_events_perpetrators_notes_and_uploads_without_content(cast: Cast) -> None:
    case = make_case(cast)
    worker = cast.users["caseworker_a"]
    services.event_record(by=worker, case=case, event_type="Recruitment", description="secret description")
    services.perpetrator_add(by=worker, case=case, name="Synthetic Recruiter")
    services.note_add(by=worker, case=case, body="secret note text", restricted=True)
    services.document_upload(
        by=worker, case=case, file=SimpleUploadedFile("a.txt", b"hello"), title="Secret title", kind="medical"
    )
    items = [i for i in timeline_for(worker, case) if i.kind in {"event", "perpetrator", "note", "document"}]
    titles = {i.kind: i.title for i in items}
    assert titles == {
        "event": "Trafficking event recorded: Recruitment",
        "perpetrator": "Perpetrator record added",
        "note": "Restricted note by Caseworker A",
        "document": "Document uploaded: Medical",
    }
    text = " ".join(i.title for i in items)
    assert "secret" not in text.lower()
    assert "Synthetic Recruiter" not in text
