from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from strom.core.notifications import notification_message
from strom.core.retention import OutsideCases
from strom.core.roles import GLOBAL_ROLES, TWO_FACTOR_ROLES, Perm, Role, perms_for
from strom.crypto.fields import BlindIndexField, EncryptedTextField
from strom.directory.models import Organisation


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        # Only services (accounts.services) and tests call this; it writes no audit entry by itself.
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save()
        return user


class UserQuerySet(models.QuerySet["User"]):
    def visible_to(self, user: User) -> UserQuerySet:
        from strom.accounts.access import users_visible_to

        return users_visible_to(user, self)


class User(AbstractBaseUser):
    """A person who works in one or more member organisations. Never a victim: they are data subjects."""

    email = models.EmailField(_("e-mail address"), unique=True)
    # Staff names are personal data too (investigators and shelter staff can be targeted): encrypted,
    # with a blind index so admins can still find a colleague by exact name.
    full_name = EncryptedTextField(_("full name"), blank=True, default="")
    full_name_index = BlindIndexField(source="full_name", kind="name")
    language = models.CharField(_("language"), max_length=8, blank=True, default="")
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)
    # Sessions started before this moment are invalid (set when a password is reset or a user deactivated).
    sessions_valid_after = models.DateTimeField(null=True, blank=True)
    # The confirmed second-factor devices by persistent id, set on the request's user (auth_cache).
    otp_devices: dict[str, Any]

    objects: ClassVar[UserManager] = UserManager()
    visible = UserQuerySet.as_manager()
    retention = OutsideCases("a staff account is deactivated by its organisation, never with a case")

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        ordering = ["email"]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        # People are shown by name wherever a user is printed; the address only when they gave no name.
        return self.get_full_name()

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return self.get_full_name()

    # --- role matrix helpers; access functions build on these ---
    def active_memberships(self) -> list[Membership]:
        cache: list[Membership] | None = getattr(self, "_membership_cache", None)
        if cache is None:
            cache = list(
                self.memberships.filter(is_active=True, organisation__is_active=True).select_related(
                    "organisation"
                )
            )
            self._membership_cache = cache
        return cache

    def roles(self) -> set[Role]:
        return {Role(m.role) for m in self.active_memberships()}

    def org_ids_with(self, perm: Perm) -> set[int]:
        """Organisations in which this user holds `perm`."""
        return {m.organisation_id for m in self.active_memberships() if perm in perms_for(m.role)}

    def has_global(self, perm: Perm) -> bool:
        return any(
            Role(m.role) in GLOBAL_ROLES and perm in perms_for(m.role) for m in self.active_memberships()
        )

    def has_perm_in(self, perm: Perm, organisation_id: int | None) -> bool:
        if not self.is_active:
            return False
        if self.has_global(perm):
            return True
        return organisation_id is not None and organisation_id in self.org_ids_with(perm)

    def has_any(self, perm: Perm) -> bool:
        return self.is_active and (self.has_global(perm) or bool(self.org_ids_with(perm)))

    @property
    def requires_two_factor(self) -> bool:
        return any(Role(m.role) in TWO_FACTOR_ROLES for m in self.active_memberships())


class Membership(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="one_membership_per_user_and_org"),
        ]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return f"{self.user_id}@{self.organisation_id}:{self.role}"


class Invitation(models.Model):
    """An admin invites a person by e-mail; there is no open sign-up."""

    email = models.EmailField(_("e-mail address"))
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="invitations")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    # Only a hash of the invitation token is stored; the token itself goes out once, by e-mail.
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"invitation {self.pk}"

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None and self.expires_at > timezone.now()


class Notification(models.Model):
    """An in-app message for a user. Generic by design: a message key, counts and a link, no case details.

    The apps that notify register their messages in strom.core.notifications. The table is the one it
    had in the `cases` app.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    message_key = models.CharField(max_length=40)
    params = models.JSONField(default=dict, blank=True)
    url = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "cases_notification"
        indexes = [models.Index(fields=["user", "-created_at"], name="notification_user_created")]

    def __str__(self) -> str:
        return f"notification {self.pk}"

    @property
    def message(self) -> str:
        return notification_message(self.message_key, self.params)
