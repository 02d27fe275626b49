"""gunicorn's settings for STROM in production (deploy/systemd/strom-web.service starts it with these).

The same process model as `strom run` (strom/cli.py, process_model), measured in docs/performance.md:
four worker processes with two threads each (gthread), each taking a connection only when a thread is
free to answer it (docs/decisions/0005-one-request-per-free-thread.md). It listens on a unix socket
that only nginx (group www-data) reaches; STROM_BIND changes that (the deployment test binds a socket
in a temporary directory).

/metrics counts requests in every worker process: prometheus-client's multiprocess mode keeps each
process's counters in small memory-mapped files under STROM_METRICS_DIR (var/metrics), and a scrape
adds them up (docs/operations.md, *Metrics*).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from strom.cli import KEEPALIVE_SECONDS, THREADS, WORKERS

_VAR_DIR = Path(os.environ.get("STROM_VAR_DIR", str(Path(__file__).resolve().parent.parent / "var")))
METRICS_DIR = Path(os.environ.get("STROM_METRICS_DIR", str(_VAR_DIR / "metrics")))
# Read by prometheus-client when the workers import it: it must be set before the application loads.
os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(METRICS_DIR)

wsgi_app = "strom.wsgi:application"
bind = [os.environ.get("STROM_BIND", "unix:/run/strom/gunicorn.sock")]
# nginx (www-data) connects to the socket; nobody else may.
umask = 0o007
workers = int(os.environ.get("STROM_WORKERS", str(WORKERS)))
worker_class = "gthread"
threads = int(os.environ.get("STROM_THREADS", str(THREADS)))
worker_connections = threads
# Longer than any page takes; nginx gives up after 75 s (deploy/nginx/strom.conf).
timeout = 60
graceful_timeout = 10
# nginx opens a connection per request (no upstream keepalive in deploy/nginx/strom.conf).
keepalive = KEEPALIVE_SECONDS
# nginx buffers requests and answers, so a slow client never holds a worker thread.
forwarded_allow_ips = "127.0.0.1,::1"
control_socket_disable = True
accesslog = "-"
# The path without the query string: queries may carry names or document numbers.
access_log_format = "%(t)s %(m)s %(U)s %(s)s %(M)sms"
errorlog = "-"
loglevel = "info"
proc_name = "strom-web"


def on_starting(server: Any) -> None:
    """Counter files of processes that no longer run are dropped at start (a restart resets the
    counters, which Prometheus expects); those of a running `strom worker` stay."""
    METRICS_DIR.mkdir(parents=True, exist_ok=True)
    for path in METRICS_DIR.glob("*.db"):
        if not _alive(_pid_of(path)):
            path.unlink(missing_ok=True)


def child_exit(server: Any, worker: Any) -> None:
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid, str(METRICS_DIR))  # type: ignore[no-untyped-call]  # untyped upstream


def _pid_of(path: Path) -> int:
    # prometheus-client names its files <kind>_<pid>.db (live gauges: gauge_live<mode>_<pid>.db).
    tail = path.stem.rsplit("_", 1)[-1]
    return int(tail) if tail.isdigit() else 0


def _alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
