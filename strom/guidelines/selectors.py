"""Reads for guidelines: lists with filters, a version in a chosen language (falling back to the original),
the side-by-side translation rows, the comparison of two versions, and country profiles."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Prefetch

from strom.guidelines.models import (
    CountryProfile,
    Guideline,
    GuidelineQuerySet,
    GuidelineVersion,
    Section,
    SectionText,
    VersionText,
    language_name,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from strom.accounts.models import User


REGION = "region"  # the list filter's value for guidelines of the whole region


def guideline_list(
    user: User | AnonymousUser,
    *,
    country: str = "",
    theme: str = "",
    sector: str = "",
    language: str = "",
    published_only: bool = False,
) -> GuidelineQuerySet:
    """Guidelines the user may see. `country` is an ISO code or REGION; `language` keeps the guidelines
    kept in that language."""
    qs = Guideline.objects.visible_to(user).select_related("organisation", "published_version")
    if published_only:
        qs = qs.published()
    if country == REGION:
        qs = qs.filter(country="")
    elif country:
        qs = qs.filter(country=country.upper())
    if theme:
        qs = qs.filter(themes__contains=[theme])
    if sector:
        qs = qs.filter(sectors__contains=[sector])
    if language:
        qs = qs.filter(languages__language=language)
    return qs.prefetch_related("languages").distinct()


def title_of(guideline: Guideline, language: str = "") -> str:
    """The guideline's title in `language` where written, else in the original: the published version's,
    or the draft's while nothing is published."""
    version = guideline.published_version or guideline.versions.order_by("-number").first()
    if version is None:
        return guideline.slug
    texts = {t.language: t for t in version.texts.all()}
    text = texts.get(language) or texts.get(guideline.original_language)
    return text.title if text else guideline.slug


def current_draft(guideline: Guideline) -> GuidelineVersion | None:
    draft = guideline.versions.filter(status="draft").first()
    if draft is not None:
        draft.guideline = guideline
    return draft


def versions_of(guideline: Guideline, *, with_drafts: bool) -> list[GuidelineVersion]:
    qs = guideline.versions.order_by("-number")
    if not with_drafts:
        qs = qs.filter(status="published")
    return list(qs)


def kept_languages(guideline: Guideline) -> list[str]:
    """The original language first, then the translations."""
    codes = sorted(guideline.languages.values_list("language", flat=True))
    return sorted(codes, key=lambda code: code != guideline.original_language)


@dataclass
class ReadSection:
    key: str
    heading: str
    body: str
    language: str
    fallback: bool  # shown in the original language: no text in the chosen one
    outdated: bool = False  # a translation made from an earlier wording of the original


@dataclass
class Reading:
    """A version as read in one language."""

    version: GuidelineVersion
    language: str
    title: str
    summary: str
    title_fallback: bool
    sections: list[ReadSection] = field(default_factory=list)

    @property
    def any_fallback(self) -> bool:
        return self.title_fallback or any(s.fallback for s in self.sections)

    @property
    def language_name(self) -> str:
        return language_name(self.language)


def _sections(version: GuidelineVersion) -> list[Section]:
    return list(
        Section.objects.filter(version=version)
        .prefetch_related(Prefetch("texts", queryset=SectionText.objects.order_by("language")))
        .order_by("position", "pk")
    )


def reading(version: GuidelineVersion, language: str) -> Reading:
    original = version.guideline.original_language
    texts: dict[str, VersionText] = {t.language: t for t in version.texts.all()}
    head = texts.get(language) or texts.get(original)
    result = Reading(
        version=version,
        language=language,
        title=head.title if head else version.guideline.slug,
        summary=head.summary if head else "",
        title_fallback=language not in texts,
    )
    for section in _sections(version):
        by_language = {t.language: t for t in section.texts.all()}
        text = by_language.get(language) or by_language.get(original)
        if text is None:
            continue
        base = by_language.get(original)
        result.sections.append(
            ReadSection(
                key=str(section.key),
                heading=text.heading,
                body=text.body,
                language=text.language,
                fallback=text.language != language,
                outdated=bool(text.language != original and base and text.source_digest != base.digest),
            )
        )
    return result


