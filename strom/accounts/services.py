"""Account write functions: one per operation, each validating first and writing its audit entry.

Audit entries name users by id, never by name or e-mail; a typed password or code is never recorded.
"""

from __future__ import annotations

import enum
import secrets
from datetime import timedelta

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from strom.accounts.models import Invitation, Membership, User
from strom.accounts.selectors import grantable_roles, invitation_token_hash
from strom.audit.actors import COMMAND_LINE
from strom.audit.services import audit_record
from strom.core.errors import NotAllowed
from strom.core.mail import send_in_language
from strom.core.roles import OrgType, Perm, Role, check_may_hold
from strom.directory.models import Organisation

RECOVERY_CODE_COUNT = 10


# --- profile -------------------------------------------------------------------------------------


def user_set_language(*, by: User, language: str) -> None:
    if language not in dict(settings.LANGUAGES) or by.language == language:
        return
    with transaction.atomic():
        by.language = language
        by.save(update_fields=["language"])
        audit_record(actor=by, action="user.set_language", object_type="user", object_ref=by.pk)


def user_update_profile(*, by: User, full_name: str, language: str) -> None:
    full_name = full_name.strip()
    if not full_name:
        raise ValidationError({"full_name": _("Enter your full name.")})
    if language and language not in dict(settings.LANGUAGES):
        raise ValidationError({"language": _("Choose one of the offered languages.")})
    changed = [f for f, v in (("full_name", full_name), ("language", language)) if getattr(by, f) != v]
    if not changed:
        return
    with transaction.atomic():
        by.full_name = full_name
        by.language = language
        # The blind index is computed on save and must be written together with the name.
        by.save(update_fields=[*changed, *(["full_name_index"] if "full_name" in changed else [])])
        audit_record(
            actor=by,
            action="user.update_profile",
            object_type="user",
            object_ref=by.pk,
            details={"fields": changed},
        )


# --- authentication events (the audit trail of logging in and out) -------------------------------


def login_succeeded(*, user: User, two_factor: bool) -> None:
    """The whole login (password and, where needed, second factor) succeeded."""
    with transaction.atomic():
        # Failures are forgotten only now, not after the password alone: otherwise logging in again
        # with a known password would reset the count of wrong second-factor codes.
        axes_reset(username=user.email)
        audit_record(
            actor=user,
            action="login.success",
            object_type="user",
            object_ref=user.pk,
            details={"two_factor": two_factor},
        )


def _user_id_for(email: str) -> str:
    # Recorded by id, and only when the account exists: a mistyped address is someone's personal data.
    user_id = User.objects.filter(email=email.strip().lower()).values_list("pk", flat=True).first()
    return str(user_id) if user_id else ""


def login_failed(*, email: str, step: str = "password") -> None:
    with transaction.atomic():
        audit_record(
            actor=None,
            action="login.failure",
            object_type="user",
            object_ref=_user_id_for(email),
            details={"step": step},
        )


def login_locked_out(*, email: str) -> None:
    with transaction.atomic():
        audit_record(
            actor=None, action="login.locked_out", object_type="user", object_ref=_user_id_for(email)
        )


def login_throttled_ip() -> None:
    with transaction.atomic():
        audit_record(actor=None, action="login.ip_throttled")


def logged_out(*, user: User) -> None:
    with transaction.atomic():
        audit_record(actor=user, action="logout", object_type="user", object_ref=user.pk)


def session_expired(*, user: User, reason: str) -> None:
    with transaction.atomic():
        audit_record(
            actor=user,
            action="session.expired",
            object_type="user",
            object_ref=user.pk,
            details={"reason": reason},
        )


# --- two-factor ----------------------------------------------------------------------------------


class OtpResult(enum.Enum):
    TOTP = "totp"
    RECOVERY_CODE = "recovery_code"
    WRONG = "wrong"
    THROTTLED = "throttled"


def _normalise_code(token: str) -> str:
    return "".join(token.split()).replace("-", "").lower()


