"""The API's request budget counts alike in Redis (one round trip) and in any other cache (the database
cache without Redis; here the in-process one, which takes the same path)."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import caches
from django.test import override_settings

from strom.api.throttling import _count

pytestmark = pytest.mark.django_db


def _redis_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.2):
            return True
    except OSError:
        return False


@pytest.fixture(params=["other", "redis"])
def backend(request: Any) -> Iterator[str]:
    if request.param == "other":
        settings = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "throttling"}
    else:
        if not _redis_answers():
            pytest.skip("no Redis server on 127.0.0.1:6379")
        worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw")
        database = 8 + (int(worker) if worker.isdigit() else 0) % 8
        settings = {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:6379/{database}",
            "KEY_PREFIX": "strom-test",
        }
    with override_settings(CACHES={"default": settings}):
        caches["default"].clear()
        yield request.param
        caches["default"].clear()


def test_each_request_counts_once_per_window(backend: str) -> None:
    assert [_count("strom:api-rate:1:60:7", 61) for _ in range(3)] == [1, 2, 3]
    assert _count("strom:api-rate:2:60:7", 61) == 1  # another user's window is its own
    assert _count("strom:api-rate:1:60:8", 61) == 1  # and so is the next window


def test_the_counter_expires_with_its_window(backend: str) -> None:
    _count("strom:api-rate:1:60:7", 61)
    if backend == "redis":
        cache = caches["default"]
        client = cache._cache.get_client(write=False)  # type: ignore[attr-defined]
        ttl = client.ttl(cache.make_and_validate_key("strom:api-rate:1:60:7"))
        assert 0 < ttl <= 61
    else:
        assert caches["default"].get("strom:api-rate:1:60:7") == 1
