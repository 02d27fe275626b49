"""`strom backup`: the database, the uploaded files and the audit checkpoints, encrypted, with a manifest.

Consistency: one read-only REPEATABLE READ transaction exports its snapshot; pg_dump dumps exactly
that snapshot (`--snapshot`), and the row counts, migration state and the audit chain's head in the
manifest are read in the same transaction. The checkpoint files are copied without the lines that
name entries after that head (a checkpoint the worker signs while the dump runs), so the backup's
checkpoints vouch for the backup's chain. Uploaded files are copied while the snapshot is held; a file
uploaded meanwhile may come along without its row (harmless: an unreferenced file), and files are
only deleted after their rows, so every row in the dump finds its file.
"""

from __future__ import annotations

import hashlib
import io
import json
import subprocess
import tarfile
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import psycopg
from django.conf import settings
from django.core.files.storage import storages
from django.utils import timezone
from django.utils.translation import gettext as _
from psycopg import sql

import strom
from strom.ops import archive, pg
from strom.ops.backup_keys import BackupKey, public_key
from strom.ops.services import backup_run_fail, backup_run_finish, backup_run_start

Say = Callable[[str], None]
DATABASE_PART = "database.dump"
MEDIA_PART = "media.tar"
CHECKPOINTS_PART = "checkpoints.tar"
PARTS = (DATABASE_PART, MEDIA_PART, CHECKPOINTS_PART)
READ_BYTES = 1024 * 1024


class BackupError(Exception):
    pass


@dataclass(frozen=True)
class BackupOutcome:
    directory: Path
    backup_id: str
    rows: int
    tables: int
    files: int
    bytes: int


def media_root() -> Path:
    return Path(storages["default"].location)  # type: ignore[attr-defined]


def checkpoint_root() -> Path:
    return Path(settings.STROM_AUDIT_CHECKPOINT_DIR)


def _prepare(out_dir: Path) -> None:
    if out_dir.exists() and (not out_dir.is_dir() or any(out_dir.iterdir())):
        raise BackupError(_("%(path)s exists and is not an empty directory.") % {"path": out_dir})
    out_dir.mkdir(parents=True, exist_ok=True, mode=0o700)


@dataclass(frozen=True)
class Snapshot:
    name: str
    tables: dict[str, int]
    migrations: dict[str, list[str]]
    audit_head: int
    server_version: int
    extensions: list[str]


def user_tables(cursor: psycopg.Cursor[Any]) -> list[tuple[str, str]]:
    cursor.execute(
        """SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
             AND n.nspname NOT LIKE 'pg\\_%' ORDER BY 1, 2"""
    )
    return [(str(schema), str(name)) for schema, name in cursor.fetchall()]


