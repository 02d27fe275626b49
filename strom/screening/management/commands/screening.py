"""`strom screening recheck`: the once-per-rule-version re-check of children's screenings (also run by
`strom migrate`). `strom screening docs [--check]`: write (or compare) the list of indicator sets in
docs/screening.md and its translations from the data, and name the translations made from an earlier
English text."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from strom.core.management.base import DataCommand
from strom.screening.docs import (
    DOCS_DIR,
    doc_paths,
    language_of,
    needs_update,
    render_into,
    source_digest,
)
from strom.screening.services_recheck import recheck_screenings


class Command(DataCommand):
    help = "Screening upkeep: recheck (after a new rule version) and docs (the generated list of sets)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("recheck", help="ask organisations to look again at children's screenings")
        docs = sub.add_parser("docs", help="write the indicator set list in docs/screening.md")
        docs.add_argument("--check", action="store_true", help="only compare; exit 1 when they differ")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "recheck":
            report = recheck_screenings()
            if report is None:
                self.stdout.write("The re-check for the current rule version has run already.")
            else:
                self.stdout.write(
                    f"Rule version {report.rule_version}: {report.checked} screenings checked, "
                    f"{report.rechecks} to look at again, {report.tasks} case tasks."
                )
            return
        stale = []
        for path in doc_paths():
            current = path.read_text(encoding="utf-8")
            rendered = render_into(current, language_of(path))
            if rendered == current:
                continue
            stale.append(path)
            if not options["check"]:
                path.write_text(rendered, encoding="utf-8")
        names = ", ".join(str(path.relative_to(DOCS_DIR.parent)) for path in stale)
        if options["check"]:
            if stale:
                self.stderr.write(f"{names} differ from the data: run `strom screening docs`.")
                raise SystemExit(1)
            self.stdout.write("The screening documentation matches the data.")
            return
        self.stdout.write(f"{names} updated." if stale else "The screening documentation matches the data.")
        # What a translator writes at the top of docs/<lang>/screening.md, and which translations need it.
        english, *translations = doc_paths()
        digest = source_digest(english.read_text(encoding="utf-8"))
        self.stdout.write(f"The English text: <!-- translated-from: {digest} -->")
        old = [path for path in translations if needs_update(path.read_text(encoding="utf-8"))]
        if old:
            listed = ", ".join(str(path.relative_to(DOCS_DIR.parent)) for path in old)
            self.stdout.write(f"Translations made from an earlier English text: {listed}.")
