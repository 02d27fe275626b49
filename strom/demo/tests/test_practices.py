"""The demo practices: written through the practices' services, at every step of review, loaded once."""

from __future__ import annotations

import pytest

from strom.audit.models import AuditEntry
from strom.demo.accounts import demo_load
from strom.demo.pathways import demo_pathways_load
from strom.demo.practices import demo_practices_load
from strom.practices.models import Practice, PracticeState
from strom.practices.selectors import library


@pytest.mark.django_db
def test_demo_practices_are_loaded_once_at_every_step_of_review() -> None:
    demo_load()
    demo_pathways_load()
    assert demo_practices_load() == 9
    assert demo_practices_load() == 0
    states = set(Practice.objects.values_list("state", flat=True))
    assert {
        PracticeState.PUBLISHED,
        PracticeState.IN_REVIEW,
        PracticeState.SUBMITTED,
        PracticeState.DRAFT,
    } <= states
    countries = set(Practice.objects.values_list("country", flat=True))
    assert {"LV", "LT", "EE", "FI", "SE", "NO", "PL", "DE", "DK"} == countries
    riga = Practice.objects.get(translations__title="Supported flats for men during the reflection period")
    assert riga.municipality is not None
    assert [step.stage for step in riga.pathway_steps.all()] == ["reflection"]
    # A Riga case worker on a case in the reflection period finds it among the stage's practices.
    from strom.accounts.models import User

    worker = User.objects.get(email="caseworker@demo.example")
    titles = [v.title for v in library(worker).filter(stages__contains=["reflection"])]
    assert "Supported flats for men during the reflection period" in titles
    # The demo reviewer published what was not their own organisation's; the demo wrote the rest.
    publishers = set(
        AuditEntry.objects.filter(action="practice.publish").values_list("actor_label", flat=True)
    )
    assert publishers == {"reviewer@demo.example"}
    tallinn = Practice.objects.get(organisation__name="Tallinn Social Welfare Department")
    assert tallinn.state == PracticeState.IN_REVIEW
