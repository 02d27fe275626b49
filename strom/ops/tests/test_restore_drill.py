"""The restore drill: backup → wipe → restore → verify, on a database with a row in every model.

Bounded in the normal run (the test database's schema, every model filled once); with `-m slow` the
demo is loaded first, so the drill runs on the data a demonstration shows.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.management import call_command
from pytest_django import DjangoDbBlocker

from strom.audit.models import AuditEntry
from strom.ops.backup import media_root
from strom.ops.models import BackupResult, BackupRun
from strom.ops.restore import restore_backup
from strom.ops.tests.drill import empty_models
from strom.ops.tests.support import (
    Site,
    build_site,
    create_database,
    drop_database,
    site_settings,
    table_count,
    using_database,
)

# The restoring tests are transactional: they move Django's connection to databases of their own,
# which cannot happen inside the test database's wrapping transaction.


def restored_whole(lines: list[str]) -> None:
    """What a verified restore leaves: every model's rows, the files, the restore in the audit chain."""
    text = "\n".join(lines)
    assert "Row counts match the manifest" in text
    assert "Audit chain intact" in text
    assert re.search(r"Sample read back: [1-9]\d* encrypted values and [1-9]\d* files", text), text
    assert empty_models() == []
    assert any(p.is_file() for p in media_root().rglob("*"))
    last = AuditEntry.objects.order_by("-seq").first()
    assert last is not None
    assert last.action == "ops.restore"
    # The dump was taken while its run was "running"; the restored row knows it finished.
    assert BackupRun.objects.get(summary__backup_id=last.object_ref).result == BackupResult.OK


@pytest.mark.django_db  # only so that a run of this test alone sets up the site's template
def test_the_drill_database_has_a_row_in_every_model(site: Site) -> None:
    """Fails when a new model cannot be filled: teach drill.ADJUST how to make a valid row of it."""
    assert site.unfilled == {}
    assert site.empty == []
    assert site.models > 100


@pytest.mark.django_db(transaction=True)
def test_backup_wipe_restore_verify(site: Site, target: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The wiped site is an empty database and empty directories; `strom restore DIR` brings it back."""
    assert table_count() == 0
    call_command("restore", str(site.backup))
    out = capsys.readouterr().out
    assert "restored and verified" in out
    restored_whole(out.splitlines())


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_full_drill_on_the_demo(django_db_blocker: DjangoDbBlocker, tmp_path: Path) -> None:
    with django_db_blocker.unblock():
        full = build_site(tmp_path / "site", demo=True)
        target = f"{full.source}_target"
        create_database(target)
        try:
            with (
                using_database(target),
                site_settings(full.var, media=tmp_path / "media", checkpoints=tmp_path / "checkpoints"),
            ):
                lines: list[str] = []
                restore_backup(full.backup, say=lines.append)
                restored_whole(lines)
        finally:
            drop_database(target)
            drop_database(full.source)
