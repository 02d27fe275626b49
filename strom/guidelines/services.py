"""Writes for guidelines and country profiles. Each checks who may, validates first, runs in one
transaction and writes its audit entry; nothing is half-saved.

A published version is frozen: every write to a version's texts or sections refuses anything but the
draft. A new draft starts as a copy of the last published version, section keys and translations
included, so the translations' "needs update" markers carry over.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from strom.audit.services import audit_record
from strom.core.countries import is_country
from strom.core.vocabulary import Sector, Theme
from strom.guidelines.access import (
    check_may_create_for,
    check_may_edit,
    check_may_edit_profile,
    may_edit_scope,
)
from strom.guidelines.models import (
    LANGUAGES,
    CountryProfile,
    Guideline,
    GuidelineLanguage,
    GuidelineVersion,
    Section,
    SectionText,
    VersionStatus,
    VersionText,
)
from strom.pathways.models import PathwayStage, PathwayStep

if TYPE_CHECKING:
    from strom.accounts.models import User
    from strom.audit.actors import SystemActor
    from strom.directory.models import Organisation

    Actor = User | SystemActor


def _audit(by: Actor, action: str, guideline: Guideline, **details: object) -> None:
    audit_record(
        actor=by,
        action=f"guideline.{action}",
        object_type="guideline",
        object_ref=guideline.pk,
        organisation_id=guideline.organisation_id,
        details=dict(details),
    )


def _clean_scope(
    *, country: str, themes: list[str], sectors: list[str], stages: list[str], steps: list[PathwayStep]
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if country and not is_country(country):
        errors["country"] = [_("“%(code)s” is not an ISO 3166 country code.") % {"code": country}]
    if set(themes) - set(Theme.values):
        errors["themes"] = [_("Choose themes from the list.")]
    if set(sectors) - set(Sector.values):
        errors["sectors"] = [_("Choose sectors from the list.")]
    if set(stages) - set(PathwayStage.values):
        errors["stages"] = [_("Choose stages of the chain of assistance from the list.")]
    if country and any(step.pathway.municipality.country != country for step in steps):
        errors["steps"] = [_("The pathway steps must be in the guideline's country.")]
    return errors


def _check_language(language: str, field: str = "language") -> None:
    if language not in LANGUAGES:
        raise ValidationError({field: [_("Choose a language from the list.")]})


def _clean_title(title: str) -> str:
    title = " ".join(title.split())
    if not title:
        raise ValidationError({"title": [_("Enter a title.")]})
    if len(title) > 300:
        raise ValidationError({"title": [_("A title has at most 300 characters.")]})
    return title


_STAGE_ORDER: dict[str, int] = {stage: n for n, stage in enumerate(PathwayStage.values)}

# Words the pages and the API use after /guidelines/ themselves.
RESERVED_SLUGS = frozenset({"new", "profiles"})


def _unique_slug(title: str) -> str:
    base = slugify(title)[:70] or "guideline"
    if base in RESERVED_SLUGS:
        base = f"{base}-guideline"
    slug, n = base, 1
    while Guideline.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


@transaction.atomic
def guideline_create(
    *,
    by: Actor,
    organisation: Organisation,
    title: str,
    original_language: str,
    country: str = "",
    summary: str = "",
    audience: str = "",
    themes: list[str] | None = None,
    sectors: list[str] | None = None,
    stages: list[str] | None = None,
    steps: list[PathwayStep] | None = None,
) -> Guideline:
    """A new guideline with its first draft version, in its original language."""
    country = country.strip().upper()
    if not may_edit_scope(by, organisation_id=organisation.pk, country=country):
        check_may_create_for(by, organisation)
    title = _clean_title(title)
    _check_language(original_language, "original_language")
    themes, sectors, stages, steps = list(themes or []), list(sectors or []), list(stages or []), steps or []
    errors = _clean_scope(country=country, themes=themes, sectors=sectors, stages=stages, steps=steps)
    if errors:
        raise ValidationError(errors)
    guideline = Guideline(
        slug=_unique_slug(title),
        organisation=organisation,
        country=country,
        original_language=original_language,
        audience=audience.strip()[:300],
        themes=sorted(set(themes)),
        sectors=sorted(set(sectors)),
        stages=sorted(set(stages), key=lambda stage: _STAGE_ORDER[str(stage)]),
    )
    guideline.save(force_insert=True)
    guideline.steps.set(steps)
    GuidelineLanguage.objects.create(guideline=guideline, language=original_language)
    version = GuidelineVersion.objects.create(guideline=guideline, number=1)
    VersionText.objects.create(
        version=version, language=original_language, title=title, summary=summary.strip()
    )
    _audit(by, "create", guideline, language=original_language, country=country)
    return guideline


@transaction.atomic
def guideline_update(
    *,
    by: Actor,
    guideline: Guideline,
    country: str,
    audience: str,
    themes: list[str],
    sectors: list[str],
    stages: list[str],
    steps: list[PathwayStep],
) -> Guideline:
    """The guideline's scope and audience (not versioned: they say where it applies, not what it says)."""
    check_may_edit(by, guideline)
    locked = Guideline.objects.select_for_update().get(pk=guideline.pk)
    country = country.strip().upper()
    errors = _clean_scope(country=country, themes=themes, sectors=sectors, stages=stages, steps=steps)
    if not errors and not may_edit_scope(by, organisation_id=locked.organisation_id, country=country):
        errors["country"] = [_("Only the owning organisation may give the guideline another scope.")]
    if errors:
        raise ValidationError(errors)
    locked.country = country
    locked.audience = audience.strip()[:300]
    locked.themes = sorted(set(themes))
    locked.sectors = sorted(set(sectors))
    locked.stages = sorted(set(stages), key=lambda stage: _STAGE_ORDER[str(stage)])
    locked.save(update_fields=["country", "audience", "themes", "sectors", "stages", "updated_at"])
    locked.steps.set(steps)
    _touch_languages(locked)
    _audit(by, "update", locked, fields=["country", "audience", "themes", "sectors", "stages", "steps"])
    return locked


