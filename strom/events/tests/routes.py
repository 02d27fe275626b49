"""Events: a published event is read by everyone logged in (the outsider too); the Latvian national
coordinator's office manages its events (coordinator_a, and the system admin everywhere): creating,
importing, publishing, registrations and attendance. A registration is cancelled by its person
(caseworker_b here) or the organisers."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from strom.events.tests.factories import event_of, registration_of, training_of
from tests.authz import PERSONAS, Route, everyone_logged_in, expect, public
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


def _training(cast: Cast) -> dict[str, Any]:
    return {"slug": training_of(cast).slug}


def _certificate(cast: Cast) -> dict[str, Any]:
    """caseworker_b's certificate of the training (present, issued)."""
    return {"registration_id": training_of(cast).registrations.get(user=cast.caseworker_b).pk}


def _session_of_event(cast: Cast) -> dict[str, Any]:
    event = event_of(cast)
    return {"slug": event.slug, "session_id": event.sessions.get().pk}


def _module(cast: Cast) -> dict[str, Any]:
    from strom.events.services_trainings import module_add

    training = training_of(cast)
    module = module_add(
        by=cast.coordinator_a,
        event=training,
        title="Indicators",
        learning_goals="",
        duration_minutes=60,
        sessions=[],
    )
    return {"slug": training.slug, "module_id": module.pk}


def _library_material(cast: Cast) -> Any:
    from strom.events.services_trainings import library_material_add

    key = "_events_library_material"
    if key not in cast.__dict__:
        cast.__dict__[key] = library_material_add(
            by=cast.coordinator_a,
            organisation=cast.orgs["coordinator_lv"],
            title="Indicator card",
            url="https://example.org/card.pdf",
        )
    return cast.__dict__[key]


def _session_file(cast: Cast) -> dict[str, Any]:
    from strom.events.services import material_add

    material = material_add(
        by=cast.coordinator_a,
        session=event_of(cast).sessions.first(),  # type: ignore[arg-type]  # the event has one
        title="Slides",
        file=SimpleUploadedFile("slides.pdf", b"%PDF-1.4 slides"),
    )
    return {"material_id": material.pk}


def _library_file(cast: Cast) -> dict[str, Any]:
    from strom.events.services_trainings import library_material_add

    material = library_material_add(
        by=cast.coordinator_a,
        organisation=cast.orgs["coordinator_lv"],
        title="Handbook",
        file=SimpleUploadedFile("handbook.pdf", b"%PDF-1.4 handbook"),
    )
    return {"material_id": material.pk}


def _attached(cast: Cast) -> dict[str, Any]:
    from strom.events.services_trainings import library_material_attach

    material = _library_material(cast)
    library_material_attach(by=cast.coordinator_a, material=material, event=event_of(cast))
    return {"slug": event_of(cast).slug, "material_id": material.pk}


def _feed(cast: Cast) -> dict[str, Any]:
    from strom.events.services_trainings import calendar_feed_create

    registration_of(cast)
    return {"token": calendar_feed_create(by=cast.caseworker_b)}


def _edit_event(cast: Cast) -> dict[str, Any]:
    return {
        "kind": "conference",
        "title": "Local Action against Human Trafficking (revised)",
        "start_date": "2015-05-19",
        "end_date": "2015-05-20",
        "timezone_name": "Europe/Riga",
        "venue": "Albert Hotel",
        "city": "Riga",
    }


def _library_new(cast: Cast) -> dict[str, Any]:
    return {
        "organisation": cast.orgs["coordinator_lv"].pk,
        "title": "Handbook",
        "url": "https://example.org/handbook.pdf",
        "sectors": ["police"],
    }


def _api_update(cast: Cast) -> dict[str, Any]:
    return {"kind": "conference", "title": "Revised", "start_date": "2015-05-19", "end_date": "2015-05-20"}


