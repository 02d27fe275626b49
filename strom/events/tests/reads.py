"""Which GET routes of events show personal data (tests/test_audited_reads.py)."""

from __future__ import annotations

from tests.authz import Read
from tests.personas import Cast


def _event_registration(cast: Cast) -> None:
    from strom.events.tests.factories import registration_of

    registration_of(cast)


# Who registered for an event, with their needs: the organisers' list; a certificate names its holder.
PERSONAL: dict[str, Read] = {
    "events:registrations": Read(setup=_event_registration),
    "api:events_registrations": Read(setup=_event_registration),
    "events:certificate": Read(persona="caseworker_b"),
}

_PROGRAMME = "a published programme: speakers in their public roles, participants who agreed to be listed"
_OWN_EVENTS = "the programmes of the user's own events"
_LIBRARY = "training materials: titles, links and the organisations that keep them"
_COUNTS = "counts of people trained per year, country and sector; no one's identity"
NO_PERSONAL_DATA: dict[str, str] = {
    "events:list": _PROGRAMME,
    "events:detail": _PROGRAMME,
    "events:programme": _PROGRAMME,
    "events:download": _PROGRAMME,
    "events:my_calendar": _OWN_EVENTS,
    "events:calendar_link": _OWN_EVENTS,
    "events:feed": _OWN_EVENTS,
    "events:create": "an empty event form",
    "events:edit": "an event's own fields: its dates, venue and organisers",
    "events:import": "an empty form to upload a programme",
    "events:session_add": "the programme and an empty session form",
    "events:session_edit": "one session of the programme: its people in their public roles",
    "events:library": _LIBRARY,
    "events:library_download": "a training material's file",
    "events:material_download": "a session's slides or report: a published programme's material",
    "events:library_add": "an empty form for a training material",
    "events:training_report": _COUNTS,
    "events:training_report_csv": _COUNTS,
    "events:certificate_verify": "whether a code and a name belong together, answered with the training only",
    "api:events_list": _PROGRAMME,
    "api:events_detail": _PROGRAMME,
    "api:events_library": _LIBRARY,
    "api:events_training_report": _COUNTS,
}
