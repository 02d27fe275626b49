"""`strom backup --out DIR`: an encrypted, consistent backup (strom/ops/backup.py, docs/operations.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

from strom.core.management.base import DataCommand
from strom.ops.backup import BackupError, create_backup
from strom.ops.backup_keys import BackupKeyError, public_key_path
from strom.ops.pg import ToolMissing


class Command(DataCommand):
    help = (
        "Write a backup (database, uploaded files, audit checkpoints, manifest) encrypted to the public key "
        "in STROM_BACKUP_KEY_FILE into a new or empty directory. The field keys are not in it: back them "
        "up separately."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--out", type=Path, required=True, metavar="DIR", help="A new or empty directory."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        out: Path = options["out"].resolve()
        try:
            outcome = create_backup(out, say=self.stdout.write)
        except (BackupError, BackupKeyError, ToolMissing) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Backup %(id)s written to %(path)s: %(tables)d tables with %(rows)d rows, %(files)d "
                    "uploaded files, %(bytes)d bytes before encryption, encrypted to %(key)s."
                )
                % {
                    "id": outcome.backup_id,
                    "path": outcome.directory,
                    "tables": outcome.tables,
                    "rows": outcome.rows,
                    "files": outcome.files,
                    "bytes": outcome.bytes,
                    "key": public_key_path(),
                }
            )
        )
        self.stdout.write(
            _("The field keys are not in the backup: keep a copy of the key document apart from it.")
        )
