"""Recommendations and the action plans whose measures answer them.

A recommendation comes from an event session (a round table's conclusions), a report (a GRETA
evaluation round, a national rapporteur's report) or a baseline assessment, and is addressed to a
country's ministry, a municipality or an organisation. An action plan (national, municipal or an
organisation's) holds measures; a measure answers recommendations, has indicators and is followed
by dated progress reports with evidence.

Decision (docs/action-plans.md): plans name organisations, never people. Who is responsible is an
organisation of the directory, whose entry says whom to contact, so no model here holds personal
data (tests/test_personal_data_models.py) and every page of the app is published content for members.

A computed indicator's values are written only by `strom.actionplans.services` from the statistics
engine (strom/actionplans/figures.py), after its disclosure control; no form or API field writes them.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from strom.core.vocabulary import Theme
from strom.directory.models import Municipality, Organisation
from strom.events.models import Session

if TYPE_CHECKING:
    from strom.accounts.models import User


class SourceKind(models.TextChoices):
    SESSION = "session", _("Event session")
    REPORT = "report", _("Report")
    ASSESSMENT = "assessment", _("Baseline assessment")


class AddresseeKind(models.TextChoices):
    MINISTRY = "ministry", _("Ministry or national authority")
    MUNICIPALITY = "municipality", _("Municipality")
    ORGANISATION = "organisation", _("Organisation")


class RecommendationStatus(models.TextChoices):
    """Derived from the measures that answer a recommendation; never stored."""

    OPEN = "open", _("No measure yet")
    PLANNED = "planned", _("Measures planned")
    IN_PROGRESS = "in_progress", _("Being implemented")
    IMPLEMENTED = "implemented", _("Implemented")
    DROPPED = "dropped", _("Every measure dropped")


class RecommendationQuerySet(models.QuerySet["Recommendation"]):
    def visible_to(self, user: User) -> RecommendationQuerySet:
        from strom.actionplans.access import may_read

        return self if may_read(user) else self.none()


class Recommendation(models.Model):
    source_kind = models.CharField(_("source"), max_length=12, choices=SourceKind.choices)
    # An event session: the round table or panel whose conclusions these are.
    session = models.ForeignKey(
        Session,
        verbose_name=_("event session"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="recommendations",
    )
    # A report: e.g. GRETA's third evaluation round on Latvia, or a national rapporteur's annual report.
    report_title = models.CharField(_("report"), max_length=300, blank=True)
    report_publisher = models.CharField(_("published by"), max_length=300, blank=True)
    report_year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    report_reference = models.CharField(
        _("link or reference"), max_length=500, blank=True, help_text=_("A web address or e.g. GRETA(2023)05")
    )
    # A baseline assessment: a free reference until assessments are part of STROM.
    assessment_reference = models.CharField(_("assessment"), max_length=300, blank=True)
    reference = models.CharField(
        _("number in the source"), max_length=40, blank=True, help_text=_("e.g. paragraph 87 or 3.2")
    )
    text = models.TextField(_("recommendation"))
    language = models.CharField(_("language"), max_length=3, default="en")
    themes = ArrayField(
        models.CharField(max_length=20, choices=Theme.choices),
        verbose_name=_("themes"),
        default=list,
        blank=True,
    )
    addressee_country = models.CharField(_("country addressed"), max_length=2)
    addressee_kind = models.CharField(_("addressed to"), max_length=12, choices=AddresseeKind.choices)
    addressee_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation addressed"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    addressee_municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("municipality addressed"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    addressee_name = models.CharField(
        _("addressee's name"), max_length=300, blank=True, help_text=_("When it is not in the directory")
    )
    # The organisation that recorded it: its members with recommendations.edit keep it.
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = RecommendationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(source_kind="session") | Q(session__isnull=False),
                name="actionplans_recommendation_session_source",
            ),
            models.CheckConstraint(
                condition=~Q(source_kind="report") | ~Q(report_title=""),
                name="actionplans_recommendation_report_source",
            ),
        ]
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")

    def __str__(self) -> str:
        return self.short_text

    @property
    def short_text(self) -> str:
        first = " ".join(self.text.split())
        return first if len(first) <= 90 else first[:89].rstrip() + "…"

    @property
    def theme_labels(self) -> list[str]:
        return [str(Theme(t).label) for t in self.themes if t in Theme.values]

    @property
    def addressee(self) -> str:
        """The addressee in words: the directory's name where there is one."""
        if self.addressee_organisation_id:
            return self.addressee_organisation.name  # type: ignore[union-attr]  # set with the id
        if self.addressee_municipality_id:
            return self.addressee_municipality.name  # type: ignore[union-attr]  # set with the id
        return self.addressee_name or str(self.get_addressee_kind_display())

    @property
    def source(self) -> str:
        """Where it comes from, in words."""
        if self.source_kind == SourceKind.SESSION and self.session is not None:
            return f"{self.session.event.title}: {self.session.title}"
        if self.source_kind == SourceKind.REPORT:
            parts = [self.report_title, self.report_publisher, str(self.report_year or "")]
            return ", ".join(p for p in parts if p)
        return self.assessment_reference

    @property
    def year(self) -> int | None:
        if self.source_kind == SourceKind.SESSION and self.session is not None:
            return self.session.day.date.year
        if self.source_kind == SourceKind.REPORT:
            return self.report_year
        return self.created_at.year if self.created_at else None


