"""The demo's events: the Riga 2015 conference as its programme was published, and the training.
The tests that need the Riga data live here, with the demo; the events app's own tests use factories."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import jsonschema_rs
import pytest
from django.core.management import call_command
from django.urls import reverse
from icalendar import Calendar
from lxml import etree  # type: ignore[import-untyped]  # lxml ships no type stubs; used in tests only

import strom.events.tests
from strom.demo.events import RIGA_2015_SESSIONS, load_demo_events
from strom.events.exchange import export_event
from strom.events.models import Event, EventKind, Session
from strom.events.schedule import parse_schedule
from strom.events.services import programme_import
from tests.personas import Cast

DATA = Path(strom.events.tests.__file__).parent / "data"
SITE = "https://strom.example.org"
RIGA = ZoneInfo("Europe/Riga")


@pytest.fixture
def riga(cast: Cast) -> Event:
    event: Event = load_demo_events(organisation=cast.orgs["coordinator_lv"])[0]
    return event


def _summary(event: Event) -> list[tuple[object, ...]]:
    return [
        (
            s.title,
            s.starts_at(event.tz).astimezone(dt.UTC),
            s.duration_minutes,
            s.kind,
            s.room.name if s.room else event.place,
            [p.name for p in s.people.all()],
        )
        for s in Session.objects.filter(event=event)
        .select_related("day", "room")
        .order_by("day__date", "start", "pk")
    ]


def test_the_printable_programme_reads_like_the_published_one(cast: Cast, as_persona: Any) -> None:
    riga = load_demo_events(organisation=cast.orgs["coordinator_lv"])[0]
    page = as_persona("caseworker_b").get(reverse("events:programme", args=[riga.slug])).content.decode()
    assert "“Local Action against Human Trafficking”" in page
    assert "Day 1, Tuesday, 19 May 2015" in page
    assert "14:00\u201315:50" in page
    # The moderator, then the speakers by country with their talk titles.
    assert "<strong>Moderator:</strong>" in page
    assert page.index("Jan Austad") < page.index("Aneta Suda") < page.index("Endrit Mujaj")
    assert '<span class="country">PL</span> <em>“Regional Structures' in page
    assert "Day 2, Wednesday, 20 May 2015" in page


def test_the_event_page_makes_a_fixed_number_of_queries(
    cast: Cast, as_persona: Any, django_assert_max_num_queries: Any
) -> None:
    riga = load_demo_events(organisation=cast.orgs["coordinator_lv"])[0]
    client = as_persona("caseworker_a")
    url = reverse("events:detail", args=[riga.slug])
    client.get(url)
    with django_assert_max_num_queries(30):
        assert client.get(url).status_code == 200


def test_demo_events_load_once_with_the_riga_programme(cast: Cast) -> None:
    riga, training = load_demo_events(organisation=cast.orgs["coordinator_lv"])
    assert riga.is_published
    assert training.kind == EventKind.TRAINING
    assert riga.sessions.count() == len(RIGA_2015_SESSIONS)
    panel1 = riga.sessions.get(title__startswith="Panel 1")
    moderator = panel1.people.get(role="moderator")
    assert (moderator.name, moderator.country) == ("Jan Austad", "NO")
    assert sorted(panel1.people.filter(role="speaker").values_list("country", flat=True)) == [
        "DE",
        "DK",
        "NL",
        "PL",
        "SE",
    ]
    assert load_demo_events(organisation=cast.orgs["coordinator_lv"])[0].pk == riga.pk
    assert Event.objects.count() == 2


def test_the_xml_export_validates_against_the_published_xsd(riga: Event) -> None:
    schema = etree.XMLSchema(etree.parse(str(DATA / "schedule.xml.xsd")))
    body, content_type, name = export_event(riga, "xml", site_url=SITE)
    document = etree.fromstring(body)
    assert schema.validate(document), schema.error_log
    assert content_type.startswith("application/xml")
    assert name == "riga-2015-strom-schedule.xml"
    # A session without a room is exported in the venue.
    rooms = {room.get("name") for room in document.iterfind("day/room")}
    assert rooms == {riga.place}


def test_the_json_export_validates_against_the_published_json_schema(riga: Event) -> None:
    schema = json.loads((DATA / "schedule.schema.json").read_text())
    body, _content_type, _name = export_event(riga, "json", site_url=SITE)
    errors = [str(e) for e in jsonschema_rs.validator_for(schema).iter_errors(json.loads(body))]
    assert errors == []


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_an_export_reads_back_as_the_same_programme(cast: Cast, riga: Event, fmt: str) -> None:
    body, _content_type, _name = export_event(riga, fmt, site_url=SITE)
    body = body.replace(b"riga-2015-strom", b"riga-2015-again")
    copy = programme_import(
        by=cast.coordinator_a, programme=parse_schedule(body), organisation=cast.orgs["coordinator_lv"]
    )
    assert (copy.title, copy.start_date, copy.end_date, copy.timezone) == (
        riga.title,
        riga.start_date,
        riga.end_date,
        riga.timezone,
    )
    assert _summary(copy) == _summary(riga)
    if fmt == "json":
        # The JSON carries the people's roles, functions and countries too.
        original = riga.sessions.get(title__startswith="Panel 1").people.values_list(
            "role", "name", "function", "country"
        )
        again = copy.sessions.get(title__startswith="Panel 1").people.values_list(
            "role", "name", "function", "country"
        )
        assert list(again) == list(original)


@pytest.mark.parametrize("fmt", ["xml", "json", "ics"])
def test_the_command_line_exports(riga: Event, tmp_path: Path, fmt: str) -> None:
    path = tmp_path / f"out.{fmt}"
    call_command("events", "export", riga.slug, "--format", fmt, "--out", str(path))
    assert (
        path.read_bytes()
        == export_event(riga, fmt, site_url=pytest.importorskip("django.conf").settings.SITE_URL)[0]
    )


def test_the_calendar_has_every_session_in_utc(riga: Event) -> None:
    body, content_type, _name = export_event(riga, "ics", site_url=SITE)
    assert content_type.startswith("text/calendar")
    calendar = Calendar.from_ical(body)
    events = [c for c in calendar.walk("VEVENT")]
    assert len(events) == riga.sessions.count()
    opening = next(e for e in events if str(e["SUMMARY"]) == "Welcome and opening remarks")
    assert opening.decoded("DTSTART") == dt.datetime(2015, 5, 19, 12, 0, tzinfo=RIGA)
    assert opening.decoded("DTEND") == dt.datetime(2015, 5, 19, 12, 40, tzinfo=RIGA)
    assert str(opening["LOCATION"]) == riga.place
    assert "Dainis Turlais" in str(opening["DESCRIPTION"])


def test_the_demo_training_has_a_curriculum_trainers_and_a_library_material(cast: Cast) -> None:
    training = load_demo_events(organisation=cast.orgs["coordinator_lv"])[1]
    assert training.target_sectors == ["municipal", "social_services"]
    modules = list(training.modules.all())
    assert [m.title for m in modules] == [
        "Indicators of trafficking",
        "The first conversation and reasonable grounds",
        "Referral to assistance",
    ]
    assert all(m.goals and m.sessions.count() == 1 for m in modules)
    assert training.library.get().title == "Indicator card for social workers (demo)"
    assert set(training.sessions.values_list("people__role", flat=True)) >= {"trainer"}
