from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from strom.accounts.models import Membership, User
from strom.audit.models import AuditEntry
from strom.core.roles import OrgType, Role
from strom.directory.models import Organisation

pytestmark = pytest.mark.django_db

PASSWORD = "a long admin passphrase 2024 ok"


def _run(monkeypatch: Any, password: str = PASSWORD, **options: str) -> str:
    monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
    out = io.StringIO()
    args = {"email": "Root@Example.test", "name": "Ada Admin", "org": "Ministry of Interior", "country": "lv"}
    args.update(options)
    call_command("createadmin", password_stdin=True, stdout=out, **args)
    return out.getvalue()


def test_createadmin_creates_a_system_admin_and_their_organisation(monkeypatch: Any) -> None:
    assert "created" in _run(monkeypatch)
    user = User.objects.get(email="root@example.test")
    assert user.check_password(PASSWORD)
    assert user.full_name == "Ada Admin"
    org = Organisation.objects.get(name="Ministry of Interior")
    assert (org.country, org.org_type) == ("LV", OrgType.CENTRAL_GOVERNMENT)
    assert Membership.objects.get(user=user).role == Role.SYSTEM_ADMIN
    entries = AuditEntry.objects.order_by("seq")
    assert [e.action for e in entries] == ["organisation.create", "user.create", "membership.create"]
    assert {e.channel for e in entries} == {"cli"}


def test_createadmin_reports_an_existing_admin_and_changes_nothing(monkeypatch: Any) -> None:
    _run(monkeypatch)
    assert "already a system admin" in _run(monkeypatch, password="another passphrase that differs")
    assert User.objects.get(email="root@example.test").check_password(PASSWORD)


def test_createadmin_refuses_bad_input_and_saves_nothing(monkeypatch: Any) -> None:
    with pytest.raises(CommandError) as exc:
        _run(monkeypatch, password="short", country="XX")
    message = str(exc.value)
    assert "Nothing was saved" in message
    assert "--country" in message
    assert "too short" in message
    assert not User.objects.exists()
    assert not Organisation.objects.exists()
    assert not AuditEntry.objects.exists()


def test_createadmin_uses_an_existing_organisation(cast: Any, monkeypatch: Any) -> None:
    _run(monkeypatch, org="National Coordinator's Office (LV)", country="LV")
    membership = Membership.objects.get(user__email="root@example.test")
    assert membership.organisation == cast.orgs["coordinator_lv"]
