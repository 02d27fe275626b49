"""Practices library: proven practices, their evidence rating, review and versions.

A `Practice` is the working copy its organisation's editors write. A reviewer from another
organisation rates its evidence (`EvidenceRating`, on the published scale in `scale.py`) and publishes
it: each publication freezes a numbered `PracticeVersion`, and readers always read the current
version, so a practice being revised stays in the library as it was last published.

Contacts (`PracticeContact`) are personal data of professionals: encrypted, read through
`visible_to(user)`, shown to logged-in members only, never frozen into a version nor indexed for search.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

from parler.managers import TranslatableQuerySet  # type: ignore[import-untyped]  # no type information
from parler.models import (  # type: ignore[import-untyped]  # django-parler has no type information
    TranslatableModel,
    TranslatedField,
    TranslatedFields,
)

from strom.cases.choices import Exploitation, Stage
from strom.core.countries import countries
from strom.core.retention import OutsideCases
from strom.core.vocabulary import Sector, Theme
from strom.crypto.fields import EncryptedTextField
from strom.directory.models import Municipality, Organisation
from strom.pathways.models import PathwayStep

if TYPE_CHECKING:
    from strom.accounts.models import User


if TYPE_CHECKING:
    # django-parler has no type information: mypy sees the model and queryset bases as Django's own,
    # with the few parler methods STROM calls.
    class _TranslatableQuerySet(models.QuerySet["Practice"]):
        pass

    class _TranslatableModel(models.Model):
        translations: Any
        title: str
        summary: str
        problem: str
        what_was_done: str
        results: str

        class Meta:
            abstract = True

        def set_current_language(self, language_code: str, initialize: bool = False) -> None: ...
        def get_available_languages(self) -> Any: ...
        def safe_translation_getter(self, field: str, *, any_language: bool = False) -> Any: ...

else:
    _TranslatableQuerySet = TranslatableQuerySet
    _TranslatableModel = TranslatableModel


class PracticeState(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("practice state", "Draft")
    SUBMITTED = "submitted", _("Submitted for review")
    IN_REVIEW = "in_review", _("In review")
    RETURNED = "returned", _("Returned to the editors")
    PUBLISHED = "published", pgettext_lazy("practice state", "Published")
    WITHDRAWN = "withdrawn", pgettext_lazy("practice state", "Withdrawn")


# The states in which the organisation's editors may change the working copy.
EDITABLE_STATES = frozenset({PracticeState.DRAFT, PracticeState.RETURNED})


class Visibility(models.TextChoices):
    MEMBERS = "members", _("Members only")
    PUBLIC = "public", _("Public (where this instance opens its hub)")


class TargetGroup(models.TextChoices):
    """Whom a practice is for: the groups the region's practices name most often."""

    ADULTS = "adults", _("Adult victims")
    CHILDREN = "children", _("Children")
    WOMEN = "women", _("Women")
    MEN = "men", _("Men")
    MIGRANT_WORKERS = "migrant_workers", _("Migrant workers")
    THIRD_COUNTRY = "third_country_nationals", _("Third-country nationals")
    EU_CITIZENS = "eu_citizens", _("EU citizens in another member state")
    DISABILITIES = "disabilities", _("Persons with disabilities")
    PROFESSIONALS = "professionals", _("Professionals")
    PUBLIC = "public", _("The general public")
    EMPLOYERS = "employers", _("Employers and businesses")


class EvidenceLevel(models.TextChoices):
    """Derived from the four scores by the rule in `scale.py`; never chosen by hand."""

    PROVEN = "proven", _("Proven")
    PROMISING = "promising", _("Promising")
    EMERGING = "emerging", _("Emerging")
    INSUFFICIENT = "insufficient", _("Not enough evidence to publish")


def _codes(verbose_name: StrOrPromise, max_length: int = 40) -> ArrayField:  # type: ignore[type-arg]  # untyped
    return ArrayField(
        models.CharField(max_length=max_length), verbose_name=verbose_name, default=list, blank=True
    )


class PracticeQuerySet(_TranslatableQuerySet):
    def visible_to(self, user: object) -> PracticeQuerySet:
        from strom.practices.access import practices_visible_to

        return practices_visible_to(user, self)


# What editors write in words: kept per language (django-parler's translation table, one row per
# language: docs/decisions/0004-content-languages.md).
TEXT_FIELDS = ("title", "summary", "problem", "what_was_done", "results")


