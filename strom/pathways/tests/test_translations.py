"""A pathway's step texts in several languages (django-parler): written in the keeper's language,
translated side by side, kept when the pathway is saved again, read in the reader's language or, with
a note, in English or the original language; and the existing steps' texts moved without loss."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from strom.audit.models import AuditEntry
from strom.pathways.models import Pathway, PathwayStage, PathwayStep
from strom.pathways.services import PathwayConflict, StepData, StepTexts, pathway_save, pathway_translate
from tests.personas import Cast

pytestmark = pytest.mark.django_db

DETECTION = StepData(
    stage=PathwayStage.DETECTION,
    agency_name="State Police",
    contact_role="Duty officer",
    what_to_do="Call the duty officer and describe the signs.",
    legal_basis="Criminal Law, Section 154.1",
    time_limit_days=1,
)
REFLECTION = StepData(stage=PathwayStage.REFLECTION, agency_name="Shelter", what_to_do="Offer a place.")
RUSSIAN = StepTexts(
    contact_role="Дежурный офицер",
    what_to_do="Позвоните дежурному офицеру и опишите признаки.",
    legal_basis="Уголовный закон, статья 154.1",
)


def _pathway(cast: Cast, *steps: StepData, version: int = 0) -> Pathway:
    return pathway_save(
        by=cast.coordinator_a,
        municipality=cast.riga,
        version=version,
        steps=list(steps or (DETECTION, REFLECTION)),
    )


def _translate(cast: Cast, version: int, language: str = "ru", **texts: StepTexts) -> Pathway:
    return pathway_translate(
        by=cast.coordinator_a,
        municipality=cast.riga,
        version=version,
        language=language,
        texts=texts or {"detection": RUSSIAN},
    )


def _texts(stage: str, language: str) -> tuple[str, str, str] | None:
    step = PathwayStep.objects.get(stage=stage)  # one pathway in these tests: Riga's
    if not step.has_translation(language):
        return None
    step.set_current_language(language)
    return step.contact_role, step.what_to_do, step.legal_basis


def test_a_new_pathway_is_written_in_its_keeper_s_language(cast: Cast) -> None:
    with translation.override("lv"):
        pathway = _pathway(cast)
    assert pathway.original_language == "lv"
    step = PathwayStep.objects.get(pathway=pathway, stage="detection")
    assert list(step.get_available_languages()) == ["lv"]
    assert _texts("detection", "lv") == (DETECTION.contact_role, DETECTION.what_to_do, DETECTION.legal_basis)


def test_a_translation_is_kept_beside_the_original_audited_and_makes_a_new_version(cast: Cast) -> None:
    _pathway(cast)
    pathway = _translate(cast, version=1)
    assert pathway.version == 2
    assert _texts("detection", "ru") == (RUSSIAN.contact_role, RUSSIAN.what_to_do, RUSSIAN.legal_basis)
    assert _texts("detection", "en") == (DETECTION.contact_role, DETECTION.what_to_do, DETECTION.legal_basis)
    assert _texts("reflection", "ru") is None
    entry = AuditEntry.objects.get(action="pathway.translate")
    assert (entry.details["language"], entry.details["stages"], entry.details["version"]) == (
        "ru",
        ["detection"],
        2,
    )


def test_saving_the_pathway_again_keeps_the_steps_and_their_translations(cast: Cast) -> None:
    _pathway(cast)
    _translate(cast, version=1)
    before = PathwayStep.objects.get(stage="detection").pk
    changed = StepData(
        stage=PathwayStage.DETECTION, agency_name="State Police", what_to_do="Call 112.", time_limit_days=2
    )
    pathway = _pathway(cast, changed, version=2)  # the reflection stage is dropped
    assert pathway.version == 3
    step = PathwayStep.objects.get(stage="detection")
    assert step.pk == before
    assert _texts("detection", "en") == ("", "Call 112.", "")
    assert _texts("detection", "ru") == (RUSSIAN.contact_role, RUSSIAN.what_to_do, RUSSIAN.legal_basis)
    assert not PathwayStep.objects.filter(stage="reflection").exists()
    # The dropped step's texts went with it: what is left is the kept step's two languages.
    languages = PathwayStep.objects.values_list("stage", "translations__language_code")
    assert sorted(languages) == [("detection", "en"), ("detection", "ru")]


def test_empty_texts_leave_the_language_to_the_fallback(cast: Cast) -> None:
    _pathway(cast)
    _translate(cast, version=1)
    _translate(cast, version=2, detection=StepTexts())
    assert _texts("detection", "ru") is None


@pytest.mark.parametrize(
    ("language", "stage", "expected"),
    [
        ("en", "detection", "another language of the region"),  # the original is not a translation
        ("fr", "detection", "another language of the region"),
        ("ru", "closure", "is not a stage"),  # no such step in the pathway
    ],
)
def test_a_wrong_translation_is_refused_and_nothing_is_saved(
    cast: Cast, language: str, stage: str, expected: str
) -> None:
    _pathway(cast)
    with pytest.raises(ValidationError, match=expected):
        _translate(cast, version=1, language=language, **{stage: RUSSIAN})
    assert Pathway.objects.get().version == 1
    assert _texts("detection", "ru") is None
    assert not AuditEntry.objects.filter(action="pathway.translate").exists()


def test_a_translation_on_an_old_version_is_a_conflict(cast: Cast) -> None:
    _pathway(cast)
    _pathway(cast, version=1)
    with pytest.raises(PathwayConflict):
        _translate(cast, version=1)
    assert _texts("detection", "ru") is None


def _page(client: Any, cast: Cast, language: str) -> str:
    client.post(reverse("set_language"), {"language": language, "next": "/"})
    html: str = client.get(reverse("pathways:detail", args=[cast.riga.pk])).content.decode()
    return html


def test_readers_read_their_language_or_english_with_a_note(cast: Cast, as_persona: Any) -> None:
    _pathway(cast)
    _translate(cast, version=1)
    client = as_persona("caseworker_a")
    russian = _page(client, cast, "ru")
    assert RUSSIAN.what_to_do in russian
    assert "Offer a place." in russian  # the reflection step has no Russian: English, with a note
    assert russian.count('class="badge"') == 1
    german = _page(client, cast, "de")
    assert DETECTION.what_to_do in german
    assert german.count('class="badge"') == 2
    english = _page(client, cast, "en")
    assert 'class="badge"' not in english


def test_a_pathway_not_in_english_is_read_in_its_original_language(cast: Cast, as_persona: Any) -> None:
    with translation.override("lv"):
        _pathway(cast, StepData(stage=PathwayStage.DETECTION, agency_name="Policija", what_to_do="Zvaniet."))
    html = _page(as_persona("caseworker_a"), cast, "ru")
    assert '<dd lang="lv">Zvaniet.</dd>' in html
    assert 'class="badge"' in html


def test_the_translation_page_shows_the_original_beside_the_form_and_saves(
    cast: Cast, as_persona: Any
) -> None:
    _pathway(cast)
    client = as_persona("orgadmin_a")
    url = reverse("pathways:translate", args=[cast.riga.pk])
    page = client.get(url, {"language": "ru"})
    html = page.content.decode()
    assert page.status_code == 200
    assert DETECTION.what_to_do in html  # the original, on the left
    assert 'name="detection-what_to_do"' in html
    assert 'name="reflection-what_to_do"' in html
    answer = client.post(
        url,
        {
            "language": "ru",
            "version": "1",
            "detection-contact_role": RUSSIAN.contact_role,
            "detection-what_to_do": RUSSIAN.what_to_do,
            "detection-legal_basis": RUSSIAN.legal_basis,
        },
    )
    assert answer.status_code == 302
    assert _texts("detection", "ru") == (RUSSIAN.contact_role, RUSSIAN.what_to_do, RUSSIAN.legal_basis)
    again = client.get(url, {"language": "ru"}).content.decode()
    assert f'value="{RUSSIAN.contact_role}"' in again  # the Russian, to edit


def test_the_translation_page_reports_a_conflict(cast: Cast, as_persona: Any) -> None:
    _pathway(cast)
    _pathway(cast, version=1)
    answer = as_persona("coordinator_a").post(
        reverse("pathways:translate", args=[cast.riga.pk]),
        {"language": "ru", "version": "1", "detection-what_to_do": "Текст"},
    )
    assert answer.status_code == 200
    assert "Someone else saved this pathway" in answer.content.decode()
    assert _texts("detection", "ru") is None


def test_the_api_gives_the_texts_in_the_language_asked_for(cast: Cast, as_persona: Any) -> None:
    _pathway(cast)
    _translate(cast, version=1)
    client = as_persona("caseworker_a")
    url = reverse("api:pathway_detail", args=[cast.riga.pk])
    russian = client.get(url, HTTP_ACCEPT_LANGUAGE="ru").json()
    assert russian["original_language"] == "en"
    steps = {step["stage"]: step for step in russian["steps"]}
    assert (steps["detection"]["what_to_do"], steps["detection"]["text_language"]) == (
        RUSSIAN.what_to_do,
        "ru",
    )
    assert (steps["reflection"]["what_to_do"], steps["reflection"]["text_language"]) == (
        "Offer a place.",
        "en",
    )


def test_the_steps_texts_move_into_the_default_language_and_back(cast: Cast) -> None:
    """The data migration, forward and back, inside the test's transaction (PostgreSQL's DDL is
    transactional, so the schema is as before when the test ends)."""
    with connection.cursor() as cursor:  # no deferred checks pending on the tables the migration alters
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    before = ("pathways", "0001_referral_pathways")
    after = ("pathways", "0002_pathway_step_texts_per_language")
    executor = MigrationExecutor(connection)
    old_apps = executor.migrate([before]).apps
    old_pathway = old_apps.get_model("pathways", "Pathway").objects.create(
        municipality_id=cast.riga.pk, version=4, last_reviewed_at="2026-01-05T10:00:00Z"
    )
    old_step = old_apps.get_model("pathways", "PathwayStep")
    texts = {
        "detection": ("Duty officer", "Call the duty officer.\nThen write.", "Criminal Law, Section 154.1"),
        "reflection": ("", "", ""),
    }
    for position, (stage, (role, what, basis)) in enumerate(texts.items()):
        old_step.objects.create(
            pathway=old_pathway,
            stage=stage,
            position=position,
            agency_name="Agency",
            contact_role=role,
            what_to_do=what,
            legal_basis=basis,
        )
    new_apps = MigrationExecutor(connection).migrate([after]).apps
    assert new_apps.get_model("pathways", "Pathway").objects.get().original_language == "en"
    moved = new_apps.get_model("pathways", "PathwayStepTranslation").objects.values_list(
        "master__stage", "language_code", "contact_role", "what_to_do", "legal_basis"
    )
    assert sorted(moved) == sorted((stage, "en", *values) for stage, values in texts.items())
    back = MigrationExecutor(connection).migrate([before]).apps.get_model("pathways", "PathwayStep")
    restored = back.objects.values_list("stage", "contact_role", "what_to_do", "legal_basis")
    assert sorted(restored) == sorted((stage, *values) for stage, values in texts.items())
    MigrationExecutor(connection).migrate([after])


def test_the_edit_page_edits_the_original_whatever_the_keeper_s_language(cast: Cast, as_persona: Any) -> None:
    _pathway(cast)
    _translate(cast, version=1)
    client = as_persona("coordinator_a")
    client.post(reverse("set_language"), {"language": "ru", "next": "/"})
    url = reverse("pathways:edit", args=[cast.riga.pk])
    html = client.get(url).content.decode()
    assert DETECTION.what_to_do in html
    assert RUSSIAN.what_to_do not in html
    answer = client.post(
        url,
        {
            "version": "2",
            "detection-agency_name": "State Police",
            "detection-what_to_do": "Call 112.",
            "reflection-agency_name": "Shelter",
        },
    )
    assert answer.status_code == 302
    assert _texts("detection", "en") == ("", "Call 112.", "")
    assert _texts("detection", "ru") == (RUSSIAN.contact_role, RUSSIAN.what_to_do, RUSSIAN.legal_basis)


def test_the_translation_page_needs_the_same_queries_however_many_steps(cast: Cast, as_persona: Any) -> None:
    _pathway(cast)
    client = as_persona("coordinator_a")
    url = reverse("pathways:translate", args=[cast.riga.pk])
    client.get(url, {"language": "ru"})  # warm the session and translation caches
    with CaptureQueriesContext(connection) as few:
        client.get(url, {"language": "ru"})
    every_stage = [StepData(stage=stage, agency_name="Agency", what_to_do="Act.") for stage in PathwayStage]
    _pathway(cast, *every_stage, version=1)
    every_text = {stage.value: RUSSIAN for stage in PathwayStage}
    pathway_translate(
        by=cast.coordinator_a, municipality=cast.riga, version=2, language="ru", texts=every_text
    )
    with CaptureQueriesContext(connection) as many:
        client.get(url, {"language": "ru"})
    assert len(many) == len(few)
