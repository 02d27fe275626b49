"""How long ago something happened, as a whole phrase per unit and number.

Django's timesince gives "9 minutes" for a sentence to wrap ("updated %s ago"), but in Latvian and
Russian the words after "ago" take another case ("pirms 9 minūtēm", "9 минут назад"), so the number,
the unit and "ago" are translated together, with the language's plural forms.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

MINUTE = 60
HOUR = 60 * MINUTE
DAY = 24 * HOUR
MONTH = 30 * DAY
YEAR = 365 * DAY


def time_ago(value: dt.datetime | dt.date, now: dt.datetime | None = None) -> str:
    if not isinstance(value, dt.datetime):
        value = timezone.make_aware(dt.datetime.combine(value, dt.time.min))
    seconds = int(((now or timezone.now()) - value).total_seconds())
    if seconds < MINUTE:
        return _("just now")
    if seconds < HOUR:
        n = seconds // MINUTE
        return ngettext("%(count)d minute ago", "%(count)d minutes ago", n) % {"count": n}
    if seconds < DAY:
        n = seconds // HOUR
        return ngettext("%(count)d hour ago", "%(count)d hours ago", n) % {"count": n}
    if seconds < MONTH:
        n = seconds // DAY
        return ngettext("%(count)d day ago", "%(count)d days ago", n) % {"count": n}
    if seconds < YEAR:
        n = seconds // MONTH
        return ngettext("%(count)d month ago", "%(count)d months ago", n) % {"count": n}
    n = seconds // YEAR
    return ngettext("%(count)d year ago", "%(count)d years ago", n) % {"count": n}
