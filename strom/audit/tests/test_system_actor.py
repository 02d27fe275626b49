"""System jobs act under a name the audit log shows, and the name is part of the chain."""

from __future__ import annotations

import hashlib
import hmac
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import translation

from strom.audit.actors import RETENTION, SystemActor
from strom.audit.models import AuditEntry
from strom.audit.services import HASHED_FIELDS, _canonical, audit_record, entry_hash
from strom.crypto.keys import key_ring

pytestmark = pytest.mark.django_db


def _verify() -> tuple[int, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("audit", "verify", stdout=out, stderr=err)
    except SystemExit as exc:
        return int(str(exc.code)), err.getvalue().strip()
    return 0, out.getvalue().strip()


def test_a_system_job_is_recorded_by_name_and_shown_as_the_system() -> None:
    entry = audit_record(actor=RETENTION, action="case.anonymise", object_type="case", object_ref="C-1")
    stored = AuditEntry.objects.get(pk=entry.pk)
    assert (stored.actor_id, stored.actor_label, stored.system_actor) == (None, "", "retention")
    with translation.override("en"):
        assert stored.actor_display == "System: retention job"


def test_an_unknown_system_actor_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown system actor"):
        SystemActor("nightly")


def test_an_entry_without_a_system_actor_hashes_as_before_the_field_existed() -> None:
    # The payload of the entries written before system_actor existed: exactly HASHED_FIELDS.
    entry = audit_record(actor=None, action="login.failure")
    values = {name: _canonical(name, getattr(entry, name)) for name in HASHED_FIELDS}
    payload = json.dumps(values, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    old_hash = hmac.new(key_ring().audit_key, payload.encode("utf-8"), hashlib.sha256).hexdigest()
    assert entry.hash == old_hash == entry_hash(entry)


def test_changing_the_system_actor_breaks_the_chain() -> None:
    audit_record(actor=None, action="test.write")
    entry = audit_record(actor=RETENTION, action="test.write")
    assert _verify()[0] == 0
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute("UPDATE audit_auditentry SET system_actor = 'demo' WHERE id = %s", [entry.pk])
        cursor.execute("SET LOCAL session_replication_role = origin")
    code, message = _verify()
    assert code == 1
    assert f"#{entry.seq} was modified" in message
