# ruff: noqa: T201, S311 - a command-line tool that prints; seeded randomness picks requests
"""Benchmark: four everyday pages of STROM beside bare Django views over the same rows, saturated.

Not a test: run it by hand on a database filled by `strom synth` (bench/README.md, docs/performance.md).

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/strom_bench .venv/bin/python bench/pages_bench.py

It serves STROM with gunicorn as `strom run` does, plus bare views in the same process, and drives both
with wrk (16 keep-alive connections, no pause between requests), page by page and A/B interleaved over
several rounds:

- `case_list`: STROM's /cases/ as a logged-in case worker, beside /bench/bare/list/: 50 rows of the case
  table at a random offset, rendered by a Django template as a table;
- `case_page`: /cases/<ref>/ of a case the worker may see, beside /bench/bare/case/<ref>/: that case's
  row by reference, rendered;
- `name_search`: /cases/?q=<a name> (recorded spelling or another one), beside /bench/bare/search/: the
  rows of the blind name index (one table) whose key equals the query's, rendered;
- `api_list`: /api/v1/cases (a case worker's token-less session call), beside /bench/bare/api/: the same
  50 rows of the case table as JSON.

The bare views do no authentication, access control, decryption or audit (they are sent without the
session cookie, so STROM's middleware finds no session). STROM does all of them, with the read audit on.
It prints requests/s and p50/p95/p99 of each side, the medians over the rounds, and the ratio.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

BENCH_DIR = Path(__file__).resolve().parent
BASE_DIR = BENCH_DIR.parent
sys.path.insert(0, str(BASE_DIR))
sys.path.insert(0, str(BENCH_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "strom.settings")

from run_bench import strom_with  # noqa: E402 - after the paths above

PAGES = ("case_list", "case_page", "name_search", "api_list")
ROWS = 50

# --- the bare views (no authentication, access control, decryption or audit) ----------------------------

_TEMPLATE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Cases</title></head><body>
<table><thead><tr><th>Reference</th><th>Stage</th><th>Status</th><th>Country</th><th>Child</th>
<th>Opened</th><th>Updated</th></tr></thead><tbody>
{% for row in rows %}<tr><td><a href="/cases/{{ row.ref }}/">{{ row.ref }}</a></td><td>{{ row.stage }}</td>
<td>{{ row.status }}</td><td>{{ row.country }}</td><td>{{ row.is_child|yesno }}</td>
<td>{{ row.opened_at|date:"SHORT_DATE_FORMAT" }}</td>
<td>{{ row.updated_at|date:"SHORT_DATE_FORMAT" }}</td></tr>
{% endfor %}</tbody></table></body></html>"""
CASE_FIELDS = ("ref", "stage", "status", "country", "is_child", "opened_at", "updated_at")


def _render(rows: list[dict[str, Any]]) -> Any:
    from django.http import HttpResponse
    from django.template import engines

    template = engines["django"].from_string(_TEMPLATE)
    return HttpResponse(template.render({"rows": rows}))


def _case_rows() -> list[dict[str, Any]]:
    from strom.cases.models import Case

    offset = random.randrange(1000)
    return list(Case.objects.order_by("-id").values(*CASE_FIELDS)[offset : offset + ROWS])


def bare_list(request: Any) -> Any:
    return _render(_case_rows())


def bare_case(request: Any, ref: str) -> Any:
    from strom.cases.models import Case

    return _render(list(Case.objects.filter(ref=ref).values(*CASE_FIELDS)))


def bare_search(request: Any) -> Any:
    from strom.cases.models import PersonNameKey
    from strom.crypto.service import name_index

    keys = PersonNameKey.objects.filter(kind="full", key=name_index(request.GET.get("q", "")))
    rows = keys.values("id", "person_id", "kind")[:ROWS]
    return _render([{"ref": r["person_id"], "stage": r["kind"], "status": r["id"]} for r in rows])


