"""Events: a published event is read by everyone logged in (the outsider too); the Latvian national
coordinator's office manages its events (coordinator_a, and the system admin everywhere): creating,
importing, publishing, registrations and attendance. A registration is cancelled by its person
(caseworker_b here) or the organisers."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from strom.events.tests.factories import event_of, registration_of
from tests.authz import PERSONAS, Route, everyone_logged_in, expect
from tests.personas import Cast

LOGGED_IN = [p for p in PERSONAS if p != "anonymous"]
ORGANISERS = ["coordinator_a", "sysadmin"]
MAY_ORGANISE = ["coordinator_a", "coordinator_b", "sysadmin"]


def _event(cast: Cast) -> dict[str, Any]:
    return {"slug": event_of(cast).slug}


def _download(fmt: str) -> Any:
    return lambda cast: {"slug": event_of(cast).slug, "fmt": fmt}


def _registration(cast: Cast) -> dict[str, Any]:
    return {"registration_id": registration_of(cast).pk}


def _new_event(cast: Cast) -> dict[str, Any]:
    return {
        "organisation": cast.orgs["coordinator_lv"].pk,
        "kind": "training",
        "title": "Training for social workers",
        "acronym": "riga-2016-training",
        "start_date": "2016-04-05",
        "end_date": "2016-04-05",
        "timezone_name": "Europe/Riga",
    }


def _upload(cast: Cast) -> dict[str, Any]:
    from pathlib import Path

    data = (Path(__file__).parent / "data" / "pretalx-roundtable.json").read_bytes()
    return {
        "organisation": cast.orgs["coordinator_lv"].pk,
        "file": SimpleUploadedFile("schedule.json", data, content_type="application/json"),
    }


def _register(cast: Cast) -> dict[str, Any]:
    return {"name": "A Participant", "email": "participant@example.test", "consent_list": "on"}


def _session(cast: Cast) -> dict[str, Any]:
    return {
        "date": "2015-05-20",
        "start": "09:00",
        "duration_minutes": "90",
        "kind": "panel",
        "title": "Panel 3: Prevention",
        "people": "moderator; Vineta Polatside; Senior Adviser; CBSS",
    }


def _material(cast: Cast) -> dict[str, Any]:
    return {
        "session": event_of(cast).sessions.first().pk,  # type: ignore[union-attr]  # the event has one
        "title": "Slides",
        "url": "https://example.org/slides.pdf",
    }


def _api_event(cast: Cast) -> dict[str, Any]:
    return {
        "organisation_id": cast.orgs["coordinator_lv"].pk,
        "kind": "round_table",
        "title": "Round table",
        "acronym": "riga-2016-roundtable",
        "start_date": "2016-04-05",
        "end_date": "2016-04-05",
    }


def _api_import(cast: Cast) -> dict[str, Any]:
    from pathlib import Path

    text = (Path(__file__).parent / "data" / "pretalx-roundtable.json").read_text()
    return {"organisation_id": cast.orgs["coordinator_lv"].pk, "schedule": text}


def _api_session(cast: Cast) -> dict[str, Any]:
    return {
        "date": "2015-05-20",
        "start": "09:00",
        "duration_minutes": 90,
        "kind": "panel",
        "title": "Panel 3",
        "people": [{"role": "moderator", "name": "Vineta Polatside"}],
    }


ROUTES = [
    Route("events:list", expect=everyone_logged_in()),
    Route("events:my_calendar", expect=everyone_logged_in()),
    Route("events:create", expect=expect(MAY_ORGANISE)),
    # coordinator_b may organise, but not for the Latvian office: the form refuses the choice (200).
    Route(
        "events:create",
        method="post",
        data=_new_event,
        expect=expect(ORGANISERS, ok=302, overrides={"coordinator_b": 200}),
    ),
    Route("events:import", expect=expect(MAY_ORGANISE)),
    Route(
        "events:import",
        method="post",
        data=_upload,
        expect=expect(ORGANISERS, ok=302, overrides={"coordinator_b": 200}),
    ),
    Route("events:detail", kwargs=_event, expect=everyone_logged_in()),
    Route("events:programme", kwargs=_event, expect=everyone_logged_in()),
    Route("events:download", kwargs=_download("xml"), expect=everyone_logged_in()),
    Route("events:download", kwargs=_download("json"), expect=everyone_logged_in(), note="json"),
    Route("events:download", kwargs=_download("ics"), expect=everyone_logged_in(), note="ics"),
    Route("events:publish", method="post", kwargs=_event, expect=expect(ORGANISERS, ok=302)),
    Route("events:register", method="post", kwargs=_event, data=_register, expect=everyone_logged_in(ok=302)),
    Route("events:registrations", kwargs=_event, expect=expect(ORGANISERS)),
    Route("events:session_add", kwargs=_event, expect=expect(ORGANISERS)),
    Route(
        "events:session_add",
        method="post",
        kwargs=_event,
        data=_session,
        expect=expect(ORGANISERS, ok=302),
    ),
    Route(
        "events:material_add",
        method="post",
        kwargs=_event,
        data=_material,
        expect=expect(ORGANISERS, ok=302),
    ),
    Route(
        "events:cancel",
        method="post",
        kwargs=_registration,
        expect=expect([*ORGANISERS, "caseworker_b"], ok=302),
    ),
    Route(
        "events:attendance",
        method="post",
        kwargs=_registration,
        data=lambda c: {"attended": "1"},
        expect=expect(ORGANISERS, ok=302),
    ),
    Route("api:events_list", expect=everyone_logged_in(anonymous=401)),
    Route(
        "api:events_create",
        method="post",
        json=True,
        data=_api_event,
        expect=expect(ORGANISERS, ok=201, anonymous=401),
    ),
    Route(
        "api:events_import",
        method="post",
        json=True,
        data=_api_import,
        expect=expect(ORGANISERS, ok=201, anonymous=401),
    ),
    Route("api:events_detail", kwargs=_event, expect=everyone_logged_in(anonymous=401)),
    Route("api:events_publish", method="post", kwargs=_event, expect=expect(ORGANISERS, anonymous=401)),
    Route(
        "api:events_session_add",
        method="post",
        json=True,
        kwargs=_event,
        data=_api_session,
        expect=expect(ORGANISERS, ok=201, anonymous=401),
    ),
    Route("api:events_registrations", kwargs=_event, expect=expect(ORGANISERS, anonymous=401)),
    Route(
        "api:events_register",
        method="post",
        json=True,
        kwargs=_event,
        data=_register,
        expect=everyone_logged_in(ok=201, anonymous=401),
    ),
    Route(
        "api:events_registration_cancel",
        method="post",
        kwargs=_registration,
        expect=expect([*ORGANISERS, "caseworker_b"], anonymous=401),
    ),
    Route(
        "api:events_registration_attendance",
        method="post",
        json=True,
        kwargs=_registration,
        data=lambda c: {"attended": True},
        expect=expect(ORGANISERS, anonymous=401),
    ),
]
