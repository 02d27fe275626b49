"""How API callers prove who they are: the browser session or a personal API token.

Both are set as the API's default `auth`, so every operation needs one unless it says `auth=None`.
Either way the caller acts as the user, with the user's current roles, through the same access
functions as the web interface.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.http import HttpRequest
from django.utils import timezone
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from strom.api.errors import CsrfFailed, InsufficientScope
from strom.api.models import ApiToken, Scope

if TYPE_CHECKING:
    from strom.accounts.models import User

TOKEN_RE = re.compile(r"^strom_(?P<prefix>[0-9a-f]{8,16})_(?P<secret>[A-Za-z0-9_-]{20,128})$")
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# last_used_at is bookkeeping for the owner, not an access log: one write a minute is enough.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def required_scope(request: HttpRequest) -> str:
    return Scope.READ if request.method in SAFE_METHODS else Scope.WRITE


def _as_verified(user: User) -> User:
    # Code behind the API may ask request.user.is_verified() as the web views do. A usable token was
    # made in a verified session (or by a user who needs no second factor), so the answer is yes.
    user.otp_device = None  # type: ignore[attr-defined]
    user.is_verified = lambda: True  # type: ignore[attr-defined]
    return user


class ApiTokenAuth(HttpBearer):
    openapi_bearerFormat = "strom_<prefix>_<secret>"
    openapi_description = (
        "A personal API token from /api-tokens/. GET needs the read scope, other methods write."
    )

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        match = TOKEN_RE.match(token.strip())
        if not match:
            return None
        try:
            api_token = ApiToken.objects.usable().select_related("user").get(prefix=match["prefix"])
        except ApiToken.DoesNotExist:
            return None
        if not hmac.compare_digest(api_token.token_hash, hash_token(token.strip())):
            return None
        user = api_token.user
        if user.requires_two_factor and not api_token.created_verified:
            return None
        if required_scope(request) not in api_token.scopes:
            raise InsufficientScope
        now = timezone.now()
        if api_token.last_used_at is None or now - api_token.last_used_at >= LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
        request.user = _as_verified(user)
        request.api_token = api_token  # type: ignore[attr-defined]
        return user


class SessionAuth(APIKeyCookie):
    """The logged-in browser session, as the web pages use it (htmx, the page's own scripts)."""

    param_name = settings.SESSION_COOKIE_NAME
    openapi_description = "The browser session. Unsafe methods need the CSRF token in the X-CSRFToken header."

    def _get_key(self, request: HttpRequest) -> str | None:
        # ninja's cookie auth checks CSRF before it knows whether there is a session at all, which
        # would turn a bad token plus a POST into a CSRF error; we check only for real sessions.
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        user: Any = getattr(request, "user", None)
        if not isinstance(user, get_user_model()) or not user.is_authenticated or not user.is_active:
            return None
        if user.requires_two_factor and not (hasattr(user, "is_verified") and user.is_verified()):
            return None
        if request.method not in SAFE_METHODS and check_csrf(request) is not None:
            raise CsrfFailed
        return user


def api_user(request: HttpRequest) -> User:
    """The authenticated user of an API operation (after SessionAuth or ApiTokenAuth)."""
    user = getattr(request, "auth", None)
    if not isinstance(user, get_user_model()):
        # Only reachable in an operation marked auth=None that calls this by mistake.
        raise PermissionError("api_user() called in an operation without authentication")
    return user


DEFAULT_AUTH = [ApiTokenAuth(), SessionAuth()]
