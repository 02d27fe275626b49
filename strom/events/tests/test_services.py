from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from strom.audit.models import AuditEntry
from strom.core.errors import NotAllowed
from strom.events.access import get_event_for, get_registration_for
from strom.events.models import Event, EventKind, Registration, RegistrationStatus, SessionKind
from strom.events.selectors import participant_list, programme
from strom.events.services import (
    attendance_mark,
    event_create,
    event_publish,
    registration_cancel,
    registration_create,
    session_add,
)
from strom.events.tests.factories import make_event
from tests.personas import Cast


def _register(cast: Cast, event: Event, persona: str, **extra: object) -> Registration:
    user = cast.users[persona]
    return registration_create(by=user, event=event, name=user.full_name, email=user.email, **extra)  # type: ignore[arg-type]  # test helper


def test_coordinator_creates_an_event_with_its_days_and_an_audit_entry(cast: Cast) -> None:
    event = event_create(
        by=cast.coordinator_a,
        organisation=cast.orgs["coordinator_lv"],
        kind=EventKind.ROUND_TABLE,
        title="Round table on shelters",
        acronym="riga-2016-shelters",
        start_date=dt.date(2016, 3, 1),
        end_date=dt.date(2016, 3, 3),
    )
    assert [d.date.day for d in event.days.all()] == [1, 2, 3]
    assert event.status == "draft"
    entry = AuditEntry.objects.filter(action="event.create").latest("seq")
    assert entry.actor_id == cast.coordinator_a.pk
    assert entry.object_ref == str(event.pk)


@pytest.mark.parametrize(
    "persona", ["caseworker_a", "supervisor_a", "orgadmin_a", "analyst_a", "coordinator_b"]
)
def test_others_may_not_create_events_for_the_coordinators_office(cast: Cast, persona: str) -> None:
    with pytest.raises(NotAllowed):
        event_create(
            by=cast.users[persona],
            organisation=cast.orgs["coordinator_lv"],
            kind=EventKind.CONFERENCE,
            title="Not allowed",
            acronym="nope-2016",
            start_date=dt.date(2016, 3, 1),
            end_date=dt.date(2016, 3, 1),
        )
    assert not Event.objects.filter(acronym="nope-2016").exists()


def test_a_draft_is_seen_by_its_organisers_only_and_published_by_everyone_logged_in(cast: Cast) -> None:
    event = make_event(cast, publish=False)
    assert get_event_for(cast.coordinator_a, event.slug) == event
    assert get_event_for(cast.sysadmin, event.slug) == event
    for persona in ("caseworker_a", "coordinator_b", "outsider"):
        with pytest.raises(NotAllowed):
            get_event_for(cast.users[persona], event.slug)
    event_publish(by=cast.coordinator_a, event=event)
    for persona in ("caseworker_a", "coordinator_b", "outsider", "analyst_b"):
        assert get_event_for(cast.users[persona], event.slug).pk == event.pk
    with pytest.raises(NotAllowed):
        get_event_for(cast.coordinator_b, event.slug, manage=True)


def test_sessions_outside_the_days_or_clashing_in_a_room_are_refused(cast: Cast) -> None:
    event = make_event(cast)
    with pytest.raises(ValidationError, match="one of the event's days"):
        session_add(
            by=cast.coordinator_a,
            event=event,
            date=dt.date(2015, 5, 21),
            start=dt.time(9),
            duration_minutes=60,
            kind=SessionKind.TALK,
            title="Too late",
        )
    with pytest.raises(ValidationError, match="overlaps"):
        session_add(
            by=cast.coordinator_a,
            event=event,
            date=dt.date(2015, 5, 19),
            start=dt.time(15),
            duration_minutes=60,
            kind=SessionKind.TALK,
            title="Clash",
            room_name="Hall",
        )
    # The same time in another room is a parallel session.
    session_add(
        by=cast.coordinator_a,
        event=event,
        date=dt.date(2015, 5, 19),
        start=dt.time(14),
        duration_minutes=60,
        kind=SessionKind.TRAINING_MODULE,
        title="Parallel",
        room_name="Room 2",
    )
    assert [s.title for s in event.sessions.order_by("title")] == ["Panel 1: Cooperation models", "Parallel"]
    slot = programme(event)[0].slots[0]
    assert len(slot.sessions) == 2


