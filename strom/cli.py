"""The `strom` command: `strom run` serves STROM; `strom <anything else>` is `django-admin <anything else>`.

`strom run` is handled here rather than as a management command because it must take its lock
before Django is set up: loading the settings starts (or joins) the embedded PostgreSQL, and a
second `strom run` must refuse without touching anything.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import fcntl
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import FrameType
from typing import IO

BASE_DIR = Path(__file__).resolve().parent.parent
SETTINGS_MODULE = "strom.settings"
# Seconds gunicorn gets to finish requests in flight after Ctrl-C or SIGTERM.
GRACEFUL_SECONDS = 10
# Measured on two cores with 50 sessions (docs/performance.md): 4 processes x 2 threads had a lower
# tail latency than 2 x 4, as fewer threads share each interpreter lock.
WORKERS = 4
THREADS = 2
# No connection is kept open for a next request: see process_model().
KEEPALIVE_SECONDS = 0


def process_model(workers: int, threads: int) -> list[str]:
    """gunicorn's options for how the web processes take requests, shared by `strom run`,
    deploy/gunicorn.conf.py and the benchmarks in bench/ (docs/decisions/0005).

    A worker takes a connection only when one of its threads is free to answer it: at most `threads`
    connections, none kept open after its answer. Requests that find every thread busy wait in the
    kernel's queue of the shared socket, first come first served, for whichever worker frees first.
    With room for more, a busy worker went on taking connections that then queued behind its own
    threads while other workers idled, and the slowest answers took twice as long.
    """
    return [
        f"--workers={workers}",
        "--worker-class=gthread",
        f"--threads={threads}",
        f"--worker-connections={threads}",
        f"--keep-alive={KEEPALIVE_SECONDS}",
    ]


def say(message: str, *, err: bool = False) -> None:
    stream = sys.stderr if err else sys.stdout
    # A closed terminal or pipe must not stop the shutdown that follows (stopping PostgreSQL).
    with contextlib.suppress(OSError):
        stream.write(message + "\n")
        stream.flush()


def var_dir() -> Path:
    # Same rule as strom/settings.py, which cannot be imported yet (see the module docstring).
    return Path(os.environ.get("STROM_VAR_DIR", str(BASE_DIR / "var"))).resolve()


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS_MODULE)
    if args[:1] == ["run"]:
        return run(args[1:])
    from django.core.management import execute_from_command_line

    from strom.core.errors import NotAllowed

    try:
        execute_from_command_line(["strom", *args])
    except NotAllowed as exc:
        # The same refusal a page answers with 404, said in words instead of a traceback.
        say(f"strom: {exc.message}", err=True)
        return 1
    return 0


class AlreadyRunning(Exception):
    pass


def _take_run_lock(directory: Path) -> IO[str]:
    """An exclusive lock on var/run.lock, held for the life of this process; the kernel drops it on exit."""
    directory.mkdir(parents=True, exist_ok=True)
    # Opened without truncating: the holder's pid in it must survive a second process trying its luck.
    handle = open(directory / "run.lock", "a+", encoding="utf-8")  # noqa: SIM115 - lives as long as we serve
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        holder = handle.read().strip() or "unknown"
        handle.close()
        raise AlreadyRunning(holder) from None
    handle.seek(0)
    handle.truncate()
    handle.write(str(os.getpid()))
    handle.flush()
    return handle


def _port_is_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        # The same option gunicorn sets, so a port in TIME_WAIT from our last run counts as free.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                return False
            raise
    return True


def _wait_until_listening(host: str, port: int, server: subprocess.Popen[bytes], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and server.poll() is None:
        try:
            with socket.create_connection((host, port), timeout=1):
                return True
        except OSError:
            time.sleep(0.2)
    return False


def _prepare(*, load_demo: bool) -> None:
    """Migrate, and load and print the demo data, in this process (the server is already ours)."""
    import django
    from django.core.management import call_command
    from django.db import connections

    django.setup()
    call_command("migrate", interactive=False, verbosity=1)
    if load_demo:
        call_command("demo")
    # gunicorn's workers open their own connections; ours must not linger for the life of the server.
    connections.close_all()


def run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="strom run",
        description="Serve STROM with gunicorn (and the embedded PostgreSQL when DATABASE_URL is unset).",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="port to listen on (default: 8000)")
    parser.add_argument(
        "--workers", type=int, default=WORKERS, help=f"gunicorn worker processes (default: {WORKERS})"
    )
    parser.add_argument(
        "--threads", type=int, default=THREADS, help=f"threads per worker (default: {THREADS})"
    )
    parser.add_argument("--migrate", action="store_true", help="apply migrations before serving")
    parser.add_argument(
        "--demo", action="store_true", help="load the demo data (once) and print the accounts"
    )
    options = parser.parse_args(argv)

    directory = var_dir()
    try:
        lock = _take_run_lock(directory)
    except AlreadyRunning as exc:
        say(
            f"STROM is already running (pid {exc.args[0]}) from {directory}.\n"
            "Use that one, or stop it (Ctrl-C in its terminal) and start again.",
            err=True,
        )
        return 1
    if not _port_is_free(options.host, options.port):
        say(
            f"Port {options.port} on {options.host} is already in use by another program.\n"
            "Stop that program, or start STROM on another port: strom run --port 8001",
            err=True,
        )
        lock.close()
        return 1

    _set_site_url(directory, options.host, options.port)
    embedded = None
    if not os.environ.get("DATABASE_URL"):
        from strom.core import embedded_db

        say(f"Starting the embedded PostgreSQL in {embedded_db.pgdata_dir(directory)} ...")
        embedded = embedded_db.start(directory)
        # gunicorn's workers inherit the URL, so they use this server and never manage it themselves.
        os.environ["DATABASE_URL"] = embedded_db.url_for(embedded_db.socket_dir(embedded))
    # WhiteNoise warns on every start when STATIC_ROOT is missing; in development files come from the apps.
    (directory / "static").mkdir(exist_ok=True)
    try:
        if options.migrate or options.demo:
            _prepare(load_demo=options.demo)
        return _serve(options.host, options.port, options.workers, options.threads)
    finally:
        if embedded is not None:
            from strom.core import embedded_db

            embedded_db.release(embedded)
            state = (
                "still running for other STROM commands" if embedded_db.running_pid(directory) else "stopped"
            )
            say(f"Embedded PostgreSQL {state}.")
        lock.close()


def _set_site_url(directory: Path, host: str, port: int) -> None:
    """Links in e-mails point at this server unless STROM_SITE_URL says otherwise.

    gunicorn and the worker inherit the environment; the file serves a `strom worker` started apart.
    """
    from strom.core import site_url

    if not os.environ.get("STROM_SITE_URL"):
        url = site_url.url_for(host, port)
        os.environ["STROM_SITE_URL"] = url
        site_url.remember(directory, url)


def _stop_worker(worker: subprocess.Popen[bytes]) -> None:
    if worker.poll() is None:
        worker.send_signal(signal.SIGTERM)
    try:
        worker.wait(timeout=GRACEFUL_SECONDS)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()


def _serve(host: str, port: int, workers: int, threads: int) -> int:
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "strom.wsgi:application",
        f"--bind={host}:{port}",
        *process_model(workers, threads),
        f"--graceful-timeout={GRACEFUL_SECONDS}",
        "--timeout=60",
        # One gunicorn per var/ is enforced by our lock; gunicorn's own control socket is shared per user.
        "--no-control-socket",
        "--access-logfile=-",
        # The path without the query string: queries may carry names or document numbers.
        "--access-logformat=%(t)s %(m)s %(U)s %(s)s %(M)sms",
    ]
    server = subprocess.Popen(command, cwd=BASE_DIR)  # noqa: S603 - our own interpreter and arguments
    # Task reminders (strom worker) run alongside the web server and stop with it.
    worker = subprocess.Popen([sys.executable, "-m", "strom.cli", "worker"], cwd=BASE_DIR)
    stopping = False

    def stop(signum: int, frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True
        if server.poll() is None:
            # SIGTERM is gunicorn's graceful shutdown. On Ctrl-C the terminal also sent it SIGINT.
            server.send_signal(signal.SIGTERM)

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    try:
        if _wait_until_listening(host, port, server, timeout=60):
            say(f"\nSTROM is running at http://{host}:{port}/ - press Ctrl-C to stop.\n")
        deadline: float | None = None
        while True:
            try:
                code = server.wait(timeout=1)
                break
            except subprocess.TimeoutExpired:
                if stopping and deadline is None:
                    say(f"Stopping STROM: requests in flight get up to {GRACEFUL_SECONDS} s to finish ...")
                    deadline = time.monotonic() + GRACEFUL_SECONDS + 5
                elif deadline is not None and time.monotonic() > deadline:
                    server.kill()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        _stop_worker(worker)
    say("STROM stopped.")
    return 0 if stopping else code


if __name__ == "__main__":
    sys.exit(main())