def two_factor_check(*, user: User, token: str) -> tuple[OtpResult, Device | None]:
    """Check a code from the authenticator app or a one-time recovery code.

    django-otp throttles each device (exponential delay after each wrong code) and counts the wrong
    code on it; the caller also counts it towards the account lockout.
    """
    token = _normalise_code(token)
    with transaction.atomic():
        devices: list[Device] = [
            *TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True),
            *StaticDevice.objects.select_for_update().filter(user=user, confirmed=True),
        ]
        # Each kind of code only goes to the device that issues it, so a wrong code is counted once.
        kind: type[Device] = TOTPDevice if token.isascii() and token.isdigit() else StaticDevice
        devices = [d for d in devices if isinstance(d, kind)]
        if any(not d.verify_is_allowed()[0] for d in devices):
            audit_record(actor=user, action="two_factor.throttled", object_type="user", object_ref=user.pk)
            return OtpResult.THROTTLED, None
        for device in devices:
            if device.verify_token(token):
                result = OtpResult.TOTP if kind is TOTPDevice else OtpResult.RECOVERY_CODE
                audit_record(
                    actor=user,
                    action="two_factor.success",
                    object_type="user",
                    object_ref=user.pk,
                    details={"method": result.value},
                )
                return result, device
        audit_record(actor=user, action="two_factor.failure", object_type="user", object_ref=user.pk)
        return OtpResult.WRONG, None


def totp_device_start(*, user: User) -> TOTPDevice:
    """The unconfirmed authenticator a user is enrolling; a fresh secret only when none is pending."""
    with transaction.atomic():
        device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
        if device is not None:
            return device
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
        audit_record(
            actor=user, action="two_factor.enrolment_started", object_type="user", object_ref=user.pk
        )
        return device


def _new_recovery_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="recovery codes", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def totp_device_confirm(*, user: User, device: TOTPDevice, token: str) -> list[str]:
    """Confirm the authenticator with a first code; returns new recovery codes to show once."""
    if device.user_id != user.pk or device.confirmed:
        raise ValidationError(_("This enrolment is no longer valid. Start again."))
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        if not device.verify_token(_normalise_code(token)):
            raise ValidationError(
                {"otp_token": _("That code is not valid. Check the time on your phone and try again.")}
            )
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        codes = _new_recovery_codes(user)
        audit_record(actor=user, action="two_factor.enrolled", object_type="user", object_ref=user.pk)
    return codes


def recovery_codes_regenerate(*, user: User) -> list[str]:
    if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        raise ValidationError(_("Set up an authenticator app first."))
    with transaction.atomic():
        codes = _new_recovery_codes(user)
        audit_record(
            actor=user, action="two_factor.recovery_codes_regenerated", object_type="user", object_ref=user.pk
        )
    return codes


def two_factor_reset(*, by: User, user: User) -> None:
    """An admin removes a user's second factor (a lost phone); they enrol again at their next login."""
    _check_may_manage_user(by, user)
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        _end_sessions(user)
        audit_record(actor=by, action="two_factor.reset", object_type="user", object_ref=user.pk)


# --- passwords -----------------------------------------------------------------------------------


def _end_sessions(user: User) -> None:
    user.sessions_valid_after = timezone.now()
    user.save(update_fields=["sessions_valid_after"])


def password_change(*, user: User, password: str) -> None:
    """The user's own change. Every other session of theirs ends; the caller keeps the current one."""
    password_validation.validate_password(password, user)
    with transaction.atomic():
        user.set_password(password)
        user.sessions_valid_after = timezone.now()
        user.save(update_fields=["password", "sessions_valid_after"])
        audit_record(actor=user, action="password.change", object_type="user", object_ref=user.pk)


def password_reset_request(*, email: str) -> None:
    """Mail a reset link if an active account has this address. The caller answers the same either way."""
    email = email.strip().lower()
    user = User.objects.filter(email=email, is_active=True).first()
    with transaction.atomic():
        audit_record(
            actor=None,
            action="password.reset_requested",
            object_type="user",
            object_ref=user.pk if user else "",
        )
        if user is None or not user.has_usable_password():
            return
        path = reverse(
            "accounts:password_reset_confirm",
            kwargs={
                "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                "token": default_token_generator.make_token(user),
            },
        )
        link = settings.SITE_URL + path
        language = user.language or settings.LANGUAGE_CODE
        transaction.on_commit(lambda: _send(email, "accounts/email/password_reset", {"link": link}, language))


