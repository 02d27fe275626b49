from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from strom.accounts.services import user_unlock
from strom.accounts.tests.conftest import actions, post_login
from strom.audit.models import AuditEntry
from tests.personas import PASSWORD

pytestmark = pytest.mark.django_db


def test_analyst_logs_in_with_password_alone_and_success_is_audited(cast: Any) -> None:
    client = Client()
    response = post_login(client, "analyst_a@example.test")
    assert response.status_code == 302
    assert response["Location"] == reverse("core:dashboard")
    assert client.get(reverse("core:dashboard")).status_code == 200
    entry = AuditEntry.objects.get(action="login.success")
    assert entry.actor_id == cast.analyst_a.pk
    assert entry.details == {"two_factor": False}


def test_login_page_renders_with_labelled_fields(db: None) -> None:
    response = Client().get(reverse("accounts:login"))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<label for="id_email">' in html
    assert '<label for="id_password">' in html
    assert "style=" not in html


def test_login_is_case_insensitive_for_the_email(cast: Any) -> None:
    response = post_login(Client(), "Analyst_A@Example.TEST")
    assert response["Location"] == reverse("core:dashboard")


def test_wrong_password_is_refused_and_audited_by_user_id_without_the_password(cast: Any) -> None:
    response = post_login(Client(), "caseworker_a@example.test", "not the password at all")
    assert response.status_code == 200
    assert "not correct" in response.content.decode()
    entry = AuditEntry.objects.get(action="login.failure")
    assert entry.actor_id is None
    assert entry.object_ref == str(cast.caseworker_a.pk)
    assert "not the password" not in str(entry.details) + entry.reason


def test_failure_for_an_unknown_address_records_no_address(cast: Any) -> None:
    post_login(Client(), "nobody.here@example.test", "whatever password")
    entry = AuditEntry.objects.get(action="login.failure")
    assert entry.object_ref == ""
    assert "nobody" not in str(entry.details) + entry.actor_label


def test_redirects_to_next_after_login_but_never_off_site(cast: Any) -> None:
    profile = reverse("accounts:profile")
    assert post_login(Client(), "analyst_a@example.test", next=profile)["Location"] == profile
    response = post_login(Client(), "analyst_b@example.test", next="https://evil.example/")
    assert response["Location"] == reverse("core:dashboard")


def _fail(client: Client, email: str, times: int) -> Any:
    response = None
    for _ in range(times):
        response = post_login(client, email, "wrong password here")
    return response


def test_five_failures_lock_the_account_even_with_the_right_password(cast: Any) -> None:
    client = Client()
    assert _fail(client, "analyst_a@example.test", 4).status_code == 200
    assert _fail(client, "analyst_a@example.test", 1).status_code == 429
    response = post_login(client, "analyst_a@example.test")
    assert response.status_code == 429
    assert "locked" in response.content.decode()
    assert "login.locked_out" in actions()
    # Other accounts behind the same address are not affected.
    assert post_login(Client(), "analyst_b@example.test").status_code == 302


def test_lockout_ends_after_the_cool_off(cast: Any) -> None:
    _fail(Client(), "analyst_a@example.test", 5)
    assert post_login(Client(), "analyst_a@example.test").status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert post_login(Client(), "analyst_a@example.test").status_code == 302


def test_org_admin_unlocks_a_locked_colleague_and_it_is_audited(cast: Any, as_persona: Any) -> None:
    _fail(Client(), "caseworker_a@example.test", 5)
    admin = as_persona("orgadmin_a")
    detail = admin.get(reverse("accounts:user_detail", args=[cast.caseworker_a.pk]))
    assert "locked after failed log-ins" in detail.content.decode()
    response = admin.post(reverse("accounts:user_unlock", args=[cast.caseworker_a.pk]))
    assert response.status_code == 302
    assert post_login(Client(), "caseworker_a@example.test").status_code == 302
    entry = AuditEntry.objects.get(action="user.unlock")
    assert entry.actor_id == cast.orgadmin_a.pk
    assert entry.object_ref == str(cast.caseworker_a.pk)


def test_org_admin_of_another_organisation_cannot_unlock(cast: Any, as_persona: Any) -> None:
    _fail(Client(), "caseworker_a@example.test", 5)
    response = as_persona("orgadmin_b").post(reverse("accounts:user_unlock", args=[cast.caseworker_a.pk]))
    assert response.status_code == 404
    with pytest.raises(Exception, match="cannot manage"):
        user_unlock(by=cast.orgadmin_b, user=cast.caseworker_a)
    assert post_login(Client(), "caseworker_a@example.test").status_code == 429


def test_many_failures_from_one_address_are_throttled_without_locking_accounts(
    cast: Any, settings: Any
) -> None:
    settings.STROM_LOGIN_IP_FAILURE_LIMIT = 3
    client = Client()
    for name in ("analyst_a", "analyst_b", "caseworker_a"):
        assert post_login(client, f"{name}@example.test", "wrong password here").status_code == 200
    response = post_login(client, "supervisor_a@example.test")
    assert response.status_code == 429
    assert "Too many failed log-ins from your network" in response.content.decode()
    assert "login.ip_throttled" in actions()


def test_logout_ends_the_session_and_is_audited(cast: Any, as_persona: Any) -> None:
    client = as_persona("caseworker_a")
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert client.get(reverse("core:dashboard")).status_code == 302
    assert actions(actor_id=cast.caseworker_a.pk) == ["logout"]


def test_logout_refuses_get(cast: Any, as_persona: Any) -> None:
    assert as_persona("caseworker_a").get(reverse("accounts:logout")).status_code == 405


def test_deactivated_user_cannot_log_in(cast: Any) -> None:
    cast.analyst_a.is_active = False
    cast.analyst_a.save(update_fields=["is_active"])
    assert post_login(Client(), "analyst_a@example.test", PASSWORD).status_code == 200


def test_login_restores_the_language_the_user_chose_before(cast: Any) -> None:
    from django.conf import settings

    cast.analyst_a.language = "lv"
    cast.analyst_a.save(update_fields=["language"])
    client = Client()
    response = post_login(client, "analyst_a@example.test")
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "lv"
    page = client.get(reverse("core:dashboard"))
    assert '<html lang="lv"' in page.content.decode()
