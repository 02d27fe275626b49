# ruff: noqa: T201, S311 - a command-line tool that prints; seeded randomness picks requests
"""Benchmark: two gunicorn process models side by side on the pages of bench/pages_bench.py.

Not a test: run it by hand on a database filled by `strom synth` (bench/README.md,
docs/decisions/0005-one-request-per-free-thread.md).

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/strom_bench .venv/bin/python bench/process_models.py

Two servers run at once, each with pages_bench's application (STROM plus the bare views) and four
workers of two threads: `current` with `strom run`'s options (strom.cli.process_model), `keepalive`
with the options used before, which let a worker hold 16 connections and keep them open for 2 s. An
idle server takes no CPU, so each wrk run has the machine to itself. Every round measures both, in
turns that alternate, so drift during the run falls on both alike; it prints each round and the
medians of requests/s and p50/p95/p99 per page, side (STROM or bare) and model.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR.parent))
sys.path.insert(0, str(BENCH_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "strom.settings")

import pages_bench  # noqa: E402 - after the paths above

# Appended after process_model's options; gunicorn takes the last of a repeated option.
MODELS = {
    "current": [],
    "keepalive": ["--worker-connections=16", "--keep-alive=2"],
}
FIGURES = ("rps", "p50", "p95", "p99")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", default=",".join(pages_bench.PAGES))
    parser.add_argument("--sides", default="strom,bare", help="of strom, bare, one")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=int, default=10, help="measured seconds per model, side and round")
    parser.add_argument(
        "--warmup", type=int, default=10, help="seconds of load not counted, per page and model"
    )
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--port", type=int, default=8770, help="the first of two ports")
    options = parser.parse_args()
    from run_bench import drop_sessions, prepare_sessions, start_server, stop_server

    from strom.cli import THREADS, WORKERS

    sessions = prepare_sessions(8, 50, 1)
    ports = {model: options.port + i for i, model in enumerate(MODELS)}
    servers = [
        start_server(
            "127.0.0.1",
            port,
            WORKERS,
            THREADS,
            extra=[f"--pythonpath={BENCH_DIR}", *MODELS[model]],
            app="pages_bench:application",
        )
        for model, port in ports.items()
    ]
    rng = random.Random(1)
    try:
        print(
            f"wrk, {options.connections} connections back to back; "
            f"{options.rounds} rounds of {options.duration} s per model and side"
        )
        for page in options.pages.split(","):
            _measure_page(page, pages_bench.page_lines(page, sessions, rng), ports, options)
    finally:
        for server in servers:
            stop_server(server)
        drop_sessions(sessions)
    return 0


def _measure_page(
    page: str, lines: dict[str, list[str]], ports: dict[str, int], options: argparse.Namespace
) -> None:
    sides = options.sides.split(",")
    for side in sides:
        for port in ports.values():
            pages_bench.check_answers(lines[side], port)
            pages_bench.run_wrk(lines[side], _wrk(options, port, options.warmup), 1)
    results: dict[tuple[str, str], list[dict[str, float]]] = {}
    for i in range(options.rounds):
        for side in sides:
            turns = list(ports.items())
            if i % 2:
                turns.reverse()
            for model, port in turns:
                result = pages_bench.run_wrk(lines[side], _wrk(options, port, options.duration), 1 + i)
                results.setdefault((side, model), []).append(result)
                print(f"  {page} {side} {model} round {i + 1}: {_figures(result)}", flush=True)
    for (side, model), runs in results.items():
        medians = {key: statistics.median(run[key] for run in runs) for key in FIGURES}
        print(f"{page:<12} {side:<6} {model:<10} {_figures(medians)}", flush=True)


def _wrk(options: argparse.Namespace, port: int, duration: int) -> argparse.Namespace:
    return argparse.Namespace(wrk_threads=2, connections=options.connections, duration=duration, port=port)


def _figures(result: dict[str, float]) -> str:
    return (
        f"{result['rps']:7.1f} req/s  p50 {result['p50']:4.0f}  p95 {result['p95']:4.0f}  "
        f"p99 {result['p99']:4.0f} ms" + (f"  errors {result['errors']:.0f}" if result.get("errors") else "")
    )


if __name__ == "__main__":
    sys.exit(main())
