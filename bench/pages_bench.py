# ruff: noqa: T201, S311 - a command-line tool that prints; seeded randomness picks requests
"""Benchmark: four everyday pages of STROM beside bare Django views over the same rows, saturated.

Not a test: run it by hand on a database filled by `strom synth` (bench/README.md, docs/performance.md).

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/strom_bench .venv/bin/python bench/pages_bench.py

It serves STROM with gunicorn as `strom run` does, plus bare views in the same process, and drives both
with wrk (16 keep-alive connections, no pause between requests), page by page and A/B interleaved over
several rounds:

- `case_list`: STROM's /cases/ as a logged-in case worker, beside /bench/bare/list/: 50 case lines at a
  random offset (the case with its person, municipality and worker joined), rendered by a Django template;
- `case_page`: /cases/<ref>/ of a case the worker may see, beside /bench/bare/case/<ref>/: the case with
  its person, organisation, municipality and worker, its open tasks, the consent records that apply, its
  referrals counted by state and the practices for its stage (what the overview shows), rendered;
- `name_search`: /cases/?q=<a name> (recorded spelling or another one), beside /bench/bare/search/: the
  case lines of the persons whose blind name key equals the query's, rendered;
- `api_list`: /api/v1/cases (a case worker's token-less session call), beside /bench/bare/api/: the same
  50 case lines as JSON.

The ratio is taken against those bare views, which read the rows the STROM page shows (plain columns in
place of encrypted ones). A one-table view of each page (/bench/one/...: the case row alone, or the name
index alone) is measured in the same rounds and its ratio printed beside, for reference.

The bare views do no authentication, access control, decryption or audit (they are sent without the
session cookie, so STROM's middleware finds no session). STROM does all of them, with the read audit on.
It prints requests/s and p50/p95/p99 of each side, the medians over the rounds, and the ratios.
"""

from __future__ import annotations

import argparse
import functools
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
#
# Two baselines per page. The bare view the ratio is taken against reads the rows the STROM page shows:
# the same tables joined and the same parts of a case, with plain columns where STROM's are encrypted
# (no decryption), read and rendered as a straightforward Django view would. The one-table view reads a
# single table (the case row, or the name index) and is printed beside it for reference.

_TEMPLATE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Cases</title></head><body>
<table><thead><tr><th>Reference</th><th>Person</th><th>Stage</th><th>Status</th><th>Country</th>
<th>Municipality</th><th>Worker</th><th>Child</th><th>Opened</th><th>Next due</th></tr></thead><tbody>
{% for row in rows %}<tr><td><a href="/cases/{{ row.ref }}/">{{ row.ref }}</a></td>
<td>{{ row.person_id }} {{ row.person__gender }} {{ row.person__age_estimate|default:"" }}</td>
<td>{{ row.stage }}</td><td>{{ row.status }}</td><td>{{ row.country }}</td>
<td>{{ row.municipality__name }}</td><td>{{ row.owner__email|default:"" }}</td>
<td>{{ row.is_child|yesno }}</td><td>{{ row.opened_at|date:"SHORT_DATE_FORMAT" }}</td>
<td>{{ row.next_due_at|date:"SHORT_DATE_FORMAT" }}</td></tr>
{% endfor %}</tbody></table>
{% if tasks is not None %}<h2>Tasks</h2><ul>{% for t in tasks %}<li>{{ t.due_date|date:"SHORT_DATE_FORMAT" }}
{{ t.title_key }}</li>{% endfor %}</ul>
<h2>Consent</h2><ul>{% for c in consent %}<li>{{ c.purpose }} {{ c.recipient_organisation__name|default:"" }}
{{ c.given|yesno }} {{ c.given_at|date:"SHORT_DATE_FORMAT" }}</li>{% endfor %}</ul>
<p>Referrals: {{ referrals.live }} open, {{ referrals.waiting }} waiting, {{ referrals.drafts }} drafts</p>
<p>Practices for this stage: {{ practices }}</p>{% endif %}</body></html>"""
# The one-table views' rows hold only the case's own columns: a template that names columns a row lacks
# makes Django's template engine raise and catch an exception for each, which a real view never pays.
_ONE_TABLE_TEMPLATE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Cases</title>
</head><body><table><thead><tr><th>Reference</th><th>Stage</th><th>Status</th><th>Country</th><th>Child</th>
<th>Opened</th><th>Next due</th></tr></thead><tbody>
{% for row in rows %}<tr><td><a href="/cases/{{ row.ref }}/">{{ row.ref }}</a></td><td>{{ row.stage }}</td>
<td>{{ row.status }}</td><td>{{ row.country }}</td><td>{{ row.is_child|yesno }}</td>
<td>{{ row.opened_at|date:"SHORT_DATE_FORMAT" }}</td>
<td>{{ row.next_due_at|date:"SHORT_DATE_FORMAT" }}</td></tr>
{% endfor %}</tbody></table></body></html>"""
ONE_TABLE_FIELDS = ("ref", "stage", "status", "country", "is_child", "opened_at", "next_due_at")
# The list line's columns (strom/cases/selectors.py: _LISTED_COLUMNS), plain ones for the encrypted names.
LINE_FIELDS = (
    *ONE_TABLE_FIELDS,
    "id",
    "child_basis",
    "trafficking_status",
    "forms_of_exploitation",
    "closed_at",
    "legal_hold",
    "version",
    "person_id",
    "person__gender",
    "person__age_estimate",
    "municipality_id",
    "municipality__code",
    "municipality__name",
    "owner_id",
    "owner__email",
)


