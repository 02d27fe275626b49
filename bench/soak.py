# ruff: noqa: T201, S311 - a command-line tool that prints; seeded randomness picks pages
"""Soak: many logged-in sessions for a long time against the production stack, on loopback.

Not a test: run it by hand on a bench database (bench/README.md, docs/performance.md).

    export DATABASE_URL=postgresql://postgres@127.0.0.1:5432/strom_soak   # demo data, see bench/README.md
    .venv/bin/python bench/soak.py --keys var/keys.json --sessions 200 --duration 600

It brings up what deploy/ installs, with deploy/stack_check.py: gunicorn and `strom worker` exactly as
the systemd units start them (STROM_ENV=production, four workers with two threads), behind nginx with
TLS when nginx is installed (otherwise straight to gunicorn's socket), on the given database, which it
never creates or drops. It logs in `--sessions` sessions of the database's users as the login and TOTP
views would (the sessions are deleted at the end), then each session, in its own thread with a
keep-alive connection, pauses `--think` seconds on average (exponential) and opens a page:

- reads: the dashboard, the case list (plain and overdue only), a case's page and its tasks tab, the
  notifications;
- writes: a new task on one of its cases (POST, answered with a redirect), and marking notifications
  read. Tasks added stay in the bench database.

It prints errors (anything but the expected status; target 0), p50/p95/p99 per page after the warm-up,
and the resident memory (RSS) of each gunicorn worker every `--sample` seconds (target: flat after
the warm-up), with each worker's growth from the end of the warm-up to the end.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import random
import shutil
import signal
import socket
import ssl
import statistics
import sys
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from deploy import stack_check as deployment  # noqa: E402

# page: (weight, method, expected status)
PAGES: dict[str, tuple[int, str, int]] = {
    "dashboard": (15, "GET", 200),
    "case_list": (18, "GET", 200),
    "case_list_overdue": (8, "GET", 200),
    "case_page": (25, "GET", 200),
    "case_tasks": (10, "GET", 200),
    "notifications": (6, "GET", 200),
    "task_create": (12, "POST", 302),
    "notifications_read": (6, "POST", 302),
}


@dataclass
class Session:
    email: str
    key: str
    csrf: str
    refs: list[str]


@dataclass
class Stats:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    statuses: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, page: str, seconds: float, status: int, expected: int) -> None:
        with self.lock:
            if status == expected:
                self.latencies[page].append(seconds)
            else:
                self.errors[page] += 1
                self.statuses[f"{page}:{status}"] += 1


# --- sessions, written as the login and TOTP views write them ----------------------------------------


def prepare_sessions(stack: deployment.Stack, count: int, seed: int) -> list[Session]:
    """In this process, with the web unit's settings (the same secret key signs the sessions)."""
    os.environ.update(stack.environment("strom-web.service"))
    import django

    django.setup()
    from django.contrib.auth import login
    from django.contrib.sessions.backends.db import SessionStore
    from django.middleware.csrf import _get_new_csrf_string
    from django.test import RequestFactory
    from django_otp import login as otp_login
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from strom.accounts.models import User
    from strom.accounts.session import session_started
    from strom.cases.access import get_case_for
    from strom.cases.models import Case
    from strom.core.errors import NotAllowed

    rng = random.Random(seed)
    # Each person's cases are looked up once; at most as many people as sessions.
    refs_of: dict[int, list[str]] = {}
    users = []
    for candidate in User.objects.filter(is_active=True).order_by("email"):
        refs = _writable_refs(candidate, Case, get_case_for, NotAllowed, rng)
        if refs:
            users.append(candidate)
            refs_of[candidate.pk] = refs
        if len(users) == count:
            break
    if not users:
        raise SystemExit("No user may change any case here: load the demo first (bench/README.md).")
    factory = RequestFactory()
    sessions = []
    for n in range(count):
        user = users[n % len(users)]  # several sessions of one person, as on several devices
        device, _new = TOTPDevice.objects.get_or_create(user=user, name="Soak", defaults={"confirmed": True})
        request = factory.get("/")
        request.session = SessionStore()
        request.user = user
        login(request, user, backend="strom.accounts.backends.ModelBackend")
        otp_login(request, device)
        session_started(request, second_factor=True)
        request.session.save()
        sessions.append(
            Session(user.email, request.session.session_key or "", _get_new_csrf_string(), refs_of[user.pk])
        )
    return sessions


