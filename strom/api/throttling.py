"""A per-user request budget for the API (settings.STROM_API_RATE_LIMIT, e.g. "120/minute").

A fixed window counted in the cache with atomic add/incr, so concurrent requests from threads or
processes cannot slip past it (ninja's own throttles keep per-request state on a shared object).
"""

from __future__ import annotations

import threading
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from ninja.throttling import BaseThrottle

_PERIODS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """'120/minute' -> (120, 60). Also accepts s/m/h/d and the short forms sec/min."""
    count, _, unit = rate.partition("/")
    unit = unit.strip().lower()
    for name, seconds in _PERIODS.items():
        if unit in {name, name[0], name[:3]}:
            return int(count), seconds
    raise ValueError(f"STROM_API_RATE_LIMIT must look like '120/minute', got {rate!r}")


class UserRateThrottle(BaseThrottle):
    def __init__(self) -> None:
        self._local = threading.local()

    def allow_request(self, request: HttpRequest) -> bool:
        user = getattr(request, "auth", None)
        if user is None:
            return True
        limit, period = parse_rate(settings.STROM_API_RATE_LIMIT)
        now = time.time()
        window = int(now // period)
        key = f"strom:api-rate:{user.pk}:{period}:{window}"
        cache.add(key, 0, timeout=period + 1)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout=period + 1)
            count = 1
        self._local.wait = (window + 1) * period - now
        return count <= limit

    def wait(self) -> float | None:
        return getattr(self._local, "wait", None)
