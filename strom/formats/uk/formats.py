# The Cyrillic abbreviation of "year" is meant.
# ruff: noqa: RUF001, RUF002
"""Ukrainian dates, times and numbers, checked against CLDR (tests/test_i18n.py compares the separators and
the first day of the week with Babel's CLDR data). E is the month's genitive ("5 березня 2026 р."). What
is not set here falls back to Django's "uk" formats."""

DATE_FORMAT = "j E Y р."
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j E Y р. H:i"
YEAR_MONTH_FORMAT = "F Y р."
MONTH_DAY_FORMAT = "j E"
SHORT_DATE_FORMAT = "d.m.Y"
SHORT_DATETIME_FORMAT = "d.m.Y H:i"
FIRST_DAY_OF_WEEK = 1  # Monday
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "\xa0"
NUMBER_GROUPING = 3
# Date inputs send ISO 8601 (always accepted); typed dates are read in the local order too.
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y"]
