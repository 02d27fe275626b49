"""Trainings: curriculum, library, certificates of attendance, the people-trained report; and the edits
of an event and its sessions, cancelling, the secret calendar link, the search documents."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from icalendar import Calendar

from strom.audit.actors import COMMAND_LINE
from strom.audit.models import AuditEntry
from strom.core.errors import NotAllowed
from strom.events.certificates import certificate_pdf
from strom.events.models import CalendarFeed, Event, Registration, Session
from strom.events.schedule import PersonData
from strom.events.search import event_document, session_document
from strom.events.selectors import people_trained
from strom.events.services import event_cancel, event_update, programme_import, session_add, session_update
from strom.events.services_trainings import (
    calendar_feed_create,
    calendar_feed_revoke,
    certificates_issue,
    library_material_add,
    library_material_attach,
    module_add,
)
from strom.events.tests.factories import (
    event_of,
    make_event,
    make_programme,
    make_training,
    registration_of,
)
from tests.personas import Cast


def _update(cast: Cast, event: Event, **changes: Any) -> Event:
    values: dict[str, Any] = {
        "kind": event.kind,
        "title": event.title,
        "start_date": event.start_date,
        "end_date": event.end_date,
        "timezone_name": event.timezone,
        "venue": event.venue,
        "city": event.city,
        "country": event.country,
        "online": event.online,
        "description": event.description,
        "co_funders": event.co_funders,
        "languages": event.languages,
        "interpretation": event.interpretation,
        "capacity": event.capacity,
        "target_sectors": event.target_sectors,
    }
    values.update(changes)
    return event_update(by=cast.coordinator_a, event=event, **values)


# --- editing and cancelling ----------------------------------------------------------------------


def test_an_event_is_edited_and_its_days_follow_its_dates(cast: Cast) -> None:
    event = make_event(cast)
    updated = _update(cast, event, end_date=dt.date(2015, 5, 21), venue="Radisson Blu", capacity=40)
    assert (updated.venue, updated.capacity, updated.programme_version) == ("Radisson Blu", 40, 3)
    assert list(updated.days.values_list("date", flat=True)) == [
        dt.date(2015, 5, 19),
        dt.date(2015, 5, 20),
        dt.date(2015, 5, 21),
    ]
    entry = AuditEntry.objects.filter(action="event.update").get()
    assert entry.details == {"fields": ["capacity", "end_date", "venue"]}


def test_new_dates_that_leave_a_session_outside_are_refused(cast: Cast) -> None:
    event = make_event(cast)  # its panel is on 19 May
    with pytest.raises(ValidationError, match="outside these days"):
        _update(cast, event, start_date=dt.date(2015, 5, 20))
    event.refresh_from_db()
    assert event.start_date == dt.date(2015, 5, 19)
    assert event.days.count() == 2


def test_someone_who_does_not_organise_it_cannot_edit_or_cancel(cast: Cast) -> None:
    event = make_event(cast)
    with pytest.raises(NotAllowed):
        event_update(
            by=cast.coordinator_b,
            event=event,
            kind="conference",
            title="Taken over",
            start_date=event.start_date,
            end_date=event.end_date,
            timezone_name=event.timezone,
            venue="",
            city="",
            country="",
            online=False,
            description="",
            co_funders="",
            languages=[],
            interpretation="",
            capacity=None,
            target_sectors=[],
        )
    with pytest.raises(NotAllowed):
        event_cancel(by=cast.coordinator_b, event=event, reason="no")
    event.refresh_from_db()
    assert (event.title, event.cancelled_at) == ("Local Action against Human Trafficking", None)


def test_a_cancelled_event_takes_no_registrations_and_calendars_mark_it(cast: Cast) -> None:
    event = event_of(cast)
    registration_of(cast)
    with pytest.raises(ValidationError, match="Say why"):
        event_cancel(by=cast.coordinator_a, event=event, reason="  ")
    cancelled = event_cancel(by=cast.coordinator_a, event=event, reason="The venue is closed.")
    assert cancelled.is_cancelled
    with pytest.raises(NotAllowed):
        registration_of(cast, "caseworker_a")
    token = calendar_feed_create(by=cast.caseworker_b)
    body = _feed(cast, token)
    statuses = {str(v["STATUS"]) for v in Calendar.from_ical(body).walk("VEVENT")}
    assert statuses == {"CANCELLED"}
    assert event_document(cancelled) is None


def test_a_session_is_edited_with_its_people_replaced_and_clashes_refused(cast: Cast) -> None:
    event = make_event(cast)
    panel = event.sessions.get()
    other = session_add(
        by=cast.coordinator_a,
        event=event,
        date=dt.date(2015, 5, 20),
        start=dt.time(9),
        duration_minutes=60,
        kind="talk",
        title="Keynote",
        room_name="Hall",
    )
    updated = session_update(
        by=cast.coordinator_a,
        session=panel,
        date=dt.date(2015, 5, 19),
        start=dt.time(14, 30),
        duration_minutes=60,
        kind="round_table",
        title="Round table 1",
        description="",
        room_name="Hall",
        language="en",
        people=[PersonData(name="Vineta Polatside", role="moderator", organisation_name="CBSS")],
    )
    assert (updated.start, updated.kind, updated.guid) == (dt.time(14, 30), "round_table", panel.guid)
    assert list(updated.people.values_list("role", "name")) == [("moderator", "Vineta Polatside")]
    with pytest.raises(ValidationError, match="overlaps “Keynote”"):
        session_update(
            by=cast.coordinator_a,
            session=panel,
            date=dt.date(2015, 5, 20),
            start=dt.time(9, 30),
            duration_minutes=60,
            kind="talk",
            title="Clash",
            description="",
            room_name="Hall",
            language="",
            people=[],
        )
    assert Session.objects.get(pk=panel.pk).title == "Round table 1"
    assert other.pk in event.sessions.values_list("pk", flat=True)


def test_organisers_edit_and_delete_a_session_on_the_pages(cast: Cast, as_persona: Any) -> None:
    event = make_event(cast)
    session = event.sessions.get()
    client = as_persona("coordinator_a")
    url = reverse("events:session_edit", args=[event.slug, session.pk])
    page = client.get(url).content.decode()
    assert "moderator; Jan Austad; ; ; NO" in page
    response = client.post(
        url,
        {
            "date": "2015-05-19",
            "start": "15:00",
            "duration_minutes": "45",
            "kind": "panel",
            "title": "Panel 1 (shorter)",
            "people": "moderator; Jan Austad; ; ; NO",
        },
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert (session.title, session.start, session.duration_minutes) == ("Panel 1 (shorter)", dt.time(15), 45)
    response = client.post(reverse("events:session_delete", args=[event.slug, session.pk]))
    assert response.status_code == 302
    assert not event.sessions.exists()


# --- curriculum, library -------------------------------------------------------------------------


def test_a_training_has_a_curriculum_a_conference_does_not(cast: Cast) -> None:
    training = make_training(cast)
    module = module_add(
        by=cast.coordinator_a,
        event=training,
        title="Indicators",
        learning_goals="Name the indicators\n\n  Tell them apart  ",
        duration_minutes=180,
        sessions=list(training.sessions.all()),
    )
    assert module.goals == ["Name the indicators", "Tell them apart"]
    with pytest.raises(ValidationError, match="Only a training"):
        module_add(
            by=cast.coordinator_a,
            event=make_event(cast),
            title="X",
            learning_goals="",
            duration_minutes=10,
            sessions=[],
        )


def test_a_library_material_is_reused_in_several_trainings_and_filtered(cast: Cast, as_persona: Any) -> None:
    first, second = (
        make_training(cast, attended=0),
        make_training(cast, acronym="riga-2017-training", attended=0),
    )
    material = library_material_add(
        by=cast.coordinator_a,
        organisation=cast.orgs["coordinator_lv"],
        title="Indicator card",
        language="lv",
        sectors=["police"],
        url="https://example.org/card.pdf",
    )
    library_material_attach(by=cast.coordinator_a, material=material, event=first)
    library_material_attach(
        by=cast.coordinator_a, material=material, event=second, session=second.sessions.get()
    )
    assert set(material.events.values_list("pk", flat=True)) == {first.pk, second.pk}
    client = as_persona("caseworker_b")
    page = client.get(reverse("events:library"), {"sector": "police"}).content.decode()
    assert "Indicator card" in page
    assert "2 events" in page
    assert (
        "Indicator card" not in client.get(reverse("events:library"), {"sector": "health"}).content.decode()
    )
    with pytest.raises(ValidationError, match="either a link or a file"):
        library_material_add(by=cast.coordinator_a, organisation=cast.orgs["coordinator_lv"], title="Nothing")
    with pytest.raises(NotAllowed):
        library_material_add(
            by=cast.coordinator_b,
            organisation=cast.orgs["coordinator_lv"],
            title="Not theirs",
            url="https://example.org/x.pdf",
        )


# --- certificates --------------------------------------------------------------------------------


def test_certificates_go_to_those_present_once_and_read_in_latvian_and_russian(cast: Cast) -> None:
    training = make_training(cast, attended=2)
    absent = Registration.objects.create(
        event=training, name="Absent Person", email="absent@example.test", status="registered"
    )
    assert certificates_issue(by=cast.coordinator_a, event=training) == 2
    assert certificates_issue(by=cast.coordinator_a, event=training) == 0
    absent.refresh_from_db()
    assert absent.certificate_code == ""
    registration = training.registrations.exclude(certificate_code="").order_by("pk").first()
    assert registration is not None
    for language in ("lv", "ru", "en"):
        pdf = certificate_pdf(registration, language=language)
        assert pdf.startswith(b"%PDF-")
        assert b"DejaVu" in pdf  # the embedded font that has ā, ē, ž, ė and Cyrillic
    with pytest.raises(ValidationError, match="for trainings"):
        certificates_issue(by=cast.coordinator_a, event=make_event(cast))


def test_a_certificate_is_downloaded_by_its_holder_and_verified_by_anyone(
    cast: Cast, as_persona: Any
) -> None:
    training = make_training(cast, attended=1)
    certificates_issue(by=cast.coordinator_a, event=training)
    registration = training.registrations.get()
    response = as_persona("coordinator_a").get(
        reverse("events:certificate", args=[registration.pk]), {"language": "ru"}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert AuditEntry.objects.filter(
        action="event_certificate.view", object_ref=str(registration.pk)
    ).exists()
    assert (
        as_persona("caseworker_a").get(reverse("events:certificate", args=[registration.pk])).status_code
        == 404
    )
    verify = reverse("events:certificate_verify")
    anonymous = as_persona("anonymous")
    good = anonymous.get(verify, {"code": registration.certificate_code.lower(), "name": " jānis  BĒRZIŅŠ "})
    assert "Valid" in good.content.decode()
    assert training.title in good.content.decode()
    wrong = anonymous.get(verify, {"code": registration.certificate_code, "name": "Someone Else"})
    assert "No certificate with this code and name." in wrong.content.decode()
    assert "Jānis" not in wrong.content.decode()


# --- report --------------------------------------------------------------------------------------


def test_people_trained_are_counted_per_year_country_and_sector(cast: Cast, as_persona: Any) -> None:
    make_training(cast, attended=3)
    cancelled = make_training(cast, acronym="riga-2016-cancelled", attended=2)
    event_cancel(by=cast.coordinator_a, event=cancelled, reason="Postponed.")
    make_event(cast)  # a conference: its participants are not counted as trained
    rows = [(r.year, r.country, r.sector, r.people) for r in people_trained()]
    assert rows == [(2016, "LT", "police", 1), (2016, "LV", "social_services", 2)]
    assert [r.people for r in people_trained(country="LV")] == [2]
    response = as_persona("coordinator_a").get(reverse("events:training_report_csv"))
    lines = response.content.decode().splitlines()
    assert lines[0] == "year,country,country_name,sector,sector_name,people_trained"
    assert lines[2] == "2016,LV,Latvia,social_services,Social services,2"
    # Names never appear in the report.
    page = as_persona("coordinator_a").get(reverse("events:training_report")).content.decode()
    assert "Jānis" not in page
    assert "3 people trained" in page
    out = io.StringIO()
    call_command("events", "report", "--year", "2016", stdout=out)
    assert out.getvalue().splitlines()[1:] == lines[1:]


# --- the secret calendar link --------------------------------------------------------------------


def _feed(cast: Cast, token: str) -> bytes:
    from django.test import Client

    response = Client().get(reverse("events:feed", args=[token]))
    assert response.status_code == 200
    return bytes(response.content)


def test_the_calendar_link_holds_only_the_persons_own_events_and_can_be_revoked(cast: Cast) -> None:
    mine = event_of(cast)
    make_programme(cast)  # an event caseworker_b did not register for
    registration_of(cast)
    token = calendar_feed_create(by=cast.caseworker_b)
    assert CalendarFeed.objects.get().token_hash != token
    summaries = {str(v["SUMMARY"]) for v in Calendar.from_ical(_feed(cast, token)).walk("VEVENT")}
    assert summaries == set(mine.sessions.values_list("title", flat=True))
    newer = calendar_feed_create(by=cast.caseworker_b)
    from django.test import Client

    assert Client().get(reverse("events:feed", args=[token])).status_code == 404
    assert calendar_feed_revoke(by=cast.caseworker_b)
    assert Client().get(reverse("events:feed", args=[newer])).status_code == 404


# --- search and system actors --------------------------------------------------------------------


def test_search_documents_hold_the_programme_never_participants(cast: Cast) -> None:
    event = make_programme(cast)
    registration_of(cast)
    panel = event.sessions.get(title="Panel: shelters")
    document = session_document(panel)
    assert document is not None
    assert "Speaker: Юлия Иванова (Social worker, City of Narva, EE): Shelter first" in document.body
    assert document.url.endswith(f"#session-{panel.pk}")
    draft = make_event(cast, acronym="riga-2016-draft", publish=False)
    assert event_document(draft) is None
    assert session_document(draft.sessions.get()) is None


def test_the_command_line_import_is_recorded_as_the_command_line_system_actor(cast: Cast) -> None:
    from pathlib import Path

    from strom.events.schedule import parse_schedule

    data = (Path(__file__).parent / "data" / "pretalx-roundtable.json").read_bytes()
    programme_import(
        by=COMMAND_LINE, programme=parse_schedule(data), organisation=cast.orgs["coordinator_lv"]
    )
    entry = AuditEntry.objects.filter(action="event.programme_import").get()
    assert (entry.actor_id, entry.system_actor) == (None, "command-line")


def test_the_api_edits_and_deletes_a_session_and_adds_a_module(cast: Cast, as_persona: Any) -> None:
    event = make_event(cast)
    session = event.sessions.get()
    client = as_persona("coordinator_a")
    url = reverse("api:events_session_update", args=[event.slug, session.pk])
    body = {
        "date": "2015-05-19",
        "start": "16:00",
        "duration_minutes": 30,
        "kind": "talk",
        "title": "Closing words",
        "people": [{"role": "speaker", "name": "Vineta Polatside", "country": "LV"}],
    }
    response = client.put(url, data=body, content_type="application/json")
    assert response.status_code == 200
    assert (response.json()["start"], response.json()["people"][0]["name"]) == ("16:00", "Vineta Polatside")
    assert client.delete(url).status_code == 204
    assert not event.sessions.exists()
    training = make_training(cast, attended=0)
    response = client.post(
        reverse("api:events_module_add", args=[training.slug]),
        data={"title": "Indicators", "learning_goals": "One\nTwo", "duration_minutes": 90},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json()["learning_goals"] == ["One", "Two"]
    report = client.get(reverse("api:events_training_report"), {"year": 2016})
    assert report.status_code == 200
    assert report.json() == []


@pytest.mark.django_db(transaction=True)
def test_a_materials_file_leaves_storage_with_its_row_however_the_row_goes(cast: Cast) -> None:
    from django.core.files.storage import default_storage
    from django.core.files.uploadedfile import SimpleUploadedFile

    from strom.audit.actors import DEMO
    from strom.events.services import material_add, session_delete
    from strom.events.services_trainings import library_material_delete

    event = make_training(cast)
    session = event.sessions.first()
    assert session is not None
    material = material_add(
        by=DEMO, session=session, title="Slides", file=SimpleUploadedFile("slides.pdf", b"%PDF-1.4 slides")
    )
    kept = library_material_add(
        by=DEMO,
        organisation=event.organisation,
        title="Handbook",
        file=SimpleUploadedFile("handbook.pdf", b"%PDF-1.4 handbook"),
    )
    names = [material.file.name, kept.file.name]
    assert all(default_storage.exists(name) for name in names)
    session_delete(by=DEMO, session=session)  # the material goes with its session
    assert not default_storage.exists(names[0])
    library_material_delete(by=cast.users["coordinator_a"], material=kept)
    assert not default_storage.exists(names[1])
