"""`strom restore DIR`: refuse what cannot be restored whole, restore into an empty target, verify.

Order of work, so that a refusal leaves nothing behind:
1. read the index and the manifest with the operator's private key (wrong key, partial backup,
   newer STROM: refused, nothing touched);
2. decrypt every chunk once and compare every checksum with the manifest (damage: refused, nothing
   touched);
3. check the target: no table in the database, no file in the media root or the checkpoint directory;
4. pg_restore in a single transaction, then the files, then verify (row counts, `strom audit verify`'s
   checks, a sample of encrypted fields and files). A failure in step 4 drops what was restored, so the
   target is empty again.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import subprocess
import tarfile
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import IO, Any

from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.utils.translation import gettext as _
from packaging.version import InvalidVersion, Version

import strom
from strom.ops import archive, pg
from strom.ops.backup import (
    CHECKPOINTS_PART,
    DATABASE_PART,
    MEDIA_PART,
    PARTS,
    checkpoint_root,
    media_root,
    summary_of,
)
from strom.ops.backup_keys import BackupKey, BackupKeyError, private_key
from strom.ops.services import restore_record
from strom.ops.verify import Verification, verify_restored

Say = Callable[[str], None]
FILE_PARTS = {MEDIA_PART: "media", CHECKPOINTS_PART: "checkpoints"}


class RestoreRefused(Exception):
    """The backup or the target cannot be restored; nothing was changed."""


class RestoreFailed(Exception):
    """Restoring or verifying failed; what was restored has been removed again."""


@dataclass(frozen=True)
class Backup:
    directory: Path
    index: dict[str, Any]
    manifest: dict[str, Any]
    key: BackupKey

    @property
    def backup_id(self) -> str:
        return str(self.index["backup_id"])

    def chunks(self, part: str) -> Any:
        count = int(self.manifest["parts"][part]["chunks"])
        return archive.read_part(self.directory, part, key=self.key, backup_id=self.backup_id, chunks=count)


def _read_index(directory: Path) -> dict[str, Any]:
    path = directory / archive.INDEX_NAME
    try:
        index = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RestoreRefused(
            _("%(path)s is not a STROM backup: it has no %(name)s.")
            % {"path": directory, "name": archive.INDEX_NAME}
        ) from None
    except (OSError, ValueError):
        raise RestoreRefused(_("%(path)s cannot be read as a backup index.") % {"path": path}) from None
    if not isinstance(index, dict) or index.get("format") != archive.FORMAT:
        raise RestoreRefused(_("%(path)s is not a STROM backup index.") % {"path": path})
    version = index.get("format_version")
    if not isinstance(version, int) or version > archive.FORMAT_VERSION:
        raise RestoreRefused(
            _(
                "The backup is in format %(theirs)s, which this STROM (format %(ours)d) cannot read: "
                "restore it with a newer STROM."
            )
            % {"theirs": version, "ours": archive.FORMAT_VERSION}
        )
    return index


def _read_manifest(directory: Path, index: dict[str, Any], key: BackupKey) -> dict[str, Any]:
    path = directory / archive.MANIFEST_NAME
    if not path.exists():
        raise RestoreRefused(
            _("The backup is incomplete: %(name)s is missing, so the backup never finished.")
            % {"name": archive.MANIFEST_NAME}
        )
    try:
        data, meta = archive.decrypt(path.read_bytes(), key=key, what=archive.MANIFEST_NAME)
    except archive.BackupDamaged as exc:
        raise RestoreRefused(str(exc)) from None
    if meta != {"backup": index["backup_id"], "part": "manifest"}:
        raise RestoreRefused(
            _("The manifest belongs to another backup than %(name)s.") % {"name": archive.INDEX_NAME}
        )
    manifest: dict[str, Any] = json.loads(data)
    if set(manifest.get("parts", {})) != set(PARTS):
        raise RestoreRefused(_("The manifest does not list the parts of a STROM backup."))
    return manifest


def check_compatible(manifest: dict[str, Any]) -> None:
    """A backup made by a newer STROM holds tables and columns this code does not know: refuse it."""
    theirs, ours = str(manifest.get("strom_version", "")), strom.__version__
    try:
        newer = Version(theirs) > Version(ours)
    except InvalidVersion:
        raise RestoreRefused(_("The backup names no valid STROM version (%(v)r).") % {"v": theirs}) from None
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    unknown = sorted(
        f"{app}.{name}"
        for app, names in manifest.get("migrations", {}).items()
        for name in names
        if (app, name) not in known
    )
    if newer or unknown:
        listed = ", ".join(unknown[:5]) + (" …" if len(unknown) > 5 else "")
        raise RestoreRefused(
            _(
                "The backup was made by a newer STROM (%(theirs)s; this is %(ours)s; migrations this "
                "code does not have: %(unknown)s). Install that version or a later one, then restore."
            )
            % {"theirs": theirs, "ours": ours, "unknown": listed or _("none")}
        )


def open_backup(directory: Path, *, key_file: Path | None) -> Backup:
    index = _read_index(directory)
    try:
        key = private_key(key_file)
    except BackupKeyError as exc:
        raise RestoreRefused(str(exc)) from None
    wanted = str(index.get("key", {}).get("thumbprint", ""))
    if key.thumbprint != wanted:
        raise RestoreRefused(
            _(
                "Wrong key: the backup was encrypted to the key with thumbprint %(wanted)s, "
                "and %(path)s is the key %(given)s."
            )
            % {"wanted": wanted, "path": key.path, "given": key.thumbprint}
        )
    manifest = _read_manifest(directory, index, key)
    check_compatible(manifest)
    return Backup(directory, index, manifest, key)


def _safe_name(name: str) -> str:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        raise archive.BackupDamaged(
            _("The backup holds a file outside its directory: %(name)s.") % {"name": name}
        )
    return path.as_posix()


def _walk_tar(
    reader: archive.PartReader, write: Callable[[str, IO[bytes]], str] | None
) -> dict[str, dict[str, Any]]:
    """Every member's size and checksum; `write` (name, content) stores it and returns its checksum."""
    seen: dict[str, dict[str, Any]] = {}
    with tarfile.open(fileobj=reader, mode="r|") as tar:  # type: ignore[call-overload]
        for member in tar:
            if not member.isfile():
                raise archive.BackupDamaged(
                    _("The backup holds something that is not a file: %(name)s.") % {"name": member.name}
                )
            name = _safe_name(member.name)
            content = tar.extractfile(member)
            assert content is not None
            if write is None:
                digest = hashlib.sha256()
                while block := content.read(archive.CHUNK_BYTES):
                    digest.update(block)
                sha = digest.hexdigest()
            else:
                sha = write(name, content)
            seen[name] = {"size": member.size, "sha256": sha}
    reader.drain()
    return seen