@transaction.atomic
def language_add(*, by: Actor, guideline: Guideline, language: str) -> GuidelineLanguage:
    """Keep the guideline in one more language; its texts are then written in the draft."""
    check_may_edit(by, guideline)
    _check_language(language)
    if GuidelineLanguage.objects.filter(guideline=guideline, language=language).exists():
        raise ValidationError({"language": [_("The guideline is already kept in this language.")]})
    row = GuidelineLanguage.objects.create(guideline=guideline, language=language)
    _audit(by, "language_add", guideline, language=language)
    return row


def _touch_languages(guideline: Guideline) -> None:
    """The search holds one document per language, made from the published version and the scope:
    saving each row lets it read them again."""
    for row in GuidelineLanguage.objects.filter(guideline=guideline):
        row.save(update_fields=["updated_at"])


def _locked_draft(by: Actor, version: GuidelineVersion) -> GuidelineVersion:
    check_may_edit(by, version.guideline)
    locked = GuidelineVersion.objects.select_for_update().select_related("guideline").get(pk=version.pk)
    if locked.status != VersionStatus.DRAFT:
        raise ValidationError(_("A published version cannot be changed; start a new draft."))
    return locked


def _check_kept_language(guideline: Guideline, language: str) -> None:
    _check_language(language)
    if not GuidelineLanguage.objects.filter(guideline=guideline, language=language).exists():
        raise ValidationError({"language": [_("Add the language to the guideline first.")]})


def _original_digest(version: GuidelineVersion, language: str) -> str:
    """For a translation: the digest of the original title and summary now; "" for the original."""
    original = version.guideline.original_language
    if language == original:
        return ""
    source = VersionText.objects.filter(version=version, language=original).first()
    return source.digest if source else ""


@transaction.atomic
def version_text_save(
    *, by: Actor, version: GuidelineVersion, language: str, title: str, summary: str = ""
) -> VersionText:
    """The draft's title and summary in one language."""
    version = _locked_draft(by, version)
    _check_kept_language(version.guideline, language)
    title = _clean_title(title)
    text, _created = VersionText.objects.select_for_update().get_or_create(
        version=version, language=language, defaults={"title": title}
    )
    text.title, text.summary = title, summary.strip()
    text.source_digest = _original_digest(version, language)
    text.save(update_fields=["title", "summary", "source_digest", "updated_at"])
    _audit(by, "text_save", version.guideline, version=version.number, language=language)
    return text


