"""A worker's deadlines as an iCalendar (RFC 5545) feed.

A calendar app copies what it fetches to phones and cloud services STROM does not control, so the feed
says only which case (its reference) and what is due (a task title: a message key with dates and
counts, never free text, strom/stages/models.py CaseTask). No name of a person, worker or
organisation goes into it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from icalendar import Calendar
from icalendar import Event as VEvent

from strom.stages.models import CaseTask

PRODID = "-//STROM//Deadlines//EN"


def deadline_calendar(tasks: Iterable[CaseTask], *, name: str, case_url: str) -> bytes:
    """`case_url` has "{ref}" where the case's reference goes (the link needs a login to open)."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    for task in tasks:
        vevent = VEvent()
        vevent.add("uid", f"deadline-{task.pk}@strom")
        vevent.add("dtstamp", task.created_at.astimezone(dt.UTC))
        # A whole day: a deadline is a date, not an hour.
        vevent.add("dtstart", task.due_date)
        vevent.add("dtend", task.due_date + dt.timedelta(days=1))
        vevent.add("summary", f"{task.case.ref}: {task.title}")
        vevent.add("url", case_url.replace("{ref}", task.case.ref))
        vevent.add("transp", "TRANSPARENT")
        calendar.add_component(vevent)
    body: bytes = calendar.to_ical()
    return body
