from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from strom.accounts import session as keys
from strom.accounts.services import user_set_active
from strom.accounts.tests.conftest import actions, post_login
from strom.audit.models import AuditEntry

pytestmark = pytest.mark.django_db

DASHBOARD = "/"


def _age(client: Client, **ages: timedelta) -> None:
    session = client.session
    now = timezone.now()
    for key, age in ages.items():
        session[key] = (now - age).timestamp()
    session.save()


def _logged_in(cast: Any) -> Client:
    client = Client()
    post_login(client, "analyst_a@example.test")
    assert client.get(DASHBOARD).status_code == 200
    return client


def test_idle_session_ends_with_a_message_and_an_audit_entry(cast: Any) -> None:
    client = _logged_in(cast)
    _age(client, **{keys.LAST_SEEN: timedelta(minutes=31)})
    response = client.get(DASHBOARD)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    page = client.get(response["Location"]).content.decode()
    assert "You were logged out after 30 minutes without activity." in page
    entry = AuditEntry.objects.get(action="session.expired")
    assert entry.actor_id == cast.analyst_a.pk
    assert entry.details == {"reason": "idle"}
    assert client.get(DASHBOARD).status_code == 302


def test_activity_keeps_the_session_alive(cast: Any) -> None:
    client = _logged_in(cast)
    _age(client, **{keys.LAST_SEEN: timedelta(minutes=29)})
    assert client.get(DASHBOARD).status_code == 200
    # The request counted as activity: another 29 minutes later the session still lives.
    session = client.session
    assert timezone.now().timestamp() - session[keys.LAST_SEEN] < 5


def test_absolute_timeout_ends_even_an_active_session(cast: Any) -> None:
    client = _logged_in(cast)
    _age(client, **{keys.LOGIN_AT: timedelta(hours=12, minutes=1)})
    response = client.get(DASHBOARD)
    assert response.status_code == 302
    assert "maximum length" in client.get(response["Location"]).content.decode()
    assert AuditEntry.objects.get(action="session.expired").details == {"reason": "absolute"}


def test_timeouts_follow_the_settings(cast: Any, settings: Any) -> None:
    settings.STROM_IDLE_TIMEOUT = timedelta(minutes=5)
    client = _logged_in(cast)
    _age(client, **{keys.LAST_SEEN: timedelta(minutes=6)})
    assert client.get(DASHBOARD).status_code == 302


def test_htmx_requests_get_hx_redirect_instead_of_a_redirect(cast: Any) -> None:
    client = _logged_in(cast)
    _age(client, **{keys.LAST_SEEN: timedelta(minutes=31)})
    response = client.get(DASHBOARD, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response["HX-Redirect"].startswith(reverse("accounts:login"))


def test_api_request_with_an_expired_session_is_unauthenticated_not_redirected(cast: Any) -> None:
    client = _logged_in(cast)
    _age(client, **{keys.LAST_SEEN: timedelta(minutes=31)})
    assert client.get("/api/v1/me").status_code == 401


def test_deactivation_ends_the_users_sessions(cast: Any, as_persona: Any) -> None:
    victim = as_persona("caseworker_a")
    assert victim.get(DASHBOARD).status_code == 200
    user_set_active(by=cast.orgadmin_a, user=cast.caseworker_a, active=False)
    assert victim.get(DASHBOARD).status_code == 302


def test_sessions_started_before_sessions_valid_after_end(cast: Any) -> None:
    client = _logged_in(cast)
    user = cast.analyst_a
    user.sessions_valid_after = timezone.now()
    user.save(update_fields=["sessions_valid_after"])
    response = client.get(DASHBOARD)
    assert response.status_code == 302
    assert AuditEntry.objects.get(action="session.expired").details == {"reason": "revoked"}
    # A new login is fine.
    assert post_login(Client(), "analyst_a@example.test").status_code == 302
    assert actions(action="session.expired") == ["session.expired"]
