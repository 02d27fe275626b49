from __future__ import annotations

import re
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from strom.accounts.models import Invitation, Membership, User
from strom.accounts.services import invitation_create
from strom.accounts.tests.conftest import actions, post_login
from strom.core.roles import Role

pytestmark = pytest.mark.django_db

PASSWORD = "a long enough passphrase for anna 9"


def _invite(
    client: Client, capture: Any, org: Any, role: str = "case_worker", email: str = "anna@example.test"
) -> Any:
    with capture(execute=True):
        return client.post(
            reverse("accounts:invitation_create"), {"email": email, "organisation": org.pk, "role": role}
        )


def _link() -> str:
    match = re.search(r"http://\S+/accounts/invitations/\S+/", str(mail.outbox[-1].body))
    assert match
    return urlsplit(match.group(0)).path


def test_invitation_end_to_end(cast: Any, as_persona: Any, django_capture_on_commit_callbacks: Any) -> None:
    admin = as_persona("orgadmin_a")
    assert admin.get(reverse("accounts:invitation_create")).status_code == 200
    response = _invite(admin, django_capture_on_commit_callbacks, cast.org_a)
    assert response["Location"] == reverse("accounts:invitation_list")
    assert mail.outbox[0].to == ["anna@example.test"]
    link = _link()
    token = link.rstrip("/").rsplit("/", 1)[1]
    invitation = Invitation.objects.get()
    # Only the hash of the token is stored.
    assert token not in invitation.token_hash
    assert len(invitation.token_hash) == 64
    assert "anna@example.test" in admin.get(reverse("accounts:invitation_list")).content.decode()

    newcomer = Client()
    page = newcomer.get(link)
    assert page.status_code == 200
    assert "Riga Social Service" in page.content.decode()
    weak = newcomer.post(
        link, {"full_name": "Anna Bērziņa", "password1": "password", "password2": "password"}
    )
    assert weak.status_code == 200
    assert "error-summary" in weak.content.decode()
    assert not User.objects.filter(email="anna@example.test").exists()
    response = newcomer.post(
        link, {"full_name": "Anna Bērziņa", "password1": PASSWORD, "password2": PASSWORD}
    )
    # Logged in, and a case worker enrols the second factor next.
    assert response["Location"] == reverse("accounts:two_factor_verify")
    user = User.objects.get(email="anna@example.test")
    assert user.full_name == "Anna Bērziņa"
    assert user.check_password(PASSWORD)
    membership = Membership.objects.get(user=user)
    assert (membership.organisation, membership.role) == (cast.org_a, Role.CASE_WORKER)
    assert Invitation.objects.get().accepted_at is not None
    assert Client().get(link).status_code == 404  # used once
    # Seeing the list of open invitations (their addresses) is a recorded read.
    assert actions(action__startswith="invitation.") == [
        "invitation.create",
        "invitation.view",
        "invitation.accept",
    ]
    assert "user.create" in actions(actor_id=user.pk)


def test_existing_user_accepts_after_logging_in(
    cast: Any, as_persona: Any, django_capture_on_commit_callbacks: Any
) -> None:
    _invite(
        as_persona("orgadmin_b"),
        django_capture_on_commit_callbacks,
        cast.org_b,
        email="analyst_a@example.test",
    )
    link = _link()
    assert Client().get(link)["Location"].startswith(reverse("accounts:login"))
    client = as_persona("analyst_a")
    assert client.get(link).status_code == 200
    assert client.post(link)["Location"] == reverse("core:dashboard")
    assert Membership.objects.get(user=cast.analyst_a, organisation=cast.org_b).role == Role.CASE_WORKER
    # Another logged-in account cannot use it.
    assert as_persona("analyst_b").get(link).status_code == 404


def test_org_admin_cannot_grant_system_admin(
    cast: Any, as_persona: Any, django_capture_on_commit_callbacks: Any
) -> None:
    admin = as_persona("orgadmin_a")
    assert "system_admin" not in admin.get(reverse("accounts:invitation_create")).content.decode()
    response = _invite(admin, django_capture_on_commit_callbacks, cast.org_a, role="system_admin")
    assert response.status_code == 200
    assert not Invitation.objects.exists()
    assert mail.outbox == []
    with pytest.raises(ValidationError):
        invitation_create(
            by=cast.orgadmin_a, email="x@example.test", organisation=cast.org_a, role="system_admin"
        )


def test_system_admin_may_grant_system_admin(cast: Any) -> None:
    invitation, _ = invitation_create(
        by=cast.sysadmin,
        email="x@example.test",
        organisation=cast.orgs["coordinator_lt"],
        role=Role.SYSTEM_ADMIN,
    )
    assert invitation.role == Role.SYSTEM_ADMIN


def test_org_admin_cannot_invite_into_another_organisation(
    cast: Any, as_persona: Any, django_capture_on_commit_callbacks: Any
) -> None:
    response = _invite(as_persona("orgadmin_a"), django_capture_on_commit_callbacks, cast.org_b)
    assert response.status_code == 200
    assert not Invitation.objects.exists()


def test_a_second_open_invitation_and_inviting_a_member_are_refused(cast: Any) -> None:
    invitation_create(by=cast.orgadmin_a, email="x@example.test", organisation=cast.org_a, role="supervisor")
    with pytest.raises(ValidationError, match="open invitation"):
        invitation_create(
            by=cast.orgadmin_a, email="X@example.test", organisation=cast.org_a, role="supervisor"
        )
    with pytest.raises(ValidationError, match="already works"):
        invitation_create(
            by=cast.orgadmin_a, email="caseworker_a@example.test", organisation=cast.org_a, role="supervisor"
        )


def test_revoked_and_expired_invitations_no_longer_work(cast: Any, as_persona: Any) -> None:
    invitation, token = invitation_create(
        by=cast.orgadmin_a, email="x@example.test", organisation=cast.org_a, role="supervisor"
    )
    link = reverse("accounts:invitation_accept", args=[token])
    assert Client().get(link).status_code == 200
    # Another organisation's admin cannot even see it.
    assert (
        as_persona("orgadmin_b").post(reverse("accounts:invitation_revoke", args=[invitation.pk])).status_code
        == 404
    )
    response = as_persona("orgadmin_a").post(reverse("accounts:invitation_revoke", args=[invitation.pk]))
    assert response.status_code == 302
    assert Client().get(link).status_code == 404
    assert "invitation.revoke" in actions(actor_id=cast.orgadmin_a.pk)

    second, token2 = invitation_create(
        by=cast.orgadmin_a, email="y@example.test", organisation=cast.org_a, role="supervisor"
    )
    Invitation.objects.filter(pk=second.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    assert Client().get(reverse("accounts:invitation_accept", args=[token2])).status_code == 404


def test_unknown_token_is_not_found(db: None) -> None:
    assert Client().get(reverse("accounts:invitation_accept", args=["no-such-token"])).status_code == 404


def test_invited_analyst_lands_on_the_dashboard(cast: Any) -> None:
    _, token = invitation_create(
        by=cast.sysadmin, email="new@example.test", organisation=cast.orgs["rapporteur_lv"], role="analyst"
    )
    client = Client()
    link = reverse("accounts:invitation_accept", args=[token])
    response = client.post(link, {"full_name": "Nina Ozola", "password1": PASSWORD, "password2": PASSWORD})
    assert response["Location"] == reverse("core:dashboard")
    client.post(reverse("accounts:logout"))
    assert post_login(Client(), "new@example.test", PASSWORD).status_code == 302
