from __future__ import annotations

from typing import Any

from django.urls import reverse

from strom.events.models import Event, Registration, RegistrationStatus
from strom.events.tests.factories import make_event
from tests.personas import Cast


def test_a_participant_registers_on_the_page_and_appears_only_with_consent(
    cast: Cast, as_persona: Any
) -> None:
    event = make_event(cast)
    url = reverse("events:register", args=[event.slug])
    response = as_persona("caseworker_a").post(url, {"name": "Inese Kalniņa", "email": "inese@example.test"})
    assert response.status_code == 302
    response = as_persona("caseworker_b").post(
        url,
        {"name": "Tomas Jonaitis", "email": "tomas@example.test", "consent_list": "on", "sector": "police"},
    )
    assert response.status_code == 302
    registration = Registration.objects.get(user=cast.caseworker_b)
    assert (registration.name, registration.sector, registration.consent_list) == (
        "Tomas Jonaitis",
        "police",
        True,
    )
    page = as_persona("outsider").get(reverse("events:detail", args=[event.slug])).content.decode()
    assert "Tomas Jonaitis" in page
    assert "Inese Kalniņa" not in page


def test_organisers_mark_attendance_with_htmx(cast: Cast, as_persona: Any) -> None:
    event = make_event(cast)
    as_persona("caseworker_a").post(
        reverse("events:register", args=[event.slug]),
        {"name": "Inese Kalniņa", "email": "inese@example.test"},
    )
    registration = Registration.objects.get()
    client = as_persona("coordinator_a")
    page = client.get(reverse("events:registrations", args=[event.slug])).content.decode()
    assert "Inese Kalniņa" in page
    response = client.post(
        reverse("events:attendance", args=[registration.pk]),
        {"attended": "1"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert f'id="registration-{registration.pk}"' in response.content.decode()
    registration.refresh_from_db()
    assert registration.attended_at is not None
    assert registration.status == RegistrationStatus.REGISTERED


def test_an_uploaded_schedule_with_problems_shows_them_and_imports_nothing(
    cast: Cast, as_persona: Any
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = as_persona("coordinator_a").post(
        reverse("events:import"),
        {
            "organisation": cast.orgs["coordinator_lv"].pk,
            "file": SimpleUploadedFile("schedule.xml", b"<schedule><version>1</version>"),
        },
    )
    assert response.status_code == 200
    assert "not well-formed XML" in response.content.decode()
    assert not Event.objects.exists()


def test_organisers_add_a_session_with_its_people_and_a_material(cast: Cast, as_persona: Any) -> None:
    event = make_event(cast)
    client = as_persona("coordinator_a")
    response = client.post(
        reverse("events:session_add", args=[event.slug]),
        {
            "date": "2015-05-20",
            "start": "09:00",
            "duration_minutes": "90",
            "kind": "panel",
            "title": "Panel 3: Prevention at the grass root level",
            "people": "moderator; Vineta Polatside; Senior Adviser; CBSS\n"
            "speaker; Sirle Blumberg; Director; NGO Living for Tomorrow; ee; Hotline service",
        },
    )
    assert response.status_code == 302
    session = event.sessions.get(title__startswith="Panel 3")
    people = list(session.people.values_list("role", "name", "country", "talk_title"))
    assert people == [
        ("moderator", "Vineta Polatside", "", ""),
        ("speaker", "Sirle Blumberg", "EE", "Hotline service"),
    ]
    response = client.post(
        reverse("events:material_add", args=[event.slug]),
        {"session": session.pk, "title": "Slides", "url": "https://example.org/slides.pdf"},
    )
    assert response.status_code == 302
    assert session.materials.get().url == "https://example.org/slides.pdf"
    # A clash in the same room is refused on the form, and nothing is added.
    response = client.post(
        reverse("events:session_add", args=[event.slug]),
        {
            "date": "2015-05-19",
            "start": "14:30",
            "duration_minutes": "30",
            "kind": "talk",
            "title": "Clash",
            "room": "Hall",
        },
    )
    assert response.status_code == 200
    assert "overlaps" in response.content.decode()
    assert not event.sessions.filter(title="Clash").exists()


def test_the_printable_programme_shows_days_times_rooms_and_people_in_their_roles(
    cast: Cast, as_persona: Any
) -> None:
    from strom.events.tests.factories import make_programme

    event = make_programme(cast)
    page = as_persona("caseworker_b").get(reverse("events:programme", args=[event.slug])).content.decode()
    assert "Day 1, Thursday, 10 March 2016" in page
    assert "Day 2, Friday, 11 March 2016" in page
    assert "11:15\u201312:45" in page
    # Parallel sessions share the slot, each with its room.
    assert '<p class="session__room">Hall A</p>' in page
    assert '<p class="session__room">Room 2</p>' in page
    assert "<strong>Moderator:</strong>" in page
    assert "<strong>Trainer:</strong>" in page
    assert (
        '<span class="country">EE</span> <em>“Shelter first”</em><br><strong>Юлия Иванова</strong>, '
        "Social worker, City of Narva" in page
    )
    assert "Working languages: EN, LT" in page


def test_a_trainings_page_shows_its_curriculum_trainers_materials_and_certificates(
    cast: Cast, as_persona: Any
) -> None:
    from strom.events.services_trainings import (
        certificates_issue,
        library_material_add,
        library_material_attach,
        module_add,
    )
    from strom.events.tests.factories import make_training

    training = make_training(cast, attended=1)
    module_add(
        by=cast.coordinator_a,
        event=training,
        title="Indicators",
        learning_goals="Name the indicators",
        duration_minutes=180,
        sessions=list(training.sessions.all()),
    )
    material = library_material_add(
        by=cast.coordinator_a,
        organisation=cast.orgs["coordinator_lv"],
        title="Indicator card",
        url="https://example.org/card.pdf",
    )
    library_material_attach(by=cast.coordinator_a, material=material, event=training)
    certificates_issue(by=cast.coordinator_a, event=training)
    client = as_persona("coordinator_a")
    page = client.get(reverse("events:detail", args=[training.slug])).content.decode()
    assert "Curriculum" in page
    assert "Name the indicators" in page
    assert "Anna Trainer (NGO Safe)" in page
    assert "Indicator card" in page
    assert "Social services, Municipal staff" in page or "Municipal staff, Social services" in page
    registrations = client.get(reverse("events:registrations", args=[training.slug])).content.decode()
    assert "Issue certificates to those present" in registrations
    certificate = training.registrations.get()
    assert reverse("events:certificate", args=[certificate.pk]) in registrations
    editing = client.get(reverse("events:session_add", args=[training.slug])).content.decode()
    assert "Use a material from the library" in editing
    assert reverse("events:session_edit", args=[training.slug, training.sessions.get().pk]) in editing
    assert client.get(reverse("events:edit", args=[training.slug])).status_code == 200
    assert "Cancel the event" in client.get(reverse("events:edit", args=[training.slug])).content.decode()
    assert client.get(reverse("events:calendar_link")).status_code == 200
