from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from strom.accounts.models import User
from strom.accounts.tests.conftest import actions, post_login
from strom.audit.models import AuditEntry

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a new and long enough passphrase 7"


def _reset_link(django_capture_on_commit_callbacks: Any, email: str) -> str:
    with django_capture_on_commit_callbacks(execute=True):
        response = Client().post(reverse("accounts:password_reset"), {"email": email})
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert len(mail.outbox) == 1
    match = re.search(r"http://\S+/accounts/password/reset/\S+/", str(mail.outbox[0].body))
    assert match
    return urlsplit(match.group(0)).path


def test_password_reset_by_email_sets_a_new_password(
    cast: Any, django_capture_on_commit_callbacks: Any
) -> None:
    link = _reset_link(django_capture_on_commit_callbacks, "Caseworker_A@example.test")
    message = mail.outbox[0]
    assert message.to == ["caseworker_a@example.test"]
    # The mail holds the link and nothing about the person.
    assert cast.caseworker_a.full_name not in message.body
    assert "caseworker_a" not in message.body.replace(link, "")
    client = Client()
    assert client.get(link).status_code == 200
    short = client.post(link, {"password1": "short", "password2": "short"})
    assert short.status_code == 200
    assert "too short" in short.content.decode()
    response = client.post(link, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response["Location"] == reverse("accounts:password_reset_complete")
    user = User.objects.get(pk=cast.caseworker_a.pk)
    assert user.check_password(NEW_PASSWORD)
    assert user.sessions_valid_after is not None
    # The link worked once.
    assert Client().get(link).status_code == 404
    assert actions(object_ref=str(user.pk), action__startswith="password.") == [
        "password.reset_requested",
        "password.reset",
    ]


def test_reset_request_for_an_unknown_address_looks_the_same_and_sends_nothing(
    cast: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = Client().post(reverse("accounts:password_reset"), {"email": "nobody@example.test"})
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert mail.outbox == []
    assert AuditEntry.objects.get(action="password.reset_requested").object_ref == ""


def test_password_reset_ends_other_sessions_and_lifts_a_lockout(
    cast: Any, as_persona: Any, django_capture_on_commit_callbacks: Any
) -> None:
    existing = as_persona("analyst_a")
    for _ in range(5):
        post_login(Client(), "analyst_a@example.test", "wrong password here")
    link = _reset_link(django_capture_on_commit_callbacks, "analyst_a@example.test")
    Client().post(link, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert existing.get("/").status_code == 302
    assert post_login(Client(), "analyst_a@example.test", NEW_PASSWORD).status_code == 302


def test_password_change_checks_the_old_password_and_keeps_this_session(cast: Any, as_persona: Any) -> None:
    client = as_persona("caseworker_a")
    other = as_persona("caseworker_a")
    url = reverse("accounts:password_change")
    wrong = client.post(url, {"old_password": "nope", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert "entered incorrectly" in wrong.content.decode()
    differ = client.post(
        url, {"old_password": "correct horse battery staple 42", "password1": NEW_PASSWORD, "password2": "x"}
    )
    assert "differ" in differ.content.decode()
    response = client.post(
        url,
        {
            "old_password": "correct horse battery staple 42",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )
    assert response["Location"] == reverse("accounts:profile")
    assert User.objects.get(pk=cast.caseworker_a.pk).check_password(NEW_PASSWORD)
    assert client.get("/").status_code == 200
    assert other.get("/").status_code == 302
    assert "password.change" in actions(actor_id=cast.caseworker_a.pk)


def test_password_rules_apply_to_a_change(cast: Any, as_persona: Any) -> None:
    client = as_persona("caseworker_a")
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": "correct horse battery staple 42",
            "password1": "123456789012",
            "password2": "123456789012",
        },
    )
    assert response.status_code == 200
    assert "entirely numeric" in response.content.decode()
    assert "error-summary" in response.content.decode()
