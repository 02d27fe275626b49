"""Indicator texts in the viewer's language: every shipped set in all thirteen languages of the region,
the stored rows the same as the files, and a visible note where a text is still shown in English."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from strom.screening.indicators import DATA_DIR, get_set, load_directory, set_ids, to_document
from strom.screening.models import IndicatorSetVersion

pytestmark = pytest.mark.django_db

SHIPPED_SETS = sorted({set_id for set_id, _version in load_directory(DATA_DIR)})
OTHER_LANGUAGES = [code for code, _name in settings.LANGUAGES if code != "en"]


@pytest.mark.parametrize("set_id", SHIPPED_SETS)
def test_every_shipped_text_is_in_every_language_of_the_region(set_id: str) -> None:
    indicator_set = get_set(set_id)
    assert len(OTHER_LANGUAGES) == 12
    for language in OTHER_LANGUAGES:
        missing = [i.id for i in indicator_set.indicators if not i.texts.get(language, "").strip()]
        assert missing == [], language
        untitled = [d.id for d in indicator_set.dimensions if not d.titles.get(language, "").strip()]
        assert untitled == [], language
        assert indicator_set.titles.get(language, "").strip(), language
        with translation.override(language):
            assert indicator_set.shown_in_english == 0


def test_a_translation_is_not_the_english_text_copied() -> None:
    for set_id in SHIPPED_SETS:
        for indicator in get_set(set_id).indicators:
            copied = [lang for lang in OTHER_LANGUAGES if indicator.texts[lang] == indicator.texts["en"]]
            assert copied == [], indicator.id


def test_the_stored_rows_hold_the_translations_of_the_files() -> None:
    for (set_id, version), in_file in load_directory(DATA_DIR).items():
        row = IndicatorSetVersion.objects.get(set_id=set_id, version=version)
        stored = {item["id"]: item["text"] for item in row.document["indicators"]}
        assert stored == {i.id: i.texts for i in in_file.indicators}, set_id
        assert row.document["title"] == in_file.titles, set_id
        assert [d["title"] for d in row.document["dimensions"]] == [d.titles for d in in_file.dimensions]


def _english_only_country_set() -> str:
    """A country's own set written in English only, as a coordinator may keep one before translating it."""
    base = get_set("strom-forced-marriage")
    document: dict[str, Any] = to_document(base)
    set_id = "strom-forced-marriage-lv"
    document.update({"id": set_id, "version": 1, "country": "LV", "title": {"en": "Forced marriage (LV)"}})
    document["dimensions"] = [{**d, "title": {"en": d["title"]["en"]}} for d in document["dimensions"]]
    document["indicators"] = [{**i, "text": {"en": i["text"]["en"]}} for i in document["indicators"]]
    IndicatorSetVersion.objects.create(
        set_id=set_id, version=1, country="LV", document=document, source_document="Test source"
    )
    assert set_id in set_ids()
    return set_id


def test_the_text_follows_the_language_and_falls_back_to_english() -> None:
    indicator = get_set("ilo-adult-labour").indicator("ADL-CR-04")
    with translation.override("lv"):
        assert indicator.text == "Personu iesaistīja parādu verdzībā: ar parādu to kontrolēja"
        assert not indicator.in_english
    with translation.override("ru"):
        assert indicator.text.startswith("Человека поставили в долговую кабалу")
    with translation.override("lt"):
        assert indicator.text.startswith("Asmuo buvo įtrauktas į skolų vergiją")
        assert not indicator.in_english
    with translation.override("en"):
        assert not indicator.in_english
    english_only = get_set(_english_only_country_set())
    with translation.override("lt"):
        first = english_only.indicators[0]
        assert first.text == first.texts["en"]
        assert first.in_english
        assert english_only.shown_in_english == len(english_only.indicators)


def _checklist(html: str) -> str:
    """The page from the checklist on (the language menu above it names English too)."""
    return html.split('id="checklist"', 1)[1]


def test_a_list_not_yet_translated_says_so_on_the_page(as_persona: Callable[[str], Client]) -> None:
    client = as_persona("caseworker_a")
    client.post(reverse("set_language"), {"language": "lv", "next": "/"})
    translated = client.get(reverse("screening:new"), {"set": "ilo-adult-labour"}).content.decode()
    assert "Personu maldināja par darba apstākļiem" in translated
    assert 'id="indicators-in-english"' not in translated
    assert 'lang="en"' not in _checklist(translated)
    english_only = _english_only_country_set()
    untranslated = client.get(reverse("screening:new"), {"set": english_only}).content.decode()
    count = len(get_set(english_only).indicators)
    note = untranslated.split('id="indicators-in-english">', 1)[1].split("</p>", 1)[0]
    assert str(count) in note
    assert _checklist(untranslated).count('lang="en"') == count


def test_the_migration_adds_missing_languages_and_keeps_what_a_row_holds() -> None:
    import importlib

    migration = importlib.import_module("strom.screening.migrations.0006_indicator_texts_in_every_language")
    in_file = to_document(get_set("ilo-adult-labour", 1))
    stored = to_document(get_set("ilo-adult-labour", 1))
    stored["title"] = {"en": stored["title"]["en"], "lv": "Mūsu nosaukums"}
    stored["indicators"][0]["text"] = {"en": stored["indicators"][0]["text"]["en"]}
    stored["indicators"][1]["text"] = {"en": "A text a coordinator changed"}
    assert migration._merge(stored, in_file)
    assert stored["title"]["lv"] == "Mūsu nosaukums"  # a language already stored is never overwritten
    assert stored["title"]["lt"] == in_file["title"]["lt"]
    assert stored["indicators"][0]["text"] == in_file["indicators"][0]["text"]
    # Another English text is another indicator text: no translation of the file's is put beside it.
    assert stored["indicators"][1]["text"] == {"en": "A text a coordinator changed"}
    assert not migration._merge(stored, in_file)
