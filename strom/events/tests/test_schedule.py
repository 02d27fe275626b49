"""The schedule format: STROM's exports validate against the published schemas, read back the same,
a pretalx schedule imports, and bad input is refused with its reasons and nothing written."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path
from zoneinfo import ZoneInfo

import jsonschema_rs
import pytest
from django.core.management import CommandError, call_command
from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar import Calendar
from lxml import etree  # type: ignore[import-untyped]  # lxml ships no type stubs; used in tests only

from strom.events.exchange import export_event
from strom.events.models import Event, Session
from strom.events.schedule import ScheduleInvalid, parse_schedule
from strom.events.services import programme_import
from strom.events.tests.factories import make_programme
from tests.personas import Cast

DATA = Path(__file__).parent / "data"
SITE = "https://strom.example.org"
VILNIUS = ZoneInfo("Europe/Vilnius")


@pytest.fixture
def event(cast: Cast) -> Event:
    return make_programme(cast)


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


def test_a_pretalx_schedule_imports(cast: Cast) -> None:
    data = (DATA / "pretalx-roundtable.json").read_bytes()
    event = programme_import(
        by=cast.coordinator_a, programme=parse_schedule(data), organisation=cast.orgs["coordinator_lv"]
    )
    assert (event.acronym, event.timezone, event.start_date, event.end_date, event.status) == (
        "vilnius-2016-roundtable",
        "Europe/Vilnius",
        dt.date(2016, 3, 10),
        dt.date(2016, 3, 11),
        "draft",
    )
    sessions = list(event.sessions.select_related("room").order_by("start", "room__name"))
    assert [(s.title, s.start, s.room.name if s.room else "", s.kind) for s in sessions] == [
        ("Opening: what municipalities need", dt.time(10), "Hall A", "plenary"),
        ("Workshop: screening with indicators", dt.time(10), "Room 2", "training_module"),
        ("Round table: shelters and social services", dt.time(11, 30), "Hall A", "round_table"),
    ]
    assert [p.name for p in sessions[2].people.all()] == ["Jonas Kazlauskas", "Agnė Jankauskienė"]
    assert sessions[0].materials.get().url == "https://example.org/paper.pdf"


def test_a_pretalx_xml_schedule_imports(cast: Cast) -> None:
    data = (DATA / "pretalx-workshop.xml").read_bytes()
    event = programme_import(
        by=cast.coordinator_a, programme=parse_schedule(data), organisation=cast.orgs["coordinator_lv"]
    )
    assert (event.acronym, event.timezone, event.start_date) == (
        "tallinn-2017-workshop",
        "Europe/Tallinn",
        dt.date(2017, 9, 12),
    )
    sessions = list(event.sessions.select_related("room").order_by("start"))
    assert [
        (s.title, s.start, s.duration_minutes, s.kind, s.room.name if s.room else "") for s in sessions
    ] == [
        ("Indicators of labour exploitation", dt.time(9, 30), 90, "training_module", "Saal"),
        ("Coffee", dt.time(11), 30, "break", "Saal"),
    ]
    assert [p.name for p in sessions[0].people.all()] == ["Kadri Tamm", "Mart Kask"]
    assert str(sessions[0].guid) == "b3e1f0a2-6c4d-5e8f-9a1b-2c3d4e5f6a7b"


# Real exports of pretalx 2025.2.2 from a synthetic event (data/README.md says how they were made):
# (day, start, minutes, kind, room, title, speakers, language), in Europe/Riga (UTC+03:00 in May).
PRETALX_EXPORT = [
    (
        19,
        dt.time(9, 30),
        30,
        "talk",
        "Sēžu zāle",
        "Opening: municipalities in the chain of assistance",
        ["Ilze Bērziņa"],
        "en",
    ),
    (
        19,
        dt.time(10, 15),
        90,
        "training_module",
        "Room 2",
        "Screening with indicators",
        ["Kārlis Ozoliņš"],
        "en",
    ),
    (
        19,
        dt.time(10, 15),
        90,
        "round_table",
        "Sēžu zāle",
        "Shelters and social services",
        ["Jonas Petraitis", "Anna Kalniņa"],
        "en",
    ),
    (
        20,
        dt.time(9, 30),
        30,
        "talk",
        "Room 2",
        "Darba ekspluatācijas pazīmes būvniecībā",
        ["Anna Kalniņa"],
        "lv",
    ),
    (
        20,
        dt.time(10),
        90,
        "round_table",
        "Sēžu zāle",
        "Cooperation with the police & labour inspectorate",
        ["Ilze Bērziņa", "Kadri Tamm"],
        "en",
    ),
    (
        20,
        dt.time(23, 30),
        60,
        "training_module",
        "Room 2",
        "Night outreach walk in the old town",
        ["Jonas Petraitis"],
        "en",
    ),
]
RIGA = ZoneInfo("Europe/Riga")


def _import_pretalx_export(cast: Cast, fmt: str) -> Event:
    return programme_import(
        by=cast.coordinator_a,
        programme=parse_schedule((DATA / f"pretalx-export.{fmt}").read_bytes()),
        organisation=cast.orgs["coordinator_lv"],
    )


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_a_real_pretalx_export_imports(cast: Cast, fmt: str) -> None:
    event = _import_pretalx_export(cast, fmt)
    assert (event.title, event.acronym, event.timezone, event.start_date, event.end_date) == (
        "Round table: local action against human trafficking",
        "riga-2026-roundtable",
        "Europe/Riga",
        dt.date(2026, 5, 19),
        dt.date(2026, 5, 20),
    )
    sessions = list(
        event.sessions.select_related("day", "room")
        .prefetch_related("people")
        .order_by("day__date", "start", "room__name")
    )
    # pretalx leaves the lunch break out of both exports; its types become STROM's kinds, its tracks
    # have no place in STROM and are not kept.
    assert [
        (
            s.day.date.day,
            s.start,
            s.duration_minutes,
            s.kind,
            s.room.name if s.room else "",
            s.title,
            [p.name for p in s.people.all()],
            s.language,
        )
        for s in sessions
    ] == PRETALX_EXPORT
    assert {p.role for s in sessions for p in s.people.all()} == {"speaker"}
    opening, night = sessions[0], sessions[-1]
    assert opening.starts_at(event.tz).astimezone(dt.UTC) == dt.datetime(2026, 5, 19, 6, 30, tzinfo=dt.UTC)
    assert night.ends_at(event.tz) == dt.datetime(2026, 5, 21, 0, 30, tzinfo=RIGA)
    assert str(opening.guid) == "1b8d7f38-3bb3-52a1-91e3-21b96eada943"
    assert opening.description == "Why the municipal level matters in the national referral mechanism."
    assert sessions[4].description == "Sharing what the case allows <and nothing more>."
    # pretalx's abstract and description both become the session's description.
    assert sessions[1].description == (
        "Hands-on: the ILO indicators, adults and children.\n\n"
        "Bring a case you met.\n\nWe work in pairs: one screens, one observes."
    )
    assert set(event.rooms.values_list("name", flat=True)) == {"Sēžu zāle", "Room 2"}
    # pretalx's XML template leaves a talk's links out; its JSON carries them.
    links = list(opening.materials.values_list("title", "url"))
    assert links == (
        [("Background paper", "https://example.org/riga-2026/background.pdf")] if fmt == "json" else []
    )


def test_both_real_pretalx_exports_give_the_same_programme(cast: Cast) -> None:
    xml, json_ = (parse_schedule((DATA / f"pretalx-export.{fmt}").read_bytes()) for fmt in ("xml", "json"))
    assert [(s.guid, s.starts_at, s.ends_at, s.room, s.kind) for s in xml.sessions] == [
        (s.guid, s.starts_at, s.ends_at, s.room, s.kind) for s in json_.sessions
    ]


def _pretalx_night_session(starts: str, duration: str) -> bytes:
    document = json.loads((DATA / "pretalx-export.json").read_text())
    night = document["schedule"]["conference"]["days"][1]["rooms"]["Room 2"][1]
    assert night["title"] == "Night outreach walk in the old town"
    night["date"], night["duration"] = starts, duration
    return json.dumps(document).encode()


def test_a_night_session_may_end_after_midnight_of_the_last_day_but_not_in_the_morning(cast: Cast) -> None:
    """pretalx's days run from 04:00 to 03:59, so its last day's night sessions end after the event's last
    date; STROM once refused the real export for it."""
    programme = parse_schedule(_pretalx_night_session("2026-05-20T23:30:00+03:00", "04:30"))
    assert programme.sessions[-1].ends_at == dt.datetime(2026, 5, 21, 4, tzinfo=RIGA)
    where = 'schedule.conference.days[1].rooms["Room 2"][1]'
    assert _refused(cast, _pretalx_night_session("2026-05-20T23:30:00+03:00", "04:31")) == [
        f"{where}: time: 2026-05-20 23:30 to 04:01 is outside the event's days (2026-05-19 to 2026-05-20)"
    ]
    # pretalx files a session starting before 03:00 under the day before; STROM keeps a session on the
    # day it starts, and the event has no 21 May.
    assert _refused(cast, _pretalx_night_session("2026-05-21T00:30:00+03:00", "01:00")) == [
        f"{where}: time: 2026-05-21 00:30 to 01:30 is outside the event's days (2026-05-19 to 2026-05-20)"
    ]


def test_a_session_starting_after_its_day_is_refused(cast: Cast) -> None:
    where = 'schedule.conference.days[1].rooms["Room 2"][1]'
    problems = _refused(cast, _pretalx_night_session("2026-05-21T04:30:00+03:00", "00:30"))
    assert f"{where}: time: the session lies outside its day (schedule.conference.days[1])" in problems


@pytest.mark.parametrize(("slug", "acronym"), [("Riga.THB-2026", "riga-thb-2026"), ("RTHB", "rthb")])
def test_a_pretalx_event_slug_with_capitals_and_dots_becomes_the_acronym_in_lower_case(
    cast: Cast, slug: str, acronym: str
) -> None:
    """pretalx allows letters of either case, digits, dots and dashes in the event slug it exports as the
    acronym; the schedule format allows only lower case, digits, "-" and "_"."""
    data = (DATA / "pretalx-export.xml").read_bytes().replace(b"riga-2026-roundtable", slug.encode())
    event = programme_import(
        by=cast.coordinator_a, programme=parse_schedule(data), organisation=cast.orgs["coordinator_lv"]
    )
    assert event.acronym == acronym


def test_an_acronym_too_short_is_refused_as_given(cast: Cast) -> None:
    data = (DATA / "pretalx-export.xml").read_bytes().replace(b"riga-2026-roundtable", b"R.1")
    assert _refused(cast, data) == [
        "line 6, <conference>: acronym: "
        "“R.1” is not an acronym of at least 4 lower-case letters, digits, - or _"
    ]


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_strom_exports_an_imported_pretalx_programme_validly_and_reads_it_back(cast: Cast, fmt: str) -> None:
    event = _import_pretalx_export(cast, "json")
    body, _content_type, _name = export_event(event, fmt, site_url=SITE)
    if fmt == "xml":
        schema = etree.XMLSchema(etree.parse(str(DATA / "schedule.xml.xsd")))
        document = etree.fromstring(body)
        assert schema.validate(document), schema.error_log
        # The last day lasts until its night session ends.
        assert document.find("day[@index='2']").get("end") == "2026-05-21T00:30:00+03:00"
    else:
        schema = json.loads((DATA / "schedule.schema.json").read_text())
        errors = [str(e) for e in jsonschema_rs.validator_for(schema).iter_errors(json.loads(body))]
        assert errors == []
        assert json.loads(body)["schedule"]["conference"]["days"][1]["day_end"] == "2026-05-21T00:30:00+03:00"
    again = parse_schedule(body.replace(b"riga-2026-roundtable", b"riga-2026-again"))
    assert [(s.title, s.starts_at, s.duration_minutes, s.room) for s in again.sessions] == [
        (s.title, s.starts_at(event.tz), s.duration_minutes, s.room.name if s.room else "")
        for s in event.sessions.select_related("day", "room").order_by("day__date", "start", "room__name")
    ]


XML_HEAD = b"""<?xml version="1.0" encoding="utf-8"?>
<schedule>
  <version>1</version>
  <conference><title>Test</title><acronym>test-2015</acronym><start>2015-05-19</start><end>2015-05-19</end>
    <time_zone_name>Europe/Riga</time_zone_name></conference>
  <day index="1" date="2015-05-19" start="2015-05-19T00:00:00+03:00" end="2015-05-19T23:59:00+03:00">
    <room name="Hall">
