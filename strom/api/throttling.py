"""A per-user request budget for the API (settings.STROM_API_RATE_LIMIT, e.g. "120/minute").

A fixed window counted in the cache with atomic add/incr, so concurrent requests from threads or
processes cannot slip past it (ninja's own throttles keep per-request state on a shared object).
"""

from __future__ import annotations

import threading
import time

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
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


def _count(key: str, timeout: int) -> int:
    """Add one to the window's counter and return it.

    With Redis, one round trip: the counter is made (with its expiry) only if missing, then
    incremented, in one pipeline. Django's add and incr took three (incr asks whether the key exists
    first), on every API request.
    """
    backend = caches["default"]
    if isinstance(backend, RedisCache):
        made_key = backend.make_and_validate_key(key)
        client = backend._cache.get_client(made_key, write=True)  # type: ignore[attr-defined]
        pipe = client.pipeline(transaction=False)
        pipe.set(made_key, 0, ex=timeout, nx=True)
        pipe.incr(made_key)
        return int(pipe.execute()[1])
    cache.add(key, 0, timeout=timeout)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=timeout)
        return 1


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
        count = _count(f"strom:api-rate:{user.pk}:{period}:{window}", period + 1)
        self._local.wait = (window + 1) * period - now
        return count <= limit

    def wait(self) -> float | None:
        return getattr(self._local, "wait", None)