def _api_library(cast: Cast) -> dict[str, Any]:
    return {
        "organisation_id": cast.orgs["coordinator_lv"].pk,
        "title": "Handbook",
        "url": "https://example.org/h.pdf",
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
    Route("events:calendar_link", expect=everyone_logged_in()),
    Route("events:calendar_link", method="post", expect=everyone_logged_in()),
    Route("events:feed", kwargs=_feed, expect=public()),
    Route("events:feed", kwargs=lambda c: {"token": "not-a-token"}, expect=public(ok=404), note="unknown"),
    Route("events:edit", kwargs=_event, expect=expect(ORGANISERS)),
    Route("events:edit", method="post", kwargs=_event, data=_edit_event, expect=expect(ORGANISERS, ok=302)),
    Route(
        "events:cancel_event",
        method="post",
        kwargs=_event,
        data=lambda c: {"reason": "The venue is closed."},
        expect=expect(ORGANISERS, ok=302),
    ),
    Route("events:session_edit", kwargs=_session_of_event, expect=expect(ORGANISERS)),
    Route(
        "events:session_edit",
        method="post",
        kwargs=_session_of_event,
        data=_session,
        expect=expect(ORGANISERS, ok=302),
    ),
    Route(
        "events:session_delete", method="post", kwargs=_session_of_event, expect=expect(ORGANISERS, ok=302)
    ),
    Route("events:library", expect=everyone_logged_in()),
    Route("events:library_download", kwargs=_library_file, expect=everyone_logged_in()),
    Route("events:material_download", kwargs=_session_file, expect=everyone_logged_in()),
    Route("events:library_add", expect=expect(MAY_ORGANISE)),
    Route(
        "events:library_add",
        method="post",
        data=_library_new,
        expect=expect(ORGANISERS, ok=302, overrides={"coordinator_b": 200}),
    ),
    Route(
        "events:library_attach",
        method="post",
        kwargs=_event,
        data=lambda c: {"material": _library_material(c).pk},
        expect=expect(ORGANISERS, ok=302),
    ),
    Route("events:library_detach", method="post", kwargs=_attached, expect=expect(ORGANISERS, ok=302)),
    Route(
        "events:module_add",
        method="post",
        kwargs=_training,
        data=lambda c: {"title": "Referral", "duration_minutes": "60"},
        expect=expect(ORGANISERS, ok=302),
    ),
    Route("events:module_delete", method="post", kwargs=_module, expect=expect(ORGANISERS, ok=302)),
    Route("events:certificates_issue", method="post", kwargs=_training, expect=expect(ORGANISERS, ok=302)),
    Route("events:certificate", kwargs=_certificate, expect=expect([*ORGANISERS, "caseworker_b"])),
    Route("events:certificate_verify", expect=public()),
    Route("events:training_report", expect=expect(MAY_ORGANISE)),
    Route("events:training_report_csv", expect=expect(MAY_ORGANISE)),
    Route("api:events_library", expect=everyone_logged_in(anonymous=401)),
    Route(
        "api:events_library_add",
        method="post",
        json=True,
        data=_api_library,
        expect=expect(ORGANISERS, ok=201, anonymous=401),
    ),
    Route("api:events_training_report", expect=expect(MAY_ORGANISE, anonymous=401)),
    Route(
        "api:events_update",
        method="put",
        json=True,
        kwargs=_event,
        data=_api_update,
        expect=expect(ORGANISERS, anonymous=401),
    ),
    Route(
        "api:events_cancel",
        method="post",
        json=True,
        kwargs=_event,
        data=lambda c: {"reason": "The venue is closed."},
        expect=expect(ORGANISERS, anonymous=401),
    ),
    Route(
        "api:events_session_update",
        method="put",
        json=True,
        kwargs=_session_of_event,
        data=_api_session,
        expect=expect(ORGANISERS, anonymous=401),
    ),
    Route(
        "api:events_session_delete",
        method="delete",
        kwargs=_session_of_event,
        expect=expect(ORGANISERS, ok=204, anonymous=401),
    ),
    Route(
        "api:events_module_add",
        method="post",
        json=True,
        kwargs=_training,
        data=lambda c: {"title": "Referral", "duration_minutes": 60},
        expect=expect(ORGANISERS, ok=201, anonymous=401),
    ),
    Route(
        "api:events_library_attach",
        method="post",
        json=True,
        kwargs=_event,
        data=lambda c: {"material_id": _library_material(c).pk},
        expect=expect(ORGANISERS, ok=204, anonymous=401),
    ),
    Route(
        "api:events_certificates_issue",
        method="post",
        kwargs=_training,
        expect=expect(ORGANISERS, anonymous=401),
    ),
]
