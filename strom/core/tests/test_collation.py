"""Names sort as each language of the region sorts them: the Python key agrees with PostgreSQL's ICU
collations, and country names come in the viewer's language."""

from __future__ import annotations

import pytest
from django.db import connection
from django.utils import translation

from strom.core.collation import ICU_COLLATIONS, collated, db_collation, sort_key
from strom.core.countries import CBSS_MEMBERS, countries, country_choices, country_name
from strom.core.languages import REGION_LANGUAGES

LANGUAGES = [code for code, _ in REGION_LANGUAGES]


@pytest.mark.parametrize(
    ("language", "names"),
    [
        ("lt", ["Cukrus", "Čekija", "Dana", "Ieva", "Yla", "Jonas", "Sala", "Šiauliai", "Zita", "Žemė"]),
        ("lv", ["Cēsis", "Čaks", "Gauja", "Ģirts", "Kalns", "Ķekava", "Liepa", "Ļaudona", "Saule", "Šķēde"]),
        ("sv", ["Anders", "Zeta", "Åsa", "Ängel", "Östen"]),
        ("fi", ["Aino", "Zeta", "Åke", "Äiti", "Öljy"]),
        ("da", ["Anne", "Zeta", "Ærø", "Øster", "Århus"]),
        ("nb", ["Anne", "Zeta", "Ærlig", "Østre", "Ålesund"]),
        ("pl", ["Anna", "Ąb", "Cezary", "Ćma", "Łukasz", "Mariusz", "Zofia", "Źrebię", "Żaneta"]),
        ("et", ["Sara", "Šaht", "Zoja", "Žanna", "Tiit", "Vello", "Õie", "Ärni", "Ööbik", "Ülle"]),
        ("is", ["Anna", "Ásta", "Dóra", "Ðaði", "Egill", "Þóra", "Ægir", "Ösp"]),
        ("de", ["Müller", "Mueller", "Muller", "Nagel"]),
        ("uk", ["Гнат", "Ґанна", "Евген", "Єва", "Ірина", "Їжак", "Йосип"]),
        ("ru", ["Евгений", "Ёлкин", "Жанна", "Иван", "Йошкар"]),
    ],
)
def test_python_key_sorts_each_alphabet(language: str, names: list[str]) -> None:
    assert sorted(reversed(names), key=sort_key(language)) == sorted(names, key=sort_key(language))
    if language != "de":
        assert sorted(reversed(names), key=sort_key(language)) == names


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_python_key_agrees_with_postgresql_icu(language: str) -> None:
    """Every country name in the language, ordered by the key and by PostgreSQL: the same order."""
    names = sorted(set(countries(language).values()))
    with connection.cursor() as cursor:
        cursor.execute(
            f'SELECT n FROM unnest(%s::text[]) AS n ORDER BY n COLLATE "{db_collation(language)}"',  # noqa: S608
            [names],
        )
        in_database = [row[0] for row in cursor.fetchall()]
    assert sorted(names, key=sort_key(language)) == in_database


@pytest.mark.django_db
def test_every_collation_exists_in_postgresql() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT collname FROM pg_collation WHERE collname = ANY(%s)", [list(ICU_COLLATIONS.values())]
        )
        found = {row[0] for row in cursor.fetchall()}
    assert found == set(ICU_COLLATIONS.values())
    assert getattr(collated("name", "lt"), "collation", None) == "lt-x-icu"


def test_country_names_follow_the_viewer_s_language() -> None:
    assert country_name("LT", "en") == "Lithuania"
    assert country_name("LT", "lt") == "Lietuva"
    assert country_name("DE", "lv") == "Vācija"
    assert country_name("FI", "ru") == "Финляндия"
    assert country_name("NO", "uk") == "Норвегія"
    with translation.override("sv"):
        assert countries()["DK"] == "Danmark"
    assert country_name("", "de") == ""
    assert set(countries("is")) == set(countries("en")), "every language names the same countries"


def test_country_choices_put_the_region_first_and_sort_the_rest_in_the_language() -> None:
    with translation.override("lt"):
        choices = country_choices()
    assert [code for code, _ in choices[: len(CBSS_MEMBERS)]] == list(CBSS_MEMBERS)
    rest = [name for _, name in choices[len(CBSS_MEMBERS) :]]
    assert rest == sorted(rest, key=sort_key("lt"))
    assert "Čilė" in rest and rest.index("Čilė") > rest.index("Cukrus") if "Cukrus" in rest else True
    # Č sorts after every C, not among them (as plain code-point order would put it after Z).
    c_names = [n for n in rest if n[0] in "CČD"]
    assert c_names.index("Čilė") > max(i for i, n in enumerate(c_names) if n.startswith("C"))
    assert c_names.index("Čilė") < min(i for i, n in enumerate(c_names) if n.startswith("D"))
