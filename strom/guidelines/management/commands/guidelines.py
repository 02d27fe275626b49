"""`strom guidelines list [--country CC|region] [--language LL]`, `strom guidelines show SLUG [--lang LL]
[--version N]` and `strom guidelines export SLUG [--format json|text] [--out FILE]`: the guidelines as the
operator reads them at the command line (every version, drafts included; nothing is changed)."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

from strom.core.management.base import DataCommand
from strom.guidelines import selectors as sel
from strom.guidelines.models import Guideline, GuidelineVersion


def _guideline(slug: str) -> Guideline:
    guideline = (
        Guideline.objects.select_related("organisation", "published_version").filter(slug=slug).first()
    )
    if guideline is None:
        raise CommandError(_("No guideline with the slug “%(slug)s”.") % {"slug": slug})
    return guideline


def _version(guideline: Guideline, number: int | None) -> GuidelineVersion:
    if number is None:
        version = guideline.published_version or sel.current_draft(guideline)
    else:
        version = guideline.versions.filter(number=number).first()
    if version is None:
        raise CommandError(_("The guideline has no such version."))
    version.guideline = guideline
    return version


def export_data(guideline: Guideline) -> dict[str, Any]:
    """Every version with every language's texts, for an archive or another instance."""
    versions = []
    for version in guideline.versions.order_by("number").prefetch_related("texts", "sections__texts"):
        versions.append(
            {
                "number": version.number,
                "status": version.status,
                "note": version.note,
                "published_at": version.published_at.isoformat() if version.published_at else None,
                "texts": {t.language: {"title": t.title, "summary": t.summary} for t in version.texts.all()},
                "sections": [
                    {
                        "key": str(section.key),
                        "position": section.position,
                        "texts": {
                            t.language: {"heading": t.heading, "body": t.body} for t in section.texts.all()
                        },
                    }
                    for section in version.sections.order_by("position")
                ],
            }
        )
    return {
        "slug": guideline.slug,
        "organisation": guideline.organisation.name,
        "country": guideline.country,
        "original_language": guideline.original_language,
        "languages": sel.kept_languages(guideline),
        "audience": guideline.audience,
        "themes": guideline.themes,
        "sectors": guideline.sectors,
        "stages": guideline.stages,
        "published_version": guideline.published_version.number if guideline.published_version else None,
        "versions": versions,
    }


def text_of(version: GuidelineVersion, language: str) -> str:
    read = sel.reading(version, language)
    lines = [read.title, "=" * len(read.title), ""]
    if read.summary:
        lines += [read.summary, ""]
    for number, section in enumerate(read.sections, start=1):
        mark = f" [{section.language}]" if section.fallback else ""
        lines += [f"{number}. {section.heading}{mark}", "", section.body, ""]
    return "\n".join(lines)


class Command(DataCommand):
    help = "List, show or export guidelines for municipalities."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True, metavar="{list,show,export}")
        listing = sub.add_parser("list", help="Every guideline with its scope, languages and versions.")
        listing.add_argument("--country", default="", help="An ISO country code, or 'region'.")
        listing.add_argument("--language", default="", help="Only guidelines kept in this language.")
        show = sub.add_parser("show", help="A version as text in one language (the original where missing).")
        show.add_argument("slug")
        show.add_argument("--lang", default="")
        show.add_argument("--version", type=int, default=None)
        export = sub.add_parser("export", help="Every version and language of a guideline.")
        export.add_argument("slug")
        export.add_argument("--format", choices=["json", "text"], default="json")
        export.add_argument("--out", default="-", help="File to write; - for standard output (default).")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "list":
            self.list_(options["country"], options["language"])
        elif options["subcommand"] == "show":
            guideline = _guideline(options["slug"])
            version = _version(guideline, options["version"])
            self.stdout.write(text_of(version, options["lang"] or guideline.original_language))
        else:
            self.export(options["slug"], options["format"], options["out"])

    def list_(self, country: str, language: str) -> None:
        rows = Guideline.objects.select_related("organisation", "published_version").order_by(
            "country", "slug"
        )
        if country:
            rows = rows.filter(country="" if country == sel.REGION else country.upper())
        if language:
            rows = rows.filter(languages__language=language)
        for g in rows.prefetch_related("languages"):
            published = g.published_version.number if g.published_version else "-"
            self.stdout.write(
                "\t".join(
                    [
                        g.slug,
                        g.country or "region",
                        ",".join(sel.kept_languages(g)),
                        f"v{published}",
                        sel.title_of(g),
                    ]
                )
            )

    def export(self, slug: str, fmt: str, out: str) -> None:
        guideline = _guideline(slug)
        if fmt == "json":
            body = json.dumps(export_data(guideline), ensure_ascii=False, indent=2)
        else:
            version = _version(guideline, None)
            body = "\n\n".join(text_of(version, code) for code in sel.kept_languages(guideline))
        if out == "-":
            self.stdout.write(body)
        else:
            with open(out, "w", encoding="utf-8") as target:
                target.write(body + "\n")
