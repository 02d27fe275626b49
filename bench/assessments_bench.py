# ruff: noqa: T201 - a command-line tool that prints
"""How long STROM takes to read the demo questionnaire and to check one response with ODK XPath.

    DJANGO_SETTINGS_MODULE=strom.settings STROM_ENV=test \
        .venv/bin/python bench/assessments_bench.py [--responses 500]

Reads strom/demo/data/baseline_municipal.csv with pyxform (as an upload is read), then checks the
demo municipalities' answers (relevance, choice filters, constraints, required answers: what a
submission runs) over and over, and prints the time per form read and per response checked. No
database is needed: the checks are pure.
"""

from __future__ import annotations

import argparse
import time

import django


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--responses", type=int, default=500)
    args = parser.parse_args()
    django.setup()
    from strom.assessments import survey, xlsform
    from strom.demo.assessments import ANSWERS, FORM

    content = FORM.read_bytes()
    started = time.perf_counter()
    reads = 20
    for _ in range(reads):
        parsed = xlsform.parse(content, FORM.name)
    read_ms = (time.perf_counter() - started) * 1000 / reads
    form = survey.Survey(parsed.structure, parsed.languages, parsed.default_language)
    answer_sets = [first | (later or {}) for _language, first, later in ANSWERS.values()]
    started = time.perf_counter()
    for i in range(args.responses):
        _kept, errors = survey.check(form, answer_sets[i % len(answer_sets)], language="lv", complete=True)
        assert not errors, errors
    check_ms = (time.perf_counter() - started) * 1000 / args.responses
    questions = len(form.questions())
    print(f"form read and validated (pyxform + STROM checks): {read_ms:.1f} ms, {questions} questions")
    print(f"response checked (relevance, filters, constraints, required): {check_ms:.2f} ms")


if __name__ == "__main__":
    main()