def password_reset_complete(*, user: User, password: str) -> None:
    password_validation.validate_password(password, user)
    with transaction.atomic():
        user.set_password(password)
        user.sessions_valid_after = timezone.now()
        user.save(update_fields=["password", "sessions_valid_after"])
        # Proving control of the mailbox lifts a lockout, like an admin's unlock.
        axes_reset(username=user.email)
        audit_record(actor=user, action="password.reset", object_type="user", object_ref=user.pk)


def _send(to: str, template: str, context: dict[str, object], language: str) -> None:
    send_in_language(to, language, template, context)


# --- invitations ---------------------------------------------------------------------------------


def _check_may_grant(by: User, organisation_id: int, *roles: str) -> None:
    allowed = grantable_roles(by, organisation_id)
    if any(role not in allowed for role in roles):
        raise ValidationError({"role": _("You cannot grant this role in this organisation.")})


def _lock_organisation_holding(organisation_id: int, role: str) -> Organisation:
    """Lock the organisation and check that its type may hold `role` (roles.check_may_hold).

    The lock orders this grant with a change of the organisation's type (directory's
    organisation_update locks the same row), so neither can slip past the other's check.
    """
    organisation = Organisation.objects.select_for_update().get(pk=organisation_id)
    check_may_hold(organisation.org_type, role)
    return organisation


def invitation_create(
    *, by: User, email: str, organisation: Organisation, role: str
) -> tuple[Invitation, str]:
    """Invite a person by e-mail; returns the invitation and the token (sent once, stored only hashed)."""
    email = email.strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": _("Enter a valid e-mail address.")}) from None
    if role not in Role.values:
        raise ValidationError({"role": _("Choose a role.")})
    if not organisation.is_active:
        raise ValidationError({"organisation": _("This organisation is not active.")})
    _check_may_grant(by, organisation.pk, role)
    if Membership.objects.filter(user__email=email, organisation=organisation, is_active=True).exists():
        raise ValidationError({"email": _("This person already works in this organisation in STROM.")})
    now = timezone.now()
    if Invitation.objects.filter(
        email=email, organisation=organisation, accepted_at=None, revoked_at=None, expires_at__gt=now
    ).exists():
        raise ValidationError(
            {"email": _("There is already an open invitation for this address. Revoke it first.")}
        )
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        _lock_organisation_holding(organisation.pk, role)
        invitation = Invitation.objects.create(
            email=email,
            organisation=organisation,
            role=role,
            token_hash=invitation_token_hash(token),
            invited_by=by,
            expires_at=now + timedelta(days=settings.STROM_INVITATION_DAYS),
        )
        audit_record(
            actor=by,
            action="invitation.create",
            object_type="invitation",
            object_ref=invitation.pk,
            organisation_id=organisation.pk,
            details={"role": role},
        )
        link = settings.SITE_URL + reverse("accounts:invitation_accept", kwargs={"token": token})
        context = {"link": link, "organisation": organisation.name, "days": settings.STROM_INVITATION_DAYS}
        language = by.language or settings.LANGUAGE_CODE
        transaction.on_commit(lambda: _send(email, "accounts/email/invitation", context, language))
    return invitation, token


def invitation_revoke(*, by: User, invitation: Invitation) -> None:
    _check_may_grant(by, invitation.organisation_id, invitation.role)
    if not invitation.is_open:
        raise ValidationError(_("This invitation is no longer open."))
    with transaction.atomic():
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        audit_record(
            actor=by,
            action="invitation.revoke",
            object_type="invitation",
            object_ref=invitation.pk,
            organisation_id=invitation.organisation_id,
        )


def _locked_open_invitation(invitation: Invitation) -> Invitation:
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_open:
        raise ValidationError(
            _("This invitation is no longer valid. Ask your organisation's admin for a new one.")
        )
    return invitation


