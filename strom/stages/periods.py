"""Legal periods as the law states them: a number of days or a number of calendar months.

A period in months is counted in calendar months, never as a fixed number of days: six months from
31 August end on 28 February (29 in a leap year). When the target month has no such day, the period
ends on that month's last day (the end-of-month rule).
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

DAYS = "days"
MONTHS = "months"
UNITS: dict[str, Any] = {DAYS: _("days"), MONTHS: _("months")}


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day of the month `months` later (or earlier), or that month's last day if it is shorter."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


@dataclass(frozen=True)
class Period:
    length: int
    unit: str = DAYS

    def __post_init__(self) -> None:
        if self.unit not in UNITS:
            raise ValueError(f"unknown unit {self.unit!r}")
        if isinstance(self.length, bool) or not isinstance(self.length, int) or self.length < 0:
            raise ValueError(f"a period's length is a whole number ≥ 0, got {self.length!r}")

    @classmethod
    def from_data(cls, data: Any) -> Period:
        if not isinstance(data, dict) or set(data) != {"length", "unit"}:
            raise ValueError("a period is {length, unit}")
        return cls(length=data["length"], unit=data["unit"])

    def as_data(self) -> dict[str, Any]:
        return {"length": self.length, "unit": self.unit}

    def after(self, day: dt.date) -> dt.date:
        """The day this period after `day`: a deadline counted from an event."""
        if self.unit == MONTHS:
            return add_months(day, self.length)
        return day + dt.timedelta(days=self.length)

    def before(self, day: dt.date) -> dt.date:
        """The day this period before `day` (a notice period before a permit runs out)."""
        if self.unit == MONTHS:
            return add_months(day, -self.length)
        return day - dt.timedelta(days=self.length)

    def last_day(self, start: dt.date) -> dt.date:
        """The last day of a period that starts on `start`.

        In days the first day counts (30 days from the 1st end on the 30th). In months the period ends
        on the same day of the month `length` months on, or on that month's last day: six months from
        31 August end on 28 or 29 February.
        """
        if self.unit == MONTHS:
            return add_months(start, self.length)
        return start + dt.timedelta(days=max(self.length, 1) - 1)

    def days_after(self, day: dt.date) -> int:
        """How many days after `day` the deadline falls (months differ in length)."""
        return (self.after(day) - day).days

    def days_from(self, start: dt.date) -> int:
        """How many days the period lasts when it starts on `start` (months differ in length)."""
        return (self.last_day(start) - start).days + 1

    def __str__(self) -> str:
        if self.unit == MONTHS:
            return ngettext("%(n)s month", "%(n)s months", self.length) % {"n": self.length}
        return ngettext("%(n)s day", "%(n)s days", self.length) % {"n": self.length}
