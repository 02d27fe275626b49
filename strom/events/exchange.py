"""One place that turns an event into a download, for the pages, the API and the command line."""

from __future__ import annotations

from django.urls import reverse

from strom.events.ical import event_calendar
from strom.events.models import Event
from strom.events.schedule import export_json, export_xml

FORMATS = {
    "xml": ("application/xml; charset=utf-8", "schedule.xml"),
    "json": ("application/json", "schedule.json"),
    "ics": ("text/calendar; charset=utf-8", "programme.ics"),
}


def event_url(event: Event, *, site_url: str) -> str:
    return site_url.rstrip("/") + reverse("events:detail", args=[event.slug])


def export_event(event: Event, fmt: str, *, site_url: str) -> tuple[bytes, str, str]:
    """(body, content type, file name) of the programme in `fmt`: xml, json or ics."""
    url = event_url(event, site_url=site_url)
    if fmt == "xml":
        body = export_xml(event, base_url=site_url, event_url=url)
    elif fmt == "json":
        body = export_json(event, base_url=site_url, event_url=url)
    elif fmt == "ics":
        body = event_calendar(event, url=url)
    else:
        raise ValueError(fmt)
    content_type, suffix = FORMATS[fmt]
    return body, content_type, f"{event.slug}-{suffix}"