def _writable_refs(
    user: Any, case_model: Any, get_case_for: Any, not_allowed: Any, rng: random.Random
) -> list[str]:
    refs = list(
        case_model.objects.visible_to(user).filter(closed_at__isnull=True).values_list("ref", flat=True)[:200]
    )
    writable = []
    for ref in refs:
        try:
            get_case_for(user, ref, write=True)
        except not_allowed:
            continue
        writable.append(ref)
    rng.shuffle(writable)
    return writable[:20]


def drop_sessions(sessions: list[Session]) -> None:
    from django.contrib.sessions.models import Session as SessionRow

    SessionRow.objects.filter(session_key__in=[s.key for s in sessions]).delete()


# --- the clients ---------------------------------------------------------------------------------------


class Connection:
    """HTTPS through nginx, or HTTP on gunicorn's unix socket (as nginx would call it) without nginx."""

    def __init__(self, stack: deployment.Stack, use_nginx: bool) -> None:
        self.stack = stack
        self.use_nginx = use_nginx
        self.context = ssl.create_default_context(cafile=str(stack.root / "tls" / "fullchain.pem"))
        self.conn = self._open()

    def _open(self) -> http.client.HTTPConnection:
        if self.use_nginx:
            return http.client.HTTPSConnection(
                "127.0.0.1", self.stack.https_port, context=self.context, timeout=60
            )
        conn = http.client.HTTPConnection("127.0.0.1", timeout=60)
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(60)
        sock.connect(str(self.stack.root / "run" / "gunicorn.sock"))
        conn.sock = sock
        return conn

    def send(self, method: str, path: str, body: str | None, headers: dict[str, str]) -> int:
        if not self.use_nginx:
            headers = {**headers, "X-Forwarded-Proto": "https", "X-Forwarded-For": "127.0.0.1"}
        # A keep-alive connection the server closed meanwhile is opened again once, as a browser does.
        for attempt in range(2):
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                response.read()
                return response.status
            except (OSError, http.client.HTTPException):
                self.conn.close()
                if attempt:
                    return 0
                self.conn = self._open()
        return 0


def request_for(page: str, session: Session, rng: random.Random) -> tuple[str, str | None]:
    ref = rng.choice(session.refs)
    if page == "dashboard":
        return "/", None
    if page == "case_list":
        return "/cases/", None
    if page == "case_list_overdue":
        return "/cases/?overdue=on", None
    if page == "case_page":
        return f"/cases/{ref}/", None
    if page == "case_tasks":
        return f"/cases/{ref}/tasks/", None
    if page == "notifications":
        return "/accounts/notifications/", None
    if page == "task_create":
        due = (dt.date.today() + dt.timedelta(days=rng.randint(1, 60))).isoformat()
        form = {
            "title_key": "contact_person",
            "due_date": due,
            "assignee": "",
            "csrfmiddlewaretoken": session.csrf,
        }
        return f"/cases/{ref}/tasks/new/", urlencode(form)
    return "/accounts/notifications/read-all/", urlencode({"csrfmiddlewaretoken": session.csrf})


def client(
    session: Session,
    stack: deployment.Stack,
    use_nginx: bool,
    stats: Stats,
    start_at: float,
    stop_at: float,
    think: float,
    seed: int,
) -> None:
    rng = random.Random(seed)
    names = list(PAGES)
    weights = [PAGES[name][0] for name in names]
    base = f"https://127.0.0.1:{stack.https_port}"
    cookie = f"strom_session={session.key}; strom_csrf={session.csrf}"
    connection = Connection(stack, use_nginx)
    # Sessions start spread over the first seconds, as people arrive.
    time.sleep(rng.uniform(0, min(10.0, max(0.0, start_at - time.monotonic()))))
    while time.monotonic() < stop_at:
        page = rng.choices(names, weights)[0]
        _weight, method, expected = PAGES[page]
        path, body = request_for(page, session, rng)
        headers = {"Cookie": cookie, "Accept-Language": "en", "Host": "127.0.0.1"}
        if body is not None:
            headers.update(
                {"Content-Type": "application/x-www-form-urlencoded", "Referer": base + path, "Origin": base}
            )
        began = time.perf_counter()
        status = connection.send(method, path, body, headers)
        elapsed = time.perf_counter() - began
        if time.monotonic() >= start_at:
            stats.add(page, elapsed, status, expected)
        if think:
            time.sleep(rng.expovariate(1 / think))
    connection.conn.close()


