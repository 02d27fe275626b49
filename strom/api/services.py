"""Writes for API tokens: create (the token is returned once) and revoke. Both are audited."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from strom.api.access import check_api_tokens_allowed
from strom.api.auth import hash_token
from strom.api.models import ApiToken, Scope
from strom.audit.services import audit_record

if TYPE_CHECKING:
    from strom.accounts.models import User

NAME_MAX_LENGTH = 100


def _new_token() -> tuple[str, str]:
    prefix = secrets.token_hex(4)
    while ApiToken.objects.filter(prefix=prefix).exists():
        prefix = secrets.token_hex(4)
    return prefix, f"strom_{prefix}_{secrets.token_urlsafe(32)}"


def api_token_create(
    *, by: User, name: str, scopes: list[str], expires_at: datetime, second_factor_verified: bool
) -> tuple[ApiToken, str]:
    """Make a token for `by`. Returns the stored token and the plaintext, which is never stored."""
    check_api_tokens_allowed(by)
    errors: dict[str, list[str]] = {}
    name = (name or "").strip()
    if not name:
        errors.setdefault("name", []).append(_("Give the token a name, so you can recognise it later."))
    elif len(name) > NAME_MAX_LENGTH:
        errors.setdefault("name", []).append(
            ngettext(
                "The name can be at most %(max)d character long.",
                "The name can be at most %(max)d characters long.",
                NAME_MAX_LENGTH,
            )
            % {"max": NAME_MAX_LENGTH}
        )
    clean_scopes = sorted(set(scopes or []))
    if not clean_scopes:
        errors.setdefault("scopes", []).append(_("Choose at least one scope."))
    elif any(s not in Scope.values for s in clean_scopes):
        errors.setdefault("scopes", []).append(_("Choose scopes from the list."))
    now = timezone.now()
    max_days = settings.STROM_API_TOKEN_MAX_DAYS
    if expires_at <= now:
        errors.setdefault("expires_at", []).append(_("The expiry must be in the future."))
    elif expires_at > now + timedelta(days=max_days):
        errors.setdefault("expires_at", []).append(
            ngettext(
                "A token can be valid for at most %(days)d day.",
                "A token can be valid for at most %(days)d days.",
                max_days,
            )
            % {"days": max_days}
        )
    if by.requires_two_factor and not second_factor_verified:
        errors.setdefault("__all__", []).append(
            _("Confirm your second factor in this session before you create an API token.")
        )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        prefix, plaintext = _new_token()
        token = ApiToken.objects.create(
            user=by,
            name=name,
            prefix=prefix,
            token_hash=hash_token(plaintext),
            scopes=clean_scopes,
            created_verified=second_factor_verified,
            expires_at=expires_at,
        )
        audit_record(
            actor=by,
            action="api_token.create",
            object_type="api_token",
            object_ref=token.pk,
            details={"scopes": clean_scopes, "expires_at": expires_at.isoformat()},
        )
    return token, plaintext


def api_token_revoke(*, by: User, token: ApiToken) -> ApiToken:
    if token.user_id != by.pk:
        # Access functions keep this from happening; a service never trusts its caller with that.
        raise ValidationError(_("You can only revoke your own tokens."))
    with transaction.atomic():
        locked = ApiToken.objects.select_for_update().get(pk=token.pk)
        if locked.revoked_at is not None:
            return locked
        locked.revoked_at = timezone.now()
        locked.save(update_fields=["revoked_at"])
        audit_record(actor=by, action="api_token.revoke", object_type="api_token", object_ref=locked.pk)
    return locked
