from datetime import timedelta

from django.contrib.auth.tokens import default_token_generator
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from strom.accounts.models import Invitation, User
from strom.accounts.selectors import invitation_token_hash
from strom.core.roles import Role
from tests.authz import PERSONAS, Route, everyone_logged_in, expect, public

LOGGED_IN = [p for p in PERSONAS if p != "anonymous"]
# Personas who pass no second factor in the cast: analysts (opt-in only) and the outsider (no role).
NO_SECOND_FACTOR = ["analyst_a", "analyst_b", "outsider"]
SECOND_FACTOR = [p for p in LOGGED_IN if p not in NO_SECOND_FACTOR]
USER_VIEWERS = ["supervisor_a", "supervisor_b", "orgadmin_a", "orgadmin_b", "sysadmin"]
MANAGERS = ["orgadmin_a", "orgadmin_b", "sysadmin"]
ORG_A_VIEWERS = ["supervisor_a", "orgadmin_a", "sysadmin"]
ORG_A_MANAGERS = ["orgadmin_a", "sysadmin"]


def _caseworker_a(c):  # type: ignore[no-untyped-def]
    return {"user_id": c.users["caseworker_a"].pk}


def _caseworker_a_membership(c):  # type: ignore[no-untyped-def]
    return {"membership_id": c.users["caseworker_a"].memberships.get().pk}


def _invitation(c, token: str = "t0ken-for-the-authorisation-matrix") -> Invitation:  # type: ignore[no-untyped-def]  # noqa: S107
    return Invitation.objects.create(
        email="new.colleague@example.test",
        organisation=c.org_a,
        role=Role.CASE_WORKER,
        token_hash=invitation_token_hash(token),
        invited_by=c.users["orgadmin_a"],
        expires_at=timezone.now() + timedelta(days=7),
    )


def _caseworker_a_notification(c):  # type: ignore[no-untyped-def]
    from strom.accounts.models import Notification

    n = Notification.objects.create(
        user=c.users["caseworker_a"], message_key="referral_new", params={"count": 1}
    )
    return {"notification_id": n.pk}


def _invitation_id(c):  # type: ignore[no-untyped-def]
    return {"invitation_id": _invitation(c).pk}


def _invitation_token(c):  # type: ignore[no-untyped-def]
    _invitation(c, "t0ken-for-the-authorisation-matrix")
    return {"token": "t0ken-for-the-authorisation-matrix"}


def _reset_link(c):  # type: ignore[no-untyped-def]
    # From the database: the in-memory user may carry a last_login from a rolled-back login.
    user = User.objects.get(pk=c.users["caseworker_a"].pk)
    return {
        "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
    }


ROUTES = [
    # Logged-in people are sent on to the dashboard.
    Route("accounts:login", expect=expect(["anonymous"], denied=302)),
    Route("accounts:logout", method="post", expect=public(ok=302)),
    # Verified personas go on to the dashboard; the others, without an authenticator, to enrolment.
    Route("accounts:two_factor_verify", expect=public(ok=302)),
    Route(
        "accounts:two_factor_setup",
        expect=expect(NO_SECOND_FACTOR, overrides={p: 302 for p in SECOND_FACTOR}),
    ),
    # Codes are shown only right after they are made; without them the page sends you to the profile.
    Route("accounts:recovery_codes", expect=expect(SECOND_FACTOR, ok=302)),
    Route("accounts:recovery_codes", method="post", expect=expect(SECOND_FACTOR, ok=302)),
    Route("accounts:profile", expect=everyone_logged_in()),
    # Each user's own notifications; marking one of someone else's marks nothing and says nothing.
    Route("accounts:notifications", expect=everyone_logged_in()),
    Route("accounts:notifications_badge", expect=everyone_logged_in()),
    Route("accounts:notifications_read_all", method="post", expect=everyone_logged_in(ok=302)),
    Route(
        "accounts:notification_read",
        method="post",
        kwargs=_caseworker_a_notification,
        expect=everyone_logged_in(ok=302),
    ),
    Route("accounts:password_change", expect=everyone_logged_in()),
    Route("accounts:password_reset", expect=public()),
    Route("accounts:password_reset_done", expect=public()),
    Route("accounts:password_reset_confirm", kwargs=_reset_link, expect=public()),
    Route("accounts:password_reset_complete", expect=public()),
    Route("accounts:invitation_list", expect=expect(MANAGERS)),
    Route("accounts:invitation_create", expect=expect(MANAGERS)),
    Route(
        "accounts:invitation_revoke",
        method="post",
        kwargs=_invitation_id,
        expect=expect(ORG_A_MANAGERS, ok=302),
    ),
    # The invitation is for a new address: anyone logged in is the wrong account.
    Route("accounts:invitation_accept", kwargs=_invitation_token, expect=expect(["anonymous"])),
    Route("accounts:user_list", expect=expect(USER_VIEWERS)),
    Route("accounts:user_detail", kwargs=_caseworker_a, expect=expect(ORG_A_VIEWERS)),
    Route(
        "accounts:user_deactivate", method="post", kwargs=_caseworker_a, expect=expect(ORG_A_MANAGERS, ok=302)
    ),
    Route(
        "accounts:user_reactivate", method="post", kwargs=_caseworker_a, expect=expect(ORG_A_MANAGERS, ok=302)
    ),
    Route("accounts:user_unlock", method="post", kwargs=_caseworker_a, expect=expect(ORG_A_MANAGERS, ok=302)),
    Route(
        "accounts:user_reset_two_factor",
        method="post",
        kwargs=_caseworker_a,
        expect=expect(ORG_A_MANAGERS, ok=302),
    ),
    Route(
        "accounts:membership_change_role",
        method="post",
        kwargs=_caseworker_a_membership,
        data=lambda c: {"role": Role.SUPERVISOR.value},
        expect=expect(ORG_A_MANAGERS, ok=302),
    ),
    Route(
        "accounts:membership_deactivate",
        method="post",
        kwargs=_caseworker_a_membership,
        expect=expect(ORG_A_MANAGERS, ok=302),
    ),
    Route(
        "accounts:membership_reactivate",
        method="post",
        kwargs=_caseworker_a_membership,
        expect=expect(ORG_A_MANAGERS, ok=302),
    ),
    # For system admins only: memberships whose role their organisation's type may not hold.
    Route("accounts:memberships_breaking_rule", expect=expect(["sysadmin"])),
    Route("api:me", expect=everyone_logged_in(anonymous=401)),
    Route("api:user_list", expect=expect(USER_VIEWERS, anonymous=401)),
    Route("api:user_detail", kwargs=_caseworker_a, expect=expect(ORG_A_VIEWERS, anonymous=401)),
    # Org B's admin may not invite into org A: 404, as if it did not exist.
    Route(
        "api:invitation_create",
        method="post",
        json=True,
        data=lambda c: {
            "email": "new.colleague@example.test",
            "organisation_id": c.org_a.pk,
            "role": "case_worker",
        },
        expect=expect(ORG_A_MANAGERS, ok=201, anonymous=401),
    ),
    Route(
        "api:membership_update",
        method="patch",
        json=True,
        kwargs=_caseworker_a_membership,
        data=lambda c: {"role": Role.SUPERVISOR.value},
        expect=expect(ORG_A_MANAGERS, anonymous=401),
    ),
]