def _check_part(backup: Backup, part: str, reader: archive.PartReader) -> None:
    expected = backup.manifest["parts"][part]
    if reader.sha256 != expected["sha256"] or reader.bytes != expected["bytes"]:
        raise archive.BackupDamaged(
            _("%(part)s does not match its checksum in the manifest.") % {"part": part}
        )


def _check_files(backup: Backup, part: str, seen: dict[str, dict[str, Any]]) -> None:
    expected = backup.manifest["files"][FILE_PARTS[part]]
    if seen != expected:
        wrong = sorted(
            set(seen) ^ set(expected) | {n for n in seen if n in expected and seen[n] != expected[n]}
        )
        raise archive.BackupDamaged(
            _("The files in %(part)s do not match the manifest: %(names)s.")
            % {"part": part, "names": ", ".join(wrong[:5])}
        )


def verify_parts(backup: Backup, say: Say) -> None:
    """Decrypt everything once, before anything is touched: damage is found here, not half-way."""
    try:
        for part in PARTS:
            reader = archive.PartReader(backup.chunks(part))
            if part in FILE_PARTS:
                _check_files(backup, part, _walk_tar(reader, None))
            else:
                reader.drain()
            _check_part(backup, part, reader)
    except (archive.BackupDamaged, tarfile.TarError) as exc:
        raise RestoreRefused(_("The backup is damaged: %(reason)s") % {"reason": exc}) from None
    say(_("Backup checked: every chunk decrypts and every checksum matches the manifest."))


def _files_in(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if not p.is_dir()] if root.is_dir() else []


def check_target_server(manifest: dict[str, Any]) -> None:
    """The extensions the dump creates must be installable here, or pg_restore stops half-way."""
    wanted = list(manifest["database"].get("extensions", []))
    with connection.cursor() as cur:
        cur.execute("SELECT name FROM pg_available_extensions")
        available = {str(row[0]) for row in cur.fetchall()}
    missing = [name for name in wanted if name not in available]
    if missing:
        raise RestoreRefused(
            _(
                "The backup's database uses the PostgreSQL extensions %(names)s, which this server does not "
                "have. Install them (Debian: the postgresql-contrib package of the server's version) or "
                "restore onto a server that has them."
            )
            % {"names": ", ".join(missing)}
        )


def check_target_empty() -> None:
    with connection.cursor() as cur:
        cur.execute(
            """SELECT n.nspname || '.' || c.relname
               FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
               WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S')
                 AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'
               ORDER BY 1"""
        )
        found = [str(row[0]) for row in cur.fetchall()]
    if found:
        raise RestoreRefused(
            _(
                "The database %(name)s is not empty (%(count)d tables and sequences, e.g. %(first)s). "
                "Restore into a new, empty database (createdb) and point DATABASE_URL at it."
            )
            % {"name": connection.settings_dict["NAME"], "count": len(found), "first": found[0]}
        )
    for what, root in (
        (_("The uploaded-files directory"), media_root()),
        (_("The audit checkpoint directory"), checkpoint_root()),
    ):
        if _files_in(root):
            raise RestoreRefused(
                _(
                    "%(what)s %(path)s is not empty. Move its contents away or point the setting at an "
                    "empty directory."
                )
                % {"what": what, "path": root}
            )


@dataclass
class Restored:
    files: list[Path] = field(default_factory=list)
    dirs: list[Path] = field(default_factory=list)