class Practice(_TranslatableModel):
    translations = TranslatedFields(
        title=models.CharField(_("title"), max_length=300),
        summary=models.TextField(_("summary")),
        problem=models.TextField(_("problem addressed"), blank=True),
        what_was_done=models.TextField(_("what was done"), blank=True),
        results=models.TextField(_("results and evidence"), blank=True),
    )
    # A reader of a language the practice is not written in reads it in any language it has (the page
    # says which), rather than an error.
    title = TranslatedField(any_language=True)
    summary = TranslatedField(any_language=True)
    problem = TranslatedField(any_language=True)
    what_was_done = TranslatedField(any_language=True)
    results = TranslatedField(any_language=True)
    # The language the editors wrote it in first; every other language is a translation of it.
    original_language = models.CharField(_("original language"), max_length=3, default="en")
    country = models.CharField(_("country"), max_length=2)
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="practices",
    )
    region = models.CharField(_("region"), max_length=200, blank=True)
    # The organisation whose editors keep the record; `organisations` are those that took part.
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("kept by"), on_delete=models.PROTECT, related_name="practices"
    )
    organisations = models.ManyToManyField(
        Organisation, verbose_name=_("organisations involved"), blank=True, related_name="practices_involved"
    )
    target_groups = _codes(_("target groups"))
    forms = _codes(_("forms of exploitation"))
    stages = _codes(_("stages of the chain of assistance"))
    sectors = _codes(_("sectors"))
    themes = _codes(_("themes"))
    pathway_steps = models.ManyToManyField(
        PathwayStep, verbose_name=_("referral pathway steps"), blank=True, related_name="practices"
    )
    start_year = models.PositiveSmallIntegerField(_("from (year)"), null=True, blank=True)
    end_year = models.PositiveSmallIntegerField(_("until (year)"), null=True, blank=True)
    cost_eur = models.DecimalField(_("cost (EUR)"), max_digits=12, decimal_places=2, null=True, blank=True)
    cost_note = models.CharField(_("about the cost"), max_length=300, blank=True)
    languages = _codes(_("languages of the record"), max_length=3)
    visibility = models.CharField(
        _("who may read it"), max_length=10, choices=Visibility.choices, default=Visibility.MEMBERS
    )
    state = models.CharField(
        _("state"), max_length=12, choices=PracticeState.choices, default=PracticeState.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    # A TranslatableQuerySet: parler's queries (translated(), the language's rows) work on it.
    objects = PracticeQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_year__isnull=True)
                | models.Q(start_year__isnull=True)
                | models.Q(end_year__gte=models.F("start_year")),
                name="practices_practice_years_in_order",
            ),
        ]
        verbose_name = _("practice")
        verbose_name_plural = _("practices")

    def __str__(self) -> str:
        return str(self.safe_translation_getter("title", any_language=True) or self.pk)

    @property
    def text_languages(self) -> list[str]:
        """The languages the practice is written in, its original language first."""
        codes = sorted(self.get_available_languages())  # a values list: sorted() makes it a list
        return sorted(codes, key=lambda code: code != self.original_language)

    @property
    def is_editable(self) -> bool:
        return self.state in EDITABLE_STATES


class EvidenceRating(models.Model):
    """A reviewer's scores, 0 to 3 on each criterion of the scale, each with its written justification.
    Scores may be saved one by one while the review goes on; publishing needs all four."""

    practice = models.OneToOneField(Practice, on_delete=models.CASCADE, related_name="rating")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    relevance = models.PositiveSmallIntegerField(_("relevance"), null=True, blank=True)
    relevance_note = models.TextField(_("why this score for relevance"), blank=True)
    evidence = models.PositiveSmallIntegerField(_("evidence base"), null=True, blank=True)
    evidence_note = models.TextField(_("why this score for the evidence base"), blank=True)
    transferability = models.PositiveSmallIntegerField(_("transferability"), null=True, blank=True)
    transferability_note = models.TextField(_("why this score for transferability"), blank=True)
    sustainability = models.PositiveSmallIntegerField(_("sustainability"), null=True, blank=True)
    sustainability_note = models.TextField(_("why this score for sustainability"), blank=True)
    level = models.CharField(_("evidence level"), max_length=12, choices=EvidenceLevel.choices, blank=True)
    rated_at = models.DateTimeField(_("rated"), auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(relevance__lte=3, evidence__lte=3, transferability__lte=3)
                & models.Q(sustainability__lte=3),
                name="practices_rating_scores_at_most_3",
            ),
        ]
        verbose_name = _("evidence rating")
        verbose_name_plural = _("evidence ratings")

    def __str__(self) -> str:
        return f"{self.practice_id}:{self.level or '-'}"


