"""The audit log names the system job that acted, in the reader's language."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation

from strom.audit.actors import RETENTION
from strom.audit.services import audit_record

pytestmark = pytest.mark.django_db


def test_the_audit_log_names_the_system_job(as_persona: Any) -> None:
    audit_record(actor=RETENTION, action="case.anonymise", object_type="case", object_ref="C-1")
    client = as_persona("sysadmin")
    with translation.override("en"):
        page = client.get("/audit/", {"action": "case.anonymise"})
    assert page.status_code == 200
    assert "System: retention job" in page.content.decode()
    listed = client.get("/api/v1/audit", {"action": "case.anonymise"})
    assert listed.status_code == 200, listed.content
    assert [e["system_actor"] for e in listed.json()["items"]] == ["retention"]
