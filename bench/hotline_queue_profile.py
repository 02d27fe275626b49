# ruff: noqa: T201 - a command-line tool that prints
"""In-process cost of the hotline operator's queue page and of one public-form submission.

Not a test: run it by hand against a database of its own (bench/README.md), the same one as
bench/hotline_public.py uses, which prepares the hotline, its operator and the seeded contacts.

    export DATABASE_URL=postgresql://postgres@127.0.0.1:5432/strom_hotline_bench
    .venv/bin/python bench/hotline_queue_profile.py --contacts 3000 --requests 40
    .venv/bin/python bench/hotline_queue_profile.py --contacts 3000 --refused
    .venv/bin/python bench/hotline_queue_profile.py --contacts 3000 --profile 30   # cProfile's top 30

It loads /hotline/ through Django's test client as the operator (no server, no network) `--requests`
times after a warm-up and prints the median and p95 milliseconds and the queries of one request, then
does the same for public-form submissions to /help/ru/is/write/, each from its own address: accepted
ones (the hour's overall limit lifted for the run), or with `--refused` ones the rate limit refuses (the
overall limit set to 0), which is what most of a flood gets. `--posts 0` skips them.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR.parent))
sys.path.insert(0, str(BENCH_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "strom.settings")
os.environ["STROM_HOTLINE_PUBLIC"] = "true"
# Accepted or refused, as asked: the hour's overall allowance is set before Django reads its settings.
REFUSED = "--refused" in sys.argv
os.environ["STROM_HOTLINE_PUBLIC_GLOBAL_LIMIT"] = "0" if REFUSED else "1000000"

from hotline_public import FORM, MESSAGE, prepare  # noqa: E402 - after the paths above


def _measure(label: str, call: object, requests: int, profile: int) -> None:
    from django.db import connection

    assert callable(call)
    for _ in range(3):
        call()
    # Counted by a wrapper: the request's start clears the connection's query log.
    queries: list[str] = []
    with connection.execute_wrapper(
        lambda execute, sql, *args: (queries.append(sql), execute(sql, *args))[1]
    ):
        call()
    times = []
    profiler = cProfile.Profile() if profile else None
    for _ in range(requests):
        began = time.perf_counter()
        if profiler is not None:
            profiler.enable()
        call()
        if profiler is not None:
            profiler.disable()
        times.append((time.perf_counter() - began) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
    print(
        f"{label:<28} median {statistics.median(times):7.1f} ms   p95 {p95:7.1f} ms   "
        f"{len(queries)} queries   ({requests} requests)"
    )
    if profiler is not None:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(profile)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=3000, help="contacts of the hotline (default 3000)")
    parser.add_argument("--requests", type=int, default=40, help="measured requests of each kind")
    parser.add_argument("--posts", type=int, default=40, help="measured public-form submissions")
    parser.add_argument("--profile", type=int, default=0, help="print cProfile's top N functions")
    parser.add_argument(
        "--refused", action="store_true", help="measure submissions the rate limit refuses (429) instead"
    )
    options = parser.parse_args()

    session_key = prepare(options.contacts)
    from django.conf import settings
    from django.test import Client

    operator = Client(HTTP_HOST="127.0.0.1")
    operator.cookies[settings.SESSION_COOKIE_NAME] = session_key

    def queue() -> None:
        response = operator.get("/hotline/", HTTP_ACCEPT_LANGUAGE="en")
        if response.status_code != 200:
            raise SystemExit(f"the queue page answered {response.status_code}")

    _measure("queue page", queue, options.requests, options.profile)
    if options.posts:
        visitor = Client(HTTP_HOST="127.0.0.1")
        # A fresh stretch of addresses each run: an address counts towards its own limit for an hour.
        start = int(time.time() * 1000) % 3_000_000
        counter = iter(range(start, start + 10**5))
        data = {"about": "workplace", "message": MESSAGE, "place_name": "Bench farm", "sector": "agriculture"}

        def post() -> None:
            n = next(counter)
            address = f"127.{200 + n // 65025 % 50}.{n // 255 % 255}.{n % 255 + 1}"
            response = visitor.post(FORM, data, REMOTE_ADDR=address)
            if response.status_code != (429 if options.refused else 302):
                raise SystemExit(f"the public form answered {response.status_code}")

        label = "refused submission (429)" if options.refused else "accepted submission"
        _measure(label, post, options.posts, options.profile)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
