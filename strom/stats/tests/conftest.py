"""Fixtures of the statistics tests."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def exact_counts(settings: Any) -> None:
    """The cell key method off (D = 0), for tests of the engine's arithmetic on STROM's own cases.

    Production perturbs every count of STROM's own cases (strom/stats/cellkey.py); tests that check
    what the method does leave it on.
    """
    settings.STROM_STATS_NOISE_MAX = 0
