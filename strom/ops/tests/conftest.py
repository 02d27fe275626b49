"""Fixtures of the backup tests: a source site with a row in every model and its backup (built once
per run), and an empty target (the wiped site) per test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_django import DjangoDbBlocker

from strom.ops.tests.support import (
    Site,
    build_site,
    create_database,
    drop_database,
    site_settings,
    using_database,
)


@pytest.fixture(scope="session")
def site(
    django_db_setup: None, django_db_blocker: DjangoDbBlocker, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Site]:
    with django_db_blocker.unblock():
        built = build_site(tmp_path_factory.mktemp("drill"), demo=False)
        yield built
        drop_database(built.source)


@pytest.fixture
def target(site: Site, django_db_blocker: DjangoDbBlocker, tmp_path: Path) -> Iterator[Path]:
    """An empty database, media root and checkpoint directory (the wiped site), in use for the test."""
    name = f"{site.source}_target"
    with django_db_blocker.unblock():
        create_database(name)
        with (
            using_database(name),
            site_settings(site.var, media=tmp_path / "media", checkpoints=tmp_path / "checkpoints"),
        ):
            yield tmp_path
        drop_database(name)