"""
XML_TAIL = b"""    </room>
  </day>
</schedule>
"""


def _xml_event(
    n: int, start: str, duration: str = "01:00", persons: str = "<person>A Speaker</person>"
) -> bytes:
    return (
        f'<event guid="00000000-0000-4000-8000-00000000000{n}" id="{n}">'
        f"<room>Hall</room><title>Session {n}</title>"
        f"<type>Talk</type><date>{start}</date><start>10:00</start><duration>{duration}</duration>"
        f"<abstract/><track/><persons>{persons}</persons></event>\n"
    ).encode()


def _refused(cast: Cast, data: bytes) -> list[str]:
    before = (Event.objects.count(), Session.objects.count())
    with pytest.raises(ScheduleInvalid) as caught:
        programme_import(
            by=cast.coordinator_a, programme=parse_schedule(data), organisation=cast.orgs["coordinator_lv"]
        )
    assert (Event.objects.count(), Session.objects.count()) == before
    return [str(p) for p in caught.value.problems]


def test_a_good_xml_document_imports(cast: Cast) -> None:
    data = (
        XML_HEAD
        + _xml_event(1, "2015-05-19T10:00:00+03:00")
        + _xml_event(2, "2015-05-19T11:00:00+03:00")
        + XML_TAIL
    )
    event = programme_import(
        by=cast.coordinator_a, programme=parse_schedule(data), organisation=cast.orgs["coordinator_lv"]
    )
    assert event.sessions.count() == 2


def test_malformed_xml_is_refused_with_its_line(cast: Cast) -> None:
    problems = _refused(cast, XML_HEAD + b"<event><title>Broken</event>\n" + XML_TAIL)
    assert problems == ["line 8: document: not well-formed XML (mismatched tag)"]


def test_overlapping_slots_in_one_room_are_refused(cast: Cast) -> None:
    data = (
        XML_HEAD
        + _xml_event(1, "2015-05-19T10:00:00+03:00")
        + _xml_event(2, "2015-05-19T10:30:00+03:00")
        + XML_TAIL
    )
    (problem,) = _refused(cast, data)
    assert problem == "line 9, <event>: time slot: overlaps “Session 1” in room “Hall” (line 8, <event>)"


def test_a_speaker_without_a_name_is_refused(cast: Cast) -> None:
    data = (
        XML_HEAD + _xml_event(1, "2015-05-19T10:00:00+03:00", persons="<person id='3'> </person>") + XML_TAIL
    )
    assert _refused(cast, data) == ["line 8, <person>: person: a speaker without a name"]


def test_times_outside_the_events_days_are_refused(cast: Cast) -> None:
    data = XML_HEAD + _xml_event(1, "2015-05-20T10:00:00+03:00") + XML_TAIL
    problems = _refused(cast, data)
    assert any("outside its day" in p for p in problems)
    assert any("is outside the event's days (2015-05-19 to 2015-05-19)" in p for p in problems)


def test_a_document_type_declaration_is_refused(cast: Cast) -> None:
    data = b'<?xml version="1.0"?>\n<!DOCTYPE schedule [<!ENTITY a "aaaa">]>\n<schedule/>'
    (problem,) = _refused(cast, data)
    assert "document type declaration" in problem


def test_an_unknown_json_version_is_refused(cast: Cast) -> None:
    document = json.loads((DATA / "pretalx-roundtable.json").read_text())
    document["$schema"] = "https://c3voc.de/schedule/schema2.json"
    (problem,) = _refused(cast, json.dumps(document).encode())
    assert problem.startswith("$schema: version: unknown schedule format version")


def test_json_problems_name_the_path(cast: Cast) -> None:
    document = json.loads((DATA / "pretalx-roundtable.json").read_text())
    event = document["schedule"]["conference"]["days"][0]["rooms"]["Hall A"][1]
    event["persons"][0]["name"] = event["persons"][0]["public_name"] = ""
    event["duration"] = "soon"
    problems = _refused(cast, json.dumps(document).encode())
    where = 'schedule.conference.days[0].rooms["Hall A"][1]'
    assert problems == [
        f"{where}.persons[0]: person: a speaker without a name",
        f"{where}: duration: “soon” is not a duration like 01:30",
    ]


def test_neither_xml_nor_json_is_refused(cast: Cast) -> None:
    assert _refused(cast, b"BEGIN:VCALENDAR") == ["line 1: document: neither schedule XML nor schedule JSON"]


@settings(max_examples=60, deadline=None)
@given(st.one_of(st.binary(max_size=200), st.text(max_size=200).map(lambda t: ("<schedule>" + t).encode())))
def test_the_parser_only_ever_refuses_with_reasons(data: bytes) -> None:
    problems: list[object] = []
    try:
        parse_schedule(data)
    except ScheduleInvalid as exc:
        problems = list(exc.problems) or [None]
    assert None not in problems


def test_the_command_line_imports_and_refuses_an_existing_acronym_unless_replacing(
    cast: Cast, tmp_path: Path
) -> None:
    path = tmp_path / "schedule.json"
    path.write_bytes((DATA / "pretalx-roundtable.json").read_bytes())
    out = io.StringIO()
    call_command(
        "events", "import", str(path), "--organisation", cast.orgs["coordinator_lv"].name, stdout=out
    )
    assert out.getvalue().strip().splitlines()[-1] == "vilnius-2016-roundtable"
    err = io.StringIO()
    with pytest.raises(CommandError, match="Nothing was imported: 1 problems"):
        call_command("events", "import", str(path), stdout=io.StringIO(), stderr=err)
    assert "--replace" in err.getvalue()
    out = io.StringIO()
    call_command("events", "import", str(path), "--replace", stdout=out)
    assert out.getvalue().strip().splitlines()[-1] == "vilnius-2016-roundtable"
    assert Event.objects.get().sessions.count() == 3


def test_a_guid_used_twice_gets_a_new_one_instead_of_failing(cast: Cast) -> None:
    data = XML_HEAD + _xml_event(1, "2015-05-19T10:00:00+03:00") + _xml_event(1, "2015-05-19T11:00:00+03:00")
    event = programme_import(
        by=cast.coordinator_a,
        programme=parse_schedule(data + XML_TAIL),
        organisation=cast.orgs["coordinator_lv"],
    )
    assert len(set(event.sessions.values_list("guid", flat=True))) == 2


def test_the_xml_export_validates_against_the_published_xsd(event: Event) -> None:
    schema = etree.XMLSchema(etree.parse(str(DATA / "schedule.xml.xsd")))
    body, content_type, name = export_event(event, "xml", site_url=SITE)
    document = etree.fromstring(body)
    assert schema.validate(document), schema.error_log
    assert content_type.startswith("application/xml")
    assert name == "vilnius-2016-test-schedule.xml"
    # Sessions without a room are exported in the venue; the others in their rooms.
    rooms = {room.get("name") for room in document.iterfind("day/room")}
    assert rooms == {"Town hall, Vilnius", "Hall A", "Room 2"}


def test_the_json_export_validates_against_the_published_json_schema(event: Event) -> None:
    schema = json.loads((DATA / "schedule.schema.json").read_text())
    body, _content_type, _name = export_event(event, "json", site_url=SITE)
    errors = [str(e) for e in jsonschema_rs.validator_for(schema).iter_errors(json.loads(body))]
    assert errors == []


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_an_export_reads_back_as_the_same_programme(cast: Cast, event: Event, fmt: str) -> None:
    body, _content_type, _name = export_event(event, fmt, site_url=SITE)
    copy = programme_import(
        by=cast.coordinator_a,
        programme=parse_schedule(body.replace(b"vilnius-2016-test", b"vilnius-2016-again")),
        organisation=cast.orgs["coordinator_lv"],
    )
    assert (copy.title, copy.start_date, copy.end_date, copy.timezone) == (
        event.title,
        event.start_date,
        event.end_date,
        event.timezone,
    )
    summary = [
        (s.title, s.starts_at(VILNIUS), s.duration_minutes, s.kind, [p.name for p in s.people.all()])
        for e in (event, copy)
        for s in e.sessions.select_related("day").order_by("day__date", "start", "title")
    ]
    half = len(summary) // 2
    assert summary[:half] == summary[half:]
    if fmt == "json":
        # The JSON carries the people's roles, functions, organisations and countries too.
        fields = ("role", "name", "function", "organisation_name", "country", "talk_title")
        original = event.sessions.get(title="Panel: shelters").people.values_list(*fields)
        again = copy.sessions.get(title="Panel: shelters").people.values_list(*fields)
        assert list(again) == list(original)


@pytest.mark.parametrize("fmt", ["xml", "json", "ics"])
def test_the_command_line_exports(event: Event, tmp_path: Path, fmt: str) -> None:
    from django.conf import settings as django_settings

    path = tmp_path / f"out.{fmt}"
    call_command("events", "export", event.slug, "--format", fmt, "--out", str(path))
    assert path.read_bytes() == export_event(event, fmt, site_url=django_settings.SITE_URL)[0]


def test_the_calendar_has_every_session_in_utc(event: Event) -> None:
    body, content_type, _name = export_event(event, "ics", site_url=SITE)
    assert content_type.startswith("text/calendar")
    events = list(Calendar.from_ical(body).walk("VEVENT"))
    assert len(events) == event.sessions.count()
    panel = next(e for e in events if str(e["SUMMARY"]) == "Panel: shelters")
    assert panel.decoded("DTSTART") == dt.datetime(2016, 3, 10, 11, 15, tzinfo=VILNIUS)
    assert panel.decoded("DTEND") == dt.datetime(2016, 3, 10, 12, 45, tzinfo=VILNIUS)
    assert str(panel["LOCATION"]) == "Hall A"
    assert "Moderator: Jūratė Petrauskienė (Adviser, LT)" in str(panel["DESCRIPTION"])
    opening = next(e for e in events if str(e["SUMMARY"]) == "Opening")
    assert str(opening["LOCATION"]) == "Town hall, Vilnius"
    assert str(opening["STATUS"]) == "CONFIRMED"
