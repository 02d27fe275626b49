# ruff: noqa: T201, S311 - a command-line tool that prints; seeded randomness picks requests
"""Benchmark: the case list, name search and case page under concurrent logged-in sessions.

Not a test: run it by hand against a database filled by `strom synth` (see bench/README.md).

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/strom_bench .venv/bin/python bench/run_bench.py

It starts STROM with gunicorn the way `strom run` does (gthread workers), logs in N synthetic case
workers by creating their sessions directly (the same session keys the login and TOTP views write,
so no codes are typed), then runs N client threads with keep-alive connections over loopback for a
fixed time, and prints p50/p95/p99 latency and requests/s per endpoint and overall.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "strom.settings")

ENDPOINTS = ("case_list", "case_list_filtered", "name_search", "case_page")
FILTERS = (
    {"stage": "assistance"},
    {"stage": "screening"},
    {"overdue": "on"},
    {"exploitation": "ForcedLabour"},
    {"child": "yes"},
    {"stage": "reflection", "overdue": "on"},
)


@dataclass
class Session:
    email: str
    cookie: str
    refs: list[str]
    names: list[str]


@dataclass
class Stats:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    statuses: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, endpoint: str, seconds: float, status: int) -> None:
        with self.lock:
            if status == 200:
                self.latencies[endpoint].append(seconds)
            else:
                self.errors[endpoint] += 1
                self.statuses[f"{endpoint}:{status}"] += 1


# --- preparing sessions (in this process, through Django) ---------------------------------------------


def prepare_sessions(count: int, per_session: int, seed: int) -> list[Session]:
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import login
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import connection
    from django.test import RequestFactory
    from django_otp import login as otp_login
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from strom.accounts.models import User
    from strom.accounts.session import session_started
    from strom.cases.models import Person
    from strom.demo.synth import SYNTH_EMAIL_DOMAIN

    if settings.STROM_ENV == "production":
        raise SystemExit("The benchmark never runs against production.")
    rng = random.Random(seed)
    workers = list(
        User.objects.filter(
            email__endswith="@" + SYNTH_EMAIL_DOMAIN, email__contains="-worker", is_active=True
        )
        .order_by("email")
        .values_list("pk", "email")
    )
    if not workers:
        raise SystemExit("No synthetic case workers: run `strom synth --cases N` first.")
    # One worker per organisation first, so the sessions look at different caseloads.
    by_org: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for pk, email in workers:
        by_org[email.split("-")[1]].append((pk, email))
    chosen: list[tuple[int, str]] = []
    while len(chosen) < count and any(by_org.values()):
        for org in sorted(by_org):
            if by_org[org] and len(chosen) < count:
                chosen.append(by_org[org].pop(0))
    users = User.objects.in_bulk([pk for pk, _e in chosen])

    # A sample of cases per organisation: what each session will open and search for.
    org_ids = {user.pk: user.active_memberships()[0].organisation_id for user in users.values()}
    sample: dict[int, list[tuple[str, int]]] = defaultdict(list)
    with connection.cursor() as cursor:
        cursor.execute("SELECT setseed(%s)", [(seed % 1000) / 1000])
        cursor.execute(
            "SELECT organisation_id, ref, person_id FROM cases_case TABLESAMPLE BERNOULLI (3) REPEATABLE (%s)"
            " WHERE organisation_id = ANY(%s)",
            [seed, sorted(set(org_ids.values()))],
        )
        for org_id, ref, person_id in cursor.fetchall():
            if len(sample[org_id]) < per_session * 4:
                sample[org_id].append((ref, person_id))
    person_ids = [pid for rows in sample.values() for _ref, pid in rows]
    persons = Person.objects.in_bulk(person_ids)

    factory = RequestFactory()
    sessions = []
    for pk, email in chosen:
        user = users[pk]
        device, _new = TOTPDevice.objects.get_or_create(
            user=user, name="Benchmark", defaults={"confirmed": True}
        )
        request = factory.get("/")
        request.session = SessionStore()
        request.user = user  # django_otp.login checks the device belongs to request.user
        login(request, user, backend="strom.accounts.backends.ModelBackend")
        otp_login(request, device)
        session_started(request, second_factor=True)
        request.session.save()
        rows = sample[org_ids[pk]]
        rng.shuffle(rows)
        refs = [ref for ref, _pid in rows[:per_session]]
        names = []
        for _ref, pid in rows[:per_session]:
            person = persons[pid]
            spellings = person.all_names()
            # Mostly the name as recorded; sometimes another spelling (a transliteration) of it.
            names.append(
                spellings[0] if rng.random() < 0.6 or len(spellings) == 1 else rng.choice(spellings[1:])
            )
        if not refs:
            continue
        sessions.append(
            Session(email=email, cookie=request.session.session_key or "", refs=refs, names=names)
        )
    return sessions


def drop_sessions(sessions: list[Session]) -> None:
    from django.contrib.sessions.models import Session as SessionRow

    SessionRow.objects.filter(session_key__in=[s.cookie for s in sessions]).delete()


# --- the server -------------------------------------------------------------------------------------------


def strom_with(views: Callable[[], list[tuple[str, Any]]]) -> Callable[..., Any]:
    """STROM's WSGI application with bare benchmark views routed first (`views()` gives (route, view)
    pairs), added on the first request, in the gunicorn worker, after Django is set up."""
    app: list[Callable[..., Any]] = []
    lock = threading.Lock()

    def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        with lock:
            if not app:
                import importlib

                from django.urls import clear_url_caches, path

                from strom.wsgi import application as strom_application

                urls = importlib.import_module("strom.site.urls")
                urls.urlpatterns[:0] = [path(route, view) for route, view in views()]
                clear_url_caches()
                app.append(strom_application)
        return app[0](environ, start_response)

    return application


def start_server(
    host: str,
    port: int,
    workers: int,
    threads: int,
    extra: list[str] | None = None,
    app: str = "strom.wsgi:application",
) -> subprocess.Popen[bytes]:
    from strom.cli import process_model

    # The same gunicorn options as `strom run` (strom/cli.py _serve), without the access log.
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        app,
        f"--bind={host}:{port}",
        *process_model(workers, threads),
        "--timeout=60",
        "--no-control-socket",
        "--log-level=warning",
        *(extra or []),
    ]
    # A few sessions send every request: the API's per-user budget (STROM_API_RATE_LIMIT) would answer 429.
    env = {**os.environ, "STROM_API_RATE_LIMIT": "1000000/minute"}
    server = subprocess.Popen(command, cwd=BASE_DIR, env=env)  # noqa: S603 - our own interpreter and arguments
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("gunicorn exited before it listened")
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("gunicorn did not start listening within 60 s")


def stop_server(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()


# --- the clients ------------------------------------------------------------------------------------------


def request_path(endpoint: str, session: Session, rng: random.Random) -> str:
    if endpoint == "case_list":
        return "/cases/"
    if endpoint == "case_list_filtered":
        return "/cases/?" + urlencode(rng.choice(FILTERS))
    if endpoint == "name_search":
        return "/cases/?" + urlencode({"q": rng.choice(session.names)})
    return f"/cases/{quote(rng.choice(session.refs))}/"


def client(
    session: Session,
    host: str,
    port: int,
    stats: Stats,
    start_at: float,
    stop_at: float,
    think: float,
    max_requests: int,
    seed: int,
) -> None:
    rng = random.Random(seed)
    headers = {
        "Cookie": f"strom_session={session.cookie}",
        "Accept-Language": "en",
        "Connection": "keep-alive",
    }
    conn = http.client.HTTPConnection(host, port, timeout=30)
    sent = 0
    try:
        while sent < max_requests:
            now = time.monotonic()
            if now >= stop_at:
                return
            endpoint = rng.choice(ENDPOINTS)
            path = request_path(endpoint, session, rng)
            began = time.perf_counter()
            status = 0
            # The server may close a connection after its answer (as `strom run` does) or when it has been
            # idle; like a browser, try once more on a fresh connection when a reused one turns out closed.
            for _attempt in range(2):
                try:
                    conn.request("GET", path, headers=headers)
                    response = conn.getresponse()
                    response.read()
                    status = response.status
                    break
                except (OSError, http.client.HTTPException):
                    conn.close()
                    conn = http.client.HTTPConnection(host, port, timeout=30)
            elapsed = time.perf_counter() - began
            sent += 1
            if now >= start_at:  # requests during the warm-up are not counted
                stats.add(endpoint, elapsed, status)
            if think:
                time.sleep(rng.expovariate(1 / think))
    finally:
        conn.close()


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]


def report(stats: Stats, seconds: float) -> dict[str, Any]:
    rows: dict[str, Any] = {}
    everything: list[float] = []
    for endpoint in ENDPOINTS:
        values = stats.latencies.get(endpoint, [])
        everything += values
        rows[endpoint] = _row(values, stats.errors.get(endpoint, 0), seconds)
    rows["overall"] = _row(everything, sum(stats.errors.values()), seconds)
    columns = ("requests", "errors", "p50 ms", "p95 ms", "p99 ms", "max ms", "req/s")
    print("\n" + f"{'endpoint':<20}" + "".join(f"{c:>9}" for c in columns))
    for name, row in rows.items():
        print(
            f"{name:<20}{row['requests']:>9}{row['errors']:>9}{row['p50_ms']:>9.1f}{row['p95_ms']:>9.1f}"
            f"{row['p99_ms']:>9.1f}{row['max_ms']:>9.1f}{row['rps']:>9.1f}"
        )
    if stats.statuses:
        print("non-200 answers:", dict(stats.statuses))
    return rows


def _row(values: list[float], errors: int, seconds: float) -> dict[str, Any]:
    return {
        "requests": len(values),
        "errors": errors,
        "p50_ms": percentile(values, 50) * 1000,
        "p95_ms": percentile(values, 95) * 1000,
        "p99_ms": percentile(values, 99) * 1000,
        "max_ms": (max(values) if values else float("nan")) * 1000,
        "mean_ms": (statistics.fmean(values) if values else float("nan")) * 1000,
        "rps": len(values) / seconds if seconds else 0.0,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=50, help="logged-in sessions, one client thread each")
    parser.add_argument("--duration", type=float, default=60, help="measured seconds (default 60)")
    parser.add_argument(
        "--warmup", type=float, default=10, help="seconds of traffic not counted (default 10)"
    )
    parser.add_argument(
        "--think",
        type=float,
        default=0.0,
        help="mean pause in seconds between a session's requests (exponential); 0: back to back",
    )
    parser.add_argument("--max-requests", type=int, default=100_000, help="per client, a safety bound")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (as `strom run`: 4)")
    parser.add_argument("--threads", type=int, default=2, help="threads per worker (as `strom run`: 2)")
    parser.add_argument(
        "--gunicorn-arg",
        action="append",
        default=[],
        help="an extra gunicorn option for experiments, e.g. --gunicorn-arg=--worker-connections=16",
    )
    parser.add_argument("--no-server", action="store_true", help="use a server already listening on --port")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    options = parser.parse_args()
    host = "127.0.0.1"  # loopback only: this tool must never load someone else's server

    print(f"preparing {options.sessions} sessions ...", flush=True)
    sessions = prepare_sessions(options.sessions, per_session=25, seed=options.seed)
    server = (
        None
        if options.no_server
        else start_server(host, options.port, options.workers, options.threads, options.gunicorn_arg)
    )
    try:
        stats = Stats()
        start_at = time.monotonic() + options.warmup
        stop_at = start_at + options.duration
        threads = [
            threading.Thread(
                target=client,
                args=(
                    s,
                    host,
                    options.port,
                    stats,
                    start_at,
                    stop_at,
                    options.think,
                    options.max_requests,
                    i,
                ),
                daemon=True,
            )
            for i, s in enumerate(sessions)
        ]
        load_before = os.getloadavg()
        print(
            f"{len(threads)} clients, {options.warmup:.0f} s warm-up, {options.duration:.0f} s measured, "
            f"think time {options.think:.2f} s; "
            f"server: {options.workers} workers x {options.threads} threads",
            flush=True,
        )
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=options.warmup + options.duration + 60)
        rows = report(stats, options.duration)
        load_after = os.getloadavg()
        print(f"load average before {load_before[0]:.2f}, after {load_after[0]:.2f} (1 min)")
        if options.json:
            options.json.write_text(
                json.dumps(
                    {
                        "sessions": len(sessions),
                        "duration_s": options.duration,
                        "think_s": options.think,
                        "workers": options.workers,
                        "threads": options.threads,
                        "gunicorn_args": options.gunicorn_arg,
                        "cpus": os.cpu_count(),
                        "load_before": load_before,
                        "load_after": load_after,
                        "results": rows,
                    },
                    indent=2,
                )
            )
    finally:
        if server is not None:
            stop_server(server)
        drop_sessions(sessions)
    return 0


if __name__ == "__main__":
    sys.exit(main())
