"""The platform: the embedded PostgreSQL."""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
import psycopg
import pytest

from strom.core import embedded_db

# --- embedded PostgreSQL ---


def test_embedded_server_creates_the_strom_database_keeps_data_and_stops_with_its_last_handle(
    tmp_path: Path,
) -> None:
    var = tmp_path / "var"
    url = embedded_db.database_url(var)
    parsed = dj_database_url.parse(url)
    assert parsed["NAME"] == "strom"
    assert parsed["HOST"] == str(embedded_db.pgdata_dir(var)), (
        "a unix socket in the data directory, no TCP port"
    )
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE TABLE kept (value int)")
        conn.execute("INSERT INTO kept VALUES (42)")
    server = embedded_db.start(var)  # a second handle in the same process is the same server
    embedded_db.release(server)
    assert embedded_db.running_pid(var) is None

    url_again = embedded_db.database_url(var)
    with psycopg.connect(url_again) as conn:
        assert conn.execute("SELECT value FROM kept").fetchone() == (42,)
    embedded_db.release(embedded_db.start(var))
    assert embedded_db.running_pid(var) is None


def test_production_never_falls_back_to_the_embedded_server(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STROM_ENV", "production")
    with pytest.raises(RuntimeError, match="DATABASE_URL must be set in production"):
        embedded_db.database_url(tmp_path)
    assert not (tmp_path / "pgdata").exists()


def test_handles_of_dead_processes_do_not_keep_the_embedded_server_alive(tmp_path: Path) -> None:
    pgdata = tmp_path / "pgdata"
    pgdata.mkdir()
    handles = pgdata / ".handle_pids.json"
    dead_pid = 2**22 + 12345  # above Linux's pid_max default, so never a live process
    handles.write_text(f"[{dead_pid}, {os.getpid()}]", encoding="utf-8")
    embedded_db._forget_dead_handles(pgdata)
    assert handles.read_text(encoding="utf-8") == f"[{os.getpid()}]"
