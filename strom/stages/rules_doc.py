"""docs/clocks.md lists every shipped country value with its source and status. This renders that list
from the shipped files; `strom country_rules_doc --write` puts it between the markers in the doc, and a
test fails when the doc and the files differ."""

from __future__ import annotations

from pathlib import Path

from django.utils import translation

from strom.core.countries import countries
from strom.stages import country_rules as cr

DOC = Path(__file__).resolve().parents[2] / "docs" / "clocks.md"
START = "<!-- country-rules:start -->"
END = "<!-- country-rules:end -->"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ").strip() or "—"


def _status(item: dict[str, object]) -> str:
    if item["status"] == cr.VERIFIED:
        return f"verified by {item['verified_by']} on {item['verified_on']}"
    return "**unverified**"


def rules_markdown() -> str:
    """Every shipped country, every item: value, source, status. English, as the docs are."""
    names = countries("en")
    lines: list[str] = []
    with translation.override("en"):
        for country, rules in cr.all_rules().items():
            unverified = len(rules.unverified)
            lines += [
                f"### {country}: {names.get(country, country)}",
                "",
                f"{len(cr.ITEM_KEYS) - unverified} of {len(cr.ITEM_KEYS)} values verified.",
                "",
                "| rule | value | source | status |",
                "|---|---|---|---|",
            ]
            for key in cr.ITEM_KEYS:
                item = rules.items[key]
                lines.append(
                    f"| {_cell(str(cr.ITEMS[key].label))} | {_cell(cr.value_text(key, item['value']))} "
                    f"| {_cell(cr.source_text(item['source'], iso_dates=True))} | {_status(item)} |"
                )
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def embedded(text: str) -> str:
    return text.split(START + "\n", 1)[1].split(END, 1)[0]


def with_rules(text: str) -> str:
    """The doc's text with the generated list put between the markers."""
    before, rest = text.split(START + "\n", 1)
    after = rest.split(END, 1)[1]
    return f"{before}{START}\n{rules_markdown()}{END}{after}"
