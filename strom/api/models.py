"""Personal API tokens: `Authorization: Bearer strom_<prefix>_<secret>`.

Only the SHA-256 of the whole token is stored; the token itself is shown once, when it is created.
The prefix is stored in clear so a person can tell their tokens apart and so lookups need no scan.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from strom.accounts.models import User


class Scope(models.TextChoices):
    READ = "read", _("Read (GET requests)")
    WRITE = "write", _("Write (POST, PATCH, PUT and DELETE requests)")


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def visible_to(self, user: User) -> ApiTokenQuerySet:
        # A token is its owner's business only: nobody else lists it, not even an admin.
        if not user.is_authenticated:
            return self.none()
        return self.filter(user=user)

    def usable(self) -> ApiTokenQuerySet:
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now(), user__is_active=True)


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=16, unique=True)
    token_hash = models.CharField(max_length=64, unique=True)
    scopes = ArrayField(models.CharField(max_length=10, choices=Scope.choices), verbose_name=_("scopes"))
    # Whether the token was made in a session verified with a second factor. A token made while the
    # user did not need one stops working if the user later gets a role that needs it.
    created_verified = models.BooleanField(default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"strom_{self.prefix}_…"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()
