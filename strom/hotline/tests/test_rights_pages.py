"""A country's know-your-rights page with a version per language (django-parler): written by the
country's coordinators language by language, the original beside the form, read by a visitor in the
language of the address or, with a note in their language, in English or the page's original language;
and the existing pages' texts moved into the new table without loss."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import override_settings
from django.urls import reverse

from strom.audit.models import AuditEntry
from strom.core.errors import NotAllowed
from strom.hotline.models import RightsPage
from strom.hotline.services import rights_page_save
from tests.personas import Cast

pytestmark = pytest.mark.django_db

OPEN = override_settings(STROM_HOTLINE_PUBLIC=True)
ENGLISH = ("Your rights at work in Latvia", "Everyone who works in Latvia has the right to a contract.")
LATVIAN = ("Jūsu tiesības darbā Latvijā", "Ikvienam, kas strādā Latvijā, ir tiesības uz līgumu.")


def _save(cast: Cast, language: str, texts: tuple[str, str], version: int | None = None) -> RightsPage:
    title, body = texts
    return rights_page_save(
        by=cast.coordinator_a, country="LV", language=language, title=title, body=body, version=version
    )


def _texts(language: str) -> tuple[str, str, int]:
    page = RightsPage.objects.get(country="LV")
    page.set_current_language(language)
    return page.title, page.body, page.version


def test_each_language_is_a_version_of_the_one_page_of_the_country(cast: Cast) -> None:
    _save(cast, "lv", LATVIAN)
    _save(cast, "en", ENGLISH)
    page = RightsPage.objects.get(country="LV")
    assert page.original_language == "lv"  # the language written first
    assert sorted(page.get_available_languages()) == ["en", "lv"]
    assert _texts("lv") == (*LATVIAN, 1)
    assert _texts("en") == (*ENGLISH, 1)
    _save(cast, "en", ("Your rights", "Changed."), version=1)
    assert _texts("en") == ("Your rights", "Changed.", 2)
    assert _texts("lv") == (*LATVIAN, 1)
    entries = AuditEntry.objects.filter(action="hotline.rights_page_save").order_by("pk")
    assert [(e.object_ref, e.details["language"], e.details["version"]) for e in entries] == [
        ("LV/lv", "lv", 1),
        ("LV/en", "en", 1),
        ("LV/en", "en", 2),
    ]


def test_a_colleague_s_save_of_the_same_language_is_not_overwritten(cast: Cast) -> None:
    _save(cast, "lv", LATVIAN)
    _save(cast, "en", ENGLISH, version=0)  # another language: no conflict
    with pytest.raises(ValidationError, match="Someone else saved this page"):
        _save(cast, "lv", ("Cits virsraksts", "Cits teksts."), version=0)
    with pytest.raises(ValidationError, match="Someone else saved this page"):
        _save(cast, "en", ("Other", "Other."), version=0)  # written since the form was opened empty
    assert _texts("lv") == (*LATVIAN, 1)
    assert _texts("en") == (*ENGLISH, 1)


@pytest.mark.parametrize(
    ("language", "title", "body", "field"),
    [("fr", "Titre", "Texte.", "language"), ("ru", " ", "Текст.", "title"), ("ru", "Права", "", "body")],
)
def test_a_wrong_version_is_refused_and_nothing_is_saved(
    cast: Cast, language: str, title: str, body: str, field: str
) -> None:
    _save(cast, "en", ENGLISH)
    with pytest.raises(ValidationError) as refused:
        _save(cast, language, (title, body))
    assert field in refused.value.message_dict
    assert list(RightsPage.objects.get(country="LV").get_available_languages()) == ["en"]
    assert AuditEntry.objects.filter(action="hotline.rights_page_save").count() == 1


def test_only_the_country_s_coordinators_write_its_page(cast: Cast) -> None:
    with pytest.raises(NotAllowed):
        rights_page_save(
            by=cast.coordinator_a, country="EE", language="en", title=ENGLISH[0], body=ENGLISH[1]
        )
    assert not RightsPage.objects.exists()


@OPEN
def test_the_visitor_reads_their_language_or_english_with_a_note_in_theirs(cast: Cast, client: Any) -> None:
    _save(cast, "en", ENGLISH)
    _save(cast, "lv", LATVIAN)
    latvian = client.get(reverse("help:country", kwargs={"lang": "lv", "country": "lv"})).content.decode()
    assert LATVIAN[0] in latvian
    assert 'id="page-in-other-language"' not in latvian
    russian = client.get(reverse("help:country", kwargs={"lang": "ru", "country": "lv"})).content.decode()
    assert ENGLISH[0] in russian
    assert LATVIAN[0] not in russian
    # The note in the visitor's language (Russian), naming the language shown in Russian.
    assert 'id="page-in-other-language"' in russian
    assert "английском" in russian.lower() or "английский" in russian.lower()
    assert '<div class="help-text" lang="en">' in russian


@OPEN
def test_a_page_not_in_english_is_read_in_its_original_language(cast: Cast, client: Any) -> None:
    _save(cast, "lv", LATVIAN)
    page = client.get(reverse("help:country", kwargs={"lang": "de", "country": "lv"})).content.decode()
    assert LATVIAN[0] in page
    assert 'id="page-in-other-language"' in page
    assert '<div class="help-text" lang="lv">' in page


def test_the_edit_page_shows_the_original_beside_the_form(cast: Cast, as_persona: Any) -> None:
    _save(cast, "lv", LATVIAN)
    client = as_persona("coordinator_a")
    page = client.get(reverse("hotline:rights_edit", kwargs={"country": "LV", "language": "ru"}))
    html = page.content.decode()
    assert page.status_code == 200
    assert LATVIAN[1] in html  # the original, on the left
    assert 'class="translation-row"' in html
    listing = client.get(reverse("hotline:rights")).content.decode()
    assert LATVIAN[0] in listing


def test_the_edit_page_saves_a_language_beside_the_others(cast: Cast, as_persona: Any) -> None:
    _save(cast, "lv", LATVIAN)
    client = as_persona("coordinator_a")
    url = reverse("hotline:rights_edit", kwargs={"country": "LV", "language": "ru"})
    answer = client.post(url, {"title": "Ваши права", "body": "Текст.", "version": "0"})
    assert answer.status_code == 302
    assert _texts("ru") == ("Ваши права", "Текст.", 1)
    assert _texts("lv") == (*LATVIAN, 1)


def test_the_pages_of_each_language_become_one_page_per_country_and_back(cast: Cast) -> None:
    """The data migration, forward and back, inside the test's transaction (PostgreSQL's DDL is
    transactional, so the schema is as before when the test ends)."""
    with connection.cursor() as cursor:  # no deferred checks pending on the tables the migration alters
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    before = ("hotline", "0001_contacts_tips_rights_pages")
    after = ("hotline", "0002_rights_page_texts_per_language")
    executor = MigrationExecutor(connection)
    old = executor.migrate([before]).apps.get_model("hotline", "RightsPage")
    rows = [
        ("LV", "lv", "Tiesības", "Teksts latviski.", 3),
        ("LV", "en", "Rights", "Text in English.", 2),
        ("LV", "ru", "Права", "Текст по-русски.", 1),
        ("EE", "et", "Õigused", "Tekst eesti keeles.", 1),
    ]
    for country, language, title, body, version in rows:
        old.objects.create(
            country=country,
            language=language,
            title=title,
            body=body,
            version=version,
            updated_by_id=cast.coordinator_a.pk,
        )
    executor = MigrationExecutor(connection)
    new_apps = executor.migrate([after]).apps
    page_model = new_apps.get_model("hotline", "RightsPage")
    translation_model = new_apps.get_model("hotline", "RightsPageTranslation")
    originals = dict(page_model.objects.values_list("country", "original_language"))
    assert originals == {"LV": "en", "EE": "et"}  # English where there is one, else the page's language
    moved = translation_model.objects.values_list(
        "master__country", "language_code", "title", "body", "version"
    )
    assert sorted(moved) == sorted(rows)
    executor = MigrationExecutor(connection)
    back = executor.migrate([before]).apps.get_model("hotline", "RightsPage")
    restored = back.objects.values_list("country", "language", "title", "body", "version")
    assert sorted(restored) == sorted(rows)
    MigrationExecutor(connection).migrate([after])


def test_the_edit_page_shows_what_is_missing_and_saves_nothing(cast: Cast, as_persona: Any) -> None:
    _save(cast, "lv", LATVIAN)
    url = reverse("hotline:rights_edit", kwargs={"country": "LV", "language": "ru"})
    answer = as_persona("coordinator_a").post(url, {"title": "Ваши права", "body": " ", "version": "0"})
    html = answer.content.decode()
    assert answer.status_code == 200
    assert 'class="error-summary"' in html
    assert LATVIAN[1] in html  # the original still beside the form
    assert sorted(RightsPage.objects.get(country="LV").get_available_languages()) == ["lv"]