class PlanLevel(models.TextChoices):
    NATIONAL = "national", _("National")
    MUNICIPAL = "municipal", _("Municipal")
    ORGANISATIONAL = "organisational", _("Organisation's")


class PlanStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("action plan status", "Draft")
    ADOPTED = "adopted", _("Adopted")
    CLOSED = "closed", pgettext_lazy("action plan status", "Closed")


class ActionPlanQuerySet(models.QuerySet["ActionPlan"]):
    def visible_to(self, user: User) -> ActionPlanQuerySet:
        from strom.actionplans.access import plans_visible_to

        return plans_visible_to(user, self)


class ActionPlan(models.Model):
    level = models.CharField(_("level"), max_length=16, choices=PlanLevel.choices)
    country = models.CharField(_("country"), max_length=2)
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    owner = models.ForeignKey(
        Organisation, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="action_plans"
    )
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("until"))
    status = models.CharField(
        _("status"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ActionPlanQuerySet.as_manager()

    class Meta:
        ordering = ["country", "-period_start", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")), name="actionplans_plan_period_in_order"
            ),
            models.CheckConstraint(
                condition=~Q(level="municipal") | Q(municipality__isnull=False),
                name="actionplans_plan_municipal_has_municipality",
            ),
        ]
        verbose_name = _("action plan")
        verbose_name_plural = _("action plans")

    def __str__(self) -> str:
        return self.title

    @property
    def area(self) -> str:
        """Where the plan applies, in words."""
        return self.municipality.name if self.municipality_id else self.country  # type: ignore[union-attr]


class MeasureStatus(models.TextChoices):
    PLANNED = "planned", pgettext_lazy("measure status", "Planned")
    IN_PROGRESS = "in_progress", pgettext_lazy("measure status", "In progress")
    DONE = "done", _("Done")
    DELAYED = "delayed", _("Delayed")
    DROPPED = "dropped", _("Dropped")


# Measures still under way: reports are due for them.
ACTIVE_STATUSES = (MeasureStatus.PLANNED, MeasureStatus.IN_PROGRESS, MeasureStatus.DELAYED)


class Measure(models.Model):
    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="measures")
    title = models.CharField(_("what"), max_length=500)
    description = models.TextField(_("description"), blank=True)
    responsible = models.ForeignKey(
        Organisation, verbose_name=_("responsible organisation"), on_delete=models.PROTECT, related_name="+"
    )
    partners = models.ManyToManyField(Organisation, verbose_name=_("partners"), blank=True, related_name="+")
    start_date = models.DateField(_("start"))
    target_date = models.DateField(_("target date"))
    budget_amount = models.DecimalField(_("budget"), max_digits=14, decimal_places=2, null=True, blank=True)
    budget_currency = models.CharField(_("currency"), max_length=3, default="EUR")
    status = models.CharField(
        _("status"), max_length=12, choices=MeasureStatus.choices, default=MeasureStatus.PLANNED
    )
    drop_reason = models.TextField(_("why it was dropped"), blank=True)
    answers = models.ManyToManyField(
        Recommendation, verbose_name=_("answers"), blank=True, related_name="measures"
    )
    report_every_months = models.PositiveSmallIntegerField(_("a progress report every (months)"), default=3)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["plan", "start_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(target_date__gte=models.F("start_date")),
                name="actionplans_measure_dates_in_order",
            ),
            models.CheckConstraint(
                condition=~Q(status="dropped") | ~Q(drop_reason=""), name="actionplans_measure_dropped_reason"
            ),
            models.CheckConstraint(
                condition=Q(report_every_months__gte=1, report_every_months__lte=24),
                name="actionplans_measure_cadence",
            ),
        ]
        verbose_name = _("measure")
        verbose_name_plural = _("measures")

    def __str__(self) -> str:
        return self.title

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES


