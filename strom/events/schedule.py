"""The programme in the conference "schedule" format that frab and pretalx publish (c3voc schedule XML
and schedule JSON, the versions described by https://c3voc.de/schedule/schema.xsd and schema.json).

Reading turns a document into a `Programme` (plain data) and refuses it whole with every problem
found, each saying where (line or path), what and why; writing turns an event into either form.
The formats have no notion of a moderator or a speaker's function: the JSON carries STROM's extra
person fields (`role`, `function`, `organisation`, `country`), which the schema allows; the XML keeps
only names, so a person read from XML is a speaker.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any
from xml.etree.ElementTree import Element, SubElement, TreeBuilder, tostring
from xml.parsers import expat
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.utils.text import slugify
from django.utils.translation import gettext as _

from strom.events.models import Event, PersonRole, Session, SessionKind

JSON_SCHEMA_URL = "https://c3voc.de/schedule/schema.json"
GENERATOR = "STROM"
ACRONYM_RE = re.compile(r"^[a-z0-9_][a-z0-9_-]{3,59}$")
DURATION_RE = re.compile(r"^(?:([0-9]{1,2}):)?([0-9]{1,2}):([0-9]{2})(?::([0-9]{2}))?$")
LANGUAGE_RE = re.compile(r"^[a-z]{2,3}$")
# The hour a conference day turns into the next one: a session of the last evening may run until then.
# pretalx starts its days at 04:00.
NIGHT_ENDS = dt.time(4)

# Words frab and pretalx put in an event's <type>, lower-cased, to STROM's session types.
KIND_BY_TYPE = {
    "plenary": SessionKind.PLENARY,
    "keynote": SessionKind.PLENARY,
    "opening": SessionKind.PLENARY,
    "panel": SessionKind.PANEL,
    "podium": SessionKind.PANEL,
    "round table": SessionKind.ROUND_TABLE,
    "round_table": SessionKind.ROUND_TABLE,
    "roundtable": SessionKind.ROUND_TABLE,
    "discussion": SessionKind.ROUND_TABLE,
    "break": SessionKind.BREAK,
    "coffee break": SessionKind.BREAK,
    "meal": SessionKind.MEAL,
    "lunch": SessionKind.MEAL,
    "dinner": SessionKind.MEAL,
    "training module": SessionKind.TRAINING_MODULE,
    "training_module": SessionKind.TRAINING_MODULE,
    "workshop": SessionKind.TRAINING_MODULE,
    "hands-on": SessionKind.TRAINING_MODULE,
    "talk": SessionKind.TALK,
    "lecture": SessionKind.TALK,
}
TYPE_BY_KIND = {
    SessionKind.PLENARY: "Plenary",
    SessionKind.PANEL: "Panel",
    SessionKind.ROUND_TABLE: "Round table",
    SessionKind.BREAK: "Break",
    SessionKind.MEAL: "Meal",
    SessionKind.TRAINING_MODULE: "Training module",
    SessionKind.TALK: "Talk",
}


@dataclass(frozen=True)
class Problem:
    where: str
    what: str
    why: str

    def __str__(self) -> str:
        return f"{self.where}: {self.what}: {self.why}"


class ScheduleInvalid(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


@dataclass
class PersonData:
    name: str
    role: str = PersonRole.SPEAKER
    function: str = ""
    organisation_name: str = ""
    country: str = ""
    talk_title: str = ""


@dataclass
class SessionData:
    where: str
    title: str
    starts_at: dt.datetime
    duration_minutes: int
    kind: str = SessionKind.TALK
    room: str = ""
    description: str = ""
    language: str = ""
    guid: uuid.UUID | None = None
    people: list[PersonData] = field(default_factory=list)
    links: list[tuple[str, str]] = field(default_factory=list)

    @property
    def ends_at(self) -> dt.datetime:
        return self.starts_at + dt.timedelta(minutes=self.duration_minutes)


@dataclass
class DayWindow:
    where: str
    start: dt.datetime | None
    end: dt.datetime | None


@dataclass
class Programme:
    title: str
    acronym: str
    start_date: dt.date
    end_date: dt.date
    timezone: str
    sessions: list[SessionData] = field(default_factory=list)


# --- reading ---------------------------------------------------------------------------------------


def parse_schedule(data: bytes) -> Programme:
    """XML or JSON, told apart by the first character that is not white space."""
    text = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text.startswith(b"<"):
        return _Reader().read_xml(data)
    if text.startswith((b"{", b"[")):
        return _Reader().read_json(data)
    raise ScheduleInvalid([Problem(_("line 1"), _("document"), _("neither schedule XML nor schedule JSON"))])


def _duration_minutes(value: str) -> int | None:
    match = DURATION_RE.match(value.strip())
    if not match:
        return None
    days, hours, minutes, _seconds = match.groups()
    return int(days or 0) * 24 * 60 + int(hours) * 60 + int(minutes)


def _aware(value: str) -> dt.datetime | None:
    try:
        parsed = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


def _date_of(value: str, tz: ZoneInfo) -> dt.date | None:
    value = value.strip()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        pass
    moment = _aware(value)
    return moment.astimezone(tz).date() if moment else None


def _abstract_and_description(abstract: str, description: str) -> str:
    """pretalx fills both, the abstract short and the description long; STROM has one description."""
    return "\n\n".join(part.strip() for part in (abstract, description) if part.strip())


def _kind(value: str) -> str:
    return KIND_BY_TYPE.get(" ".join(value.lower().split()), SessionKind.TALK)


class _Reader:
    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.lines: dict[int, int] = {}

    def problem(self, where: str, what: str, why: str) -> None:
        self.problems.append(Problem(where, what, why))

    # XML

    def _parse_xml(self, data: bytes) -> Element:
        """Parse with expat, keeping each element's line; refuse DTDs, so no entity can expand."""
        builder = TreeBuilder()
        parser = expat.ParserCreate()
        lines = self.lines

        def start(tag: str, attrs: dict[str, str]) -> None:
            element = builder.start(tag, attrs)
            lines[id(element)] = parser.CurrentLineNumber

        def refuse_doctype(*args: Any) -> None:
            raise ScheduleInvalid(
                [
                    Problem(
                        _("line %(line)d") % {"line": parser.CurrentLineNumber},
                        _("document type declaration"),
                        _("schedules have none, and entities are not expanded"),
                    )
                ]
            )

        parser.StartElementHandler = start
        parser.EndElementHandler = builder.end
        parser.CharacterDataHandler = builder.data
        parser.StartDoctypeDeclHandler = refuse_doctype
        parser.EntityDeclHandler = refuse_doctype
        try:
            parser.Parse(data, True)
        except expat.ExpatError as exc:
            raise ScheduleInvalid(
                [
                    Problem(
                        _("line %(line)d") % {"line": exc.lineno},
                        _("document"),
                        _("not well-formed XML (%(error)s)") % {"error": expat.ErrorString(exc.code)},
                    )
                ]
            ) from None
        return builder.close()

    def at(self, element: Element) -> str:
        return _("line %(line)d, <%(tag)s>") % {"line": self.lines.get(id(element), 0), "tag": element.tag}

    @staticmethod
    def text(element: Element, tag: str) -> str:
        child = element.find(tag)
        return (child.text or "").strip() if child is not None else ""

    def read_xml(self, data: bytes) -> Programme:
        root = self._parse_xml(data)
        if root.tag != "schedule":
            raise ScheduleInvalid(
                [Problem(self.at(root), _("root element"), _("a schedule document starts with <schedule>"))]
            )
        if root.find("version") is None:
            self.problem(
                self.at(root), _("<version>"), _("missing: the format requires the schedule's version")
            )
        conference = root.find("conference")
        if conference is None:
            raise ScheduleInvalid([*self.problems, Problem(self.at(root), _("<conference>"), _("missing"))])
        where = self.at(conference)
        tz = self.timezone(self.text(conference, "time_zone_name") or "UTC", where)
        windows: list[DayWindow] = []
        sessions: list[SessionData] = []
        for day in root.findall("day"):
            windows.append(DayWindow(self.at(day), _aware(day.get("start", "")), _aware(day.get("end", ""))))
            for room in day.findall("room"):
                for event in room.findall("event"):
                    session = self.xml_session(event, room.get("name", ""), windows[-1])
                    if session is not None:
                        sessions.append(session)
        return self.finish(
            where=where,
            title=self.text(conference, "title"),
            acronym=self.text(conference, "acronym"),
            start=self.text(conference, "start"),
            end=self.text(conference, "end"),
            tz=tz,
            sessions=sessions,
        )

    def xml_session(self, event: Element, room_name: str, window: DayWindow) -> SessionData | None:
        where = self.at(event)
        people = []
        persons = event.find("persons")
        for person in persons.findall("person") if persons is not None else []:
            name = " ".join((person.text or "").split())
            if not name:
                self.problem(self.at(person), _("person"), _("a speaker without a name"))
                continue
            people.append(PersonData(name=name[:200]))
        links = [
            ((link.text or "").strip() or link.get("href", ""), link.get("href", ""))
            for container in ("links", "attachments")
            for link in (event.find(container) or Element("none"))
            if link.get("href", "").startswith(("http://", "https://"))
        ]
        return self.session(
            where=where,
            window=window,
            guid=event.get("guid", ""),
            title=self.text(event, "title"),
            date=self.text(event, "date"),
            duration=self.text(event, "duration"),
            kind=self.text(event, "type"),
            room=self.text(event, "room") or room_name,
            description=_abstract_and_description(
                self.text(event, "abstract"), self.text(event, "description")
            ),
            language=self.text(event, "language"),
            people=people,
            links=links,
        )

    # JSON

    def read_json(self, data: bytes) -> Programme:
        try:
            document = json.loads(data)
        except (ValueError, UnicodeDecodeError, RecursionError) as exc:
            line = getattr(exc, "lineno", 1)
            raise ScheduleInvalid(
                [Problem(_("line %(line)d") % {"line": line}, _("document"), _("not valid JSON"))]
            ) from None
        if not isinstance(document, dict) or not isinstance(document.get("schedule"), dict):
            raise ScheduleInvalid(
                [Problem("$", _("document"), _('a schedule document has a "schedule" object'))]
            )
        schema = document.get("$schema")
        # The current version is schema.json (pretalx and frab); schema2.json and others are refused.
        if schema is not None and (not isinstance(schema, str) or schema.rsplit("/", 1)[-1] != "schema.json"):
            raise ScheduleInvalid(
                [
                    Problem(
                        "$schema",
                        _("version"),
                        _("unknown schedule format version %(schema)s; STROM reads %(known)s")
                        % {"schema": schema, "known": JSON_SCHEMA_URL},
                    )
                ]
            )
        schedule = document["schedule"]
        if not isinstance(schedule.get("version"), str):
            self.problem(
                "schedule.version", _("version"), _("missing: the format requires the schedule's version")
            )
        conference = schedule.get("conference")
        if not isinstance(conference, dict):
            raise ScheduleInvalid(
                [*self.problems, Problem("schedule.conference", _("conference"), _("missing"))]
            )
        tz = self.timezone(
            str(conference.get("time_zone_name") or "UTC"), "schedule.conference.time_zone_name"
        )
        sessions: list[SessionData] = []
        days = conference.get("days")
        for d, day in enumerate(days if isinstance(days, list) else []):
            day_where = f"schedule.conference.days[{d}]"
            if not isinstance(day, dict) or not isinstance(day.get("rooms"), dict):
                self.problem(day_where, _("day"), _("a day has rooms, each with a list of events"))
                continue
            window = DayWindow(
                day_where, _aware(str(day.get("day_start", ""))), _aware(str(day.get("day_end", "")))
            )
            for room_name, events in day["rooms"].items():
                for e, event in enumerate(events if isinstance(events, list) else []):
                    where = f"{day_where}.rooms[{json.dumps(room_name, ensure_ascii=False)}][{e}]"
                    if not isinstance(event, dict):
                        self.problem(where, _("event"), _("an event is an object"))
                        continue
                    session = self.json_session(event, str(room_name), window, where)
                    if session is not None:
                        sessions.append(session)
        return self.finish(
            where="schedule.conference",
            title=str(conference.get("title") or "").strip(),
            acronym=str(conference.get("acronym") or "").strip(),
            start=str(conference.get("start") or ""),
            end=str(conference.get("end") or ""),
            tz=tz,
            sessions=sessions,
        )

    def json_session(
        self, event: dict[str, Any], room_name: str, window: DayWindow, where: str
    ) -> SessionData | None:
        people = []
        persons = event.get("persons")
        for p, person in enumerate(persons if isinstance(persons, list) else []):
            person = person if isinstance(person, dict) else {}
            name = " ".join(str(person.get("name") or person.get("public_name") or "").split())
            if not name:
                self.problem(f"{where}.persons[{p}]", _("person"), _("a speaker without a name"))
                continue
            role = str(person.get("role") or "")
            country = str(person.get("country") or "").upper()
            people.append(
                PersonData(
                    name=name[:200],
                    role=role if role in PersonRole.values else PersonRole.SPEAKER,
                    function=str(person.get("function") or "")[:300],
                    organisation_name=str(person.get("organisation") or "")[:300],
                    country=country if re.fullmatch(r"[A-Z]{2}", country) else "",
                    talk_title=str(person.get("talk_title") or "")[:500],
                )
            )
        links = []
        for container in ("links", "attachments"):
            items = event.get(container)
            for link in items if isinstance(items, list) else []:
                if isinstance(link, dict) and str(link.get("url", "")).startswith(("http://", "https://")):
                    links.append((str(link.get("title") or link["url"]), str(link["url"])))
        return self.session(
            where=where,
            window=window,
            guid=str(event.get("guid") or ""),
            title=str(event.get("title") or "").strip(),
            date=str(event.get("date") or ""),
            duration=str(event.get("duration") or ""),
            kind=str(event.get("type") or ""),
            room=str(event.get("room") or room_name),
            description=_abstract_and_description(
                str(event.get("abstract") or ""), str(event.get("description") or "")
            ),
            language=str(event.get("language") or ""),
            people=people,
            links=links,
        )

    # Both

    def timezone(self, name: str, where: str) -> ZoneInfo:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            self.problem(where, _("time zone"), _("“%(name)s” is not a known time zone") % {"name": name})
            return ZoneInfo("UTC")

    def session(
        self,
        *,
        where: str,
        window: DayWindow,
        guid: str,
        title: str,
        date: str,
        duration: str,
        kind: str,
        room: str,
        description: str,
        language: str,
        people: list[PersonData],
        links: list[tuple[str, str]],
    ) -> SessionData | None:
        ok = True
        if not title:
            self.problem(where, _("title"), _("every session needs a title"))
            ok = False
        starts_at = _aware(date)
        if starts_at is None:
            self.problem(
                where, _("date"), _("“%(value)s” is not a date and time with a UTC offset") % {"value": date}
            )
            ok = False
        minutes = _duration_minutes(duration)
        if not minutes:
            self.problem(
                where, _("duration"), _("“%(value)s” is not a duration like 01:30") % {"value": duration}
            )
            ok = False
        try:
            parsed_guid = uuid.UUID(guid) if guid else None
        except ValueError:
            parsed_guid = None
        if not ok or starts_at is None or not minutes:
            return None
        session = SessionData(
            where=where,
            title=title[:500],
            starts_at=starts_at,
            duration_minutes=minutes,
            kind=_kind(kind),
            room=" ".join(room.split())[:200],
            description=description.strip(),
            language=language.strip().lower() if LANGUAGE_RE.match(language.strip().lower()) else "",
            guid=parsed_guid,
            people=people,
            links=links,
        )
        # A day's window holds the sessions that start in it; pretalx days run from 04:00 to 03:59 and a
        # night session may end after that, so only the start is checked against the window.
        if (window.start and starts_at < window.start) or (window.end and starts_at > window.end):
            self.problem(
                where, _("time"), _("the session lies outside its day (%(where)s)") % {"where": window.where}
            )
        return session

    def finish(
        self,
        *,
        where: str,
        title: str,
        acronym: str,
        start: str,
        end: str,
        tz: ZoneInfo,
        sessions: list[SessionData],
    ) -> Programme:
        if not title:
            self.problem(where, _("title"), _("the conference needs a title"))
        # pretalx's acronym is its event slug, which may hold capitals and dots; the format's may not.
        given, acronym = acronym, acronym.lower().replace(".", "-")
        if not ACRONYM_RE.match(acronym):
            self.problem(
                where,
                _("acronym"),
                _("“%(value)s” is not an acronym of at least 4 lower-case letters, digits, - or _")
                % {"value": given},
            )
        start_date = _date_of(start, tz) if start else None
        end_date = _date_of(end, tz) if end else None
        if start_date is None and sessions:
            start_date = min(s.starts_at.astimezone(tz).date() for s in sessions)
        if end_date is None and sessions:
            end_date = max(s.starts_at.astimezone(tz).date() for s in sessions)
        if start_date is None or end_date is None or end_date < start_date:
            self.problem(
                where, _("start and end"), _("the conference needs a first and a last day, in order")
            )
        else:
            self.check_times(sessions, tz, start_date, end_date)
        check_overlaps(sessions, self.problems)
        if self.problems:
            raise ScheduleInvalid(self.problems)
        assert start_date is not None
        assert end_date is not None
        return Programme(
            title=title[:300],
            acronym=acronym,
            start_date=start_date,
            end_date=end_date,
            timezone=str(tz.key),
            sessions=sorted(sessions, key=lambda s: (s.starts_at, s.room)),
        )

    def check_times(self, sessions: list[SessionData], tz: ZoneInfo, first: dt.date, last: dt.date) -> None:
        """Each session starts on one of the event's days; after the last one it may run past midnight
        until NIGHT_ENDS, as pretalx's days do."""
        latest_end = dt.datetime.combine(last + dt.timedelta(days=1), NIGHT_ENDS, tzinfo=tz)
        for session in sessions:
            starts = session.starts_at.astimezone(tz)
            ends = session.ends_at.astimezone(tz)
            if not first <= starts.date() <= last or ends > latest_end:
                self.problem(
                    session.where,
                    _("time"),
                    _("%(start)s to %(end)s is outside the event's days (%(first)s to %(last)s)")
                    % {
                        "start": starts.strftime("%Y-%m-%d %H:%M"),
                        "end": ends.strftime("%H:%M"),
                        "first": first.isoformat(),
                        "last": last.isoformat(),
                    },
                )


