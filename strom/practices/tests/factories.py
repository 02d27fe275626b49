from __future__ import annotations

from typing import Any

from strom.practices.models import Practice, PracticeState, Stage
from strom.practices.services import (
    ContactData,
    LinkData,
    PracticeData,
    RatingData,
    practice_create,
    practice_publish,
    practice_start_review,
    practice_submit,
    rating_save,
)
from tests.personas import Cast


def practice_data(**overrides: Any) -> PracticeData:
    values: dict[str, Any] = {
        "title": "Shelter places for men during the reflection period",
        "summary": "The municipality keeps four places for men in a supported flat.",
        "country": "LV",
        "problem": "Men were sent to night shelters.",
        "results": "Twelve men stayed the whole reflection period in 2024.",
        "stages": [Stage.REFLECTION],
        "forms": ["ForcedLabour"],
        "sectors": ["social_services"],
        "themes": ["assistance"],
        "languages": ["en", "lv"],
        "start_year": 2022,
        "contacts": [ContactData(name="Ieva Kalna", function="Head of unit", email="ieva@example.test")],
        "links": [LinkData(title="Report", url="https://example.org/report.pdf")],
    }
    values.update(overrides)
    return PracticeData(**values)


def complete_rating(**overrides: Any) -> RatingData:
    values: dict[str, Any] = {
        "relevance": 3,
        "relevance_note": "A documented gap: no places for men.",
        "evidence": 2,
        "evidence_note": "Monitored outcomes for two years.",
        "transferability": 2,
        "transferability_note": "Costs and partners are described.",
        "sustainability": 2,
        "sustainability_note": "In the municipal budget since 2024.",
    }
    values.update(overrides)
    return RatingData(**values)


STATES = ("draft", "submitted", "in_review", "rated", "published")


def advance(cast: Cast, practice: Practice, state: str) -> Practice:
    """Take a draft of organisation A as far as `state`: supervisor_a submits, coordinator_a (the Latvian
    coordinator's office, another organisation) reviews, rates and publishes."""
    steps = STATES[
        STATES.index(practice.state if practice.state in STATES else "draft") + 1 : STATES.index(state) + 1
    ]
    reviewer = cast.users["coordinator_a"]
    if "submitted" in steps:
        practice = practice_submit(by=cast.users["supervisor_a"], practice=practice)
    if "in_review" in steps:
        practice = practice_start_review(by=reviewer, practice=practice)
    if "rated" in steps:
        rating_save(by=reviewer, practice=practice, data=complete_rating())
    if "published" in steps:
        practice_publish(by=reviewer, practice=practice)
        practice.refresh_from_db()
    return practice


def publish(cast: Cast, practice: Practice) -> Practice:
    return advance(cast, practice, "published")


def make_practice(cast: Cast, *, state: str = "published", **overrides: Any) -> Practice:
    """A practice of organisation A written by supervisor_a, taken as far as `state`."""
    practice = practice_create(
        by=cast.users["supervisor_a"], organisation=cast.org_a, data=practice_data(**overrides)
    )
    practice = advance(cast, practice, state)
    assert state != "published" or practice.state == PracticeState.PUBLISHED
    return practice


def practice_of(cast: Cast, state: str = "published") -> Practice:
    """One practice per cast and state (memoised: routes ask for it for the URL and for the data)."""
    key = f"_practices_{state}"
    existing = cast.__dict__.get(key)
    if existing is None:
        existing = make_practice(cast, state=state)
        cast.__dict__[key] = existing
    return existing
