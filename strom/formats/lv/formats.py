"""Latvian dates, times and numbers, checked against CLDR (tests/test_i18n.py compares the separators and
the first day of the week with Babel's CLDR data). "2026. gada 5. marts". What is not set here falls
back to Django's "lv" formats."""

DATE_FORMAT = "Y. \\g\\a\\d\\a j. F"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "Y. \\g\\a\\d\\a j. F H:i"
YEAR_MONTH_FORMAT = "Y. \\g. F"
MONTH_DAY_FORMAT = "j. F"
SHORT_DATE_FORMAT = "j.m.Y"
SHORT_DATETIME_FORMAT = "j.m.Y H:i"
FIRST_DAY_OF_WEEK = 1  # Monday
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "\xa0"
NUMBER_GROUPING = 3
# Date inputs send ISO 8601 (always accepted); typed dates are read in the local order too.
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y"]