def _grant_membership(invitation: Invitation, user: User) -> Membership:
    # Checked again on acceptance: the organisation's type may have changed since the invitation.
    _lock_organisation_holding(invitation.organisation_id, invitation.role)
    membership, created = Membership.objects.get_or_create(
        user=user, organisation_id=invitation.organisation_id, defaults={"role": invitation.role}
    )
    if not created:
        membership = Membership.objects.select_for_update().get(pk=membership.pk)
        membership.role = invitation.role
        membership.is_active = True
        membership.save(update_fields=["role", "is_active"])
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    audit_record(
        actor=user,
        action="invitation.accept",
        object_type="invitation",
        object_ref=invitation.pk,
        organisation_id=invitation.organisation_id,
        details={"membership": membership.pk, "role": invitation.role},
    )
    return membership


def invitation_accept_new_user(*, invitation: Invitation, full_name: str, password: str) -> User:
    """A person without an account accepts: the account is created with the invited address."""
    full_name = full_name.strip()
    errors: dict[str, list[str]] = {}
    if not full_name:
        errors["full_name"] = [_("Enter your full name.")]
    candidate = User(email=invitation.email, full_name=full_name)
    try:
        password_validation.validate_password(password, candidate)
    except ValidationError as exc:
        errors["password1"] = list(exc.messages)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        invitation = _locked_open_invitation(invitation)
        if User.objects.filter(email=invitation.email).exists():
            raise ValidationError(
                _("An account with this address exists already. Log in to accept the invitation.")
            )
        user = User.objects.create_user(invitation.email, password, full_name=full_name)
        audit_record(
            actor=user,
            action="user.create",
            object_type="user",
            object_ref=user.pk,
            details={"via": "invitation"},
        )
        _grant_membership(invitation, user)
    return user


def invitation_accept_existing(*, user: User, invitation: Invitation) -> Membership:
    """A logged-in person accepts an invitation sent to their own address."""
    if user.email != invitation.email:
        raise ValidationError(_("This invitation was sent to another account."))
    with transaction.atomic():
        invitation = _locked_open_invitation(invitation)
        return _grant_membership(invitation, user)


# --- user management -----------------------------------------------------------------------------


def _check_may_manage_user(by: User, user: User) -> None:
    """Changing a whole account needs the right to grant its roles in every organisation it works in."""
    if by.pk == user.pk:
        raise ValidationError(_("You cannot do this to your own account."))
    memberships = list(user.memberships.all())
    active = [m for m in memberships if m.is_active] or memberships
    if not active and not by.has_global(Perm.SYSTEM_MANAGE):
        raise NotAllowed(_("You cannot manage this account."))
    for m in active:
        if m.role not in grantable_roles(by, m.organisation_id):
            raise NotAllowed(_("You cannot manage this account."))


def membership_change_role(*, by: User, membership: Membership, role: str) -> None:
    if membership.user_id == by.pk:
        raise ValidationError(_("You cannot change your own role."))
    if role not in Role.values:
        raise ValidationError({"role": _("Choose a role.")})
    _check_may_grant(by, membership.organisation_id, membership.role, role)
    with transaction.atomic():
        _lock_organisation_holding(membership.organisation_id, role)
        locked = Membership.objects.select_for_update().get(pk=membership.pk)
        # The role taken away must be one the actor may grant too, as it is now, not as the caller saw it.
        _check_may_grant(by, locked.organisation_id, locked.role)
        old = locked.role
        if old == role:
            return
        locked.role = role
        locked.save(update_fields=["role"])
        audit_record(
            actor=by,
            action="membership.change_role",
            object_type="membership",
            object_ref=locked.pk,
            organisation_id=locked.organisation_id,
            details={"from": old, "to": role},
        )
    membership.role = role


def membership_set_active(*, by: User, membership: Membership, active: bool) -> None:
    if membership.user_id == by.pk:
        raise ValidationError(_("You cannot change your own membership."))
    _check_may_grant(by, membership.organisation_id, membership.role)
    with transaction.atomic():
        organisation = Organisation.objects.select_for_update().get(pk=membership.organisation_id)
        locked = Membership.objects.select_for_update().get(pk=membership.pk)
        if locked.is_active == active:
            return
        if active:
            # Ending a membership is always possible; bringing one back must obey the organisation's type.
            check_may_hold(organisation.org_type, locked.role)
        locked.is_active = active
        locked.save(update_fields=["is_active"])
        if not active:
            # Permissions are read on every request, but a session that began with more rights ends anyway.
            _end_sessions(locked.user)
        audit_record(
            actor=by,
            action="membership.reactivate" if active else "membership.deactivate",
            object_type="membership",
            object_ref=locked.pk,
            organisation_id=locked.organisation_id,
        )
    membership.is_active = active


