"""The restore drill: backup → wipe → restore → verify, on a database with a row in every model.

Bounded in the normal run (the test database's schema, every model filled once); with `-m slow` the
demo is loaded first, so the drill runs on the data a demonstration shows.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from pytest_django import DjangoDbBlocker

from strom.audit.actors import COMMAND_LINE
from strom.audit.models import AuditEntry
from strom.audit.services import audit_checkpoint, audit_record
from strom.ops.backup import create_backup, media_root
from strom.ops.models import BackupResult, BackupRun
from strom.ops.restore import restore_backup
from strom.ops.tests.drill import empty_models, fill_every_model, strom_models
from strom.ops.tests.support import create_database, drop_database, table_count, using_database

# Transactional: the tests move Django's connection to databases of their own, which cannot happen
# inside the test database's wrapping transaction.
pytestmark = pytest.mark.django_db(transaction=True)


@dataclass(frozen=True)
class Site:
    source: str
    backup: Path
    var: Path
    unfilled: dict[str, str]


def _storages(root: Path) -> dict[str, object]:
    return {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": root}},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def site_settings(var: Path, *, media: Path, checkpoints: Path) -> override_settings:
    return override_settings(
        VAR_DIR=var,
        STROM_BACKUP_KEY_FILE=str(var / "backup-key.pub.pem"),
        STROM_AUDIT_CHECKPOINT_DIR=str(checkpoints),
        STROM_AUDIT_SIGNING_KEY="",
        STROM_AUDIT_SIGNING_KEY_FILE_PATH=str(var / "audit-signing.key"),
        STORAGES=_storages(media),
    )


def build_site(root: Path, *, demo: bool) -> Site:
    """A source database made from the test database's schema, filled, checkpointed and backed up."""
    var = root / "var"
    source = f"{connection.settings_dict['NAME']}_drill_{os.getpid()}_{'demo' if demo else 'src'}"
    create_database(source, template=connection.settings_dict["NAME"])
    with (
        using_database(source),
        site_settings(var, media=root / "media", checkpoints=root / "checkpoints"),
    ):
        if demo:
            call_command("demo", stdout=open(os.devnull, "w"))  # noqa: SIM115 - closed with the process
        for step in ("one", "two"):
            audit_record(actor=COMMAND_LINE, action="audit.browse", object_ref=step)
        unfilled = fill_every_model()
        audit_checkpoint()
        create_backup(root / "backup")
    return Site(source, root / "backup", var, unfilled)


@pytest.fixture(scope="module")
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


def drill(site: Site) -> None:
    lines: list[str] = []
    outcome = restore_backup(site.backup, say=lines.append)
    assert not outcome.verification.problems
    assert outcome.verification.values > 0
    assert outcome.verification.files > 0
    assert any("Row counts match the manifest" in line for line in lines), lines
    assert any("Audit chain intact" in line for line in lines), lines
    assert empty_models() == []
    assert sorted(p.name for p in media_root().rglob("*") if p.is_file())
    restored = AuditEntry.objects.order_by("-seq").first()
    assert restored is not None
    assert restored.action == "ops.restore"
    # The dump was taken while its run was "running"; the restored row knows it finished.
    assert BackupRun.objects.get(summary__backup_id=outcome.backup_id).result == BackupResult.OK


def test_the_drill_database_has_a_row_in_every_model(site: Site, django_db_blocker: DjangoDbBlocker) -> None:
    """Fails when a new model cannot be filled: teach drill.ADJUST how to make a valid row of it."""
    assert site.unfilled == {}
    with django_db_blocker.unblock(), using_database(site.source):
        assert empty_models() == []
        assert len(strom_models()) > 100


def test_backup_wipe_restore_verify(site: Site, target: Path) -> None:
    assert table_count() == 0
    drill(site)


def test_restore_command_restores_and_says_so(
    site: Site, target: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("restore", str(site.backup))
    out = capsys.readouterr().out
    assert "restored and verified" in out
    assert "Sample read back" in out


@pytest.mark.slow
def test_full_drill_on_the_demo(
    django_db_setup: None, django_db_blocker: DjangoDbBlocker, tmp_path: Path
) -> None:
    with django_db_blocker.unblock():
        full = build_site(tmp_path / "site", demo=True)
        target = f"{full.source}_target"
        create_database(target)
        try:
            with (
                using_database(target),
                site_settings(full.var, media=tmp_path / "media", checkpoints=tmp_path / "checkpoints"),
            ):
                drill(full)
        finally:
            drop_database(target)
            drop_database(full.source)