def check_overlaps(sessions: list[SessionData], problems: list[Problem]) -> None:
    """Two sessions in one room at the same time: the second is reported. No room, no clash."""
    by_room: dict[str, list[SessionData]] = defaultdict(list)
    for session in sessions:
        if session.room:
            by_room[session.room].append(session)
    for room, in_room in by_room.items():
        in_room.sort(key=lambda s: s.starts_at)
        for before, after in itertools.pairwise(in_room):
            if after.starts_at < before.ends_at:
                problems.append(
                    Problem(
                        after.where,
                        _("time slot"),
                        _("overlaps “%(other)s” in room “%(room)s” (%(where)s)")
                        % {"other": before.title, "room": room, "where": before.where},
                    )
                )


# --- writing ---------------------------------------------------------------------------------------


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _session_slug(event: Event, session: Session) -> str:
    # voc-slug-new: [a-z0-9_]{4,}-[a-z0-9-_]{4,}
    head = re.sub(r"[^a-z0-9_]", "_", event.acronym.lower())
    return f"{head}-{session.pk}-{slugify(session.title)[:50] or 'session'}".rstrip("-")


def _sessions(event: Event) -> list[Session]:
    return list(
        event.sessions.select_related("day", "room")
        .prefetch_related("people", "materials")
        .order_by("day__date", "start", "pk")
    )


