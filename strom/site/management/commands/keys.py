"""`strom keys status|rotate|retire|reindex`: field-encryption keys and the values stored under them.

The writes and their audit entries are in strom/site/services.py; this command parses and prints.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from strom.crypto import rotation
from strom.crypto.keys import key_ring, key_source, reload_key_ring
from strom.site.services import (
    KeyAdminError,
    keys_add,
    keys_reencrypt,
    keys_reindex,
    keys_retire,
    keys_write_for_operator,
)


class Command(BaseCommand):
    help = "Field-encryption keys: status, rotate (new key, re-encrypt in batches), retire, reindex."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(
            dest="subcommand", required=True, metavar="{status,rotate,retire,reindex}"
        )
        sub.add_parser("status", help="Show the key ids and how many stored values use each.")

        rotate = sub.add_parser(
            "rotate", help="Add a new current key and re-encrypt every stored value with it."
        )
        rotate.add_argument("--batch-size", type=int, default=500, help="Rows per transaction (default 500).")
        rotate.add_argument(
            "--resume", action="store_true", help="Make no new key; re-encrypt values still under older keys."
        )
        rotate.add_argument(
            "--key-file",
            type=Path,
            help="When keys come from STROM_FIELD_KEYS: write the new key document to this new file instead.",
        )
        rotate.add_argument(
            "--retire", metavar="KID", help="Afterwards remove this old key if nothing uses it."
        )

        retire = sub.add_parser("retire", help="Remove an old key that no stored value uses any more.")
        retire.add_argument("kid")

        reindex = sub.add_parser("reindex", help="Recompute every blind index from its decrypted source.")
        reindex.add_argument("--batch-size", type=int, default=500)
        reindex.add_argument(
            "--new-blind-index-key",
            action="store_true",
            help="First replace the blind-index key (searches miss rows not yet recomputed until it ends).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        command = options["subcommand"]
        # Key administration acts on the file as it is now, not on a ring cached a moment ago.
        reload_key_ring()
        if "batch_size" in options and options["batch_size"] < 1:
            raise CommandError(_("--batch-size must be at least 1."))
        try:
            self.dispatch(command, options)
        except KeyAdminError as exc:
            raise CommandError(str(exc)) from exc

    def dispatch(self, command: str, options: dict[str, Any]) -> None:
        if command == "status":
            self.status()
        elif command == "rotate":
            self.rotate(
                batch_size=options["batch_size"],
                resume=options["resume"],
                key_file=options["key_file"],
                retire=options["retire"],
            )
        elif command == "retire":
            self.retire(options["kid"])
        elif command == "reindex":
            self.reindex(batch_size=options["batch_size"], new_key=options["new_blind_index_key"])

    def _progress(self, label: str, done: int) -> None:
        self.stdout.write(_("  %(column)s: %(done)d re-written") % {"column": label, "done": done})

    # --- subcommands ---------------------------------------------------------------------------------

    def status(self) -> None:
        ring = key_ring()
        usage = rotation.key_usage()
        self.stdout.write(_("Keys from: %(source)s") % {"source": key_source().describe()})
        self.stdout.write(_("Current key: %(kid)s") % {"kid": ring.current})
        for kid in sorted(ring.keys):
            self.stdout.write(
                _("Key %(kid)s: %(count)d stored values") % {"kid": kid, "count": usage.get(kid, 0)}
            )
        for kid, count in sorted(usage.items()):
            if kid == rotation.PLAINTEXT:
                self.stdout.write(_("Not encrypted: %(count)d stored values") % {"count": count})
            elif kid not in ring.keys:
                self.stdout.write(
                    _("Unknown key %(kid)s: %(count)d stored values cannot be decrypted")
                    % {"kid": kid, "count": count}
                )

    def rotate(self, *, batch_size: int, resume: bool, key_file: Path | None, retire: str | None) -> None:
        ring = key_ring()
        if not resume:
            if key_source().path is None:
                self._write_for_operator(key_file)
                return
            if key_file is not None:
                raise CommandError(_("--key-file is only for keys that come from STROM_FIELD_KEYS."))
            new_ring = keys_add(ring=ring)
            self.stdout.write(
                _("New current key %(new)s (was %(old)s), written to %(path)s.")
                % {"new": new_ring.current, "old": ring.current, "path": key_source().describe()}
            )
            ring = new_ring
        self.stdout.write(_("Re-encrypting stored values with key %(kid)s…") % {"kid": ring.current})
        result = keys_reencrypt(ring=ring, batch_size=batch_size, progress=self._progress)
        self.stdout.write(
            _(
                "Done: %(rewritten)d values re-encrypted, %(conflicts)d changed meanwhile and retried, "
                "%(skipped)d left for `strom keys rotate --resume`, %(bad)d could not be decrypted."
            )
            % {
                "rewritten": result.rewritten,
                "conflicts": result.conflicts,
                "skipped": result.skipped,
                "bad": result.undecryptable,
            }
        )
        if retire:
            self.retire(retire)

    def _write_for_operator(self, key_file: Path | None) -> None:
        if key_file is None:
            raise CommandError(
                _(
                    "The keys come from the STROM_FIELD_KEYS environment variable, which this command cannot "
                    "change. Run `strom keys rotate --key-file PATH` to write the new key document to a file."
                )
            )
        ring = keys_write_for_operator(ring=key_ring(), key_file=key_file)
        self.stdout.write(
            _(
                "Wrote the new key document (current key %(kid)s) to %(path)s. Nothing was re-encrypted: "
                "install it as STROM_FIELD_KEYS_FILE (or its content as STROM_FIELD_KEYS) for every process, "
                "restart them, then run `strom keys rotate --resume`."
            )
            % {"kid": ring.current, "path": key_file}
        )

    def retire(self, kid: str) -> None:
        keys_retire(kid=kid)
        self.stdout.write(_("Key %(kid)s retired.") % {"kid": kid})

    def reindex(self, *, batch_size: int, new_key: bool) -> None:
        result = keys_reindex(batch_size=batch_size, new_key=new_key, progress=self._progress)
        self.stdout.write(
            _(
                "Done: %(rewritten)d blind indexes recomputed, %(skipped)d changed meanwhile "
                "(their own save recomputed them)."
            )
            % {"rewritten": result.rewritten, "skipped": result.skipped}
        )
