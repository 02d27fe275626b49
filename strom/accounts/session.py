"""What STROM keeps in a logged-in session besides Django's own keys, and the per-IP login throttle."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

LOGIN_AT = "strom_login_at"  # when the password was accepted: the absolute timeout counts from here
VALID_FROM = "strom_valid_from"  # compared with User.sessions_valid_after
LAST_SEEN = "strom_last_seen"  # the idle timeout counts from here
SECOND_FACTOR = "strom_second_factor"  # this login must pass the second factor (an analyst who opted in)
NEXT = "strom_next"  # where to go once the second factor is done
LOGOUT_REASON = "strom_logout_reason"  # survives the logout, so the login page can say why


def now_ts() -> float:
    return timezone.now().timestamp()


def session_started(request: HttpRequest, *, second_factor: bool) -> None:
    now = now_ts()
    request.session[LOGIN_AT] = now
    request.session[VALID_FROM] = now
    request.session[LAST_SEEN] = now
    request.session[SECOND_FACTOR] = second_factor


def session_renewed(request: HttpRequest) -> None:
    """After the user's own password change this session stays valid; all their others end."""
    request.session[VALID_FROM] = now_ts()


def safe_next(request: HttpRequest, url: str | None) -> str | None:
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return None


# --- per-IP throttle -------------------------------------------------------------------------------
# Axes locks accounts (by username) only. Locking an IP address after a few failures would lock out
# a whole municipality behind one office NAT, so addresses get a much higher limit, counted here.


def _ip_key(ip: str | None) -> str:
    return f"strom:login-failures:{ip or 'unknown'}"


def ip_throttled(ip: str | None) -> bool:
    return int(cache.get(_ip_key(ip), 0)) >= settings.STROM_LOGIN_IP_FAILURE_LIMIT


def ip_failure(ip: str | None) -> None:
    key = _ip_key(ip)
    timeout = int(settings.AXES_COOLOFF_TIME.total_seconds())
    # A fixed window from the first failure: add() only creates the counter when it is missing.
    cache.add(key, 0, timeout)
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout)
