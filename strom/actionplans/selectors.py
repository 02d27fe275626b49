"""Reads for recommendations and action plans: lists, how far a recommendation's measures are, a
plan's dashboard, a country's dashboard, and when progress reports are due."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Max, Prefetch, QuerySet
from django.utils import timezone

from strom.actionplans.models import (
    ACTIVE_STATUSES,
    ActionPlan,
    ActionPlanQuerySet,
    Indicator,
    Measure,
    MeasureStatus,
    PlanStatus,
    ProgressReport,
    Recommendation,
    RecommendationQuerySet,
    RecommendationStatus,
    add_months,
)

if TYPE_CHECKING:
    from strom.accounts.models import User

# A report is "due" from this many days before its date.
DUE_SOON_DAYS = 14


def _today() -> dt.date:
    return timezone.localdate()


# --- due dates -----------------------------------------------------------------------------------------


def report_due(measure: Measure, last_report: dt.date | None) -> dt.date | None:
    """When the measure's next progress report is due: a cadence after the last report, or after its
    start; None for a measure that is done or dropped."""
    if measure.status not in ACTIVE_STATUSES:
        return None
    return add_months(last_report or measure.start_date, measure.report_every_months)


def with_last_report(measures: QuerySet[Measure]) -> QuerySet[Measure]:
    return measures.annotate(last_report=Max("reports__date"))


def due_of(measure: Measure) -> dt.date | None:
    """The due date of a measure from `with_last_report` (or read here)."""
    last = getattr(measure, "last_report", None)
    if last is None and not hasattr(measure, "last_report"):
        last = measure.reports.aggregate(last=Max("date"))["last"]
    return report_due(measure, last)


def is_overdue(measure: Measure, today: dt.date | None = None) -> bool:
    due = due_of(measure)
    return due is not None and due < (today or _today())


# --- recommendations ---------------------------------------------------------------------------------


def recommendation_list(
    user: User, *, country: str = "", theme: str = "", source: str = ""
) -> RecommendationQuerySet:
    found = Recommendation.objects.visible_to(user).select_related(
        "session__event", "session__day", "addressee_organisation", "addressee_municipality", "organisation"
    )
    if country:
        found = found.filter(addressee_country=country.upper())
    if theme:
        found = found.filter(themes__contains=[theme])
    if source:
        found = found.filter(source_kind=source)
    return found.prefetch_related(
        Prefetch("measures", queryset=Measure.objects.only("pk", "status", "plan_id"))
    )


def status_of(measures: Iterable[Measure]) -> RecommendationStatus:
    """A recommendation's status from the measures that answer it."""
    statuses = [m.status for m in measures]
    live = [s for s in statuses if s != MeasureStatus.DROPPED]
    if not statuses:
        return RecommendationStatus.OPEN
    if not live:
        return RecommendationStatus.DROPPED
    if all(s == MeasureStatus.DONE for s in live):
        return RecommendationStatus.IMPLEMENTED
    if all(s == MeasureStatus.PLANNED for s in live):
        return RecommendationStatus.PLANNED
    return RecommendationStatus.IN_PROGRESS


@dataclass
class MeasureProgress:
    measure: Measure
    indicators: list[Indicator]
    last_report: dt.date | None
    due: dt.date | None
    overdue: bool

    @property
    def progress(self) -> int | None:
        """The mean of its indicators' progress; a done measure is 100."""
        if self.measure.status == MeasureStatus.DONE:
            return 100
        shares = [i.progress for i in self.indicators if i.progress is not None]
        return round(sum(shares) / len(shares)) if shares else None


def _progress(measures: Iterable[Measure]) -> list[MeasureProgress]:
    today = _today()
    rows = []
    for measure in measures:
        last = getattr(measure, "last_report", None)
        due = report_due(measure, last)
        rows.append(
            MeasureProgress(
                measure=measure,
                indicators=list(measure.indicators.all()),
                last_report=last,
                due=due,
                overdue=due is not None and due < today,
            )
        )
    return rows