class IndicatorSource(models.TextChoices):
    MANUAL = "manual", _("Reported by the plan's owner")
    COMPUTED = "computed", _("Computed from STROM's cases")


class Indicator(models.Model):
    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="indicators")
    name = models.CharField(_("indicator"), max_length=300)
    unit = models.CharField(_("unit"), max_length=60, blank=True)
    source = models.CharField(_("source"), max_length=10, choices=IndicatorSource.choices)
    # A computed indicator: the key of a figure in strom/actionplans/figures.py FIGURES.
    figure = models.CharField(_("figure"), max_length=40, blank=True)
    # The years of case registration a computed figure counts (the plan's period by default); its
    # baseline is the same figure over `baseline_year`.
    year_from = models.PositiveSmallIntegerField(_("counted from (year)"), null=True, blank=True)
    year_to = models.PositiveSmallIntegerField(_("counted until (year)"), null=True, blank=True)
    baseline_year = models.PositiveSmallIntegerField(_("baseline year"), null=True, blank=True)
    baseline = models.DecimalField(_("baseline"), max_digits=14, decimal_places=2, null=True, blank=True)
    baseline_withheld = models.BooleanField(default=False)
    target = models.DecimalField(_("target"), max_digits=14, decimal_places=2, null=True, blank=True)
    # The latest value: a manual indicator's from its latest progress report, a computed one's from
    # the statistics engine (None and withheld when disclosure control withheld it).
    current = models.DecimalField(_("current"), max_digits=14, decimal_places=2, null=True, blank=True)
    current_withheld = models.BooleanField(default=False)
    computed_at = models.DateTimeField(_("computed"), null=True, blank=True)
    # How the computed value was made: the scope, the years and the rule applied (no case data).
    computation = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["measure", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(source="manual", figure="") | (Q(source="computed") & ~Q(figure="")),
                name="actionplans_indicator_figure_when_computed",
            ),
        ]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")

    def __str__(self) -> str:
        return self.name

    @property
    def is_computed(self) -> bool:
        return self.source == IndicatorSource.COMPUTED

    @property
    def progress(self) -> int | None:
        """How far from the baseline to the target the current value is, in percent (0-100)."""
        if (
            self.baseline is None
            or self.target is None
            or self.current is None
            or self.target == self.baseline
        ):
            return None
        share = (self.current - self.baseline) / (self.target - self.baseline)
        return int(max(Decimal(0), min(Decimal(1), share)) * 100)


class ProgressReport(models.Model):
    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="reports")
    date = models.DateField(_("date"))
    text = models.TextField(_("progress"))
    # The measure's status this report set (the status at the time of the report).
    status = models.CharField(_("status"), max_length=12, choices=MeasureStatus.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["measure", "-date", "-pk"]
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")

    def __str__(self) -> str:
        return f"{self.measure_id}:{self.date.isoformat()}"


class IndicatorValue(models.Model):
    """An indicator's value in a progress report: typed for a manual indicator, computed (and possibly
    withheld) for a computed one."""

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="values")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values")
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2, null=True, blank=True)
    withheld = models.BooleanField(default=False)
    computed = models.BooleanField(default=False)

    class Meta:
        ordering = ["report", "indicator"]
        constraints = [
            models.UniqueConstraint(fields=["report", "indicator"], name="actionplans_value_once_per_report")
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id}={self.value}"


class Evidence(models.Model):
    """A file attached to a progress report: minutes, a training's agenda, a published guideline."""

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(upload_to="actionplans/evidence/%Y/")
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["report", "pk"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    def __str__(self) -> str:
        return self.original_name


class ReminderKind(models.TextChoices):
    DUE = "due", _("due soon")
    OVERDUE = "overdue", _("overdue")


class ReportReminder(models.Model):
    """That the owners were told a measure's report for the period ending `due` is due or overdue:
    once per measure, period and kind, so several workers never send one twice."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="+")
    due = models.DateField()
    kind = models.CharField(max_length=8, choices=ReminderKind.choices)
    sent_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["measure", "due", "kind"], name="actionplans_reminder_once")
        ]

    def __str__(self) -> str:
        return f"{self.measure_id}:{self.due}:{self.kind}"


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (the month's last day where it is shorter)."""
    import calendar

    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
