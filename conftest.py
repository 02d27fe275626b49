"""Project-wide pytest fixtures: the personas and logged-in clients."""

from __future__ import annotations

import os

os.environ.setdefault("STROM_ENV", "test")

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from pytest_django import DjangoDbBlocker

from tests.isolation import files_in
from tests.personas import Cast, build_cast, give_totp_device


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> None:
    """Transactional tests empty tables with TRUNCATE; allow it on the append-only audit tables too."""
    from strom.audit.tests.support import allow_audit_truncate

    with django_db_blocker.unblock():
        allow_audit_truncate()


@pytest.fixture(autouse=True)
def _every_test_starts_in_english() -> Iterator[None]:
    """A request switches the thread's language (LocaleMiddleware) and leaves it switched; the next
    test in the same worker would otherwise format dates and messages in that language."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _every_test_starts_with_an_empty_cache() -> None:
    """Each test's database starts afresh, and so must what is cached from it (the signed-in user of
    a request, rate limits), or a user of an earlier test could be served from the cache."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _files_in_a_temporary_directory(tmp_path: Path) -> Iterator[None]:
    """No test leaves files under var/: no uploaded documents pile up in var/media, and no test signs
    with or appends to the audit log's checkpoints there."""
    with files_in(tmp_path):
        yield


@pytest.fixture
def cast(db: None) -> Cast:
    return build_cast()


def login_client(user: object | None) -> Client:
    """A client logged in as `user`, second factor verified (as after a real TOTP login)."""
    client = Client()
    if user is None:
        return client
    client.force_login(user)  # type: ignore[arg-type]
    if getattr(user, "requires_two_factor", False):
        device = give_totp_device(user)  # type: ignore[arg-type]
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


@pytest.fixture
def as_persona(cast: Cast):  # type: ignore[no-untyped-def]
    """as_persona("caseworker_a") -> a logged-in Client; "anonymous" -> a plain Client."""

    def make(name: str) -> Client:
        return login_client(None if name == "anonymous" else cast.users[name])

    return make
