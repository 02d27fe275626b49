from __future__ import annotations

from strom.audit.actors import DEMO
from strom.guidelines.models import Guideline, GuidelineVersion
from strom.guidelines.services import (
    guideline_create,
    language_add,
    section_add,
    section_text_save,
    version_publish,
)
from tests.personas import Cast


def make_guideline(
    cast: Cast, *, title: str = "Identifying victims in municipal services", publish: bool = True
) -> Guideline:
    """A Latvian guideline of the national coordinator's office, in English with a Latvian translation
    of its first section."""
    guideline = guideline_create(
        by=DEMO,
        organisation=cast.orgs["coordinator_lv"],
        title=title,
        original_language="en",
        country="LV",
        summary="What a social worker does when a client may be a victim.",
        audience="Social workers",
        themes=["identification"],
        sectors=["social_services"],
        stages=["detection"],
    )
    draft = draft_of(guideline)
    first = section_add(
        by=DEMO, version=draft, heading="Signs to look for", body="Debt bondage, no documents."
    )
    section_add(by=DEMO, version=draft, heading="Whom to call", body="The national hotline.")
    language_add(by=DEMO, guideline=guideline, language="lv")
    section_text_save(by=DEMO, section=first, language="lv", heading="Pazīmes", body="Parādu verdzība.")
    if publish:
        version_publish(by=DEMO, version=draft)
    guideline.refresh_from_db()
    return guideline


def draft_of(guideline: Guideline) -> GuidelineVersion:
    draft = guideline.versions.get(status="draft")
    draft.guideline = guideline
    return draft


def guideline_of(cast: Cast) -> Guideline:
    """One published guideline per cast (memoised: routes ask for it for the URL and for the data)."""
    existing = cast.__dict__.get("_guidelines_guideline")
    if existing is None:
        existing = make_guideline(cast)
        cast.__dict__["_guidelines_guideline"] = existing
    return existing


def guideline_with_draft(cast: Cast) -> Guideline:
    """The published guideline with a new draft version started from it."""
    from strom.guidelines.services import draft_start

    existing = cast.__dict__.get("_guidelines_with_draft")
    if existing is None:
        existing = guideline_of(cast)
        draft_start(by=DEMO, guideline=existing)
        cast.__dict__["_guidelines_with_draft"] = existing
    return existing
