from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from strom.audit.models import AuditEntry
from strom.core.errors import NotAllowed
from strom.core.search import source_for_model
from strom.guidelines import selectors as sel
from strom.guidelines.access import get_guideline_for
from strom.guidelines.models import CountryProfile, GuidelineLanguage, Section, SectionText, VersionStatus
from strom.guidelines.services import (
    country_profile_save,
    draft_start,
    guideline_create,
    guideline_update,
    section_add,
    section_text_save,
    translation_save,
    version_publish,
)
from strom.guidelines.tests.factories import draft_of, make_guideline
from tests.personas import Cast


def test_a_published_version_is_frozen_and_a_new_draft_starts_from_it(cast: Cast) -> None:
    guideline = make_guideline(cast)
    published = guideline.published_version
    assert published is not None
    published.guideline = guideline
    with pytest.raises(ValidationError, match="A published version cannot be changed"):
        section_add(by=cast.coordinator_a, version=published, heading="Late addition")
    assert published.sections.count() == 2

    draft = draft_start(by=cast.coordinator_a, guideline=guideline)
    assert (draft.number, draft.status, draft.based_on_id) == (2, VersionStatus.DRAFT, published.pk)
    old_keys = list(published.sections.order_by("position").values_list("key", flat=True))
    assert list(draft.sections.order_by("position").values_list("key", flat=True)) == old_keys
    # The Latvian translation came along.
    assert SectionText.objects.filter(section__version=draft, language="lv").count() == 1
    with pytest.raises(ValidationError, match="has a draft already"):
        draft_start(by=cast.coordinator_a, guideline=guideline)


def test_a_translation_needs_an_update_when_its_original_changes_and_not_before(cast: Cast) -> None:
    guideline = make_guideline(cast)
    draft = draft_start(by=cast.coordinator_a, guideline=guideline)
    rows = sel.side_by_side(draft, source="en", target="lv")
    assert [row.needs_update for row in rows] == [False, False]
    first = rows[0].section
    first.version = draft
    section_text_save(
        by=cast.coordinator_a, section=first, language="en", heading="Signs", body="New wording."
    )
    rows = sel.side_by_side(draft, source="en", target="lv")
    assert [row.needs_update for row in rows] == [True, False]
    assert sel.outdated_translations(draft) == {"lv": 1}
    # The translator checks it: unchanged text, ticked "still correct".
    translation_save(
        by=cast.coordinator_a,
        version=draft,
        language="lv",
        title="",
        summary="",
        sections={str(first.key): ("Pazīmes", "Parādu verdzība.")},
        confirmed=frozenset({str(first.key)}),
    )
    assert [row.needs_update for row in sel.side_by_side(draft, source="en", target="lv")] == [False, False]


def test_a_translation_with_a_problem_saves_nothing(cast: Cast) -> None:
    guideline = make_guideline(cast)
    draft = draft_start(by=cast.coordinator_a, guideline=guideline)
    first, second = [str(key) for key in draft.sections.order_by("position").values_list("key", flat=True)]
    before = AuditEntry.objects.count()
    with pytest.raises(ValidationError, match="Give the translated section a heading"):
        translation_save(
            by=cast.coordinator_a,
            version=draft,
            language="lv",
            title="Upuru identificēšana",
            summary="",
            sections={first: ("Jauns virsraksts", "Teksts."), second: ("", "Teksts bez virsraksta.")},
        )
    assert not draft.texts.filter(language="lv").exists()
    assert SectionText.objects.get(section__version=draft, language="lv").heading == "Pazīmes"
    assert AuditEntry.objects.count() == before


def test_publishing_needs_a_section_in_the_original_language(cast: Cast) -> None:
    guideline = guideline_create(
        by=cast.coordinator_a,
        organisation=cast.orgs["coordinator_lv"],
        title="Empty",
        original_language="en",
        country="LV",
    )
    with pytest.raises(ValidationError, match="at least one section"):
        version_publish(by=cast.coordinator_a, version=draft_of(guideline))
    guideline.refresh_from_db()
    assert guideline.published_version is None


def test_who_may_write(cast: Cast) -> None:
    guideline = make_guideline(cast)
    draft = draft_start(by=cast.coordinator_a, guideline=guideline)
    # The Lithuanian coordinator edits guidelines, but not this one; the system admin none.
    for persona in ("coordinator_b", "sysadmin", "supervisor_a"):
        with pytest.raises(NotAllowed):
            section_add(by=cast.users[persona], version=draft, heading="Not mine")
    with pytest.raises(NotAllowed):
        guideline_create(
            by=cast.coordinator_b, organisation=cast.orgs["coordinator_lv"], title="X", original_language="en"
        )
    # A coordinator may not move another organisation's... here: the owner keeps its own scope.
    with pytest.raises(ValidationError, match="not an ISO 3166"):
        guideline_update(
            by=cast.coordinator_a,
            guideline=guideline,
            country="XX",
            audience="",
            themes=[],
            sectors=[],
            stages=[],
            steps=[],
        )
    assert Section.objects.filter(version=draft).count() == 2