def restore_database(backup: Backup) -> None:
    at_least = max(pg.server_major(), int(backup.manifest["database"].get("pg_dump_major") or 0))
    program = pg.find_program("pg_restore", at_least=at_least)
    command = [
        str(program),
        "--single-transaction",
        "--exit-on-error",
        "--no-owner",
        "--no-privileges",
        f"--dbname={connection.settings_dict['NAME']}",
    ]
    reader = archive.PartReader(backup.chunks(DATABASE_PART))
    with tempfile.TemporaryFile() as errors:
        with subprocess.Popen(  # noqa: S603 - pg_restore found by pg.find_program, fixed arguments
            command, stdin=subprocess.PIPE, stderr=errors, env=pg.libpq_env()
        ) as proc:
            assert proc.stdin is not None
            try:
                while block := reader.read(archive.CHUNK_BYTES):
                    proc.stdin.write(block)
                proc.stdin.close()
            except BrokenPipeError:
                pass  # pg_restore stopped early; its message says why
        errors.seek(0)
        message = errors.read().decode("utf-8", "replace").strip()
    if proc.returncode != 0:
        raise RestoreFailed(_("pg_restore failed: %(error)s") % {"error": message[-2000:] or proc.returncode})
    _check_part(backup, DATABASE_PART, reader)


def _writer(root: Path, restored: Restored) -> Callable[[str, IO[bytes]], str]:
    def write(name: str, content: IO[bytes]) -> str:
        path = root / name
        for parent in reversed(path.relative_to(root).parents):
            directory = root / parent
            if not directory.exists():
                directory.mkdir(mode=0o700)
                restored.dirs.append(directory)
        digest = hashlib.sha256()
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        restored.files.append(path)
        with os.fdopen(fd, "wb") as out:
            while block := content.read(archive.CHUNK_BYTES):
                digest.update(block)
                out.write(block)
        return digest.hexdigest()

    return write


def restore_files(backup: Backup, part: str, root: Path, restored: Restored) -> int:
    if not root.exists():
        root.mkdir(parents=True, mode=0o700)
        restored.dirs.append(root)
    reader = archive.PartReader(backup.chunks(part))
    seen = _walk_tar(reader, _writer(root, restored))
    _check_files(backup, part, seen)
    _check_part(backup, part, reader)
    return len(seen)


def undo(restored: Restored) -> None:
    """Empty the target again: drop every schema the restore filled, remove every file it wrote."""
    connection.close()
    with connection.cursor() as cur:
        cur.execute(
            "SELECT nspname FROM pg_namespace "
            "WHERE nspname NOT IN ('pg_catalog', 'information_schema', 'public') "
            "AND nspname NOT LIKE 'pg\\_%'"
        )
        for (schema,) in cur.fetchall():
            cur.execute(f'DROP SCHEMA "{schema}" CASCADE')
        cur.execute("DROP SCHEMA IF EXISTS public CASCADE")
        cur.execute("CREATE SCHEMA public")
    for path in reversed(restored.files):
        path.unlink(missing_ok=True)
    for directory in reversed(restored.dirs):
        with contextlib.suppress(OSError):  # not empty: something else lives there now
            directory.rmdir()


@dataclass(frozen=True)
class RestoreOutcome:
    backup_id: str
    created: str
    verification: Verification


def _restore_and_verify(backup: Backup, restored: Restored, say: Say) -> Verification:
    restore_database(backup)
    say(_("Database restored."))
    count = restore_files(backup, MEDIA_PART, media_root(), restored)
    restore_files(backup, CHECKPOINTS_PART, checkpoint_root(), restored)
    say(_("Uploaded files restored: %(count)d; audit checkpoints restored.") % {"count": count})
    verification = verify_restored(backup.manifest)
    for line in verification.lines:
        say(line)
    if verification.problems:
        raise RestoreFailed(_("The restored data did not verify:") + "\n" + "\n".join(verification.problems))
    return verification


def restore_backup(
    directory: Path, *, key_file: Path | None = None, say: Say = lambda _m: None
) -> RestoreOutcome:
    backup = open_backup(directory, key_file=key_file)
    say(
        _("Backup %(id)s of %(created)s, made by STROM %(version)s.")
        % {
            "id": backup.backup_id,
            "created": backup.manifest["created"],
            "version": backup.manifest["strom_version"],
        }
    )
    verify_parts(backup, say)
    check_target_server(backup.manifest)
    check_target_empty()
    restored = Restored()
    try:
        verification = _restore_and_verify(backup, restored, say)
    except Exception as exc:
        undo(restored)
        if isinstance(exc, RestoreFailed):
            raise
        if isinstance(exc, archive.BackupDamaged | tarfile.TarError | pg.ToolMissing | OSError):
            raise RestoreFailed(str(exc)) from exc
        raise RestoreFailed(f"{type(exc).__name__}: {exc}") from exc
    restore_record(
        backup_id=backup.backup_id,
        created=str(backup.manifest["created"]),
        finished=datetime.fromisoformat(str(backup.manifest["finished"])),
        summary=summary_of(backup.manifest),
    )
    return RestoreOutcome(backup.backup_id, str(backup.manifest["created"]), verification)
