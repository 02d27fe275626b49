"""Session lifetime and the second-factor gate. Both run after authentication and django-otp."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django_htmx.http import HttpResponseClientRedirect
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.middleware import OTPMiddleware

from strom.accounts import session as keys
from strom.accounts.models import User

# Seconds between writes of "last seen" to the session: an idle timeout of minutes does not need a
# database write on every request.
LAST_SEEN_RESOLUTION = 60


def _redirect(request: HttpRequest, url: str) -> HttpResponse:
    # htmx would swap a redirected login page into the middle of the current one.
    if request.headers.get("HX-Request") == "true":
        return HttpResponseClientRedirect(url)
    return HttpResponseRedirect(url)


def _is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith("/api/")


class CachedOTPMiddleware(OTPMiddleware):  # type: ignore[misc]  # django-otp has no types
    """django-otp's middleware, taking the verifying device from the user's cached devices
    (strom.accounts.auth_cache) instead of a query per request."""

    def _verify_user_sync(self, request: HttpRequest, user: Any) -> Any:
        devices = getattr(user, "otp_devices", None)
        if devices is None or not user.is_authenticated:
            return super()._verify_user_sync(request, user)
        self._init_user_fields(user)
        persistent_id = request.session.get(DEVICE_ID_SESSION_KEY)
        device = devices.get(self._normalize_persistent_id(persistent_id)) if persistent_id else None
        user.otp_device = self._finalize_device(request, user, device)
        return user


class SessionTimeoutMiddleware:
    """Ends sessions idle for STROM_IDLE_TIMEOUT, older than STROM_ABSOLUTE_TIMEOUT, or started before
    the user's `sessions_valid_after` (password reset, deactivation)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if isinstance(user, User) and user.is_authenticated:
            reason = self._expired(request, user)
            if reason:
                from strom.accounts.services import session_expired

                session_expired(user=user, reason=reason)
                logout(request)
                request.session[keys.LOGOUT_REASON] = reason
                if not _is_api(request):
                    query = urlencode({"next": request.get_full_path()}) if request.method == "GET" else ""
                    return _redirect(request, reverse("accounts:login") + (f"?{query}" if query else ""))
        return self.get_response(request)

    @staticmethod
    def _expired(request: HttpRequest, user: User) -> str:
        session = request.session
        now = keys.now_ts()
        if keys.LOGIN_AT not in session:
            # A session from before these keys existed, or made by a test's force_login.
            session[keys.LOGIN_AT] = session[keys.VALID_FROM] = session[keys.LAST_SEEN] = now
        if now - float(session[keys.LOGIN_AT]) > settings.STROM_ABSOLUTE_TIMEOUT.total_seconds():
            return "absolute"
        if now - float(session.get(keys.LAST_SEEN, 0)) > settings.STROM_IDLE_TIMEOUT.total_seconds():
            return "idle"
        valid_after = user.sessions_valid_after
        if valid_after is not None and float(session.get(keys.VALID_FROM, 0)) < valid_after.timestamp():
            return "revoked"
        if now - float(session[keys.LAST_SEEN]) >= LAST_SEEN_RESOLUTION:
            session[keys.LAST_SEEN] = now
        return ""


class TwoFactorRequiredMiddleware:
    """A user who must use a second factor reaches nothing but the two-factor pages until they have.

    API paths pass through: API authentication itself refuses sessions that are not verified.
    """

    OPEN_URL_NAMES = (
        "accounts:two_factor_verify",
        "accounts:two_factor_setup",
        "accounts:logout",
        "set_language",
        "healthz",
    )

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self._open_paths: frozenset[str] | None = None

    def open_paths(self) -> frozenset[str]:
        if self._open_paths is None:
            self._open_paths = frozenset(reverse(name) for name in self.OPEN_URL_NAMES)
        return self._open_paths

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        pending = bool(
            isinstance(user, User)
            and user.is_authenticated
            and not user.is_verified()  # type: ignore[attr-defined]  # set by django-otp's middleware
            and (request.session.get(keys.SECOND_FACTOR) or user.requires_two_factor)
        )
        # The page frame leaves out what it would fetch (the notifications count): on the two-factor
        # pages that request is sent back to them, and the page would reload itself without end.
        request.second_factor_pending = pending  # type: ignore[attr-defined]
        if (
            pending
            and not _is_api(request)
            and not request.path_info.startswith(settings.STATIC_URL)
            and request.path not in self.open_paths()
        ):
            if request.method == "GET" and keys.NEXT not in request.session:
                request.session[keys.NEXT] = request.get_full_path()
            return _redirect(request, reverse("accounts:two_factor_verify"))
        return self.get_response(request)
