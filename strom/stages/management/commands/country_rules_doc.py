"""`strom country_rules_doc`: print the shipped country values with their sources and status as Markdown;
`--write` puts them into docs/clocks.md between its markers, `--check` fails when the doc is stale."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from strom.stages import rules_doc


class Command(BaseCommand):
    help = "Render the shipped country rules (values, sources, status) for docs/clocks.md."

    def add_arguments(self, parser: CommandParser) -> None:
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--write", action="store_true", help="Update docs/clocks.md in place.")
        group.add_argument("--check", action="store_true", help="Fail when docs/clocks.md differs.")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["write"] and not options["check"]:
            self.stdout.write(rules_doc.rules_markdown(), ending="")
            return
        text = rules_doc.DOC.read_text(encoding="utf-8")
        if options["check"]:
            if rules_doc.embedded(text) != rules_doc.rules_markdown():
                raise CommandError(
                    "docs/clocks.md lists other values than the shipped files: run with --write"
                )
            return
        rules_doc.DOC.write_text(rules_doc.with_rules(text), encoding="utf-8")
        self.stdout.write(f"Updated {rules_doc.DOC}")