def bare_api(request: Any) -> Any:
    from django.http import JsonResponse

    return JsonResponse({"items": _case_rows(), "count": ROWS})


# STROM plus the bare views, as gunicorn serves `pages_bench:application`.
application = strom_with(
    lambda: [
        ("bench/bare/list/", bare_list),
        ("bench/bare/case/<str:ref>/", bare_case),
        ("bench/bare/search/", bare_search),
        ("bench/bare/api/", bare_api),
    ]
)


# --- the load: wrk with a script of paths -----------------------------------------------------------------

_LUA = """
local requests = {}
local n = 0
init = function(args)
  local f = io.open(args[1])
  for line in f:lines() do
    local cookie, path = line:match("^(%S*) (.*)$")
    local headers = {["Accept-Language"] = "en"}
    if cookie ~= "" then headers["Cookie"] = "strom_session=" .. cookie end
    n = n + 1
    requests[n] = wrk.format("GET", path, headers)
  end
  f:close()
  math.randomseed(tonumber(args[2]))
end
request = function()
  return requests[math.random(n)]
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT %d %d %d %.3f %.3f %.3f\\n", summary.requests, summary.duration,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.timeout, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000))
end
"""


def run_wrk(lines: list[str], options: argparse.Namespace, seed: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        script, paths = Path(tmp) / "paths.lua", Path(tmp) / "paths.txt"
        script.write_text(_LUA)
        paths.write_text("\n".join(lines) + "\n")
        command = [
            shutil.which("wrk") or "wrk",
            f"--threads={options.wrk_threads}",
            f"--connections={options.connections}",
            f"--duration={options.duration}s",
            "--timeout=30s",
            f"--script={script}",
            f"http://127.0.0.1:{options.port}",
            "--",
            str(paths),
            str(seed),
        ]
        output = subprocess.run(command, capture_output=True, text=True, check=True).stdout  # noqa: S603
    match = re.search(r"RESULT (\d+) (\d+) (\d+) ([\d.]+) ([\d.]+) ([\d.]+)", output)
    if match is None:
        raise SystemExit(f"wrk printed no result:\n{output}")
    requests, micros, errors = (int(match.group(i)) for i in (1, 2, 3))
    p50, p95, p99 = (float(match.group(i)) for i in (4, 5, 6))
    return {"rps": requests / (micros / 1e6), "errors": errors, "p50": p50, "p95": p95, "p99": p99}


def page_lines(page: str, sessions: list[Any], rng: random.Random) -> tuple[list[str], list[str]]:
    """(STROM's requests, the bare view's requests), each as "<cookie> <path>"."""
    strom: list[str] = []
    bare: list[str] = []
    for session in sessions:
        for i, ref in enumerate(session.refs):
            name = session.names[i % len(session.names)]
            if page == "case_list":
                strom.append(f"{session.cookie} /cases/")
                bare.append(" /bench/bare/list/")
            elif page == "case_page":
                strom.append(f"{session.cookie} /cases/{quote(ref)}/")
                bare.append(f" /bench/bare/case/{quote(ref)}/")
            elif page == "name_search":
                strom.append(f"{session.cookie} /cases/?" + urlencode({"q": name}))
                bare.append(" /bench/bare/search/?" + urlencode({"q": name}))
            else:
                strom.append(f"{session.cookie} /api/v1/cases")
                bare.append(" /bench/bare/api/")
    rng.shuffle(strom)
    rng.shuffle(bare)
    return strom, bare


def check_answers(lines: list[str], port: int) -> None:
    """Every kind of request answers 200 before anything is measured (a 302 to the login page is fast)."""
    import http.client

    for line in lines[:3]:
        cookie, path = line.split(" ", 1)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request("GET", path, headers={"Cookie": f"strom_session={cookie}"} if cookie else {})
        response = conn.getresponse()
        response.read()
        conn.close()
        if response.status != 200:
            raise SystemExit(f"{path} answered {response.status}, not 200")


def _median(rounds: list[dict[str, float]], key: str) -> float:
    return statistics.median(r[key] for r in rounds)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", default=",".join(PAGES), help="comma-separated, of " + ", ".join(PAGES))
    parser.add_argument("--rounds", type=int, default=3, help="A/B rounds per page; medians are printed")
    parser.add_argument("--duration", type=int, default=20, help="measured seconds of each side per round")
    parser.add_argument("--warmup", type=int, default=5, help="seconds of load not counted, per page")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--wrk-threads", type=int, default=2)
    parser.add_argument("--sessions", type=int, default=8, help="logged-in case workers of one organisation")
    parser.add_argument("--per-session", type=int, default=50, help="cases (and names) per session")
    parser.add_argument("--port", type=int, default=8767)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (as `strom run`: 4)")
    parser.add_argument("--threads", type=int, default=2, help="threads per worker (as `strom run`: 2)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    options = parser.parse_args()
    from run_bench import drop_sessions, prepare_sessions, stop_server

    sessions = prepare_sessions(options.sessions, options.per_session, options.seed)
    server = start_server(options)
    rng = random.Random(options.seed)
    results: dict[str, Any] = {}
    try:
        print(
            f"wrk, {options.connections} connections back to back; {options.rounds} A/B rounds of "
            f"{options.duration} s each side; {options.workers} workers x {options.threads} threads; "
            f"{os.cpu_count()} CPUs"
        )
        print(
            f"{'page':<12}{'STROM req/s':>12}{'bare req/s':>11}{'ratio':>7}{'p50':>8}{'p95':>8}{'p99':>8}"
            f"{'bare p50':>10}{'bare p95':>10}{'errors':>8}"
        )
        for page in options.pages.split(","):
            strom_lines, bare_lines = page_lines(page, sessions, rng)
            check_answers(strom_lines, options.port)
            check_answers(bare_lines, options.port)
            run_wrk(strom_lines, _warm(options), options.seed)
            run_wrk(bare_lines, _warm(options), options.seed)
            strom_rounds, bare_rounds = [], []
            for i in range(options.rounds):
                strom_rounds.append(run_wrk(strom_lines, options, options.seed + i))
                bare_rounds.append(run_wrk(bare_lines, options, options.seed + i))
            row = {
                side: {key: _median(rounds, key) for key in ("rps", "p50", "p95", "p99", "errors")}
                for side, rounds in (("strom", strom_rounds), ("bare", bare_rounds))
            }
            row["ratio"] = row["strom"]["rps"] / row["bare"]["rps"]
            results[page] = row
            s, b = row["strom"], row["bare"]
            print(
                f"{page:<12}{s['rps']:>12.1f}{b['rps']:>11.1f}{row['ratio']:>7.2f}{s['p50']:>8.0f}"
                f"{s['p95']:>8.0f}{s['p99']:>8.0f}{b['p50']:>10.0f}{b['p95']:>10.0f}"
                f"{s['errors'] + b['errors']:>8.0f}",
                flush=True,
            )
        print("latencies in ms; ratio = STROM req/s / bare req/s (medians over the rounds)")
    finally:
        stop_server(server)
        drop_sessions(sessions)
    if options.json:
        options.json.write_text(json.dumps(results, indent=2))
    return 0


def _warm(options: argparse.Namespace) -> argparse.Namespace:
    return argparse.Namespace(**{**vars(options), "duration": options.warmup})


def start_server(options: argparse.Namespace) -> subprocess.Popen[bytes]:
    from run_bench import start_server as start

    # This module's application (STROM plus the bare views) instead of strom.wsgi's.
    return start(
        "127.0.0.1",
        options.port,
        options.workers,
        options.threads,
        extra=[f"--pythonpath={BENCH_DIR}"],
        app="pages_bench:application",
    )


if __name__ == "__main__":
    sys.exit(main())