def test_a_coordinator_keeps_guidelines_of_their_country_owned_by_others(cast: Cast) -> None:
    from strom.accounts.models import Membership, User
    from strom.core.roles import Role

    editor = User.objects.create_user("editor@example.test", "x", full_name="Riga Editor")
    Membership.objects.create(user=editor, organisation=cast.org_a, role=Role.KNOWLEDGE_EDITOR)
    guideline = guideline_create(
        by=editor,
        organisation=cast.org_a,
        title="Riga's own",
        original_language="lv",
        country="LV",
    )
    assert get_guideline_for(cast.coordinator_a, guideline.slug, edit=True) == guideline
    with pytest.raises(NotAllowed):
        get_guideline_for(cast.coordinator_b, guideline.slug)  # a draft: editors only


def test_country_profiles_are_kept_by_the_countrys_coordinators(cast: Cast) -> None:
    country_profile_save(
        by=cast.coordinator_a, country="lv", language="en", legal_framework="Criminal Law 154-1."
    )
    assert CountryProfile.objects.get(country="LV", language="en").legal_framework == "Criminal Law 154-1."
    with pytest.raises(NotAllowed):
        country_profile_save(by=cast.coordinator_b, country="LV", language="en", legal_framework="Changed.")
    with pytest.raises(ValidationError, match="Choose a language"):
        country_profile_save(by=cast.coordinator_a, country="LV", language="xx", legal_framework="Text.")
    assert sel.profile_text("LV", "ru").legal_framework == "Criminal Law 154-1."  # type: ignore[union-attr]  # found
    country_profile_save(by=cast.coordinator_a, country="LV", language="en", legal_framework="")
    assert not CountryProfile.objects.filter(country="LV").exists()
    assert AuditEntry.objects.filter(action="country_profile.save").count() == 2


def test_the_search_finds_one_document_per_language_of_the_published_version(cast: Cast) -> None:
    guideline = make_guideline(cast)
    source = source_for_model(GuidelineLanguage)
    assert source is not None
    documents = {row.language: source.document(row) for row in guideline.languages.all()}
    english, latvian = documents["en"], documents["lv"]
    assert english is not None
    assert latvian is not None
    assert english.title == "Identifying victims in municipal services"
    assert "Whom to call" in english.body
    # Latvian: its own section only, never the English text, and the English title while it has none.
    assert "Pazīmes" in latvian.body
    assert "Whom to call" not in latvian.body
    assert (latvian.country, latvian.language, latvian.themes) == ("LV", "lv", ("identification",))
    unpublished = make_guideline(cast, title="Not yet", publish=False)
    assert all(source.document(row) is None for row in unpublished.languages.all())


def test_a_pathway_saved_again_keeps_the_guidelines_of_the_steps_it_keeps(cast: Cast) -> None:
    from strom.audit.actors import DEMO
    from strom.pathways.models import Pathway, PathwayStage
    from strom.pathways.services import StepData, pathway_save

    pathway = pathway_save(
        by=DEMO,
        municipality=cast.riga,
        version=0,
        steps=[
            StepData(stage=PathwayStage.REFLECTION, agency_name="Shelter service provider"),
            StepData(stage=PathwayStage.ASSISTANCE, lead_agency=cast.org_a, time_limit_days=30),
        ],
    )
    reflection = pathway.steps.get(stage=PathwayStage.REFLECTION)
    guideline = make_guideline(cast)
    guideline.steps.set(pathway.steps.all())
    pathway_save(
        by=DEMO,
        municipality=cast.riga,
        version=pathway.version,
        steps=[
            StepData(
                stage=PathwayStage.REFLECTION, agency_name="Shelter service provider", time_limit_days=60
            ),
            StepData(stage=PathwayStage.DETECTION, agency_name="State Police", time_limit_days=1),
        ],
    )
    reflection.refresh_from_db()
    assert reflection.time_limit_days == 60
    assert list(guideline.steps.all()) == [reflection]  # the assistance step went, and its link with it
    assert [s.stage for s in Pathway.objects.get(pk=pathway.pk).steps.all()] == ["detection", "reflection"]
