"""The demo loaded once for a whole test module."""

from __future__ import annotations

from collections.abc import Iterator
from io import StringIO

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.utils import translation
from pytest_django import DjangoDbBlocker

from tests.isolation import files_in


@pytest.fixture(scope="module")
def demo_loaded(
    django_db_setup: None, django_db_blocker: DjangoDbBlocker, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """`strom demo`, committed once for the module's tests, which read it (each test's own writes are
    rolled back as usual); what it printed. Loading takes seconds, so each test loading it again made
    these modules the slowest in the suite. Hooks that run on commit (the clocks of a new case) run,
    since nothing here is inside a test's transaction. The tables are emptied after the module, as a
    transactional test leaves them."""
    out = StringIO()
    with (
        files_in(tmp_path_factory.mktemp("demo")),
        django_db_blocker.unblock(),
        translation.override(settings.LANGUAGE_CODE),
    ):
        call_command("demo", stdout=out)
    yield out.getvalue()
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)
    cache.clear()
