# ruff: noqa: T201, S311 - a command-line tool that prints; seeded randomness picks addresses and abuse
"""Load test: the hotline's public form under a flood, while an operator works the queue.

Not a test: run it by hand against a database of its own (bench/README.md).

    export DATABASE_URL=postgresql://postgres@127.0.0.1:5432/strom_hotline_bench
    .venv/bin/python bench/hotline_public.py                          # 10,000 over 10 minutes
    .venv/bin/python bench/hotline_public.py --count 1000 --duration 60   # a short run

It starts STROM with gunicorn as `strom run` does (bench/run_bench.py), with the public front door open
(STROM_HOTLINE_PUBLIC) and its default limits, prepares a hotline with an operator and a session for
them, then posts `--count` public-form submissions spread evenly over `--duration` seconds from
`--addresses` loopback source addresses (each submission a new connection bound to 127.x.y.z, so the
server sees that address), some of them abusive (HTML, the honeypot filled). Meanwhile one client
loads the operator's queue page every `--queue-interval` seconds. It prints the p95 of the queue page
(target under 300 ms), how many submissions were accepted, refused by the rate limits (429) or as
bad input (400), and checks that no accepted submission stored an address.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

BASE_DIR = Path(__file__).resolve().parent.parent
BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BASE_DIR))
sys.path.insert(0, str(BENCH_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "strom.settings")
os.environ["STROM_HOTLINE_PUBLIC"] = "true"  # read by this process and by the gunicorn it starts

from run_bench import percentile, start_server, stop_server  # noqa: E402 - after the paths above

HOST = "127.0.0.1"  # loopback only: this tool must never load someone else's server
OPERATOR_EMAIL = "bench-hotline-operator@bench.invalid"
HOTLINE_NAME = "Bench Hotline (IS)"
COUNTRY = "is"
FORM = f"/help/ru/{COUNTRY}/write/"
MESSAGE = "Darba devējs patur pases, strādājam 14 stundas. Работодатель держит паспорта."
SOURCE_ADDRESSES = [f"127.{a}.{b}.{c}" for a in range(1, 255) for b in range(0, 4) for c in range(1, 255)]


@dataclass
class Results:
    statuses: Counter[str] = field(default_factory=Counter)
    queue_ms: list[float] = field(default_factory=list)
    queue_errors: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


def prepare(seed_contacts: int) -> str:
    """A hotline, its operator's session and some contacts in the queue; returns the session key."""
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import login
    from django.contrib.sessions.backends.db import SessionStore
    from django.test import RequestFactory
    from django_otp import login as otp_login
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from strom.accounts.models import Membership, User
    from strom.accounts.session import session_started
    from strom.core.roles import OrgType, Role
    from strom.directory.models import Organisation
    from strom.hotline.models import Contact
    from strom.hotline.public import hotline_of
    from strom.hotline.services import ContactFields, contact_log

    if settings.STROM_ENV == "production":
        raise SystemExit("The benchmark never runs against production.")
    # The public form sends to the country's first active hotline: Iceland's, which the demo has not.
    hotline, _new = Organisation.objects.get_or_create(
        name=HOTLINE_NAME, country=COUNTRY.upper(), defaults={"org_type": OrgType.HOTLINE}
    )
    if hotline_of(COUNTRY) != hotline:
        raise SystemExit(
            f"another hotline receives {COUNTRY.upper()}'s public submissions: use a bench database"
        )
    operator, _new = User.objects.get_or_create(
        email=OPERATOR_EMAIL, defaults={"full_name": "Bench Operator"}
    )
    Membership.objects.get_or_create(user=operator, organisation=hotline, role=Role.HOTLINE_OPERATOR)
    missing = seed_contacts - Contact.objects.filter(organisation=hotline).count()
    for i in range(max(0, missing)):
        contact_log(
            by=operator,
            organisation=hotline,
            data=ContactFields(
                channel="phone",
                caller_type="possible_victim",
                topic="labour_rights",
                summary=f"Bench call {i}.",
            ),
        )
    device, _new = TOTPDevice.objects.get_or_create(
        user=operator, name="Benchmark", defaults={"confirmed": True}
    )
    request = RequestFactory().get("/")
    request.session = SessionStore()
    request.user = operator
    login(request, operator, backend="strom.accounts.backends.ModelBackend")
    otp_login(request, device)
    session_started(request, second_factor=True)
    request.session.save()
    return request.session.session_key or ""


def counts_after() -> dict[str, int]:
    from strom.audit.models import AuditEntry
    from strom.hotline.models import Contact

    return {
        "public_contacts": Contact.objects.filter(source="public", organisation__name=HOTLINE_NAME).count(),
        "audit_entries_with_an_address": AuditEntry.objects.filter(channel="public").exclude(ip=None).count(),
    }


def csrf_pair(port: int) -> tuple[str, str]:
    """The CSRF cookie and a form token, as a browser gets them with the form; a token stays valid."""
    # The first request also wakes a worker (Django's URLs, templates): on a busy machine that is slow.
    conn = http.client.HTTPConnection(HOST, port, timeout=180)
    conn.request("GET", FORM)
    response = conn.getresponse()
    body = response.read().decode()
    conn.close()
    cookie = re.search(r"strom_csrf=([^;]+)", response.getheader("Set-Cookie") or "")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    if response.status != 200 or not cookie or not token:
        raise SystemExit(f"the public form did not answer as expected ({response.status}): is it open?")
    return cookie.group(1), token.group(1)


