"""What /metrics reports, in Prometheus' text format: counts, durations and ages, never a name, a reference
or anything else about a person.

Two kinds of figures, kept the way each can be trusted across processes:

- **counted as it happens** (requests and their durations per view, failed e-mails): prometheus-client
  counters. Under gunicorn several processes count, so in production each writes its counts to
  memory-mapped files in PROMETHEUS_MULTIPROC_DIR (var/metrics, set by deploy/gunicorn.conf.py and the
  systemd units) and a scrape adds up every file, `strom worker`'s too. Counting in the database
  instead would add a write to every request; the files cost nothing measurable.
- **read when scraped** (worker backlogs, overdue clocks, the last audit verification and backup):
  a collector that asks the database and var/, so the figure is right whichever process answers,
  and survives restarts (strom/ops/metrics_state.py).

Labels are fixed words: the view's name (`cases:detail`, never the URL, which carries references),
the method, the status class and the worker job's name.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from prometheus_client import CollectorRegistry, Counter, Histogram, disable_created_metrics, generate_latest
from prometheus_client.metrics_core import Metric
from prometheus_client.multiprocess import MultiProcessCollector

MULTIPROCESS_DIR = os.environ.get("PROMETHEUS_MULTIPROC_DIR", "")
if MULTIPROCESS_DIR:
    # prometheus-client opens its files here as soon as a counter is first used.
    Path(MULTIPROCESS_DIR).mkdir(parents=True, exist_ok=True)

# The `_created` series would double what is exposed for no use to an alert; multiprocess mode has none.
disable_created_metrics()  # type: ignore[no-untyped-call]  # prometheus-client leaves it untyped

# Not prometheus-client's global registry: one process's memory and CPU figures would be read as the
# whole server's. In multiprocess mode the counters below are read back from the files instead.
REGISTRY = CollectorRegistry(auto_describe=True)

REQUESTS = Counter(
    "strom_http_requests",
    "Requests answered, by view name, method and status class.",
    ["view", "method", "status"],
    registry=REGISTRY,
)
# Buckets around what docs/performance.md measures: most pages answer in 10-100 ms.
LATENCY = Histogram(
    "strom_http_request_duration_seconds",
    "Time from the request reaching STROM to its answer, by view name.",
    ["view"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
    registry=REGISTRY,
)
EMAIL_FAILURES = Counter(
    "strom_email_failures",
    "E-mails that could not be handed to the mail server (reminders, invitations, password resets).",
    registry=REGISTRY,
)

METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def record_request(*, view: str, method: str, status: int, seconds: float) -> None:
    method = method if method in METHODS else "other"
    REQUESTS.labels(view=view, method=method, status=f"{status // 100}xx").inc()
    LATENCY.labels(view=view).observe(seconds)


def exposition() -> bytes:
    """Every metric in Prometheus' text format: the counters (from every process's files in
    multiprocess mode) and the figures read now from the database."""
    from strom.ops.metrics_state import StateCollector

    if MULTIPROCESS_DIR:
        registry = CollectorRegistry()
        MultiProcessCollector(registry, path=MULTIPROCESS_DIR)  # type: ignore[no-untyped-call]  # untyped upstream
    else:
        registry = CollectorRegistry()
        registry.register(_Counted())
    registry.register(StateCollector())
    return generate_latest(registry)


class _Counted:
    """This process's counters, for a single process (development, tests)."""

    def collect(self) -> Iterable[Metric]:
        return REGISTRY.collect()
