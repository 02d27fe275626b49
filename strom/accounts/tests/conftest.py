"""Helpers for the accounts tests: logging in through the real pages and reading TOTP codes."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from strom.audit.models import AuditEntry
from tests.personas import PASSWORD


def totp_code(device: TOTPDevice, *, offset: int = 0) -> str:
    """The code the authenticator app shows now (offset: steps later or earlier)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = totp.time + offset * device.step
    return str(totp.token()).zfill(device.digits)


def post_login(client: Client, email: str, password: str = PASSWORD, **extra: Any) -> Any:
    return client.post(reverse("accounts:login"), {"email": email, "password": password, **extra})


def actions(**filters: Any) -> list[str]:
    return list(AuditEntry.objects.filter(**filters).order_by("seq").values_list("action", flat=True))


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    # The per-IP login counter lives in the cache, which outlives a test's database transaction.
    cache.clear()