def _measures(user: User) -> QuerySet[Measure]:
    return with_last_report(
        Measure.objects.filter(plan__in=ActionPlan.objects.visible_to(user))
        .select_related("plan", "plan__owner", "plan__municipality", "responsible")
        .prefetch_related("indicators", "partners")
    )


def answering_measures(user: User, recommendation: Recommendation) -> list[MeasureProgress]:
    """Every measure the user may see that answers the recommendation, with how far it is."""
    return _progress(
        _measures(user).filter(answers=recommendation).order_by("plan__title", "start_date", "pk")
    )


# --- plans ---------------------------------------------------------------------------------------------


def plan_list(user: User, *, country: str = "") -> ActionPlanQuerySet:
    plans = ActionPlan.objects.visible_to(user).select_related("owner", "municipality")
    if country:
        plans = plans.filter(country=country.upper())
    return plans


@dataclass
class PlanDashboard:
    plan: ActionPlan
    measures: list[MeasureProgress]
    by_status: list[tuple[str, str, int]] = field(default_factory=list)  # (value, label, count)
    overdue: list[MeasureProgress] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)
    budget: dict[str, float] = field(default_factory=dict)


def _answers() -> QuerySet[Recommendation]:
    return Recommendation.objects.select_related("session__event", "session__day")


def plan_dashboard(user: User, plan: ActionPlan) -> PlanDashboard:
    measures = _progress(
        _measures(user)
        .filter(plan=plan)
        .prefetch_related(Prefetch("answers", queryset=_answers()))
        .order_by("start_date", "pk")
    )
    counts = Counter(m.measure.status for m in measures)
    budget: dict[str, float] = {}
    for row in measures:
        if row.measure.budget_amount is not None and row.measure.status != MeasureStatus.DROPPED:
            currency = row.measure.budget_currency
            budget[currency] = budget.get(currency, 0.0) + float(row.measure.budget_amount)
    return PlanDashboard(
        plan=plan,
        measures=measures,
        by_status=[(value, str(label), counts.get(value, 0)) for value, label in MeasureStatus.choices],
        overdue=[m for m in measures if m.overdue],
        indicators=[i for m in measures for i in m.indicators],
        budget=budget,
    )


def measure_reports(measure: Measure) -> list[ProgressReport]:
    return list(measure.reports.prefetch_related("values__indicator", "evidence").order_by("-date", "-pk"))


@dataclass
class CountryDashboard:
    country: str
    plans: list[tuple[ActionPlan, int, int, int]]  # plan, measures, measures done, overdue reports
    recommendations: list[tuple[str, str, int]]  # (status, label, count) of those addressed to it
    measures_by_status: list[tuple[str, str, int]]


def country_dashboard(user: User, country: str) -> CountryDashboard:
    country = country.upper()
    plans = list(plan_list(user, country=country).exclude(status=PlanStatus.DRAFT))
    measures = _progress(_measures(user).filter(plan__in=plans))
    per_plan: dict[int, Counter[str]] = {p.pk: Counter() for p in plans}
    overdue: Counter[int] = Counter()
    for row in measures:
        per_plan[row.measure.plan_id][row.measure.status] += 1
        overdue[row.measure.plan_id] += row.overdue
    statuses = Counter(
        str(status_of(r.measures.all()).value) for r in recommendation_list(user, country=country)
    )
    totals = Counter(m.measure.status for m in measures)
    return CountryDashboard(
        country=country,
        plans=[
            (p, sum(per_plan[p.pk].values()), per_plan[p.pk][MeasureStatus.DONE], overdue[p.pk])
            for p in plans
        ],
        recommendations=[(v, str(label), statuses.get(v, 0)) for v, label in RecommendationStatus.choices],
        measures_by_status=[(v, str(label), totals.get(v, 0)) for v, label in MeasureStatus.choices],
    )


def countries_with_plans(user: User) -> list[str]:
    plans = plan_list(user).exclude(status=PlanStatus.DRAFT).values_list("country", flat=True)
    addressed = Recommendation.objects.visible_to(user).values_list("addressee_country", flat=True)
    return sorted(set(plans) | set(addressed))
