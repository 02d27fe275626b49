"""English as it is written in Europe: day before month (Django's "en" is American, 11/24/2026 reads as
nonsense in Rīga) and the 24-hour clock. Django's British formats, with the time changed."""

from django.conf.locale.en_GB.formats import *  # noqa: F403

DATE_FORMAT = "j F Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j F Y H:i"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
FIRST_DAY_OF_WEEK = 1  # Monday