def test_capacity_puts_people_on_the_waiting_list_and_a_cancellation_promotes_the_first(cast: Cast) -> None:
    event = make_event(cast, capacity=2)
    first = _register(cast, event, "caseworker_a")
    second = _register(cast, event, "caseworker_b")
    third = _register(cast, event, "supervisor_a")
    fourth = _register(cast, event, "supervisor_b")
    assert [r.status for r in (first, second, third, fourth)] == [
        "registered",
        "registered",
        "waiting",
        "waiting",
    ]
    promoted = registration_cancel(by=cast.caseworker_a, registration=first)
    assert promoted is not None
    assert promoted.pk == third.pk
    statuses = dict(Registration.objects.filter(event=event).values_list("pk", "status"))
    assert statuses == {
        first.pk: "cancelled",
        second.pk: "registered",
        third.pk: "registered",
        fourth.pk: "waiting",
    }
    # Cancelling from the waiting list frees no place.
    assert registration_cancel(by=cast.supervisor_b, registration=fourth) is None
    assert AuditEntry.objects.filter(action="event.registration_promote", object_ref=str(third.pk)).exists()


def test_one_registration_per_address_and_only_ones_own_is_cancelled(cast: Cast) -> None:
    event = make_event(cast)
    registration = _register(cast, event, "caseworker_a")
    with pytest.raises(ValidationError, match="already registered"):
        _register(cast, event, "caseworker_a")
    with pytest.raises(NotAllowed):
        registration_cancel(by=cast.caseworker_b, registration=registration)
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.REGISTERED
    # Organisers may cancel anyone's.
    registration_cancel(by=cast.coordinator_a, registration=registration)
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CANCELLED


def test_attendance_is_marked_by_organisers_only(cast: Cast) -> None:
    event = make_event(cast)
    registration = _register(cast, event, "caseworker_a")
    with pytest.raises(NotAllowed):
        attendance_mark(by=cast.caseworker_a, registration=registration, attended=True)
    registration.refresh_from_db()
    assert registration.attended_at is None
    attendance_mark(by=cast.coordinator_a, registration=registration, attended=True)
    registration.refresh_from_db()
    assert registration.attended_at is not None
    entry = AuditEntry.objects.filter(action="event.attendance").latest("seq")
    assert entry.details == {"event": event.pk, "attended": True}


def test_registrations_are_encrypted_and_visible_to_organisers_and_the_person_only(cast: Cast) -> None:
    event = make_event(cast)
    mine = _register(cast, event, "caseworker_a", needs="Vegetarian", consent_list=True)
    other = _register(cast, event, "caseworker_b")
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, email, needs FROM events_registration WHERE id = %s", [mine.pk])
        row = cursor.fetchone()
    assert cast.caseworker_a.full_name not in row[0]
    assert "@" not in row[1]
    assert "Vegetarian" not in row[2]
    assert set(Registration.objects.visible_to(cast.coordinator_a)) == {mine, other}
    assert set(Registration.objects.visible_to(cast.sysadmin)) == {mine, other}
    assert set(Registration.objects.visible_to(cast.caseworker_a)) == {mine}
    assert set(Registration.objects.visible_to(cast.coordinator_b)) == set()
    with pytest.raises(NotAllowed):
        get_registration_for(cast.caseworker_a, other.pk)
    with pytest.raises(NotAllowed):
        get_registration_for(cast.caseworker_a, mine.pk, manage=True)
    # Only those who consented appear on the participant list.
    assert participant_list(event) == [mine]


def test_registration_validates_before_writing(cast: Cast) -> None:
    event = make_event(cast)
    with pytest.raises(ValidationError) as caught:
        registration_create(
            by=cast.caseworker_a, event=event, name=" ", email="nope", country="XX", sector="x"
        )
    assert set(caught.value.message_dict) == {"name", "email", "country", "sector"}
    assert not Registration.objects.exists()
    with pytest.raises(NotAllowed):
        registration_create(
            by=cast.caseworker_a, event=event, name="Someone", email="s@example.test", for_self=False
        )


def test_no_registration_for_a_draft_except_by_its_organisers(cast: Cast) -> None:
    event = make_event(cast, publish=False)
    with pytest.raises(NotAllowed):
        _register(cast, event, "caseworker_a")
    assert not Registration.objects.exists()