# --- memory of the gunicorn workers ------------------------------------------------------------------


def worker_pids(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children")
    return [int(p) for p in children.read_text().split()] if children.exists() else []


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def sample_memory(
    master: int, began: float, stop: threading.Event, every: float, rows: list[tuple[float, dict[int, float]]]
) -> None:
    while not stop.is_set():
        rows.append((time.monotonic() - began, {pid: rss_mb(pid) for pid in worker_pids(master)}))
        stop.wait(every)


# --- the report ----------------------------------------------------------------------------------------


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))]


def report_pages(stats: Stats, seconds: float) -> dict[str, Any]:
    rows: dict[str, Any] = {}
    everything: list[float] = []
    columns = ("requests", "errors", "p50 ms", "p95 ms", "p99 ms", "max ms", "req/s")
    print("\n" + f"{'page':<20}" + "".join(f"{c:>9}" for c in columns))
    for page in [*PAGES, "overall"]:
        values = everything if page == "overall" else stats.latencies.get(page, [])
        errors = sum(stats.errors.values()) if page == "overall" else stats.errors.get(page, 0)
        if page != "overall":
            everything += values
        row = {
            "requests": len(values),
            "errors": errors,
            "p50_ms": percentile(values, 50) * 1000,
            "p95_ms": percentile(values, 95) * 1000,
            "p99_ms": percentile(values, 99) * 1000,
            "max_ms": max(values, default=float("nan")) * 1000,
            "rps": len(values) / seconds,
        }
        rows[page] = row
        print(
            f"{page:<20}{row['requests']:>9}{row['errors']:>8}{row['p50_ms']:>9.1f}{row['p95_ms']:>9.1f}"
            f"{row['p99_ms']:>9.1f}{row['max_ms']:>9.1f}{row['rps']:>8.1f}"
        )
    if stats.statuses:
        print("unexpected answers:", dict(stats.statuses))
    return rows


