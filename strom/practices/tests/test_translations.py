"""A practice in several languages (django-parler): the original and its translations side by side,
frozen together into a version, read in the reader's language or, with a note, in another."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from strom.audit.models import AuditEntry
from strom.practices.models import Practice, PracticeVersion
from strom.practices.search import practice_document
from strom.practices.services import PracticeTexts, practice_create, practice_translate
from strom.practices.snapshot import present
from strom.practices.tests.factories import make_practice, practice_data, publish
from tests.personas import Cast

pytestmark = pytest.mark.django_db

LATVIAN = PracticeTexts(
    title="Atbalstīti dzīvokļi vīriešiem",
    summary="Pašvaldība tur četras vietas vīriešiem atbalstītā dzīvoklī.",
    results="Divdesmit vīrieši izmantoja dzīvokļus.",
)


def _translated(cast: Cast) -> Practice:
    practice = make_practice(cast, state="draft")
    return practice_translate(by=cast.supervisor_a, practice=practice, language="lv", texts=LATVIAN)


def test_a_new_practice_is_written_in_its_editor_s_language(cast: Cast) -> None:
    with translation.override("lv"):
        practice = practice_create(by=cast.supervisor_a, organisation=cast.org_a, data=practice_data())
    assert practice.original_language == "lv"
    assert list(practice.get_available_languages()) == ["lv"]
    english = practice_create(
        by=cast.supervisor_a, organisation=cast.org_a, data=practice_data(title="Another", language="en")
    )
    assert english.original_language == "en"


def test_a_translation_is_kept_beside_the_original_and_audited(cast: Cast) -> None:
    practice = _translated(cast)
    stored = Practice.objects.get(pk=practice.pk)
    assert sorted(stored.get_available_languages()) == ["en", "lv"]
    stored.set_current_language("en")
    assert stored.title == practice_data().title
    stored.set_current_language("lv")
    assert (stored.title, stored.summary, stored.problem) == (LATVIAN.title, LATVIAN.summary, "")
    entry = AuditEntry.objects.filter(action="practice.translate").get()
    assert entry.details["language"] == "lv"


@pytest.mark.parametrize(
    ("language", "texts", "field"),
    [
        ("en", LATVIAN, "language"),  # the original language is not a translation
        ("fr", LATVIAN, "language"),  # not a language of the region
        ("lv", PracticeTexts(title=" ", summary="Kopsavilkums"), "title"),
        ("lv", PracticeTexts(title="Virsraksts", summary=""), "summary"),
    ],
)
def test_a_wrong_translation_is_refused_and_nothing_is_saved(
    cast: Cast, language: str, texts: PracticeTexts, field: str
) -> None:
    practice = make_practice(cast, state="draft")
    with pytest.raises(ValidationError) as refused:
        practice_translate(by=cast.supervisor_a, practice=practice, language=language, texts=texts)
    assert field in refused.value.message_dict
    assert list(Practice.objects.get(pk=practice.pk).get_available_languages()) == ["en"]


def test_the_version_freezes_every_language_and_readers_read_their_own(cast: Cast) -> None:
    practice = publish(cast, _translated(cast))
    version = PracticeVersion.objects.get(practice=practice, is_current=True)
    assert version.data["original_language"] == "en"
    assert version.data["translations"]["lv"]["title"] == LATVIAN.title
    assert version.title == practice_data().title
    with translation.override("lv"):
        latvian = present(version.data)
    assert (latvian["title"], latvian["summary"], latvian["text_in_other_language"]) == (
        LATVIAN.title,
        LATVIAN.summary,
        False,
    )
    with translation.override("ru"):  # no Russian: English, the common language, with a note
        russian = present(version.data)
    assert (russian["title"], russian["text_language"], russian["text_in_other_language"]) == (
        practice_data().title,
        "en",
        True,
    )


def test_a_practice_written_in_latvian_is_read_in_latvian_where_there_is_no_english(cast: Cast) -> None:
    with translation.override("lv"):
        practice = practice_create(
            by=cast.supervisor_a, organisation=cast.org_a, data=practice_data(title="Tikai latviski")
        )
    version = PracticeVersion.objects.get(practice=publish(cast, practice), is_current=True)
    with translation.override("ru"):
        shown = present(version.data)
    assert (shown["title"], shown["text_language"], shown["text_in_other_language"]) == (
        "Tikai latviski",
        "lv",
        True,
    )


def test_the_search_finds_a_practice_by_its_translation(cast: Cast) -> None:
    practice = publish(cast, _translated(cast))
    document = practice_document(practice)
    assert document is not None
    assert "Divdesmit vīrieši" in document.body
    assert LATVIAN.title in document.body
    assert document.language == "en"


def test_the_page_says_when_the_texts_are_in_another_language(cast: Cast, as_persona: Any) -> None:
    practice = publish(cast, _translated(cast))
    client = as_persona("caseworker_a")
    url = reverse("practices:detail", args=[practice.pk])
    client.post(reverse("set_language"), {"language": "lv", "next": "/"})
    latvian = client.get(url).content.decode()
    assert LATVIAN.title in latvian
    assert 'id="text-in-other-language"' not in latvian
    client.post(reverse("set_language"), {"language": "ru", "next": "/"})
    russian = client.get(url).content.decode()
    assert practice_data().title in russian
    assert 'id="text-in-other-language"' in russian


def test_the_translation_page_shows_the_original_beside_the_form(cast: Cast, as_persona: Any) -> None:
    practice = _translated(cast)
    page = as_persona("supervisor_a").get(
        reverse("practices:translate", args=[practice.pk]), {"language": "lv"}
    )
    html = page.content.decode()
    assert page.status_code == 200
    assert practice_data().summary in html  # the original, on the left
    assert f'value="{LATVIAN.title}"' in html  # the Latvian title, to edit