def _room_of(event: Event, session: Session) -> str:
    return session.room.name if session.room else (event.place or event.title)


def _day_bounds(event: Event, date: dt.date, sessions: list[Session]) -> tuple[dt.datetime, dt.datetime]:
    """Midnight to 23:59, or to the end of the day's last session when one runs into the night."""
    start = dt.datetime.combine(date, dt.time(0), tzinfo=event.tz)
    ends = [s.ends_at(event.tz) for s in sessions if s.day.date == date]
    return start, max([start + dt.timedelta(days=1) - dt.timedelta(minutes=1), *ends])


def _days(event: Event) -> list[dt.date]:
    count = (event.end_date - event.start_date).days + 1
    return [event.start_date + dt.timedelta(days=n) for n in range(count)]


def _links(session: Session, base_url: str) -> list[tuple[str, str]]:
    links = []
    for material in session.materials.all():
        url = material.url or (base_url.rstrip("/") + material.file.url if material.file else "")
        if url:
            links.append((material.title, url))
    return links


def export_xml(event: Event, *, base_url: str, event_url: str) -> bytes:
    root = Element("schedule")
    SubElement(root, "generator", name=GENERATOR)
    SubElement(root, "version").text = str(event.programme_version)
    conference = SubElement(root, "conference")
    SubElement(conference, "title").text = event.title
    SubElement(conference, "acronym").text = event.acronym
    SubElement(conference, "start").text = event.start_date.isoformat()
    SubElement(conference, "end").text = event.end_date.isoformat()
    SubElement(conference, "days").text = str(len(_days(event)))
    SubElement(conference, "timeslot_duration").text = "00:05"
    SubElement(conference, "base_url").text = base_url.rstrip("/") + "/"
    SubElement(conference, "url").text = event_url
    SubElement(conference, "time_zone_name").text = event.timezone
    sessions = _sessions(event)
    for index, date in enumerate(_days(event), start=1):
        day_start, day_end = _day_bounds(event, date, sessions)
        day = SubElement(
            root,
            "day",
            date=date.isoformat(),
            start=day_start.isoformat(),
            end=day_end.isoformat(),
            index=str(index),
        )
        rooms: dict[str, list[Session]] = defaultdict(list)
        for session in sessions:
            if session.day.date == date:
                rooms[_room_of(event, session)].append(session)
        for room_name, in_room in rooms.items():
            room = SubElement(day, "room", name=room_name)
            guid = (
                in_room[0].room.guid
                if in_room[0].room
                else uuid.uuid5(uuid.NAMESPACE_URL, event_url + room_name)
            )
            room.set("guid", str(guid))
            for session in in_room:
                _xml_event(room, event, session, room_name, base_url)
    body: bytes = tostring(root, encoding="utf-8", xml_declaration=True)
    return body


