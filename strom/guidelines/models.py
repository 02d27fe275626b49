"""Guidelines for municipalities: versioned documents with sections and language versions, and the
country profiles' legal framework summaries.

A guideline is kept in versions. A draft is written, published, and from then on frozen: a change is a
new draft that starts as a copy of the last published version. Each version has ordered sections; a
section keeps its `key` from version to version, so versions can be compared section by section. The
guideline is written in its original language; every other language (`GuidelineLanguage`) is a
translation. A translated text remembers the digest of the original text it was translated from: when
the original changes, the translation is marked as needing an update.

Nothing here is personal data. No author is stored: who wrote or published what is in the audit log,
where a staff member's account already is.
"""

from __future__ import annotations

import hashlib
import uuid
from typing import TYPE_CHECKING

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from strom.core.languages import REGION_LANGUAGES
from strom.core.vocabulary import Sector, Theme
from strom.directory.models import Organisation
from strom.pathways.models import PathwayStage, PathwayStep

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
    from django_stubs_ext import StrOrPromise

    from strom.accounts.models import User

# The languages of the region (strom/core/languages.py): a guideline may be kept in any of them, also
# one whose interface catalogue is not complete yet.
LANGUAGES: dict[str, StrOrPromise] = dict(REGION_LANGUAGES)


def language_choices() -> list[tuple[str, str]]:
    return [(code, str(name)) for code, name in LANGUAGES.items()]


def language_name(code: str) -> str:
    name = LANGUAGES.get(code)
    return str(name) if name is not None else code


def text_digest(*parts: str) -> str:
    """What a translation remembers of the original it was made from."""
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


class VersionStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("guideline version status", "Draft")
    PUBLISHED = "published", pgettext_lazy("guideline version status", "Published")


class GuidelineQuerySet(models.QuerySet["Guideline"]):
    def visible_to(self, user: User | AnonymousUser) -> GuidelineQuerySet:
        from strom.guidelines.access import guidelines_visible_to

        return guidelines_visible_to(user, self)

    def published(self) -> GuidelineQuerySet:
        return self.filter(published_version__isnull=False)


class Guideline(models.Model):
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="guidelines"
    )
    # ISO 3166-1 alpha-2, or "" for the whole region.
    country = models.CharField(_("country"), max_length=2, blank=True)
    original_language = models.CharField(_("original language"), max_length=3, default="en")
    audience = models.CharField(_("target audience"), max_length=300, blank=True)
    themes = ArrayField(models.CharField(max_length=30, choices=Theme.choices), default=list, blank=True)
    sectors = ArrayField(models.CharField(max_length=20, choices=Sector.choices), default=list, blank=True)
    # The stages of the chain of assistance the guideline explains, and the steps of municipalities'
    # pathways it explains. The stages stay when a pathway is saved again (its steps are then new rows).
    stages = ArrayField(
        models.CharField(max_length=32, choices=PathwayStage.choices), default=list, blank=True
    )
    steps = models.ManyToManyField(
        PathwayStep, verbose_name=_("pathway steps"), blank=True, related_name="guidelines"
    )
    # The version readers see; None while nothing is published.
    published_version = models.ForeignKey(
        "GuidelineVersion", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = GuidelineQuerySet.as_manager()

    class Meta:
        ordering = ["slug"]
        verbose_name = _("guideline")
        verbose_name_plural = _("guidelines")

    def __str__(self) -> str:
        return self.slug

    @property
    def is_published(self) -> bool:
        return self.published_version_id is not None


class GuidelineLanguage(models.Model):
    """A language the guideline is kept in: its original language or a translation. The hub search holds
    one document per row: the published version's text in this language."""

    guideline = models.ForeignKey(Guideline, on_delete=models.CASCADE, related_name="languages")
    language = models.CharField(_("language"), max_length=3)
    created_at = models.DateTimeField(auto_now_add=True)
    # Touched when a version is published, so the search re-reads the document.
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["guideline", "language"]
        constraints = [
            models.UniqueConstraint(fields=["guideline", "language"], name="guidelines_language_once"),
        ]

    def __str__(self) -> str:
        return f"{self.guideline_id}:{self.language}"


class GuidelineVersion(models.Model):
    guideline = models.ForeignKey(Guideline, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(
        _("status"), max_length=12, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    based_on = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    note = models.TextField(_("what changed"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    class Meta:
        ordering = ["guideline", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["guideline", "number"], name="guidelines_version_number_once"),
            models.UniqueConstraint(
                fields=["guideline"], condition=models.Q(status="draft"), name="guidelines_one_draft"
            ),
        ]
        verbose_name = _("guideline version")
        verbose_name_plural = _("guideline versions")

    def __str__(self) -> str:
        return f"{self.guideline_id} v{self.number}"

    @property
    def is_draft(self) -> bool:
        return self.status == VersionStatus.DRAFT


class VersionText(models.Model):
    """A version's title and summary in one language."""

    version = models.ForeignKey(GuidelineVersion, on_delete=models.CASCADE, related_name="texts")
    language = models.CharField(_("language"), max_length=3)
    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(_("summary"), blank=True)
    # For a translation: the digest of the original title and summary it was made from.
    source_digest = models.CharField(max_length=64, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["version", "language"]
        constraints = [
            models.UniqueConstraint(fields=["version", "language"], name="guidelines_version_text_once"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def digest(self) -> str:
        return text_digest(self.title, self.summary)


class Section(models.Model):
    version = models.ForeignKey(GuidelineVersion, on_delete=models.CASCADE, related_name="sections")
    # The same section in every version of the guideline: versions are compared by it.
    key = models.UUIDField(default=uuid.uuid4, editable=False)
    position = models.PositiveIntegerField(_("position"))

    class Meta:
        ordering = ["version", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="guidelines_section_key_once"),
        ]

    def __str__(self) -> str:
        return f"{self.version_id}:{self.position}"


class SectionText(models.Model):
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="texts")
    language = models.CharField(_("language"), max_length=3)
    heading = models.CharField(_("heading"), max_length=300)
    body = models.TextField(_("text"), blank=True)
    # For a translation: the digest of the original heading and text it was made from.
    source_digest = models.CharField(max_length=64, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["section", "language"]
        constraints = [
            models.UniqueConstraint(fields=["section", "language"], name="guidelines_section_text_once"),
        ]

    def __str__(self) -> str:
        return self.heading

    @property
    def digest(self) -> str:
        return text_digest(self.heading, self.body)


class CountryProfile(models.Model):
    """A country's legal framework summary in one language, shown on the hub's country profile page.
    One row per country and language; kept by the country's national coordinators."""

    country = models.CharField(_("country"), max_length=2)
    language = models.CharField(_("language"), max_length=3)
    legal_framework = models.TextField(_("legal framework"))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["country", "language"]
        constraints = [
            models.UniqueConstraint(fields=["country", "language"], name="guidelines_profile_once"),
        ]
        verbose_name = _("country profile")
        verbose_name_plural = _("country profiles")

    def __str__(self) -> str:
        return f"{self.country}:{self.language}"
