"""GET /metrics: Prometheus' text format for the configured scraper only.

Who may read it is configured, never a login: a bearer token (STROM_METRICS_TOKEN or its _FILE) and/or
the scraper's networks (STROM_METRICS_ALLOWED_NETWORKS, e.g. 10.0.5.0/24). With neither set the page
does not exist (404); with either set, a request that does not meet every condition set gets 403. A
session does not count: the figures are not for people, and a login redirect would only tell a
scraper's alert "down" without the reason.
"""

from __future__ import annotations

import hmac
import ipaddress

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST

from strom.core.middleware import client_ip
from strom.ops.metrics import exposition


def _networks() -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    return [ipaddress.ip_network(net, strict=False) for net in settings.STROM_METRICS_ALLOWED_NETWORKS]


def _from_allowed_network(request: HttpRequest) -> bool:
    address = client_ip(request)
    if not address:
        return False
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in _networks())


def _has_token(request: HttpRequest) -> bool:
    scheme, _space, given = request.headers.get("Authorization", "").partition(" ")
    expected = settings.STROM_METRICS_TOKEN
    return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), expected.encode())


def allowed(request: HttpRequest) -> bool | None:
    """None: /metrics is not configured; otherwise whether this request meets every condition set."""
    token, networks = settings.STROM_METRICS_TOKEN, settings.STROM_METRICS_ALLOWED_NETWORKS
    if not token and not networks:
        return None
    return (not token or _has_token(request)) and (not networks or _from_allowed_network(request))


@never_cache
@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    verdict = allowed(request)
    if verdict is None:
        return HttpResponse(status=404, content_type="text/plain")
    if not verdict:
        return HttpResponse(status=403, content_type="text/plain")
    return HttpResponse(exposition(), content_type=CONTENT_TYPE_LATEST)