def _xml_event(room: Element, event: Event, session: Session, room_name: str, base_url: str) -> None:
    node = SubElement(room, "event", guid=str(session.guid), id=str(session.pk))
    SubElement(node, "room").text = room_name
    SubElement(node, "title").text = session.title
    SubElement(node, "subtitle").text = ""
    SubElement(node, "type").text = TYPE_BY_KIND[SessionKind(session.kind)]
    SubElement(node, "date").text = session.starts_at(event.tz).isoformat()
    SubElement(node, "start").text = session.start.strftime("%H:%M")
    SubElement(node, "duration").text = _hhmm(session.duration_minutes)
    SubElement(node, "abstract").text = session.description
    SubElement(node, "slug").text = _session_slug(event, session)
    SubElement(node, "track").text = ""
    persons = SubElement(node, "persons")
    for person in session.people.all():
        SubElement(persons, "person", guid=str(person.guid)).text = person.name
    SubElement(node, "language").text = session.language
    SubElement(node, "description").text = ""
    links = SubElement(node, "links")
    for title, url in _links(session, base_url):
        SubElement(links, "link", href=url).text = title


def export_json(event: Event, *, base_url: str, event_url: str) -> bytes:
    sessions = _sessions(event)
    days = []
    rooms_seen: dict[str, str] = {}
    for index, date in enumerate(_days(event), start=1):
        day_start, day_end = _day_bounds(event, date, sessions)
        rooms: dict[str, list[dict[str, Any]]] = {}
        for session in sessions:
            if session.day.date != date:
                continue
            room_name = _room_of(event, session)
            guid = (
                session.room.guid if session.room else uuid.uuid5(uuid.NAMESPACE_URL, event_url + room_name)
            )
            rooms_seen.setdefault(room_name, str(guid))
            rooms.setdefault(room_name, []).append(
                _json_event(event, session, room_name, base_url, event_url)
            )
        days.append(
            {
                "index": index,
                "date": date.isoformat(),
                "day_start": day_start.isoformat(),
                "day_end": day_end.isoformat(),
                "rooms": rooms,
            }
        )
    document = {
        "$schema": JSON_SCHEMA_URL,
        "generator": {"name": GENERATOR},
        "schedule": {
            "version": str(event.programme_version),
            "base_url": base_url.rstrip("/") + "/",
            "conference": {
                "acronym": event.acronym,
                "title": event.title,
                "start": event.start_date.isoformat(),
                "end": event.end_date.isoformat(),
                "daysCount": len(days),
                "timeslot_duration": "00:05",
                "time_zone_name": event.timezone,
                "url": event_url,
                "rooms": [{"name": name, "guid": guid} for name, guid in rooms_seen.items()],
                "days": days,
            },
        },
    }
    return json.dumps(document, ensure_ascii=False, indent=2).encode()


def _json_event(
    event: Event, session: Session, room_name: str, base_url: str, event_url: str
) -> dict[str, Any]:
    return {
        "guid": str(session.guid),
        "id": session.pk,
        "date": session.starts_at(event.tz).isoformat(),
        "start": session.start.strftime("%H:%M"),
        "duration": _hhmm(session.duration_minutes),
        "room": room_name,
        "slug": _session_slug(event, session),
        "url": f"{event_url}#session-{session.pk}",
        "title": session.title,
        "subtitle": "",
        "track": None,
        "type": TYPE_BY_KIND[SessionKind(session.kind)],
        "language": session.language or None,
        "abstract": session.description,
        "description": "",
        "persons": [
            {
                "guid": str(person.guid),
                "name": person.name,
                "role": person.role,
                "function": person.function,
                "organisation": person.organisation_name,
                "country": person.country,
                "talk_title": person.talk_title,
            }
            for person in session.people.all()
        ],
        "links": [{"title": title, "url": url} for title, url in _links(session, base_url)],
    }
