"""Key administration: each change of the field-encryption keys writes the key file (strom.crypto) and
records it in the audit log (strom.audit) in one function, so `strom keys` only parses and prints.

It sits in the composition layer because it joins the two: crypto imports nothing of STROM, and the
audit app knows nothing of key files. The actor is the command line (no user): the audit entry's
origin says "cli".
"""

from __future__ import annotations

from pathlib import Path

from django.utils.translation import gettext as _

from strom.audit.actors import KEYS
from strom.audit.services import audit_record
from strom.crypto import rotation
from strom.crypto.keys import (
    KeyRing,
    key_ring,
    key_source,
    reload_key_ring,
    with_new_blind_index_key,
    with_new_key,
    without_key,
    write_key_file,
)


class KeyAdminError(Exception):
    """The keys cannot be changed as asked; the message says why and what to do instead."""


def _save(ring: KeyRing) -> None:
    source = key_source()
    if source.path is None:
        raise KeyAdminError(
            _(
                "The keys come from the STROM_FIELD_KEYS environment variable, which this command cannot "
                "change. Use `strom keys rotate --key-file PATH`, install that file and set "
                "STROM_FIELD_KEYS_FILE to it instead."
            )
        )
    try:
        write_key_file(ring, source.path)
    except OSError as exc:
        raise KeyAdminError(
            _("Cannot write the key file %(path)s (%(error)s).")
            % {"path": source.path, "error": exc.strerror}
        ) from exc
    reload_key_ring()


def keys_add(*, ring: KeyRing) -> KeyRing:
    """A new current key, written to the key file before any value is re-encrypted: a process that
    meets the new key id re-reads the file and finds it."""
    new_ring = with_new_key(ring)
    _save(new_ring)
    audit_record(
        actor=KEYS,
        action="keys.rotate",
        object_type="key",
        object_ref=new_ring.current,
        details={"previous": ring.current},
    )
    return new_ring


def keys_write_for_operator(*, ring: KeyRing, key_file: Path) -> KeyRing:
    """Keys from the environment: the new key document goes to a new file for the operator to install."""
    if key_file.exists():
        raise KeyAdminError(_("%(path)s already exists; choose a new file.") % {"path": key_file})
    new_ring = with_new_key(ring)
    write_key_file(new_ring, key_file)
    audit_record(
        actor=KEYS,
        action="keys.rotate",
        object_type="key",
        object_ref=new_ring.current,
        details={"previous": ring.current, "installed": False},
    )
    return new_ring


def keys_reencrypt(
    *, ring: KeyRing, batch_size: int, progress: rotation.Progress | None = None
) -> rotation.Result:
    result = rotation.reencrypt(batch_size=batch_size, ring=ring, progress=progress)
    audit_record(
        actor=KEYS,
        action="keys.reencrypt",
        object_type="key",
        object_ref=ring.current,
        details={
            "rewritten": result.rewritten,
            "conflicts": result.conflicts,
            "skipped": result.skipped,
            "undecryptable": result.undecryptable,
        },
    )
    return result


def keys_retire(*, kid: str) -> None:
    """Remove an old key that no stored value uses any more."""
    ring = key_ring()
    if kid not in ring.keys:
        raise KeyAdminError(_("There is no key %(kid)s.") % {"kid": kid})
    if kid == ring.current:
        raise KeyAdminError(_("Key %(kid)s is the current key; rotate first.") % {"kid": kid})
    in_use = rotation.key_usage().get(kid, 0)
    if in_use:
        raise KeyAdminError(
            _("%(count)d stored values still use key %(kid)s; run `strom keys rotate --resume` first.")
            % {"count": in_use, "kid": kid}
        )
    _save(without_key(ring, kid))
    audit_record(actor=KEYS, action="keys.retire", object_type="key", object_ref=kid)


def keys_reindex(
    *, batch_size: int, new_key: bool, progress: rotation.Progress | None = None
) -> rotation.Result:
    """Recompute every blind index, first under a new blind-index key when `new_key`."""
    ring = key_ring()
    if new_key:
        ring = with_new_blind_index_key(ring)
        _save(ring)
    result = rotation.reindex(batch_size=batch_size, ring=ring, progress=progress)
    audit_record(
        actor=KEYS,
        action="keys.reindex",
        object_type="key",
        object_ref="blind_index",
        details={"new_key": new_key, "rewritten": result.rewritten, "skipped": result.skipped},
    )
    return result