def table_counts(cursor: psycopg.Cursor[Any]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for schema, name in user_tables(cursor):
        cursor.execute(
            sql.SQL("SELECT count(*) FROM {}.{}").format(sql.Identifier(schema), sql.Identifier(name))
        )
        row = cursor.fetchone()
        counts[f"{schema}.{name}"] = int(row[0]) if row else 0
    return counts


def _read_snapshot(conn: psycopg.Connection[Any]) -> Snapshot:
    with conn.cursor() as cur:
        cur.execute("SELECT pg_export_snapshot(), current_setting('server_version_num')::int")
        row = cur.fetchone()
        assert row is not None
        name, server_version = str(row[0]), int(row[1])
        tables = table_counts(cur)
        cur.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
        migrations: dict[str, list[str]] = {}
        for app, migration in cur.fetchall():
            migrations.setdefault(str(app), []).append(str(migration))
        cur.execute("SELECT coalesce(max(seq), 0) FROM audit_audithead")
        head = cur.fetchone()
        # A restore needs them on its server too (the hub's search uses pg_trgm and unaccent where present).
        cur.execute("SELECT extname FROM pg_extension WHERE extname <> 'plpgsql' ORDER BY 1")
        extensions = [str(row[0]) for row in cur.fetchall()]
    return Snapshot(name, tables, migrations, int(head[0]) if head else 0, server_version, extensions)


@contextmanager
def held_snapshot() -> Iterator[Snapshot]:
    """A read-only snapshot of the whole database, exported for pg_dump, held until the block ends."""
    with psycopg.connect(pg.conninfo()) as conn:
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        conn.read_only = True
        try:
            yield _read_snapshot(conn)
        finally:
            conn.rollback()


def dump_database(snapshot: Snapshot, writer: archive.PartWriter) -> int:
    """pg_dump of the snapshot, custom format, streamed into the part. Returns pg_dump's major version."""
    program = pg.find_program("pg_dump", at_least=snapshot.server_version // 10000)
    command = [
        str(program),
        "--format=custom",
        "--no-owner",
        "--no-privileges",
        f"--snapshot={snapshot.name}",
    ]
    with subprocess.Popen(  # noqa: S603 - a PostgreSQL program found by pg.find_program, fixed arguments
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=pg.libpq_env()
    ) as proc:
        assert proc.stdout is not None
        assert proc.stderr is not None
        while chunk := proc.stdout.read(READ_BYTES):
            writer.write(chunk)
        errors = proc.stderr.read().decode("utf-8", "replace").strip()
    if proc.returncode != 0:
        raise BackupError(_("pg_dump failed: %(error)s") % {"error": errors or proc.returncode})
    return pg.program_major(program) or 0


class _Hashing(io.RawIOBase):
    """Reads a file and hashes what tarfile takes from it."""

    def __init__(self, handle: IO[bytes]) -> None:
        self._handle = handle
        self.hash = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self._handle.read(size)
        self.hash.update(data)
        return data


def tar_media(root: Path, writer: archive.PartWriter) -> dict[str, dict[str, Any]]:
    """Every regular file under the media root, with its size and checksum for the manifest."""
    files: dict[str, dict[str, Any]] = {}
    with tarfile.open(fileobj=writer, mode="w|", format=tarfile.PAX_FORMAT) as tar:  # type: ignore[call-overload]
        if not root.is_dir():
            return files
        for path in sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink()):
            name = path.relative_to(root).as_posix()
            info = tar.gettarinfo(str(path), arcname=name)
            with open(path, "rb") as handle:
                hashing = _Hashing(handle)
                tar.addfile(info, hashing)
            files[name] = {"size": info.size, "sha256": hashing.hash.hexdigest()}
    return files


def _checkpoint_lines_up_to(data: bytes, head: int) -> bytes:
    kept = []
    for line in data.splitlines(keepends=True):
        try:
            seq = int(json.loads(line).get("seq", 0))
        except (ValueError, AttributeError):
            seq = 0  # a damaged line is copied as it is: `strom audit verify` must see it after a restore
        if seq <= head:
            kept.append(line)
    return b"".join(kept)


def tar_checkpoints(root: Path, head: int, writer: archive.PartWriter) -> dict[str, dict[str, Any]]:
    files: dict[str, dict[str, Any]] = {}
    with tarfile.open(fileobj=writer, mode="w|", format=tarfile.PAX_FORMAT) as tar:  # type: ignore[call-overload]
        if not root.is_dir():
            return files
        for path in sorted(p for p in root.iterdir() if p.is_file()):
            data = path.read_bytes()
            if path.name.startswith("checkpoints-") and path.suffix == ".jsonl":
                data = _checkpoint_lines_up_to(data, head)
            info = tarfile.TarInfo(path.name)
            info.size, info.mode, info.mtime = len(data), 0o600, int(path.stat().st_mtime)
            tar.addfile(info, io.BytesIO(data))
            files[path.name] = {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    return files


def _write_parts(out_dir: Path, key: BackupKey, backup_id: str, say: Say) -> dict[str, Any]:
    writers = {name: archive.PartWriter(out_dir, name, key, backup_id) for name in PARTS}
    with held_snapshot() as snapshot:
        say(
            _("Snapshot taken: %(tables)d tables, %(rows)d rows.")
            % {"tables": len(snapshot.tables), "rows": sum(snapshot.tables.values())}
        )
        dump_major = dump_database(snapshot, writers[DATABASE_PART])
        writers[DATABASE_PART].close()
        say(_("Database dumped (%(bytes)d bytes).") % {"bytes": writers[DATABASE_PART].summary.bytes})
        media = tar_media(media_root(), writers[MEDIA_PART])
        writers[MEDIA_PART].close()
        say(_("Uploaded files copied: %(count)d.") % {"count": len(media)})
    checkpoints = tar_checkpoints(checkpoint_root(), snapshot.audit_head, writers[CHECKPOINTS_PART])
    writers[CHECKPOINTS_PART].close()
    return {
        "database": {
            "server_version": snapshot.server_version,
            "pg_dump_major": dump_major,
            "extensions": snapshot.extensions,
            "tables": snapshot.tables,
        },
        "migrations": snapshot.migrations,
        "audit_head": snapshot.audit_head,
        "files": {"media": media, "checkpoints": checkpoints},
        "parts": {name: vars(w.summary) for name, w in writers.items()},
    }


def summary_of(manifest: dict[str, Any]) -> dict[str, Any]:
    """What the BackupRun row keeps: totals and versions, no table of anyone's data."""
    return {
        "backup_id": manifest["backup_id"],
        "strom_version": manifest["strom_version"],
        "tables": len(manifest["database"]["tables"]),
        "rows": sum(manifest["database"]["tables"].values()),
        "files": len(manifest["files"]["media"]),
        "bytes": sum(part["bytes"] for part in manifest["parts"].values()),
        "migrations": sum(len(names) for names in manifest["migrations"].values()),
        "audit_head": manifest["audit_head"],
    }


def _remove_contents(out_dir: Path) -> None:
    """A failed backup leaves nothing that looks like one: the directory was empty when we began."""
    for path in out_dir.iterdir():
        if path.is_file():
            path.unlink()


def create_backup(out_dir: Path, *, say: Say = lambda _message: None) -> BackupOutcome:
    key = public_key()
    _prepare(out_dir)
    backup_id = uuid.uuid4().hex
    created = timezone.now().isoformat()
    archive.write_json(
        out_dir / archive.INDEX_NAME,
        {
            "format": archive.FORMAT,
            "format_version": archive.FORMAT_VERSION,
            "backup_id": backup_id,
            "created": created,
            "strom_version": strom.__version__,
            "key": {"thumbprint": key.thumbprint, "alg": key.algorithm},
        },
    )
    run = backup_run_start(out_dir=str(out_dir), backup_id=backup_id)
    try:
        manifest = {
            "format_version": archive.FORMAT_VERSION,
            "backup_id": backup_id,
            "created": created,
            "strom_version": strom.__version__,
            **_write_parts(out_dir, key, backup_id, say),
            "finished": timezone.now().isoformat(),
        }
        meta = {"backup": backup_id, "part": "manifest"}
        (out_dir / archive.MANIFEST_NAME).write_bytes(
            archive.encrypt(json.dumps(manifest, sort_keys=True).encode(), key=key, meta=meta)
        )
    except Exception as exc:
        _remove_contents(out_dir)
        backup_run_fail(
            run=run, error=str(exc) if isinstance(exc, BackupError | pg.ToolMissing) else type(exc).__name__
        )
        raise
    summary = summary_of(manifest)
    backup_run_finish(run=run, summary=summary)
    return BackupOutcome(
        out_dir, backup_id, summary["rows"], summary["tables"], summary["files"], summary["bytes"]
    )
