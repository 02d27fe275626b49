from __future__ import annotations

import ipaddress
import secrets
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from strom.core.context import Origin, origin


def client_ip(request: HttpRequest) -> str | None:
    """The client's address, for the audit log, the login limits and /metrics' network check.

    Behind STROM's proxy (STROM_BEHIND_PROXY, deploy/nginx/strom.conf) the peer is nginx, on a unix
    socket or loopback, and gunicorn leaves REMOTE_ADDR at that; nginx puts the address it saw last in
    X-Forwarded-For, so only that last entry is trusted, never what the client sent before it. Without
    a proxy, REMOTE_ADDR only: X-Forwarded-For is trivially forged.
    """
    if settings.STROM_BEHIND_PROXY:
        last = request.META.get("HTTP_X_FORWARDED_FOR", "").rsplit(",", 1)[-1].strip()
        try:
            return str(ipaddress.ip_address(last))
        except ValueError:
            pass
    return request.META.get("REMOTE_ADDR") or None


class RequestContextMiddleware:
    """Records where each request comes from, for the audit log."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        channel = "api" if request.path.startswith("/api/") else "web"
        with origin(Origin(channel=channel, ip=client_ip(request), request_id=secrets.token_hex(8))):
            return self.get_response(request)
