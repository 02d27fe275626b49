"""Lithuanian dates, times and numbers, checked against CLDR (tests/test_i18n.py compares the separators
and the first day of the week with Babel's CLDR data). E is the month's genitive ("2026 m. kovo 5 d.");
CLDR groups thousands with a no-break space. What is not set here falls back to Django's "lt" formats."""

DATE_FORMAT = "Y \\m. E j \\d."
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "Y \\m. E j \\d. H:i"
YEAR_MONTH_FORMAT = "Y \\m. F"
MONTH_DAY_FORMAT = "E j \\d."
SHORT_DATE_FORMAT = "Y-m-d"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
FIRST_DAY_OF_WEEK = 1  # Monday
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "\xa0"
NUMBER_GROUPING = 3
# Date inputs send ISO 8601 (always accepted); typed dates are read in the local order too.
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%Y.%m.%d"]