def submission(rng: random.Random, token: str) -> dict[str, str]:
    roll = rng.random()
    data = {
        "csrfmiddlewaretoken": token,
        "about": "workplace",
        "message": MESSAGE,
        "place_name": "Bench farm",
    }
    data["sector"] = "agriculture"
    if roll < 0.03:
        data["website"] = "http://spam.example"  # the honeypot
    elif roll < 0.06:
        data["message"] = '<script>alert("x")</script>'
    return data


def submitter(
    index: int, slots: list[float], port: int, addresses: list[str], pair: tuple[str, str], results: Results
) -> None:
    rng = random.Random(index)
    cookie, token = pair
    for due in slots:
        pause = due - time.monotonic()
        if pause > 0:
            time.sleep(pause)
        source = rng.choice(addresses)
        body = urlencode(submission(rng, token), doseq=True)
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"strom_csrf={cookie}",
            "Referer": f"http://{HOST}:{port}{FORM}",
        }
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=30, source_address=(source, 0))
            conn.request("POST", FORM, body=body, headers=headers)
            response = conn.getresponse()
            response.read()
            conn.close()
            status = str(response.status)
            if response.status == 302 and "website" in body:
                status = "302 honeypot"
        except (OSError, http.client.HTTPException) as exc:
            status = type(exc).__name__
        with results.lock:
            results.statuses[status] += 1


def warm_up(port: int, session_key: str, requests: int) -> None:
    """Wake every worker (each sets Django up on its first request) before anything is measured."""
    headers = {"Cookie": f"strom_session={session_key}"}
    for _ in range(requests):
        conn = http.client.HTTPConnection(HOST, port, timeout=180)
        conn.request("GET", "/hotline/", headers=headers)
        conn.getresponse().read()
        conn.close()


def queue_reader(port: int, session_key: str, stop_at: float, interval: float, results: Results) -> None:
    headers = {"Cookie": f"strom_session={session_key}", "Accept-Language": "en"}
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    while time.monotonic() < stop_at:
        began = time.perf_counter()
        status = 0
        for _attempt in range(2):
            try:
                conn.request("GET", "/hotline/", headers=headers)
                response = conn.getresponse()
                response.read()
                status = response.status
                break
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection(HOST, port, timeout=30)
        elapsed = time.perf_counter() - began
        with results.lock:
            if status == 200:
                results.queue_ms.append(elapsed * 1000)
            else:
                results.queue_errors += 1
        time.sleep(max(0.0, interval - elapsed))
    conn.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000, help="public-form submissions (default 10000)")
    parser.add_argument(
        "--duration", type=float, default=600, help="seconds to spread them over (default 600)"
    )
    parser.add_argument("--addresses", type=int, default=2000, help="distinct loopback source addresses")
    parser.add_argument("--senders", type=int, default=16, help="client threads posting submissions")
    parser.add_argument("--queue-interval", type=float, default=0.5, help="seconds between queue page loads")
    parser.add_argument("--seed-contacts", type=int, default=200, help="contacts in the queue before the run")
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    options = parser.parse_args()

    session_key = prepare(options.seed_contacts)
    before = counts_after()["public_contacts"]
    rng = random.Random(1)
    addresses = rng.sample(SOURCE_ADDRESSES, min(options.addresses, len(SOURCE_ADDRESSES)))
    server = start_server(HOST, options.port, options.workers, options.threads)
    results = Results()
    try:
        pair = csrf_pair(options.port)
        warm_up(options.port, session_key, options.workers * options.threads * 2)
        began = time.monotonic() + 1
        step = options.duration / max(1, options.count)
        schedule = [began + i * step for i in range(options.count)]
        senders = [
            threading.Thread(
                target=submitter,
                args=(i, schedule[i :: options.senders], options.port, addresses, pair, results),
                daemon=True,
            )
            for i in range(options.senders)
        ]
        stop_at = began + options.duration
        reader = threading.Thread(
            target=queue_reader,
            args=(options.port, session_key, stop_at, options.queue_interval, results),
            daemon=True,
        )
        print(
            f"{options.count} submissions over {options.duration:.0f} s from {len(addresses)} addresses "
            f"({options.senders} senders); queue page every {options.queue_interval} s",
            flush=True,
        )
        for thread in [*senders, reader]:
            thread.start()
        deadline = stop_at + 120  # one deadline for all: senders that fall behind are cut off there
        for thread in [*senders, reader]:
            thread.join(timeout=max(0.0, deadline - time.monotonic()))
        elapsed = time.monotonic() - began
    finally:
        stop_server(server)
    after = counts_after()
    figures = {
        "submissions": sum(results.statuses.values()),
        "seconds": round(elapsed, 1),
        "answers": dict(results.statuses),
        "accepted": results.statuses.get("302", 0),
        "refused_by_rate_limit": results.statuses.get("429", 0),
        "refused_as_bad_input": results.statuses.get("400", 0),
        "honeypot_kept_nothing": results.statuses.get("302 honeypot", 0),
        "contacts_created": after["public_contacts"] - before,
        "audit_entries_with_an_address": after["audit_entries_with_an_address"],
        "queue_requests": len(results.queue_ms),
        "queue_errors": results.queue_errors,
        "queue_p50_ms": round(percentile(results.queue_ms, 50), 1),
        "queue_p95_ms": round(percentile(results.queue_ms, 95), 1),
        "queue_max_ms": round(max(results.queue_ms, default=float("nan")), 1),
    }
    for key, value in figures.items():
        print(f"{key:<32}{value}")
    p95 = percentile(results.queue_ms, 95)
    print("queue p95 under 300 ms:", "yes" if p95 < 300 else "NO")
    if options.json:
        options.json.write_text(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