@functools.cache
def _compiled(source: str) -> Any:
    """Each template compiled once per process, as Django's cached template loader keeps a view's."""
    from django.template import engines

    return engines["django"].from_string(source)


def _render(rows: list[dict[str, Any]], **parts: Any) -> Any:
    from django.http import HttpResponse

    return HttpResponse(_compiled(_TEMPLATE).render({"rows": rows, "tasks": None, **parts}))


def _render_one_table(rows: list[dict[str, Any]]) -> Any:
    from django.http import HttpResponse

    return HttpResponse(_compiled(_ONE_TABLE_TEMPLATE).render({"rows": rows}))


def _cases(fields: tuple[str, ...]) -> list[dict[str, Any]]:
    """50 case lines from a random place among the newest thousand, read from there on by id (as STROM's
    pages read from a cursor): an OFFSET would join the skipped rows too."""
    from strom.cases.models import Case

    if not _NEWEST:
        _NEWEST.append(Case.objects.order_by("-id").values_list("id", flat=True)[0])
    start = _NEWEST[0] - random.randrange(1000)
    return list(Case.objects.filter(id__lte=start).order_by("-id").values(*fields)[:ROWS])


_NEWEST: list[int] = []


def _name_keys(request: Any) -> Any:
    from strom.cases.models import PersonNameKey
    from strom.crypto.service import name_index

    return PersonNameKey.objects.filter(kind="full", key=name_index(request.GET.get("q", "")))


def bare_list(request: Any) -> Any:
    return _render(_cases(LINE_FIELDS))


def bare_case(request: Any, ref: str) -> Any:
    """The case with its person, organisation, municipality and worker, its open tasks, the consent
    records that apply to it, its referrals counted by state and the practices for its stage."""
    from django.db.models import Count, Q

    from strom.cases.models import Case
    from strom.consent.models import ConsentRecord
    from strom.practices.models import PracticeVersion
    from strom.referrals.models import Referral
    from strom.stages.models import CaseTask

    case = Case.objects.values(*LINE_FIELDS, "organisation__name").get(ref=ref)
    tasks = CaseTask.objects.filter(case_id=case["id"], done_at__isnull=True, cancelled_at__isnull=True)
    consent = ConsentRecord.objects.filter(
        Q(case_id=case["id"]) | Q(person_id=case["person_id"], case__isnull=True)
    ).order_by("-given_at", "-recorded_at", "-id")
    referrals = Referral.objects.filter(case_id=case["id"]).aggregate(
        live=Count("pk", filter=Q(state__in=("in_progress", "sent", "accepted"))),
        waiting=Count("pk", filter=Q(state="sent")),
        drafts=Count("pk", filter=Q(state="draft")),
    )
    practices = PracticeVersion.objects.filter(is_current=True, stages__contains=[case["stage"]]).count()
    return _render(
        [case],
        tasks=list(tasks.order_by("due_date", "pk").values("due_date", "title_key")),
        consent=list(consent.values("purpose", "given", "given_at", "recipient_organisation__name")),
        referrals=referrals,
        practices=practices,
    )


def bare_search(request: Any) -> Any:
    """The cases of the persons whose name key equals the query's, as list lines."""
    from strom.cases.models import Case

    persons = _name_keys(request).values("person_id")
    cases = Case.objects.filter(person_id__in=persons).order_by("-id")
    return _render(list(cases.values(*LINE_FIELDS)[:ROWS]))


def bare_api(request: Any) -> Any:
    from django.http import JsonResponse

    return JsonResponse({"items": _cases(LINE_FIELDS), "count": ROWS})


def one_table_list(request: Any) -> Any:
    return _render_one_table(_cases(ONE_TABLE_FIELDS))


def one_table_case(request: Any, ref: str) -> Any:
    from strom.cases.models import Case

    return _render_one_table(list(Case.objects.filter(ref=ref).values(*ONE_TABLE_FIELDS)))