@transaction.atomic
def section_add(
    *, by: Actor, version: GuidelineVersion, heading: str, body: str = "", position: int | None = None
) -> Section:
    """A new section of the draft, in the original language, at `position` (1 = first) or last."""
    version = _locked_draft(by, version)
    heading = " ".join(heading.split())
    if not heading:
        raise ValidationError({"heading": [_("Enter a heading.")]})
    if len(heading) > 300:
        raise ValidationError({"heading": [_("A heading has at most 300 characters.")]})
    sections = list(version.sections.order_by("position", "pk"))
    at = len(sections) if position is None else max(0, min(position - 1, len(sections)))
    section = Section(version=version, position=at + 1)
    sections.insert(at, section)
    section.save(force_insert=True)
    _renumber(sections)
    SectionText.objects.create(
        section=section, language=version.guideline.original_language, heading=heading, body=body.strip()
    )
    _audit(by, "section_add", version.guideline, version=version.number, section=str(section.key))
    return section


def _renumber(sections: list[Section]) -> None:
    for number, section in enumerate(sections, start=1):
        if section.position != number:
            section.position = number
            section.save(update_fields=["position"])


@transaction.atomic
def section_text_save(*, by: Actor, section: Section, language: str, heading: str, body: str) -> SectionText:
    """A section's heading and text in one language: the original, or a translation, which then
    remembers the original it was made from."""
    version = _locked_draft(by, section.version)
    _check_kept_language(version.guideline, language)
    heading = " ".join(heading.split())
    if not heading:
        raise ValidationError({"heading": [_("Enter a heading.")]})
    if len(heading) > 300:
        raise ValidationError({"heading": [_("A heading has at most 300 characters.")]})
    original = version.guideline.original_language
    digest = ""
    if language != original:
        source = SectionText.objects.filter(section=section, language=original).first()
        if source is None:
            raise ValidationError(_("Write the section in the original language first."))
        digest = source.digest
    text = SectionText.objects.select_for_update().filter(section=section, language=language).first()
    if text is None:
        text = SectionText(section=section, language=language)
    text.heading, text.body, text.source_digest = heading, body.strip(), digest
    if text.pk is None:
        text.save(force_insert=True)
    else:
        text.save(update_fields=["heading", "body", "source_digest", "updated_at"])
    _audit(
        by,
        "section_save",
        version.guideline,
        version=version.number,
        language=language,
        section=str(section.key),
    )
    return text


@transaction.atomic
def section_move(*, by: Actor, section: Section, up: bool) -> Section:
    version = _locked_draft(by, section.version)
    sections = list(version.sections.order_by("position", "pk"))
    at = next(i for i, s in enumerate(sections) if s.pk == section.pk)
    to = at - 1 if up else at + 1
    if 0 <= to < len(sections):
        sections[at], sections[to] = sections[to], sections[at]
        _renumber(sections)
        _audit(by, "section_move", version.guideline, version=version.number, section=str(section.key))
    return next(s for s in sections if s.pk == section.pk)


@transaction.atomic
def section_delete(*, by: Actor, section: Section) -> None:
    version = _locked_draft(by, section.version)
    key = str(section.key)
    Section.objects.filter(pk=section.pk).delete()
    _renumber(list(version.sections.order_by("position", "pk")))
    _audit(by, "section_delete", version.guideline, version=version.number, section=key)


@transaction.atomic
def draft_start(*, by: Actor, guideline: Guideline, note: str = "") -> GuidelineVersion:
    """A new draft version: a copy of the last published version, which stays as it is."""
    check_may_edit(by, guideline)
    locked = Guideline.objects.select_for_update().get(pk=guideline.pk)
    if locked.versions.filter(status=VersionStatus.DRAFT).exists():
        raise ValidationError(_("The guideline has a draft already: edit that one."))
    base = locked.published_version
    if base is None:
        raise ValidationError(_("Publish the first version before starting another."))
    number = (locked.versions.aggregate(top=Max("number"))["top"] or 0) + 1
    draft = GuidelineVersion.objects.create(guideline=locked, number=number, based_on=base, note=note.strip())
    VersionText.objects.bulk_create(
        VersionText(
            version=draft,
            language=t.language,
            title=t.title,
            summary=t.summary,
            source_digest=t.source_digest,
        )
        for t in base.texts.all()
    )
    for old in base.sections.prefetch_related("texts").order_by("position"):
        new = Section.objects.create(version=draft, key=old.key, position=old.position)
        SectionText.objects.bulk_create(
            SectionText(
                section=new,
                language=t.language,
                heading=t.heading,
                body=t.body,
                source_digest=t.source_digest,
            )
            for t in old.texts.all()
        )
    _audit(by, "draft_start", locked, version=number, based_on=base.number)
    draft.guideline = locked
    return draft


