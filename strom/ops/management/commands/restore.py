"""`strom restore DIR`: restore a backup into an empty database and storage, then verify it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from strom.ops.restore import RestoreFailed, RestoreRefused, restore_backup


class Command(BaseCommand):
    help = (
        "Restore a backup made by `strom backup` into an empty database, media directory and audit "
        "checkpoint directory, then verify row counts, the audit chain and a sample of encrypted data. "
        "Put the field-key document of the backup's time in place first."
    )
    # The target database is empty: checks that read tables would fail before the restore begins.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", type=Path, metavar="DIR", help="The backup directory.")
        parser.add_argument(
            "--key",
            type=Path,
            metavar="FILE",
            help="The backup's private key (PEM). Outside production the development key under var/ is used.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            outcome = restore_backup(options["directory"], key_file=options["key"], say=self.stdout.write)
        except RestoreRefused as exc:
            raise CommandError(_("Refused, nothing was changed: %(reason)s") % {"reason": exc}) from exc
        except RestoreFailed as exc:
            raise CommandError(
                _("The restore failed and was undone; the target is empty again: %(reason)s")
                % {"reason": exc}
            ) from exc
        self.stdout.write(
            self.style.SUCCESS(
                _("Backup %(id)s of %(created)s restored and verified.")
                % {"id": outcome.backup_id, "created": outcome.created}
            )
        )