def one_table_search(request: Any) -> Any:
    rows = _name_keys(request).values("id", "person_id", "kind")[:ROWS]
    blank = {"country": "", "is_child": False, "opened_at": None, "next_due_at": None}
    return _render_one_table(
        [{"ref": r["person_id"], "stage": r["kind"], "status": r["id"], **blank} for r in rows]
    )


def one_table_api(request: Any) -> Any:
    from django.http import JsonResponse

    return JsonResponse({"items": _cases(ONE_TABLE_FIELDS), "count": ROWS})


# STROM plus the bare views, as gunicorn serves `pages_bench:application`.
application = strom_with(
    lambda: [
        ("bench/bare/list/", bare_list),
        ("bench/bare/case/<str:ref>/", bare_case),
        ("bench/bare/search/", bare_search),
        ("bench/bare/api/", bare_api),
        ("bench/one/list/", one_table_list),
        ("bench/one/case/<str:ref>/", one_table_case),
        ("bench/one/search/", one_table_search),
        ("bench/one/api/", one_table_api),
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


def page_lines(page: str, sessions: list[Any], rng: random.Random) -> dict[str, list[str]]:
    """The requests of each side ("strom", "bare" and "one", the one-table view), as "<cookie> <path>"."""
    sides: dict[str, list[str]] = {"strom": [], "bare": [], "one": []}
    for session in sessions:
        for i, ref in enumerate(session.refs):
            name = session.names[i % len(session.names)]
            if page == "case_list":
                strom, bare = "/cases/", "list/"
            elif page == "case_page":
                strom = bare = f"/cases/{quote(ref)}/"
                bare = f"case/{quote(ref)}/"
            elif page == "name_search":
                query = urlencode({"q": name})
                strom, bare = f"/cases/?{query}", f"search/?{query}"
            else:
                strom, bare = "/api/v1/cases", "api/"
            sides["strom"].append(f"{session.cookie} {strom}")
            sides["bare"].append(f" /bench/bare/{bare}")
            sides["one"].append(f" /bench/one/{bare}")
    for lines in sides.values():
        rng.shuffle(lines)
    return sides


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
    parser.add_argument(
        "--gunicorn-arg",
        action="append",
        default=[],
        help="an extra gunicorn option for experiments, e.g. --gunicorn-arg=--keep-alive=0 (repeatable)",
    )
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
            f"{options.duration} s each side; {options.workers} workers x {options.threads} threads"
            f"{''.join(' ' + arg for arg in options.gunicorn_arg)}; {os.cpu_count()} CPUs"
        )
        print(
            f"{'page':<12}{'STROM req/s':>12}{'bare req/s':>11}{'ratio':>7}{'p50':>8}{'p95':>8}{'p99':>8}"
            f"{'bare p50':>10}{'bare p95':>10}{'one-table req/s':>16}{'ratio':>7}{'errors':>8}"
        )
        for page in options.pages.split(","):
            lines = page_lines(page, sessions, rng)
            for side in lines.values():
                check_answers(side, options.port)
                run_wrk(side, _warm(options), options.seed)
            rounds: dict[str, list[dict[str, float]]] = {side: [] for side in lines}
            for i in range(options.rounds):
                for side, side_lines in lines.items():
                    rounds[side].append(run_wrk(side_lines, options, options.seed + i))
            row: dict[str, Any] = {
                side: {key: _median(runs, key) for key in ("rps", "p50", "p95", "p99", "errors")}
                for side, runs in rounds.items()
            }
            row["ratio"] = row["strom"]["rps"] / row["bare"]["rps"]
            row["ratio_one_table"] = row["strom"]["rps"] / row["one"]["rps"]
            results[page] = row
            s, b, o = row["strom"], row["bare"], row["one"]
            print(
                f"{page:<12}{s['rps']:>12.1f}{b['rps']:>11.1f}{row['ratio']:>7.2f}{s['p50']:>8.0f}"
                f"{s['p95']:>8.0f}{s['p99']:>8.0f}{b['p50']:>10.0f}{b['p95']:>10.0f}"
                f"{o['rps']:>16.1f}{row['ratio_one_table']:>7.2f}"
                f"{s['errors'] + b['errors'] + o['errors']:>8.0f}",
                flush=True,
            )
        print(
            "latencies in ms; ratio = STROM req/s / bare req/s, where the bare view reads the rows the page"
            " shows; one-table: a bare view over one table, for reference (medians over the rounds)"
        )
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
        extra=[f"--pythonpath={BENCH_DIR}", *options.gunicorn_arg],
        app="pages_bench:application",
    )


if __name__ == "__main__":
    sys.exit(main())
