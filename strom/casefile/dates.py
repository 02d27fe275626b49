"""Partial dates: "2021", "2021-04" or "2021-04-17", as people remember what happened to them.

A partial date is stored as the first day of its period plus its precision; comparisons use the
period's first day for "from" and its last day for "to".
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.utils import formats
from django.utils.translation import gettext as _

from strom.casefile.choices import DatePrecision

# [0-9], not \d: \d also matches full-width and other scripts' digits.
_PARTIAL = re.compile(r"^([0-9]{4})(?:-([0-9]{1,2})(?:-([0-9]{1,2}))?)?$")


def parse_partial_date(text: str) -> tuple[dt.date, str] | None:
    """(first day of the period, precision), None for empty input, ValidationError for nonsense."""
    text = (text or "").strip()
    if not text:
        return None
    match = _PARTIAL.match(text)
    message = _("Enter a date as YYYY-MM-DD, or YYYY-MM or YYYY when only the month or year is known.")
    if not match:
        raise ValidationError(message, code="invalid")
    year, month, day = match.groups()
    try:
        if day is not None:
            return dt.date(int(year), int(month), int(day)), DatePrecision.DAY
        if month is not None:
            return dt.date(int(year), int(month), 1), DatePrecision.MONTH
        return dt.date(int(year), 1, 1), DatePrecision.YEAR
    except ValueError:
        raise ValidationError(message, code="invalid") from None


def truncate(day: dt.date, precision: str) -> dt.date:
    if precision == DatePrecision.YEAR:
        return day.replace(month=1, day=1)
    if precision == DatePrecision.MONTH:
        return day.replace(day=1)
    return day


def period_end(day: dt.date, precision: str) -> dt.date:
    if precision == DatePrecision.YEAR:
        return day.replace(month=12, day=31)
    if precision == DatePrecision.MONTH:
        return day.replace(day=calendar.monthrange(day.year, day.month)[1])
    return day


def as_text(day: dt.date | None, precision: str) -> str:
    """The ISO form at its precision: what the forms show and the API sends."""
    if day is None:
        return ""
    if precision == DatePrecision.YEAR:
        return f"{day.year:04d}"
    if precision == DatePrecision.MONTH:
        return f"{day.year:04d}-{day.month:02d}"
    return day.isoformat()


def display(day: dt.date | None, precision: str) -> str:
    if day is None:
        return ""
    if precision == DatePrecision.YEAR:
        return str(day.year)
    if precision == DatePrecision.MONTH:
        return formats.date_format(day, "YEAR_MONTH_FORMAT")
    return formats.date_format(day, "DATE_FORMAT")