def user_set_active(*, by: User, user: User, active: bool) -> None:
    _check_may_manage_user(by, user)
    if user.is_active == active:
        return
    with transaction.atomic():
        user.is_active = active
        fields = ["is_active"]
        if not active:
            user.sessions_valid_after = timezone.now()
            fields.append("sessions_valid_after")
        user.save(update_fields=fields)
        audit_record(
            actor=by,
            action="user.reactivate" if active else "user.deactivate",
            object_type="user",
            object_ref=user.pk,
        )


def user_unlock(*, by: User, user: User) -> int:
    """Lift a login lockout before its cool-off ends. Returns how many failure records were cleared."""
    if by.pk == user.pk:
        raise ValidationError(_("You cannot do this to your own account."))
    if not any(m.role in grantable_roles(by, m.organisation_id) for m in user.memberships.all()):
        raise NotAllowed(_("You cannot manage this account."))
    with transaction.atomic():
        cleared = axes_reset(username=user.email)
        audit_record(
            actor=by,
            action="user.unlock",
            object_type="user",
            object_ref=user.pk,
            details={"cleared": cleared},
        )
    return int(cleared)


def user_record_view(*, by: User, user: User) -> None:
    """Reading a colleague's record is a read of personal data: it is logged."""
    with transaction.atomic():
        audit_record(actor=by, action="user.view", object_type="user", object_ref=user.pk)


# --- first system admin (CLI) --------------------------------------------------------------------


def system_admin_create(
    *, email: str, full_name: str, password: str, organisation_name: str, country: str
) -> tuple[User, bool]:
    """Create a system admin (and their organisation if missing). Returns (user, created).

    No actor: this is how the first admin comes to exist. The CLI sets the audit channel.
    """
    from strom.directory.models import validate_country

    email = email.strip().lower()
    full_name = full_name.strip()
    organisation_name = organisation_name.strip()
    country = country.strip().upper()
    errors: dict[str, list[str]] = {}
    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = [_("Enter a valid e-mail address.")]
    existing = User.objects.filter(email=email).first() if not errors else None
    if existing is not None and existing.memberships.filter(role=Role.SYSTEM_ADMIN, is_active=True).exists():
        return existing, False
    if existing is not None:
        errors["email"] = [_("A user with this e-mail address exists but is not a system admin.")]
    if not full_name:
        errors["name"] = [_("Enter a full name.")]
    if not organisation_name:
        errors["org"] = [_("Enter the organisation's name.")]
    try:
        validate_country(country)
    except ValidationError as exc:
        errors["country"] = list(exc.messages)
    try:
        password_validation.validate_password(password, User(email=email, full_name=full_name))
    except ValidationError as exc:
        errors["password"] = list(exc.messages)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        org, org_created = Organisation.objects.get_or_create(
            name=organisation_name, country=country, defaults={"org_type": OrgType.CENTRAL_GOVERNMENT}
        )
        try:
            _lock_organisation_holding(org.pk, Role.SYSTEM_ADMIN)
        except ValidationError as exc:
            raise ValidationError({"org": exc.message_dict["role"]}) from None
        if org_created:
            audit_record(
                actor=COMMAND_LINE,
                action="organisation.create",
                object_type="organisation",
                object_ref=org.pk,
                organisation_id=org.pk,
            )
        user = User.objects.create_user(email, password, full_name=full_name)
        membership = Membership.objects.create(user=user, organisation=org, role=Role.SYSTEM_ADMIN)
        audit_record(
            actor=COMMAND_LINE,
            action="user.create",
            object_type="user",
            object_ref=user.pk,
            details={"via": "createadmin"},
        )
        audit_record(
            actor=COMMAND_LINE,
            action="membership.create",
            object_type="membership",
            object_ref=membership.pk,
            organisation_id=org.pk,
            details={"role": Role.SYSTEM_ADMIN.value},
        )
    return user, True
