"""The referral pathway of a municipality: who leads each stage of the chain of assistance, how to reach
them, what to do and within which time. Institutional contacts only: this is a public-facing guideline."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from parler.managers import TranslatableQuerySet  # type: ignore[import-untyped]  # no type information
from parler.models import (  # type: ignore[import-untyped]  # django-parler has no type information
    TranslatableModel,
    TranslatedField,
    TranslatedFields,
)

from strom.directory.models import Municipality, Organisation

if TYPE_CHECKING:
    # django-parler has no type information: mypy sees the model and queryset bases as Django's own,
    # with the few parler methods STROM calls.
    class _TranslatableQuerySet(models.QuerySet["PathwayStep"]):
        pass

    class _TranslatableModel(models.Model):
        translations: Any
        contact_role: str
        what_to_do: str
        legal_basis: str

        class Meta:
            abstract = True

        def set_current_language(self, language_code: str, initialize: bool = False) -> None: ...
        def get_available_languages(self) -> Any: ...
        def has_translation(self, language_code: str | None = None) -> bool: ...
        def get_current_language(self) -> str: ...
        def save_translations(self) -> None: ...
        def delete_translation(self, language_code: str) -> int: ...

else:
    _TranslatableQuerySet = TranslatableQuerySet
    _TranslatableModel = TranslatableModel


class PathwayStage(models.TextChoices):
    """The chain of assistance (DOMAIN.md) as a municipality meets it, in order."""

    DETECTION = "detection", _("Detection and screening")
    REASONABLE_GROUNDS = "reasonable_grounds", _("Reasonable grounds decision")
    REFLECTION = "reflection", _("Reflection and recovery period")
    FORMAL_IDENTIFICATION = "formal_identification", _("Formal identification")
    ASSISTANCE = "assistance", _("Assistance and support plan")
    RESIDENCE_PERMIT = "residence_permit", _("Residence permit")
    PROCEEDINGS = "proceedings", _("Criminal proceedings")
    RETURN_REINTEGRATION = "return_reintegration", _("Return, reintegration or local integration")
    CLOSURE = "closure", _("Closure and follow-up")


STAGE_ORDER: dict[str, int] = {stage.value: index for index, stage in enumerate(PathwayStage)}


class Pathway(models.Model):
    municipality = models.OneToOneField(
        Municipality, verbose_name=_("municipality"), on_delete=models.PROTECT, related_name="pathway"
    )
    # Optimistic locking: a save must name the version it read (a translation is a save too).
    version = models.PositiveIntegerField(default=1)
    # The language its steps' texts were written in first; every other language is a translation.
    original_language = models.CharField(_("original language"), max_length=3, default="en")
    last_reviewed_at = models.DateTimeField(_("last reviewed"))
    last_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("last reviewed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["municipality__country", "municipality__name"]
        verbose_name = _("referral pathway")
        verbose_name_plural = _("referral pathways")

    def __str__(self) -> str:
        return str(self.municipality)


class PathwayStepQuerySet(_TranslatableQuerySet):
    pass


# What the keepers of a pathway write in words for each step: kept per language (django-parler's
# translation table, one row per step and language: docs/decisions/0004-content-languages.md). Names,
# numbers and addresses are not language and stay on the step.
STEP_TEXT_FIELDS = ("contact_role", "what_to_do", "legal_basis")


class PathwayStep(_TranslatableModel):
    translations = TranslatedFields(
        contact_role=models.CharField(_("contact role"), max_length=200, blank=True),
        what_to_do=models.TextField(_("what to do"), blank=True),
        legal_basis=models.TextField(_("legal basis"), blank=True),
    )
    # A reader of a language the step is not written in reads it in any language it has (the page
    # says which), rather than an error.
    contact_role = TranslatedField(any_language=True)
    what_to_do = TranslatedField(any_language=True)
    legal_basis = TranslatedField(any_language=True)
    pathway = models.ForeignKey(Pathway, on_delete=models.CASCADE, related_name="steps")
    stage = models.CharField(_("stage"), max_length=32, choices=PathwayStage.choices)
    # Chain order, derived from the stage by the service so lists and diagrams agree.
    position = models.PositiveSmallIntegerField()
    lead_agency = models.ForeignKey(
        Organisation,
        verbose_name=_("lead agency"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # For agencies that are not in the directory.
    agency_name = models.CharField(_("agency name"), max_length=200, blank=True)
    contact_person = models.CharField(_("contact person"), max_length=200, blank=True)
    contact_phone = models.CharField(_("phone"), max_length=40, blank=True)
    contact_email = models.EmailField(_("e-mail"), blank=True)
    time_limit_days = models.PositiveIntegerField(_("time limit (days)"), null=True, blank=True)

    # A TranslatableQuerySet: parler's queries (translated(), the language's rows) work on it.
    objects = PathwayStepQuerySet.as_manager()

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["pathway", "stage"], name="pathway_one_step_per_stage"),
            models.CheckConstraint(
                condition=models.Q(time_limit_days__gte=0) | models.Q(time_limit_days__isnull=True),
                name="pathway_step_time_limit_not_negative",
            ),
        ]
        verbose_name = _("pathway step")
        verbose_name_plural = _("pathway steps")

    def __str__(self) -> str:
        return f"{self.pathway_id}:{self.stage}"

    @property
    def agency(self) -> str:
        if self.lead_agency_id and self.lead_agency:
            return self.lead_agency.name
        return self.agency_name
