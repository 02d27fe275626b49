"""Indicator texts in the viewer's language: the ILO lists in Latvian and Russian, the stored rows the
same as the files, and a visible note where a text is still shown in English."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from strom.screening.indicators import DATA_DIR, get_set, load_directory
from strom.screening.models import IndicatorSetVersion

pytestmark = pytest.mark.django_db

ILO_SETS = ["ilo-adult-labour", "ilo-adult-sexual", "ilo-child-labour", "ilo-child-sexual"]


@pytest.mark.parametrize("set_id", ILO_SETS)
@pytest.mark.parametrize("language", ["lv", "ru"])
def test_every_ilo_indicator_has_a_latvian_and_a_russian_text(set_id: str, language: str) -> None:
    indicator_set = get_set(set_id)
    missing = [i.id for i in indicator_set.indicators if not i.texts.get(language, "").strip()]
    assert missing == []
    same = [i.id for i in indicator_set.indicators if i.texts[language] == i.texts["en"]]
    assert same == []
    with translation.override(language):
        assert indicator_set.shown_in_english == 0


def test_the_stored_rows_hold_the_translations_of_the_files() -> None:
    for (set_id, version), in_file in load_directory(DATA_DIR).items():
        row = IndicatorSetVersion.objects.get(set_id=set_id, version=version)
        stored = {item["id"]: item["text"] for item in row.document["indicators"]}
        assert stored == {i.id: i.texts for i in in_file.indicators}, set_id


def test_the_text_follows_the_language_and_falls_back_to_english() -> None:
    indicator = get_set("ilo-adult-labour").indicator("ADL-CR-04")
    with translation.override("lv"):
        assert indicator.text == "Personu iesaistīja parādu verdzībā: ar parādu to kontrolēja"
        assert not indicator.in_english
    with translation.override("ru"):
        assert indicator.text.startswith("Человека поставили в долговую кабалу")
    with translation.override("lt"):  # no Lithuanian text yet
        assert indicator.text == "Was put in debt bondage: a debt used to control them"
        assert indicator.in_english
        assert get_set("ilo-adult-labour").shown_in_english == len(get_set("ilo-adult-labour").indicators)
    with translation.override("en"):
        assert not indicator.in_english


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
    untranslated = client.get(reverse("screening:new"), {"set": "strom-forced-marriage"}).content.decode()
    count = len(get_set("strom-forced-marriage").indicators)
    note = untranslated.split('id="indicators-in-english">', 1)[1].split("</p>", 1)[0]
    assert str(count) in note
    assert _checklist(untranslated).count('lang="en"') == count
