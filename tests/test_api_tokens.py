"""Personal API tokens: hashed at rest, scoped, expiring, revocable, acting exactly as their user."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from strom.accounts.models import Membership, User
from strom.api.models import ApiToken
from strom.api.services import api_token_create
from strom.audit.models import AuditEntry
from strom.directory.models import Organisation
from tests.personas import Cast

LIST = "/api/v1/organisations"


def make_token(
    user: User, *, scopes: tuple[str, ...] = ("read",), days: int = 30, verified: bool = True
) -> tuple[ApiToken, str]:
    return api_token_create(
        by=user,
        name="script",
        scopes=list(scopes),
        expires_at=timezone.now() + timedelta(days=days),
        second_factor_verified=verified,
    )


def bearer(token: str) -> dict[str, Any]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def org_url(cast: Cast, which: str = "a") -> str:
    return f"{LIST}/{getattr(cast, 'org_' + which).pk}"


def test_token_is_stored_only_as_a_hash(cast: Cast) -> None:
    token, plaintext = make_token(cast.caseworker_a)
    secret = plaintext.split("_", 2)[2]
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM api_apitoken")
        rows = cursor.fetchall()
    dumped = repr(rows)
    assert plaintext not in dumped
    assert secret not in dumped
    assert token.prefix in dumped  # the prefix alone is meant to be visible
    assert len(token.token_hash) == 64


def test_valid_read_token_lists_organisations(cast: Cast) -> None:
    _, plaintext = make_token(cast.caseworker_a)
    response = Client().get(LIST, **bearer(plaintext))
    assert response.status_code == 200
    names = {o["name"] for o in response.json()["items"]}
    assert names == set(Organisation.objects.values_list("name", flat=True))
    assert {"Riga Social Service", "Vilnius Support Centre", "Riga Safe House"} < names


@pytest.mark.parametrize(
    "header",
    ["Bearer strom_deadbeef_notarealtokennotarealtoken", "Bearer garbage", "Basic dXNlcjpwYXNz", ""],
)
def test_bad_credentials_get_401_problem_with_bearer_challenge(cast: Cast, header: str) -> None:
    extra: dict[str, Any] = {"HTTP_AUTHORIZATION": header} if header else {}
    response = Client().get(LIST, **extra)
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/problem+json")
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["type"] == "urn:strom:problem:unauthenticated"


def test_token_with_a_wrong_secret_but_a_real_prefix_gets_401(cast: Cast) -> None:
    token, plaintext = make_token(cast.caseworker_a)
    forged = f"strom_{token.prefix}_{'x' * 43}"
    assert forged != plaintext
    assert Client().get(LIST, **bearer(forged)).status_code == 401


def test_expired_token_gets_401(cast: Cast) -> None:
    token, plaintext = make_token(cast.caseworker_a)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert Client().get(LIST, **bearer(plaintext)).status_code == 401


def test_revoked_token_gets_401(cast: Cast, as_persona: Any) -> None:
    token, plaintext = make_token(cast.caseworker_a)
    assert Client().get(LIST, **bearer(plaintext)).status_code == 200
    response = as_persona("caseworker_a").post(reverse("api_tokens:revoke", args=[token.pk]))
    assert response.status_code == 302
    assert Client().get(LIST, **bearer(plaintext)).status_code == 401


def test_token_of_a_deactivated_user_gets_401(cast: Cast) -> None:
    _, plaintext = make_token(cast.caseworker_a)
    User.objects.filter(pk=cast.caseworker_a.pk).update(is_active=False)
    assert Client().get(LIST, **bearer(plaintext)).status_code == 401


def test_read_scope_cannot_write(cast: Cast) -> None:
    _, plaintext = make_token(cast.orgadmin_a, scopes=("read",))
    response = Client().patch(
        org_url(cast), data={"name": "Renamed"}, content_type="application/json", **bearer(plaintext)
    )
    assert response.status_code == 403
    assert response.json()["type"] == "urn:strom:problem:insufficient-scope"
    cast.org_a.refresh_from_db()
    assert cast.org_a.name == "Riga Social Service"


def test_write_only_scope_cannot_read(cast: Cast) -> None:
    _, plaintext = make_token(cast.orgadmin_a, scopes=("write",))
    response = Client().get(LIST, **bearer(plaintext))
    assert response.status_code == 403
    assert response.json()["type"] == "urn:strom:problem:insufficient-scope"


def test_write_token_acts_with_exactly_the_users_permissions(cast: Cast) -> None:
    _, own_admin = make_token(cast.orgadmin_a, scopes=("read", "write"))
    _, other_admin = make_token(cast.orgadmin_b, scopes=("read", "write"))
    _, caseworker_b = make_token(cast.caseworker_b, scopes=("read", "write"))
    patch: dict[str, Any] = {"data": {"name": "Riga Social Services"}, "content_type": "application/json"}
    assert Client().patch(org_url(cast), **patch, **bearer(other_admin)).status_code == 404
    assert Client().patch(org_url(cast), **patch, **bearer(caseworker_b)).status_code == 404
    assert Client().patch(org_url(cast), **patch, **bearer(own_admin)).status_code == 200
    cast.org_a.refresh_from_db()
    assert cast.org_a.name == "Riga Social Services"


def test_a_token_cannot_see_more_than_its_user(cast: Cast) -> None:
    # An inactive organisation is visible to system admins only.
    type(cast.org_b).objects.filter(pk=cast.org_b.pk).update(is_active=False)
    _, caseworker_a = make_token(cast.caseworker_a)
    _, sysadmin = make_token(cast.sysadmin)
    assert Client().get(org_url(cast, "b"), **bearer(caseworker_a)).status_code == 404
    assert cast.org_b.name not in Client().get(LIST, **bearer(caseworker_a)).content.decode()
    assert Client().get(org_url(cast, "b"), **bearer(sysadmin)).status_code == 200


def test_token_follows_the_users_current_roles(cast: Cast) -> None:
    _, plaintext = make_token(cast.orgadmin_a, scopes=("read", "write"))
    Membership.objects.filter(user=cast.orgadmin_a).update(role="analyst")
    response = Client().patch(
        org_url(cast), data={"name": "Renamed"}, content_type="application/json", **bearer(plaintext)
    )
    assert response.status_code == 404


def test_last_used_at_is_recorded_at_most_once_a_minute(cast: Cast) -> None:
    token, plaintext = make_token(cast.caseworker_a)
    assert token.last_used_at is None
    Client().get(LIST, **bearer(plaintext))
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None
    Client().get(LIST, **bearer(plaintext))
    token.refresh_from_db()
    assert token.last_used_at == first
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - timedelta(minutes=2))
    Client().get(LIST, **bearer(plaintext))
    token.refresh_from_db()
    assert token.last_used_at is not None
    assert token.last_used_at > first - timedelta(minutes=1)


def test_token_made_without_second_factor_stops_when_user_needs_one(cast: Cast) -> None:
    # The analyst needs no second factor and makes a token in an unverified session…
    _, plaintext = make_token(cast.analyst_a, verified=False)
    assert Client().get(LIST, **bearer(plaintext)).status_code == 200
    # …then becomes a case worker, who must use one: the old token no longer works.
    Membership.objects.filter(user=cast.analyst_a).update(role="case_worker")
    assert Client().get(LIST, **bearer(plaintext)).status_code == 401


def test_bearer_token_needs_no_csrf_token(cast: Cast) -> None:
    _, plaintext = make_token(cast.orgadmin_a, scopes=("read", "write"))
    client = Client(enforce_csrf_checks=True)
    response = client.patch(
        org_url(cast),
        data={"name": "Riga Social Services"},
        content_type="application/json",
        **bearer(plaintext),
    )
    assert response.status_code == 200


# --- session auth on the API ---


def test_session_without_verified_second_factor_gets_401(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.caseworker_a)  # logged in with the password only
    response = client.get(LIST)
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/problem+json")


def test_verified_session_reads_the_api(as_persona: Any) -> None:
    assert as_persona("caseworker_a").get(LIST).status_code == 200


def test_session_write_without_csrf_token_is_refused(cast: Cast, as_persona: Any) -> None:
    client = as_persona("orgadmin_a")
    client.handler.enforce_csrf_checks = True
    response = client.patch(org_url(cast), data={"name": "Renamed"}, content_type="application/json")
    assert response.status_code == 403
    assert response.json()["type"] == "urn:strom:problem:csrf-failed"
    cast.org_a.refresh_from_db()
    assert cast.org_a.name == "Riga Social Service"


def test_session_write_with_csrf_token_is_accepted(cast: Cast, as_persona: Any) -> None:
    client = as_persona("orgadmin_a")
    client.handler.enforce_csrf_checks = True
    client.get(reverse("api_tokens:list"))  # any page sets the CSRF cookie
    csrf = client.cookies["strom_csrf"].value
    response = client.patch(
        org_url(cast),
        data={"name": "Riga Social Services"},
        content_type="application/json",
        HTTP_X_CSRFTOKEN=csrf,
    )
    assert response.status_code == 200


# --- the token page ---


def _create(client: Client, **overrides: Any) -> Any:
    data = {
        "name": "monthly export",
        "scopes": ["read"],
        "expires_at": (timezone.localdate() + timedelta(days=30)).isoformat(),
        **overrides,
    }
    return client.post(reverse("api_tokens:list"), data)


def test_created_token_is_shown_once_and_works(cast: Cast, as_persona: Any) -> None:
    client = as_persona("caseworker_a")
    response = _create(client)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    plaintext = response.context["created"]["plaintext"]
    assert plaintext.startswith("strom_")
    assert plaintext in response.content.decode()
    assert plaintext not in client.get(reverse("api_tokens:list")).content.decode()
    assert Client().get(LIST, **bearer(plaintext)).status_code == 200
    token = ApiToken.objects.get(user=cast.caseworker_a)
    assert token.created_verified is True
    assert AuditEntry.objects.filter(action="api_token.create", object_ref=str(token.pk)).exists()


def test_revoke_is_audited(cast: Cast, as_persona: Any) -> None:
    token, _ = make_token(cast.caseworker_a)
    as_persona("caseworker_a").post(reverse("api_tokens:revoke", args=[token.pk]))
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditEntry.objects.filter(action="api_token.revoke", object_ref=str(token.pk)).exists()


def test_nobody_else_can_revoke_a_token(cast: Cast, as_persona: Any) -> None:
    token, _ = make_token(cast.caseworker_a)
    assert as_persona("sysadmin").post(reverse("api_tokens:revoke", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_token_list_shows_only_own_tokens(cast: Cast, as_persona: Any) -> None:
    make_token(cast.caseworker_b)
    mine, _ = make_token(cast.caseworker_a)
    page = as_persona("caseworker_a").get(reverse("api_tokens:list"))
    assert [t.pk for t in page.context["tokens"]] == [mine.pk]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"name": "  "}, "name"),
        ({"scopes": []}, "scopes"),
        ({"scopes": ["admin"]}, "scopes"),
        ({"expires_at": "2001-01-01"}, "expires_at"),
        ({"expires_at": (timezone.localdate() + timedelta(days=400)).isoformat()}, "expires_at"),
        ({"expires_at": "not a date"}, "expires_at"),
    ],
)
def test_bad_token_input_gets_a_message_and_saves_nothing(
    cast: Cast, as_persona: Any, overrides: dict[str, Any], field: str
) -> None:
    response = _create(as_persona("caseworker_a"), **overrides)
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert 'class="error-summary"' in response.content.decode()
    assert not ApiToken.objects.exists()


def test_creating_a_token_needs_a_verified_session_when_two_factor_is_required(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.caseworker_a)
    # The two-factor gate may already send the user to verify; either way no token is made.
    response = _create(client)
    assert response.status_code in {200, 302}
    if response.status_code == 200:
        assert response.context["form"].non_field_errors()
    assert not ApiToken.objects.exists()


def test_service_refuses_unverified_creation_for_two_factor_users(cast: Cast) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        make_token(cast.caseworker_a, verified=False)
    assert not ApiToken.objects.exists()


def test_outsider_cannot_have_tokens(as_persona: Any) -> None:
    assert _create(as_persona("outsider")).status_code == 404
    assert not ApiToken.objects.exists()