def _publish_problems(version: GuidelineVersion) -> list[str]:
    original = version.guideline.original_language
    problems = []
    if not version.texts.filter(language=original).exists():
        problems.append(_("Give the version a title in the original language."))
    sections = list(version.sections.prefetch_related("texts"))
    if not sections:
        problems.append(_("A guideline needs at least one section."))
    if any(original not in {t.language for t in s.texts.all()} for s in sections):
        problems.append(_("Every section needs its text in the original language."))
    return problems


@transaction.atomic
def version_publish(*, by: Actor, version: GuidelineVersion, note: str = "") -> GuidelineVersion:
    """The draft becomes the published version readers see; from now on it is frozen."""
    version = _locked_draft(by, version)
    problems = _publish_problems(version)
    if problems:
        raise ValidationError(problems)
    version.status = VersionStatus.PUBLISHED
    version.published_at = timezone.now()
    if note.strip():
        version.note = note.strip()
    version.save(update_fields=["status", "published_at", "note"])
    guideline = Guideline.objects.select_for_update().get(pk=version.guideline_id)
    guideline.published_version = version
    guideline.save(update_fields=["published_version", "updated_at"])
    _touch_languages(guideline)
    _audit(by, "publish", guideline, version=version.number)
    version.guideline = guideline
    return version


@transaction.atomic
def country_profile_save(*, by: Actor, country: str, language: str, legal_framework: str) -> CountryProfile:
    """A country's legal framework summary in one language; an empty text removes that language."""
    country = country.strip().upper()
    if not is_country(country):
        raise ValidationError(
            {"country": [_("“%(code)s” is not an ISO 3166 country code.") % {"code": country}]}
        )
    check_may_edit_profile(by, country)
    _check_language(language)
    text = legal_framework.strip()
    if len(text) > 20_000:
        raise ValidationError({"legal_framework": [_("A summary has at most 20,000 characters.")]})
    profile = CountryProfile.objects.select_for_update().filter(country=country, language=language).first()
    if profile is None:
        if not text:
            raise ValidationError({"legal_framework": [_("Write the summary.")]})
        profile = CountryProfile(country=country, language=language, legal_framework=text)
        profile.save(force_insert=True)
    elif text:
        profile.legal_framework = text
        profile.save(update_fields=["legal_framework", "updated_at"])
    else:
        CountryProfile.objects.filter(pk=profile.pk).delete()
    audit_record(
        actor=by,
        action="country_profile.save",
        object_type="country_profile",
        object_ref=f"{country}:{language}",
        details={"removed": not text},
    )
    return profile


@transaction.atomic
def translation_save(
    *,
    by: Actor,
    version: GuidelineVersion,
    language: str,
    title: str,
    summary: str,
    sections: dict[str, tuple[str, str]],
    confirmed: frozenset[str] = frozenset(),
) -> int:
    """The side-by-side editor's save: the draft's title, summary and sections in one translated
    language, all or nothing. `sections` maps a section key to its heading and text; an empty heading
    leaves the section untranslated. A text is stored (and counts as up to date with the original) when
    it changed, or when its key is in `confirmed`: the translator checked it still says the same.
    Returns how many texts were stored."""
    version = _locked_draft(by, version)
    if language == version.guideline.original_language:
        raise ValidationError({"language": [_("This is the original language: edit the sections instead.")]})
    _check_kept_language(version.guideline, language)
    original = version.guideline.original_language
    stored = 0
    errors: dict[str, list[str]] = {}
    existing_title = VersionText.objects.filter(version=version, language=language).first()
    if title.strip() and (
        existing_title is None
        or (existing_title.title, existing_title.summary) != (" ".join(title.split()), summary.strip())
        or "title" in confirmed
    ):
        version_text_save(by=by, version=version, language=language, title=title, summary=summary)
        stored += 1
    by_key = {str(s.key): s for s in version.sections.prefetch_related("texts")}
    for key, (heading, body) in sections.items():
        section = by_key.get(key)
        if section is None:
            errors.setdefault("sections", []).append(_("A section was removed meanwhile; reload the page."))
            continue
        texts = {t.language: t for t in section.texts.all()}
        current = texts.get(language)
        if not heading.strip():
            if body.strip():
                errors.setdefault(key, []).append(_("Give the translated section a heading."))
            continue
        changed = current is None or (current.heading, current.body) != (
            " ".join(heading.split()),
            body.strip(),
        )
        if (changed or key in confirmed) and original in texts:
            section.version = version
            section_text_save(by=by, section=section, language=language, heading=heading, body=body)
            stored += 1
    if errors:
        raise ValidationError(errors)
    return stored
