"""Partners in these tests listen on loopback addresses over plain HTTP, as in development."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _loopback_http_allowed(settings: Any) -> None:
    settings.STROM_TRANSNATIONAL_ALLOW_LOOPBACK_HTTP = True