@dataclass
class TranslationRow:
    """One section in the side-by-side editor: the source on the left, the target on the right."""

    section: Section
    source: SectionText | None
    target: SectionText | None
    # The original changed after the target was translated from it.
    needs_update: bool


def side_by_side(version: GuidelineVersion, *, source: str, target: str) -> list[TranslationRow]:
    original = version.guideline.original_language
    rows = []
    for section in _sections(version):
        by_language = {t.language: t for t in section.texts.all()}
        source_text = by_language.get(source) or by_language.get(original)
        target_text = by_language.get(target)
        base = by_language.get(original)
        needs_update = bool(
            target != original and target_text and base and target_text.source_digest != base.digest
        )
        rows.append(TranslationRow(section, source_text, target_text, needs_update))
    return rows


def title_needs_update(version: GuidelineVersion, language: str) -> bool:
    texts = {t.language: t for t in version.texts.all()}
    original = texts.get(version.guideline.original_language)
    target = texts.get(language)
    return bool(
        original
        and target
        and language != version.guideline.original_language
        and target.source_digest != original.digest
    )


def outdated_translations(version: GuidelineVersion) -> dict[str, int]:
    """Per translated language: how many of the version's sections need an update."""
    counts: dict[str, int] = {}
    original = version.guideline.original_language
    for section in _sections(version):
        by_language = {t.language: t for t in section.texts.all()}
        base = by_language.get(original)
        for code, text in by_language.items():
            if code != original and base is not None and text.source_digest != base.digest:
                counts[code] = counts.get(code, 0) + 1
    return counts


@dataclass
class SectionChange:
    key: str
    change: str  # "added", "removed", "changed", "moved" or "same"
    heading: str
    lines: list[str]  # a unified diff of the text, for "changed"


def compare(older: GuidelineVersion, newer: GuidelineVersion, language: str) -> list[SectionChange]:
    """What changed from `older` to `newer` in one language, section by section, in the newer order."""

    def texts(version: GuidelineVersion) -> dict[str, tuple[int, str, str]]:
        found = {}
        for section in _sections(version):
            text = next((t for t in section.texts.all() if t.language == language), None)
            if text is not None:
                found[str(section.key)] = (section.position, text.heading, text.body)
        return found

    before, after = texts(older), texts(newer)
    changes = []
    for key, (position, heading, body) in sorted(after.items(), key=lambda item: item[1][0]):
        if key not in before:
            changes.append(SectionChange(key, "added", heading, body.splitlines()))
            continue
        old_position, old_heading, old_body = before[key]
        if (old_heading, old_body) != (heading, body):
            lines = list(
                difflib.unified_diff(
                    f"{old_heading}\n{old_body}".splitlines(),
                    f"{heading}\n{body}".splitlines(),
                    lineterm="",
                    n=1,
                )
            )[2:]
            changes.append(SectionChange(key, "changed", heading, lines))
        elif old_position != position:
            changes.append(SectionChange(key, "moved", heading, []))
        else:
            changes.append(SectionChange(key, "same", heading, []))
    for key, (_position, heading, _body) in before.items():
        if key not in after:
            changes.append(SectionChange(key, "removed", heading, []))
    return changes


def profile_text(country: str, language: str) -> CountryProfile | None:
    """A country's legal framework summary in `language`, else in English, else in any language kept."""
    rows = {p.language: p for p in CountryProfile.objects.filter(country=country.upper())}
    return rows.get(language) or rows.get("en") or next(iter(sorted(rows.items())), (None, None))[1]


def profiles_of(country: str) -> list[CountryProfile]:
    return list(CountryProfile.objects.filter(country=country.upper()).order_by("language"))


def profile_countries() -> set[str]:
    return set(CountryProfile.objects.values_list("country", flat=True).distinct())
