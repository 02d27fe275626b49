"""What the hub search finds of events: published events that are not cancelled, and their sessions.

Only what the published programme shows: titles, descriptions, the venue, and the people on the
programme in their public roles (name, function, organisation, country, talk title). Never a
participant. Publishing, unpublishing or cancelling an event re-indexes its sessions (`dependents`).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from strom.core.search import SearchDocument, SearchSource, register_search_source
from strom.events.models import Event, Session


def _findable(event: Event) -> bool:
    return event.is_published and not event.is_cancelled


def _language(event: Event, own: str = "") -> str:
    return own or (event.languages[0] if event.languages else "en")


def event_document(event: Event) -> SearchDocument | None:
    if not _findable(event):
        return None
    parts = [event.description, event.place, event.co_funders]
    return SearchDocument(
        title=event.title,
        body="\n".join(part for part in parts if part),
        language=_language(event),
        url=reverse("events:detail", args=[event.slug]),
        country=event.country,
        year=event.start_date.year,
        type=event.kind,
        sectors=tuple(event.target_sectors),
    )


def session_document(session: Session) -> SearchDocument | None:
    event = session.event
    if not _findable(event):
        return None
    lines = [session.description] if session.description else []
    for person in session.people.all():
        public = ", ".join(p for p in (person.function, person.organisation_name, person.country) if p)
        line = f"{person.get_role_display()}: {person.name}" + (f" ({public})" if public else "")
        lines.append(line + (f": {person.talk_title}" if person.talk_title else ""))
    return SearchDocument(
        title=f"{session.title} · {event.title}",
        body="\n".join(lines),
        language=_language(event, session.language),
        url=reverse("events:detail", args=[event.slug]) + f"#session-{session.pk}",
        country=event.country,
        year=event.start_date.year,
        type=session.kind,
        sectors=tuple(event.target_sectors),
    )


def _sessions_of(event: Event) -> Iterable[Session]:
    return event.sessions.select_related("event").prefetch_related("people")


def register() -> None:
    register_search_source(
        SearchSource(
            kind="event",
            label=_("Events"),
            model=Event,
            document=event_document,
            dependents=_sessions_of,
        )
    )
    register_search_source(
        SearchSource(
            kind="event_session", label=_("Sessions of events"), model=Session, document=session_document
        )
    )
