"""Needs, the support plan with its reviews, and the services planned and delivered (HTCDS spl_).

Assistance never depends on cooperation with an investigation: nothing here refers to proceedings,
and services can be recorded at any stage of the case, from the first screening on.
Free text (summaries, objectives, notes) is encrypted; the rest is what statistics and the
coverage check need.

Every row hangs off a case (on_delete=CASCADE): erasing the person removes it; anonymising the case
clears the encrypted text and the free-text provider name and keeps types, states, dates and costs
(strom/cases/retention.py). Rows live as long as their case.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from strom.cases.models import Case, CasePartQuerySet
from strom.core.retention import Retention
from strom.crypto.fields import EncryptedTextField
from strom.directory.models import Organisation
from strom.support.choices import STATUTORY_MINIMUM, Priority, ServiceStatus, ServiceType
from strom.support.currencies import DEFAULT_CURRENCY

if TYPE_CHECKING:
    pass


_M = TypeVar("_M", bound=models.Model)


class PlanPartQuerySet(CasePartQuerySet[_M]):
    case_path = "plan__case"


class NeedPartQuerySet(CasePartQuerySet[_M]):
    case_path = "assessment__case"


class NeedsAssessment(models.Model):
    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="needs_assessments", verbose_name=_("case")
    )
    assessed_at = models.DateField(_("assessed on"))
    assessed_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("assessed by")
    )
    summary = EncryptedTextField(_("summary"), blank=True, default="")
    next_review_at = models.DateField(_("next review"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CasePartQuerySet.as_manager()
    retention = Retention()

    class Meta:
        verbose_name = _("needs assessment")
        verbose_name_plural = _("needs assessments")
        ordering = ["-assessed_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(next_review_at__isnull=True) | Q(next_review_at__gte=F("assessed_at")),
                name="needs_review_after_assessment",
            ),
        ]

    def __str__(self) -> str:
        return f"needs assessment {self.pk} of case {self.case_id}"


class Need(models.Model):
    """One need found by an assessment: a service type and how soon it is needed."""

    assessment = models.ForeignKey(NeedsAssessment, on_delete=models.CASCADE, related_name="needs")
    service_type = models.CharField(_("type"), max_length=40, choices=ServiceType.choices)
    priority = models.CharField(_("priority"), max_length=10, choices=Priority.choices)

    objects = NeedPartQuerySet.as_manager()
    retention = Retention()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["assessment", "service_type"], name="need_once_per_assessment"),
        ]

    def __str__(self) -> str:
        return f"{self.service_type} ({self.priority})"


class SupportPlan(models.Model):
    """The case's current plan. Every save bumps `version` and keeps a SupportPlanRevision."""

    case = models.OneToOneField(
        Case, on_delete=models.CASCADE, related_name="support_plan", verbose_name=_("case")
    )
    start_date = models.DateField(_("start date"))
    objectives = EncryptedTextField(_("objectives"), blank=True, default="")  # spl_Objectives
    action_plan = EncryptedTextField(_("action plan"), blank=True, default="")  # spl_ActionPlan
    planned_end_date = models.DateField(_("planned end date"), null=True, blank=True)  # spl_PlannedEndDate
    actual_end_date = models.DateField(_("actual end date"), null=True, blank=True)  # spl_ActualEndDate
    last_reviewed_at = models.DateField(_("last reviewed"), null=True, blank=True)
    next_review_due = models.DateField(_("next review due"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CasePartQuerySet.as_manager()
    retention = Retention()

    class Meta:
        verbose_name = _("support plan")
        verbose_name_plural = _("support plans")
        constraints = [
            models.CheckConstraint(
                condition=Q(actual_end_date__isnull=True) | Q(actual_end_date__gte=F("start_date")),
                name="plan_actual_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(planned_end_date__isnull=True) | Q(planned_end_date__gte=F("start_date")),
                name="plan_planned_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"support plan of case {self.case_id}"


class SupportPlanRevision(models.Model):
    """What the plan said after each save: the plan's history."""

    plan = models.ForeignKey(SupportPlan, on_delete=models.CASCADE, related_name="revisions")
    version = models.PositiveIntegerField()
    start_date = models.DateField()
    objectives = EncryptedTextField(blank=True, default="")
    action_plan = EncryptedTextField(blank=True, default="")
    planned_end_date = models.DateField(null=True, blank=True)
    actual_end_date = models.DateField(null=True, blank=True)
    next_review_due = models.DateField(null=True, blank=True)
    saved_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    saved_at = models.DateTimeField(auto_now_add=True)

    objects = PlanPartQuerySet.as_manager()
    retention = Retention()

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "version"], name="plan_revision_once_per_version"),
        ]

    def __str__(self) -> str:
        return f"revision {self.version} of plan {self.plan_id}"


class PlanReview(models.Model):
    plan = models.ForeignKey(SupportPlan, on_delete=models.CASCADE, related_name="reviews")
    reviewed_at = models.DateField(_("reviewed on"))
    reviewed_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("reviewed by")
    )
    summary = EncryptedTextField(_("summary"), blank=True, default="")
    next_review_due = models.DateField(_("next review due"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PlanPartQuerySet.as_manager()
    retention = Retention()

    class Meta:
        verbose_name = _("plan review")
        verbose_name_plural = _("plan reviews")
        ordering = ["-reviewed_at", "-id"]

    def __str__(self) -> str:
        return f"review {self.pk} of plan {self.plan_id}"


class Service(models.Model):
    """A service planned for or delivered to the person, with its provider, dates and cost."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="services", verbose_name=_("case"))
    service_type = models.CharField(_("type"), max_length=40, choices=ServiceType.choices)  # spl_Type
    status = models.CharField(
        _("status"), max_length=12, choices=ServiceStatus.choices, default=ServiceStatus.PLANNED
    )
    provider_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("provider (directory)"),
    )
    # A provider outside the directory: a service or business name, never a person's name.
    provider_name = models.CharField(_("provider (other)"), max_length=200, blank=True, default="")
    planned_start = models.DateField(_("planned start"), null=True, blank=True)
    planned_end = models.DateField(_("planned end"), null=True, blank=True)
    actual_start = models.DateField(_("actual start"), null=True, blank=True)
    actual_end = models.DateField(_("actual end"), null=True, blank=True)
    cost = models.DecimalField(_("cost"), max_digits=12, decimal_places=2, null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, default=DEFAULT_CURRENCY)
    notes = EncryptedTextField(_("notes"), blank=True, default="")
    cancellation_reason = EncryptedTextField(_("reason for cancelling"), blank=True, default="")
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # When the service was recorded as delivered or cancelled, for the case timeline.
    delivered_recorded_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    objects = CasePartQuerySet.as_manager()
    retention = Retention()

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["case", "service_type"], name="service_case_type")]
        constraints = [
            models.CheckConstraint(
                condition=Q(cost__isnull=True) | Q(cost__gte=0), name="service_cost_positive"
            ),
            models.CheckConstraint(
                condition=Q(planned_end__isnull=True)
                | Q(planned_start__isnull=True)
                | Q(planned_end__gte=F("planned_start")),
                name="service_planned_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(actual_end__isnull=True)
                | Q(actual_start__isnull=True)
                | Q(actual_end__gte=F("actual_start")),
                name="service_actual_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service_type} for case {self.case_id}"

    @property
    def provider_display(self) -> str:
        if self.provider_organisation_id and self.provider_organisation:
            return self.provider_organisation.name
        return self.provider_name


class NotNeeded(models.Model):
    """A worker's explicit decision that a statutory minimum service is not needed on this case.

    Kept when revoked (revoked_at set), so the coverage history stays visible in the audit and here.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="services_not_needed")
    service_type = models.CharField(
        _("type"), max_length=40, choices=[(t, ServiceType(t).label) for t in STATUTORY_MINIMUM]
    )
    reason = EncryptedTextField(_("reason"), blank=True, default="")
    decided_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    objects = CasePartQuerySet.as_manager()
    retention = Retention()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["case", "service_type"],
                condition=Q(revoked_at__isnull=True),
                name="not_needed_once_per_case_and_type",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service_type} not needed on case {self.case_id}"