def report_memory(rows: list[tuple[float, dict[int, float]]], warmup: float) -> dict[str, Any]:
    pids = sorted({pid for _t, sample in rows for pid in sample})
    print("\nRSS of each gunicorn worker (MB) over time:")
    print(f"{'s':>6}" + "".join(f"{pid:>9}" for pid in pids))
    step = max(1, len(rows) // 20)  # about twenty lines whatever the length
    for at, sample in rows[::step] + ([rows[-1]] if rows and (len(rows) - 1) % step else []):
        print(f"{at:>6.0f}" + "".join(f"{sample.get(pid, float('nan')):>9.1f}" for pid in pids))
    after = [(at, s) for at, s in rows if at >= warmup]
    growth = {}
    if after:
        first, last = after[0][1], after[-1][1]
        growth = {pid: last[pid] - first[pid] for pid in pids if pid in first and pid in last}
        print("growth after the warm-up (MB): " + ", ".join(f"{pid}: {g:+.1f}" for pid, g in growth.items()))
        slopes = [
            statistics.linear_regression([t for t, _s in after], [s[pid] for _t, s in after]).slope * 3600
            for pid in growth
            if all(pid in s for _t, s in after)
        ]
        if slopes:
            print(
                "trend after the warm-up (MB per hour, least squares): "
                + ", ".join(f"{s:+.1f}" for s in slopes)
            )
    return {"samples": [[at, sample] for at, sample in rows], "growth_mb": growth}


# --- the run -------------------------------------------------------------------------------------------


def start_stack(stack: deployment.Stack, use_nginx: bool) -> None:
    stack.make_files()
    stack.make_certificate()
    for args in (
        ("audit", "signing-key", "--create", stack.local("/etc/strom/keys/audit-signing.key")),
        ("collectstatic", "--noinput"),
    ):
        done = stack.strom(*args)
        if done.returncode:
            raise SystemExit(f"strom {args[0]} failed:\n{done.stderr[-2000:]}")
    stack.start("strom-web.service")
    stack.start("strom-worker.service")
    stack.wait_for("gunicorn", lambda: deployment.socket_accepts(stack.root / "run" / "gunicorn.sock"))
    if use_nginx:
        stack.start_nginx()
        stack.wait_for("nginx", lambda: deployment.port_accepts(stack.https_port))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=200, help="logged-in sessions, one thread each (200)")
    parser.add_argument(
        "--duration", type=float, default=600, help="measured seconds after the warm-up (600)"
    )
    parser.add_argument("--warmup", type=float, default=60, help="seconds of traffic not counted (60)")
    parser.add_argument(
        "--think", type=float, default=10.0, help="mean pause between a session's pages (10 s)"
    )
    parser.add_argument("--sample", type=float, default=10, help="seconds between memory samples (10)")
    parser.add_argument(
        "--keys", type=Path, required=True, help="the key document the database was written under"
    )
    parser.add_argument(
        "--no-nginx", action="store_true", help="straight to gunicorn even when nginx is installed"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--keep", action="store_true", help="keep the temporary directory (logs) for inspection"
    )
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    options = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgresql://"):
        raise SystemExit("DATABASE_URL must name the bench database")
    use_nginx = not options.no_nginx and deployment.nginx_binary() is not None
    root = Path(tempfile.mkdtemp(prefix="strom-soak-"))
    stack = deployment.Stack(root, url, "", existing=url.rsplit("/", 1)[-1], keys_from=options.keys)
    sessions: list[Session] = []
    stats = Stats()
    try:
        print(
            f"starting the production stack ({'nginx, TLS, ' if use_nginx else ''}gunicorn, worker) ...",
            flush=True,
        )
        start_stack(stack, use_nginx)
        print(f"logging in {options.sessions} sessions ...", flush=True)
        sessions = prepare_sessions(stack, options.sessions, options.seed)
        master = stack.processes["strom-web.service"].pid
        stop = threading.Event()
        memory: list[tuple[float, dict[int, float]]] = []
        began = time.monotonic()
        start_at = began + options.warmup
        stop_at = start_at + options.duration
        sampler = threading.Thread(
            target=sample_memory, args=(master, began, stop, options.sample, memory), daemon=True
        )
        sampler.start()
        threads = [
            threading.Thread(
                target=client,
                args=(s, stack, use_nginx, stats, start_at, stop_at, options.think, options.seed + i),
                daemon=True,
            )
            for i, s in enumerate(sessions)
        ]
        load_before = os.getloadavg()
        print(
            f"{len(threads)} sessions, {options.warmup:.0f} s warm-up, {options.duration:.0f} s measured, "
            f"think time {options.think:.1f} s; load average {load_before[0]:.2f}",
            flush=True,
        )
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=options.warmup + options.duration + 120)
        stop.set()
        sampler.join()
        pages = report_pages(stats, options.duration)
        mem = report_memory(memory, options.warmup)
        print(
            f"load average before {load_before[0]:.2f}, after {os.getloadavg()[0]:.2f} (1 min); "
            f"{len(worker_pids(master))} gunicorn workers, pids unchanged: "
            f"{sorted(worker_pids(master)) == sorted(memory[0][1]) if memory else 'n/a'}"
        )
        if options.json:
            options.json.write_text(
                json.dumps(
                    {
                        "options": {k: str(v) for k, v in vars(options).items()},
                        "nginx": use_nginx,
                        "pages": pages,
                        "memory": mem,
                    },
                    indent=1,
                )
            )
    finally:
        if sessions:
            drop_sessions(sessions)
        codes = stack.stop()
        if sum(stats.errors.values()):
            # What the server said about the first failures, for whoever reads the run.
            log = stack.log_tail("strom-web.service")
            print("\nthe web server's log ends with:\n" + log[-3000:])
        if options.keep:
            print(f"kept {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)
    print(f"stopped: {codes}")
    return 0 if not sum(stats.errors.values()) else 1


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    sys.exit(main())