class ReviewComment(models.Model):
    """What a reviewer (or an editor answering) wrote on the way to publication. Never shown to readers."""

    class Kind(models.TextChoices):
        COMMENT = "comment", _("Comment")
        RETURNED = "returned", _("Returned")
        PUBLISHED = "published", pgettext_lazy("review comment", "Published")

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.COMMENT)
    body = models.TextField(_("comment"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.practice_id}:{self.kind}"


class PracticeVersionQuerySet(models.QuerySet["PracticeVersion"]):
    def visible_to(self, user: object) -> PracticeVersionQuerySet:
        from strom.practices.access import versions_visible_to

        return versions_visible_to(user, self)


class PracticeVersion(models.Model):
    """A publication, frozen: what readers read. The facets are columns so the library filters on them;
    `data` holds the rest (strom.practices.snapshot); `changed` names the fields changed since the
    version before."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    is_current = models.BooleanField(default=False)
    title = models.CharField(_("title"), max_length=300)
    country = models.CharField(_("country"), max_length=2)
    public = models.BooleanField(_("public"), default=False)
    level = models.CharField(_("evidence level"), max_length=12, choices=EvidenceLevel.choices)
    stages = _codes(_("stages of the chain of assistance"))
    forms = _codes(_("forms of exploitation"))
    sectors = _codes(_("sectors"))
    themes = _codes(_("themes"))
    data = models.JSONField(default=dict)
    changed = models.JSONField(default=list)
    published_at = models.DateTimeField(_("published"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = PracticeVersionQuerySet.as_manager()

    class Meta:
        ordering = ["practice", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["practice", "number"], name="practices_version_unique_number"),
            models.UniqueConstraint(
                fields=["practice"], condition=models.Q(is_current=True), name="practices_one_current_version"
            ),
        ]
        verbose_name = _("practice version")
        verbose_name_plural = _("practice versions")

    def __str__(self) -> str:
        return f"{self.practice_id} v{self.number}"

    @property
    def country_name(self) -> str:
        return countries().get(self.country, self.country)


class PracticeContactQuerySet(models.QuerySet["PracticeContact"]):
    def visible_to(self, user: User | object) -> PracticeContactQuerySet:
        from strom.practices.access import contacts_visible_to

        return contacts_visible_to(user, self)


class PracticeContact(models.Model):
    """A professional to ask about the practice, named in their work role."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="contacts")
    name = EncryptedTextField(_("name"))
    function = models.CharField(_("function"), max_length=300, blank=True)
    email = EncryptedTextField(_("e-mail"), blank=True)
    phone = EncryptedTextField(_("phone"), blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    objects = PracticeContactQuerySet.as_manager()
    retention = OutsideCases(
        "a practice's contact persons are professionals in their work role; they go when the editors "
        "remove them or the practice is deleted"
    )

    class Meta:
        ordering = ["practice", "position", "pk"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")

    def __str__(self) -> str:
        return f"{self.practice_id}:{self.pk}"


class PracticeLink(models.Model):
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="links")
    title = models.CharField(_("title"), max_length=300)
    url = models.URLField(_("link"), max_length=500)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["practice", "position", "pk"]

    def __str__(self) -> str:
        return self.title


class PracticeAttachment(models.Model):
    """A file kept with the practice: its type is taken from its content (strom.casefile.filetypes),
    and it is only sent through the download view, which asks who may read the practice."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="attachments")
    title = models.CharField(_("title"), max_length=300)
    file = models.FileField(upload_to="practices/%Y/")
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["practice", "uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.title


__all__ = [
    "EvidenceLevel",
    "EvidenceRating",
    "Exploitation",
    "Practice",
    "PracticeAttachment",
    "PracticeContact",
    "PracticeLink",
    "PracticeState",
    "PracticeVersion",
    "ReviewComment",
    "Sector",
    "Stage",
    "TargetGroup",
    "Theme",
    "Visibility",
]
