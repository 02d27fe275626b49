"""`strom audit verify|checkpoint|signing-key`: the hash chain and its signed checkpoints."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

from strom.audit.checkpoints import checkpoint_dir, verify_checkpoints
from strom.audit.selectors import verify_chain
from strom.audit.services import (
    CheckpointError,
    audit_checkpoint,
    audit_checkpoint_after_restore,
    audit_signing_key_rotate,
)
from strom.core.management.base import DataCommand
from strom.crypto.signing import (
    PUBLIC_KEYS_FILE,
    load_public_keys,
    new_signing_key,
    signing_key,
    signing_key_source,
    write_signing_key,
)


class Command(DataCommand):
    help = (
        "Audit log tools. `verify` checks the hash chain and the signed checkpoints (exit status 0 when "
        "both agree, 1 on any finding); `checkpoint` signs the chain's head now; `signing-key` shows or "
        "rotates the checkpoint signing key."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(
            dest="subcommand", required=True, metavar="{verify,checkpoint,signing-key}"
        )
        verify = sub.add_parser(
            "verify",
            help="Recompute every entry's HMAC and link; compare with the head and the signed checkpoints.",
        )
        verify.add_argument(
            "--chunk-size",
            type=int,
            default=2000,
            help="Entries fetched per round trip (memory stays constant).",
        )
        verify.add_argument(
            "--checkpoints",
            type=Path,
            metavar="DIR",
            help="Read the checkpoints from this directory (a copy shipped elsewhere) instead of "
            "STROM_AUDIT_CHECKPOINT_DIR.",
        )
        verify.add_argument(
            "--public-keys",
            type=Path,
            metavar="FILE",
            help="Trust the public keys in this file (a copy kept elsewhere) instead of the one beside "
            "the checkpoints.",
        )
        checkpoint = sub.add_parser(
            "checkpoint", help="Sign the chain's last entry now and append it to the checkpoint file."
        )
        checkpoint.add_argument(
            "--after-restore",
            action="store_true",
            help="After restoring a backup: record that the entries checkpointed since were lost.",
        )
        checkpoint.add_argument("--reason", default="", help="Why (required with --after-restore).")
        key = sub.add_parser("signing-key", help="Show the checkpoint signing key's id and public key.")
        key.add_argument(
            "--rotate", action="store_true", help="Make a new signing key; old public keys stay."
        )
        key.add_argument(
            "--create",
            type=Path,
            metavar="FILE",
            help="Make a new signing key in this new file (mode 0600), before the first production start.",
        )
        key.add_argument(
            "--key-file",
            type=Path,
            help="When the key comes from STROM_AUDIT_SIGNING_KEY: write the new key to this new file.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        command = options["subcommand"]
        try:
            if command == "verify":
                self.verify(
                    chunk_size=max(1, options["chunk_size"]),
                    directory=options["checkpoints"],
                    public_keys=options["public_keys"],
                )
            elif command == "checkpoint":
                self.checkpoint(after_restore=options["after_restore"], reason=options["reason"])
            elif command == "signing-key":
                if options["create"] is not None:
                    self.create_key(options["create"])
                else:
                    self.signing_key(rotate=options["rotate"], key_file=options["key_file"])
        except (CheckpointError, ImproperlyConfigured) as exc:
            raise CommandError(str(exc)) from exc

    def verify(self, *, chunk_size: int, directory: Path | None, public_keys: Path | None) -> None:
        report = verify_chain(chunk_size=chunk_size)
        if report.intact:
            self.stdout.write(report.message)
            if report.last is not None:
                self.stdout.write(_("Last hash: %(hash)s") % {"hash": report.last.hash})
        else:
            self.stderr.write(report.message)
        if directory is not None and not directory.is_dir():
            raise CommandError(_("%(path)s is not a directory.") % {"path": directory})
        anchored = verify_checkpoints(directory=directory, public_keys=public_keys)
        for note in anchored.notes:
            self.stdout.write(note)
        for finding in anchored.findings:
            self.stderr.write(finding)
        if anchored.intact and anchored.newest is not None:
            self.stdout.write(
                _(
                    "Checkpoints agree with the chain: %(count)d checked, the newest of entry #%(seq)d "
                    "signed at %(time)s."
                )
                % {"count": anchored.checked, "seq": anchored.newest.seq, "time": anchored.newest.when}
            )
        if not report.intact or not anchored.intact:
            raise SystemExit(1)

    def checkpoint(self, *, after_restore: bool, reason: str) -> None:
        if after_restore:
            written = audit_checkpoint_after_restore(reason=reason)
            cp = written.checkpoint
            self.stdout.write(
                _(
                    "Recorded the restore: the checkpoints of entries #%(first)d to #%(last)d are given up; "
                    "the chain continues from entry #%(seq)d (%(path)s)."
                )
                % {"first": cp.lost_from, "last": cp.lost_to, "seq": cp.seq, "path": written.path}
            )
            return
        if reason:
            raise CommandError(_("--reason goes with --after-restore."))
        result = audit_checkpoint()
        if result is None:
            self.stdout.write(_("The audit log has no entries yet: nothing to checkpoint."))
            return
        self.stdout.write(
            _("Checkpoint of entry #%(seq)d signed with key %(kid)s, appended to %(path)s.")
            % {"seq": result.checkpoint.seq, "kid": result.checkpoint.kid, "path": result.path}
        )

    def create_key(self, path: Path) -> None:
        if path.exists():
            raise CommandError(_("%(path)s already exists; choose a new file.") % {"path": path})
        key = new_signing_key()
        try:
            write_signing_key(key, path)
        except OSError as exc:
            raise CommandError(
                _("Cannot write the signing key file %(path)s (%(error)s).")
                % {"path": path, "error": exc.strerror or str(exc)}
            ) from exc
        self.stdout.write(
            _("Wrote the new signing key %(kid)s to %(path)s. Set STROM_AUDIT_SIGNING_KEY_FILE to it.")
            % {"kid": key.kid, "path": path}
        )
        self.stdout.write(_("Public key (Ed25519, base64): %(key)s") % {"key": key.public_b64()})

    def signing_key(self, *, rotate: bool, key_file: Path | None) -> None:
        if rotate:
            rotated = audit_signing_key_rotate(key_file=key_file)
            if rotated.installed:
                self.stdout.write(
                    _("New signing key %(new)s (was %(old)s), written to %(path)s.")
                    % {"new": rotated.new, "old": rotated.previous, "path": rotated.path}
                )
                return
            self.stdout.write(
                _(
                    "Wrote the new signing key %(new)s to %(path)s and listed its public key. Install it as "
                    "STROM_AUDIT_SIGNING_KEY_FILE (or its content as STROM_AUDIT_SIGNING_KEY) for every "
                    "process and restart them."
                )
                % {"new": rotated.new, "path": rotated.path}
            )
            return
        if key_file is not None:
            raise CommandError(_("--key-file goes with --rotate."))
        key = signing_key()
        self.stdout.write(
            _("Signing key %(kid)s, from %(source)s.")
            % {"kid": key.kid, "source": signing_key_source().describe()}
        )
        self.stdout.write(_("Public key (Ed25519, base64): %(key)s") % {"key": key.public_b64()})
        listed = sorted(load_public_keys(checkpoint_dir() / PUBLIC_KEYS_FILE))
        self.stdout.write(
            _("Public keys trusted for verifying: %(kids)s") % {"kids": ", ".join(listed) or _("none yet")}
        )
