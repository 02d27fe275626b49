"""`strom run` refuses instead of corrupting anything: a second run, a taken port."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

from strom import cli


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def test_second_strom_run_says_it_is_already_running_and_exits_non_zero(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("STROM_VAR_DIR", str(tmp_path))
    first = cli._take_run_lock(tmp_path)
    try:
        assert cli.run(["--port", str(free_port())]) == 1
    finally:
        first.close()
    err = capsys.readouterr().err
    assert f"STROM is already running (pid {os.getpid()})" in err
    assert not (tmp_path / "pgdata").exists(), "the refused run must not start a database"


def test_strom_run_refuses_a_taken_port_and_releases_its_lock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("STROM_VAR_DIR", str(tmp_path))
    with socket.socket() as other_program:
        other_program.bind(("127.0.0.1", 0))
        other_program.listen()
        port = other_program.getsockname()[1]
        assert cli.run(["--port", str(port)]) == 1
    assert f"Port {port} on 127.0.0.1 is already in use" in capsys.readouterr().err
    assert not (tmp_path / "pgdata").exists()
    cli._take_run_lock(tmp_path).close()  # the refused run let go of the lock
