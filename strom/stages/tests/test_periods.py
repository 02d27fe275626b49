"""Months are months: periods in calendar months with the end-of-month rule, never a fixed day count."""

from __future__ import annotations

import calendar
import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from strom.stages.periods import DAYS, MONTHS, Period, add_months

DAYS_ = st.dates(min_value=dt.date(1901, 1, 1), max_value=dt.date(2199, 12, 31))
MONTH_COUNTS = st.integers(min_value=-1200, max_value=1200)


@pytest.mark.parametrize(
    ("start", "months", "end"),
    [
        (dt.date(2025, 8, 31), 6, dt.date(2026, 2, 28)),
        (dt.date(2023, 8, 31), 6, dt.date(2024, 2, 29)),  # a leap year
        (dt.date(2026, 1, 31), 1, dt.date(2026, 2, 28)),
        (dt.date(2026, 3, 31), -1, dt.date(2026, 2, 28)),
        (dt.date(2026, 12, 15), 1, dt.date(2027, 1, 15)),
        (dt.date(2026, 1, 15), -13, dt.date(2024, 12, 15)),
        (dt.date(2024, 2, 29), 12, dt.date(2025, 2, 28)),
    ],
)
def test_add_months_keeps_the_day_or_takes_the_last_day_of_a_shorter_month(
    start: dt.date, months: int, end: dt.date
) -> None:
    assert add_months(start, months) == end


@given(DAYS_, MONTH_COUNTS)
def test_add_months_moves_exactly_that_many_calendar_months(day: dt.date, months: int) -> None:
    result = add_months(day, months)
    assert (result.year * 12 + result.month) - (day.year * 12 + day.month) == months
    last = calendar.monthrange(result.year, result.month)[1]
    assert result.day == min(day.day, last)


@given(DAYS_, st.integers(min_value=0, max_value=600))
def test_adding_months_never_goes_back_and_undoing_them_never_overshoots(day: dt.date, months: int) -> None:
    later = add_months(day, months)
    assert later >= day
    assert add_months(later, -months) <= day


@given(DAYS_, st.integers(min_value=0, max_value=600), st.integers(min_value=0, max_value=600))
def test_months_add_up_from_the_first_of_a_month(day: dt.date, a: int, b: int) -> None:
    first = day.replace(day=1)
    assert add_months(add_months(first, a), b) == add_months(first, a + b)


@given(DAYS_, st.integers(min_value=1, max_value=24))
def test_a_period_in_months_is_not_a_fixed_number_of_days(day: dt.date, months: int) -> None:
    period = Period(months, MONTHS)
    assert period.after(day) == add_months(day, months)
    # Between 28 and 31 days a month, never a constant 30.
    assert 28 * months <= period.days_after(day) <= 31 * months


def test_six_months_of_reflection_from_31_august_end_on_the_last_day_of_february() -> None:
    assert Period(6, MONTHS).last_day(dt.date(2025, 8, 31)) == dt.date(2026, 2, 28)
    assert Period(6, MONTHS).last_day(dt.date(2023, 8, 31)) == dt.date(2024, 2, 29)
    # In days the first day counts: 30 days from the 1st end on the 30th.
    assert Period(30, DAYS).last_day(dt.date(2026, 4, 1)) == dt.date(2026, 4, 30)


def test_a_period_refuses_unknown_units_and_negative_lengths() -> None:
    with pytest.raises(ValueError, match="unknown unit"):
        Period(3, "weeks")
    with pytest.raises(ValueError, match="whole number"):
        Period(-1, DAYS)
    with pytest.raises(ValueError, match="length, unit"):
        Period.from_data({"length": 3})
