"""Computed indicators: counted from STROM's own cases through the statistics engine and its disclosure
control, never typed in."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from strom.actionplans.models import Indicator, IndicatorSource, ProgressReport
from strom.actionplans.services import indicator_add, progress_report_add
from strom.actionplans.tests.factories import make_measure, make_plan
from strom.audit.models import AuditEntry
from strom.stats.tests.helpers import full_case
from tests.personas import Cast

THIS_YEAR = timezone.localdate().year


@pytest.fixture
def small_threshold(settings: Any) -> None:
    """Exact counts (no cell key noise) and a threshold of 3, so three cases make a published figure."""
    settings.STROM_STATS_NOISE_MAX = 0
    settings.STROM_STATS_THRESHOLD = 3


def _cases(cast: Cast, *, presumed: list[int], possible: int = 1) -> None:
    """Riga cases opened 60 days ago: one per entry of `presumed` with a positive reasonable-grounds
    decision that many days after opening, and `possible` cases with no decision."""
    for days in presumed:
        full_case(cast, rg_after_days=days)
    for _n in range(possible):
        full_case(cast)


def _computed(cast: Cast, figure: str) -> Indicator:
    plan = make_plan(cast)
    return indicator_add(
        by=cast.users["supervisor_a"],
        measure=make_measure(cast, plan),
        source=IndicatorSource.COMPUTED,
        figure=figure,
        target=Decimal(10),
        year_from=THIS_YEAR - 1,
        year_to=THIS_YEAR,
    )


@pytest.mark.usefixtures("small_threshold")
def test_presumed_victims_are_counted_from_the_cases_of_the_plans_municipality(cast: Cast) -> None:
    _cases(cast, presumed=[5, 10, 30], possible=2)
    indicator = _computed(cast, "presumed_victims")
    assert (indicator.current, indicator.current_withheld) == (Decimal(3), False)
    assert indicator.computed_at is not None
    assert indicator.computation["scope"] == {
        "country": "LV",
        "municipalities": 1,
        "years": [THIS_YEAR - 1, THIS_YEAR],
    }
    # The figure was published as a statistics table is: audited with who asked and the rule.
    entry = AuditEntry.objects.filter(action="stats.table").latest("seq")
    assert entry.actor_id == cast.users["supervisor_a"].pk
    assert entry.details["rule"]["threshold"] == 3


@pytest.mark.usefixtures("small_threshold")
def test_the_median_is_shown_over_a_group_at_least_as_large_as_the_threshold(cast: Cast) -> None:
    _cases(cast, presumed=[5, 10, 30])
    indicator = _computed(cast, "median_days_to_reasonable_grounds")
    assert (indicator.current, indicator.current_withheld) == (Decimal(10), False)


@pytest.mark.usefixtures("small_threshold")
def test_a_small_count_and_a_median_over_too_few_people_are_withheld(cast: Cast, settings: Any) -> None:
    settings.STROM_STATS_THRESHOLD = 4
    _cases(cast, presumed=[5, 10, 30])
    count = _computed(cast, "presumed_victims")
    median = indicator_add(
        by=cast.users["supervisor_a"],
        measure=count.measure,
        source=IndicatorSource.COMPUTED,
        figure="median_days_to_reasonable_grounds",
        year_from=THIS_YEAR - 1,
        year_to=THIS_YEAR,
    )
    assert (count.current, count.current_withheld) == (None, True)
    assert (median.current, median.current_withheld) == (None, True)
    assert median.computation["withheld"] == "group under the threshold"


@pytest.mark.usefixtures("small_threshold")
def test_a_computed_indicators_value_cannot_be_typed_in(cast: Cast) -> None:
    indicator = _computed(cast, "referrals_completed")
    with pytest.raises(ValidationError, match="cannot be typed in"):
        progress_report_add(
            by=cast.users["supervisor_a"],
            measure=indicator.measure,
            date=timezone.localdate(),
            text="We counted ourselves.",
            values={indicator.pk: Decimal(40)},
        )
    assert not ProgressReport.objects.exists()
    with pytest.raises(ValidationError, match="cannot be typed in"):
        indicator_add(
            by=cast.users["supervisor_a"],
            measure=indicator.measure,
            source=IndicatorSource.COMPUTED,
            figure="presumed_victims",
            baseline=Decimal(7),
        )
    assert indicator.measure.indicators.count() == 2  # the manual one and the computed one


@pytest.mark.usefixtures("small_threshold")
def test_a_progress_report_records_the_computed_value_of_its_day(cast: Cast) -> None:
    _cases(cast, presumed=[5, 10, 30])
    indicator = _computed(cast, "presumed_victims")
    manual = indicator.measure.indicators.get(source=IndicatorSource.MANUAL)
    report = progress_report_add(
        by=cast.users["supervisor_a"],
        measure=indicator.measure,
        date=timezone.localdate() - dt.timedelta(days=1),
        text="Trainings held in two districts.",
        values={manual.pk: Decimal(45)},
    )
    values = {v.indicator_id: (v.value, v.withheld, v.computed) for v in report.values.all()}
    assert values == {indicator.pk: (Decimal(3), False, True), manual.pk: (Decimal(45), False, False)}
    manual.refresh_from_db()
    assert manual.current == Decimal(45)
    assert manual.progress == 37  # 45 of 120 from 0


def test_the_api_refuses_a_value_for_a_computed_indicator(cast: Cast, as_persona: Any) -> None:
    indicator = _computed(cast, "referrals_completed")
    response = as_persona("supervisor_a").post(
        f"/api/v1/action-plans/measures/{indicator.measure_id}/reports",
        {
            "date": timezone.localdate().isoformat(),
            "text": "Typed.",
            "values": [{"indicator_id": indicator.pk, "value": 3}],
        },
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "cannot be typed in" in response.content.decode()
    assert not ProgressReport.objects.exists()


@pytest.mark.usefixtures("small_threshold")
def test_a_national_plan_counts_every_municipality_of_its_country(cast: Cast) -> None:
    from strom.actionplans.models import PlanLevel
    from strom.actionplans.services import measure_create, plan_create
    from strom.directory.models import Municipality

    Municipality.objects.create(country="LV", name="Daugavpils", code="DGP")
    _cases(cast, presumed=[5, 10, 30])
    plan = plan_create(
        by=cast.coordinator_a,
        owner=cast.orgs["coordinator_lv"],
        level=PlanLevel.NATIONAL,
        country="LV",
        title="National action plan",
        period_start=dt.date(THIS_YEAR - 1, 1, 1),
        period_end=dt.date(THIS_YEAR, 12, 31),
    )
    measure = measure_create(
        by=cast.coordinator_a,
        plan=plan,
        title="Identification in every municipality",
        responsible=cast.orgs["coordinator_lv"],
        start_date=plan.period_start,
        target_date=plan.period_end,
    )
    indicator = indicator_add(
        by=cast.coordinator_a, measure=measure, source=IndicatorSource.COMPUTED, figure="presumed_victims"
    )
    assert (indicator.current, indicator.current_withheld) == (Decimal(3), False)
    assert indicator.computation["scope"]["municipalities"] == 2
    assert indicator.name == "Presumed victims identified (positive reasonable-grounds decision)"
