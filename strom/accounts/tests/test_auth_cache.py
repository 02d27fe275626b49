"""The signed-in user comes from the cache, and every change to who they are takes effect at once.

Each test runs with the test settings' in-process cache and, where a Redis server answers on loopback
(development and CI machines), once more with Django's Redis cache.
"""

from __future__ import annotations

import os
import pickle
import socket
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from strom.accounts.models import Membership
from strom.accounts.services import membership_change_role, membership_set_active
from strom.directory.models import Organisation
from tests.personas import Cast

pytestmark = pytest.mark.django_db

REDIS = ("127.0.0.1", 6379)
DASHBOARD = "/"
CASES = "/cases/"


def _redis_answers() -> bool:
    try:
        with socket.create_connection(REDIS, timeout=0.2):
            return True
    except OSError:
        return False


def _redis_db() -> int:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw")
    return 8 + (int(worker) if worker.isdigit() else 0) % 8


@pytest.fixture(params=["in-process", "redis"])
def cache_backend(request: Any) -> Iterator[str]:
    if request.param == "in-process":
        yield request.param
        return
    if not _redis_answers():
        pytest.skip("no Redis server on 127.0.0.1:6379")
    caches = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            # A database of its own per test process: clearing the cache empties the whole database.
            "LOCATION": f"redis://{REDIS[0]}:{REDIS[1]}/{_redis_db()}",
            "KEY_PREFIX": "strom-test",
        }
    }
    with override_settings(CACHES=caches):
        from django.core.cache import cache

        cache.clear()
        yield request.param
        cache.clear()


def _who_is_asking(sql: str, user_id: int) -> bool:
    """The queries that load the signed-in user, their memberships and their devices."""
    return (
        f'WHERE "accounts_user"."id" = {user_id} LIMIT' in sql
        or f'"accounts_membership"."user_id" = {user_id}' in sql
        or f'"otp_totp_totpdevice"."user_id" = {user_id}' in sql
        or 'FROM "otp_totp_totpdevice" WHERE "otp_totp_totpdevice"."id" =' in sql
    )


def test_a_signed_in_users_second_request_reads_no_user_membership_or_device(
    cache_backend: str, cast: Cast, as_persona: Any
) -> None:
    client = as_persona("supervisor_a")
    user_id = cast.users["supervisor_a"].pk
    with CaptureQueriesContext(connection) as first:
        assert client.get(CASES).status_code == 200
    # The test sees the queries: the first request does load the user.
    assert [q["sql"] for q in first.captured_queries if _who_is_asking(q["sql"], user_id)]
    with CaptureQueriesContext(connection) as queries:
        assert client.get(CASES).status_code == 200
    assert not [q["sql"] for q in queries.captured_queries if _who_is_asking(q["sql"], user_id)]


def test_a_membership_ended_takes_effect_on_the_next_request(
    cache_backend: str, cast: Cast, as_persona: Any
) -> None:
    client = as_persona("caseworker_a")
    assert client.get(CASES).status_code == 200
    membership = Membership.objects.get(user=cast.users["caseworker_a"])
    membership_set_active(by=cast.users["orgadmin_a"], membership=membership, active=False)
    assert client.get(CASES).status_code != 200


def test_a_role_changed_takes_effect_on_the_next_request(
    cache_backend: str, cast: Cast, as_persona: Any
) -> None:
    client = as_persona("caseworker_a")
    assert client.get(CASES).status_code == 200
    membership = Membership.objects.get(user=cast.users["caseworker_a"])
    membership_change_role(by=cast.users["orgadmin_a"], membership=membership, role="knowledge_editor")
    assert client.get(CASES).status_code != 200


def test_an_organisation_switched_off_takes_effect_on_the_next_request(
    cache_backend: str, cast: Cast, as_persona: Any
) -> None:
    client = as_persona("caseworker_a")
    assert client.get(CASES).status_code == 200
    organisation = Organisation.objects.get(memberships__user=cast.users["caseworker_a"])
    organisation.is_active = False
    organisation.save(update_fields=["is_active"])
    assert client.get(CASES).status_code != 200


def test_a_second_factor_removed_takes_effect_on_the_next_request(
    cache_backend: str, cast: Cast, as_persona: Any
) -> None:
    client = as_persona("supervisor_a")  # a role that must use a second factor
    assert client.get(DASHBOARD).status_code == 200
    TOTPDevice.objects.filter(user=cast.users["supervisor_a"]).delete()
    response = client.get(DASHBOARD)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:two_factor_verify"))


def test_the_cache_holds_no_staff_name_in_clear(cache_backend: str, cast: Cast, as_persona: Any) -> None:
    from django.core.cache import cache

    from strom.accounts.auth_cache import DeviceRef, cached_user

    user = cast.users["caseworker_a"]
    user.full_name = "Ilze Paraugs"
    user.save(update_fields=["full_name", "full_name_index"])
    assert cached_user(user.pk).full_name == "Ilze Paraugs"  # type: ignore[union-attr]
    entry = cache.get(f"strom:auth:user:{user.pk}")
    assert entry is not None
    assert entry[1].full_name == ""
    assert entry[2].startswith("v1$")  # the name, encrypted
    assert b"Ilze" not in pickle.dumps(entry)
    # The second factor's secret stays in the database.
    device = TOTPDevice.objects.create(user=user, name="Phone", confirmed=True)
    assert device.key.encode() not in pickle.dumps(cache.get(f"strom:auth:user:{user.pk}") or ())
    assert cached_user(user.pk).otp_devices == {  # type: ignore[union-attr]
        device.persistent_id: DeviceRef(device.persistent_id, user.pk, True)
    }
    assert device.key.encode() not in pickle.dumps(cache.get(f"strom:auth:user:{user.pk}"))
    assert cached_user(user.pk).full_name == "Ilze Paraugs"  # type: ignore[union-attr]  # from the cache
