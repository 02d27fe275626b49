"""How the web processes take requests (strom/cli.py process_model; docs/decisions/0005-one-request-
per-free-thread.md): a worker busy with every thread leaves new connections to a free worker, and
`strom run` and the production settings agree."""

from __future__ import annotations

import http.client
import os
import runpy
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from strom import cli
from tests.process_model_app import SLOW_SECONDS
from tests.test_strom_run import free_port

BASE_DIR = Path(__file__).resolve().parent.parent


@pytest.fixture
def two_single_thread_workers() -> Iterator[int]:
    port = free_port()
    server = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
        [
            sys.executable,
            "-m",
            "gunicorn",
            "tests.process_model_app:application",
            f"--bind=127.0.0.1:{port}",
            *cli.process_model(workers=2, threads=1),
            "--no-control-socket",
            "--log-level=warning",
        ],
        cwd=BASE_DIR,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            assert server.poll() is None, "gunicorn exited before it listened"
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
            except OSError:
                time.sleep(0.1)
        # Both workers are up once each has answered.
        while len({_get(port, "/")[0] for _ in range(20)}) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=15)


def _get(port: int, path: str) -> tuple[str, str | None]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers={"Connection": "keep-alive"})
        response = connection.getresponse()
        return response.read().decode(), response.getheader("Connection")
    finally:
        connection.close()


def test_a_busy_worker_leaves_new_connections_to_a_free_one(
    two_single_thread_workers: int, tmp_path: Path
) -> None:
    port = two_single_thread_workers
    started = tmp_path / "slow-started"
    slow: dict[str, str] = {}
    holder = threading.Thread(target=lambda: slow.update(pid=_get(port, f"/slow?{started}")[0]))
    holder.start()
    deadline = time.monotonic() + 30
    while not started.exists():  # until the slow request holds its worker's only thread
        assert time.monotonic() < deadline, "the slow request never started"
        time.sleep(0.02)
    answered_by: set[str] = set()
    began = time.monotonic()
    for _ in range(12):
        pid, connection = _get(port, "/")
        answered_by.add(pid)
        assert connection == "close", "no connection is kept open for a next request"
    quick = time.monotonic() - began
    holder.join()
    # Had the busy worker taken any of them, that request would have waited for /slow to finish.
    assert quick < SLOW_SECONDS - 0.5, f"12 quick requests took {quick:.1f} s"
    assert slow["pid"] not in answered_by
    assert len(answered_by) == 1


def test_production_settings_use_the_same_process_model(monkeypatch: pytest.MonkeyPatch) -> None:
    # The file sets this for prometheus-client; monkeypatch puts it back afterwards.
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", os.environ.get("PROMETHEUS_MULTIPROC_DIR", ""))
    monkeypatch.delenv("STROM_WORKERS", raising=False)
    monkeypatch.delenv("STROM_THREADS", raising=False)
    settings = runpy.run_path(str(BASE_DIR / "deploy" / "gunicorn.conf.py"))
    production = [
        f"--workers={settings['workers']}",
        f"--worker-class={settings['worker_class']}",
        f"--threads={settings['threads']}",
        f"--worker-connections={settings['worker_connections']}",
        f"--keep-alive={settings['keepalive']}",
    ]
    assert production == cli.process_model(cli.WORKERS, cli.THREADS)


def test_a_worker_imports_the_views_while_it_starts() -> None:
    # In a fresh interpreter, as a gunicorn worker loads the application: the URLconf and the views
    # it names are imported then, not on the first request the worker takes.
    probe = (
        "import sys, strom.wsgi; print('strom.site.urls' in sys.modules, 'strom.cases.views' in sys.modules)"
    )
    loaded = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", probe], cwd=BASE_DIR, capture_output=True, text=True, check=True, timeout=120
    )
    assert loaded.stdout.split() == ["True", "True"]
