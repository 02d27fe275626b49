"""The referral pathway of a municipality: who leads each stage of the chain of assistance, how to reach
them, what to do and within which time. Institutional contacts only: this is a public-facing guideline."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from strom.directory.models import Municipality, Organisation


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
    # Optimistic locking: a save must name the version it read.
    version = models.PositiveIntegerField(default=1)
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


class PathwayStep(models.Model):
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
    contact_role = models.CharField(_("contact role"), max_length=200, blank=True)
    contact_person = models.CharField(_("contact person"), max_length=200, blank=True)
    contact_phone = models.CharField(_("phone"), max_length=40, blank=True)
    contact_email = models.EmailField(_("e-mail"), blank=True)
    what_to_do = models.TextField(_("what to do"), blank=True)
    time_limit_days = models.PositiveIntegerField(_("time limit (days)"), null=True, blank=True)
    legal_basis = models.TextField(_("legal basis"), blank=True)

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
