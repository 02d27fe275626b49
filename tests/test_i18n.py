"""Translations: complete Latvian and Russian catalogues, compiled .mo files that match them, the
language switcher, and dates and numbers formatted by locale."""

from __future__ import annotations

import ast
import datetime
import gettext
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pytest
from babel import Locale
from babel.messages.plurals import get_plural
from django.conf import settings
from django.template import Context, Template
from django.test import Client
from django.urls import reverse
from django.utils import formats, translation

import strom
from strom.core.languages import PLURAL_FORM_COUNT, REGION_LANGUAGES, offered_languages

STROM_DIR = Path(strom.__file__).resolve().parent
LOCALE_DIR = STROM_DIR / "locale"
# Every catalogue in the repository is held to the gates below, whether or not it is complete yet.
TRANSLATED = sorted(path.parent.parent.name for path in LOCALE_DIR.glob("*/LC_MESSAGES/django.po"))

# The two catalogues that came first keep their exact headers; every catalogue is checked against CLDR
# below (test_plural_forms_header_agrees_with_cldr).
PLURAL_FORMS = {
    "lv": "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n != 0 ? 1 : 2);",
    "ru": (
        "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && "
        "(n%100<10 || n%100>=20) ? 1 : 2);"
    ),
}

PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|\{[a-z_]+\}")
# In an entry xgettext marks python-format: %s, %d, %05.2f and the like; "%%" is a literal percent sign.
POSITIONAL = re.compile(r"%%|%[-#0 +]*\d*(?:\.\d+)?[sdifrxXc]")
# In an entry marked brace-format: {0}, {name}, {name:>3}.
BRACES = re.compile(r"\{[A-Za-z0-9_]*(?:[!:][^{}]*)?\}")


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)


def parse_po(path: Path) -> list[Entry]:
    """The few parts of the .po format makemessages writes; obsolete (#~) entries are skipped."""
    entries: list[Entry] = []
    entry: Entry | None = None
    target: tuple[str, int] | None = None
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        if not line.strip():
            if entry is not None:
                entries.append(entry)
            entry, target = None, None
            continue
        if entry is None:
            entry = Entry()
        if line.startswith("#,"):
            entry.flags.update(flag.strip() for flag in line[2:].split(","))
            continue
        if line.startswith("#"):
            continue
        keyword, _, rest = line.partition(" ")
        # .po strings use C escapes (\\n, \\", \\\\), which a Python string literal reads the same way.
        text: str = ast.literal_eval(line if line.startswith('"') else rest)
        if line.startswith('"'):
            assert target is not None, f"{path}: continuation line without a keyword: {line}"
            name, index = target
        elif keyword.startswith("msgstr["):
            name, index = "msgstr", int(keyword[len("msgstr[") : -1])
        else:
            name, index = keyword, 0
        target = (name, index)
        if name == "msgstr":
            entry.msgstr[index] = entry.msgstr.get(index, "") + text
        elif name == "msgid":
            entry.msgid += text
        elif name == "msgid_plural":
            entry.msgid_plural = (entry.msgid_plural or "") + text
        elif name == "msgctxt":
            entry.msgctxt = (entry.msgctxt or "") + text
        else:
            raise AssertionError(f"{path}: unexpected line {line!r}")
    return entries


def catalogue(language: str) -> tuple[Entry, list[Entry]]:
    header, *messages = parse_po(LOCALE_DIR / language / "LC_MESSAGES" / "django.po")
    assert header.msgid == "", "the header comes first"
    return header, messages


def header_fields(language: str) -> dict[str, str]:
    header, _ = catalogue(language)
    return dict(line.split(": ", 1) for line in header.msgstr[0].splitlines() if ": " in line)


def plural_rule(language: str) -> tuple[int, Callable[[int], int]]:
    """The catalogue's Plural-Forms header: its number of forms and its rule as a function."""
    match = re.fullmatch(r"\s*nplurals=(\d+);\s*plural=(.+?);?\s*", header_fields(language)["Plural-Forms"])
    assert match, f"{language}: unreadable Plural-Forms header"
    return int(match[1]), gettext.c2py(match[2])


def plural_samples(language: str) -> list[int]:
    """The smallest number that selects each plural form, in form order."""
    count, rule = plural_rule(language)
    return [next(n for n in range(1000) if rule(n) == form) for form in range(count)]


def forms_for_one_only(language: str) -> set[int]:
    """The plural forms chosen for the number 1 alone: like English's singular, they may leave the
    count out ("A report is due" / "%(count)d reports are due"); every other form must name it."""
    count, rule = plural_rule(language)
    return {form for form in range(count) if [n for n in range(1000) if rule(n) == form] == [1]}


def describe(entry: Entry) -> str:
    return f"{entry.msgctxt + ' | ' if entry.msgctxt else ''}{entry.msgid[:70]!r}"


def test_every_shipped_language_has_a_catalogue() -> None:
    assert LOCALE_DIR in [Path(p) for p in settings.LOCALE_PATHS]
    assert sorted(code for code, _ in settings.LANGUAGES if code != "en") == sorted(TRANSLATED)
    region = [code for code, _ in REGION_LANGUAGES]
    assert set(TRANSLATED) <= set(region), "a catalogue for a language outside the region"
    assert [code for code, _ in settings.LANGUAGES] == [c for c in region if c == "en" or c in TRANSLATED]


def test_a_catalogue_in_the_locale_folder_switches_its_language_on(tmp_path: Path) -> None:
    (tmp_path / "lt" / "LC_MESSAGES").mkdir(parents=True)
    assert [code for code, _ in offered_languages(tmp_path)] == ["en"]
    (tmp_path / "lt" / "LC_MESSAGES" / "django.po").write_text("", encoding="utf-8")
    (tmp_path / "fr" / "LC_MESSAGES").mkdir(parents=True)
    (tmp_path / "fr" / "LC_MESSAGES" / "django.po").write_text("", encoding="utf-8")
    assert [code for code, _ in offered_languages(tmp_path)] == ["en", "lt"]  # French is not the region's


@pytest.mark.parametrize("language", [code for code, _ in REGION_LANGUAGES])
def test_plural_form_counts_are_cldr_s(language: str) -> None:
    assert PLURAL_FORM_COUNT[language] == get_plural(language).num_plurals


@pytest.mark.parametrize("language", TRANSLATED)
def test_catalogue_header_names_the_language_and_its_plural_forms(language: str) -> None:
    header, _ = catalogue(language)
    fields = header_fields(language)
    assert fields["Language"] == language
    assert fields["Content-Type"] == "text/plain; charset=UTF-8"
    if language in PLURAL_FORMS:
        assert fields["Plural-Forms"] == PLURAL_FORMS[language]
    count, _rule = plural_rule(language)
    assert count == PLURAL_FORM_COUNT[language]
    assert "fuzzy" not in header.flags


@pytest.mark.parametrize("language", TRANSLATED)
def test_plural_forms_header_agrees_with_cldr(language: str) -> None:
    """Whole numbers that CLDR puts in one category take one form, and each form one category.
    Latvian keeps GNU gettext's rule, whose third form is for 0 alone (CLDR's "zero" also takes 10-20,
    30, ...): its forms are only checked to be reachable and in range."""
    count, rule = plural_rule(language)
    forms = {rule(n) for n in range(1000)}
    assert forms == set(range(count)), f"the rule gives forms {sorted(forms)}"
    if language == "lv":
        return
    cldr = Locale.parse(language).plural_form
    pairs = {(rule(n), cldr(n)) for n in range(1000)}
    assert len(pairs) == len({form for form, _ in pairs}) == len({category for _, category in pairs}), pairs


@pytest.mark.parametrize("language", TRANSLATED)
def test_catalogue_has_no_untranslated_or_fuzzy_entries(language: str) -> None:
    _, messages = catalogue(language)
    assert len(messages) > 100, "the catalogue looks truncated"
    plural_count = PLURAL_FORM_COUNT[language]
    problems = []
    for entry in messages:
        forms = plural_count if entry.msgid_plural is not None else 1
        if "fuzzy" in entry.flags:
            problems.append(f"fuzzy: {describe(entry)}")
        if sorted(entry.msgstr) != list(range(forms)):
            problems.append(f"wrong number of forms {sorted(entry.msgstr)}: {describe(entry)}")
        if any(not entry.msgstr.get(i, "").strip() for i in range(forms)):
            problems.append(f"untranslated: {describe(entry)}")
    assert problems == []


@pytest.mark.parametrize("language", TRANSLATED)
def test_translations_keep_every_placeholder_and_tag(language: str) -> None:
    _, messages = catalogue(language)
    one_only = forms_for_one_only(language)
    problems = []
    for entry in messages:
        sources = [entry.msgid] if entry.msgid_plural is None else [entry.msgid, entry.msgid_plural]
        expected = sorted(set(PLACEHOLDER.findall(" ".join(sources))))
        tags = sorted(re.findall(r"</?[a-z]+", entry.msgid))
        positional = sorted(POSITIONAL.findall(entry.msgid)) if "python-format" in entry.flags else []
        braces = sorted(set(BRACES.findall(entry.msgid))) if "brace-format" in entry.flags else []
        for form, text in entry.msgstr.items():
            found = sorted(set(PLACEHOLDER.findall(text)))
            # The form for 1 alone may be worded like the English singular, without the count.
            in_singular = sorted(set(PLACEHOLDER.findall(entry.msgid)))
            as_singular = entry.msgid_plural is not None and form in one_only and found == in_singular
            if found != expected and not as_singular:
                problems.append(f"placeholders differ: {describe(entry)}")
            if positional and sorted(POSITIONAL.findall(text)) != positional:
                problems.append(f"%-placeholders differ: {describe(entry)}")
            if braces and sorted(set(BRACES.findall(text))) != braces:
                problems.append(f"{{}}-placeholders differ: {describe(entry)}")
            if sorted(re.findall(r"</?[a-z]+", text)) != tags:
                problems.append(f"HTML tags differ: {describe(entry)}")
    assert problems == []


@pytest.mark.parametrize("language", TRANSLATED)
def test_compiled_mo_file_matches_the_po_file(language: str) -> None:
    """A fresh machine has no gettext tools, so the .mo files ship in the repository: recompile
    (`strom compilemessages`) whenever a .po file changes."""
    _, messages = catalogue(language)
    with (LOCALE_DIR / language / "LC_MESSAGES" / "django.mo").open("rb") as fh:
        compiled = gettext.GNUTranslations(fh)
    stale = []
    samples = plural_samples(language)  # reads the catalogue's header: once, not once per entry
    for entry in messages:
        if entry.msgid_plural is not None:
            for form, n in enumerate(samples):
                if compiled.ngettext(entry.msgid, entry.msgid_plural, n) != entry.msgstr[form]:
                    stale.append(describe(entry))
        elif entry.msgctxt is not None:
            if compiled.pgettext(entry.msgctxt, entry.msgid) != entry.msgstr[0]:
                stale.append(describe(entry))
        elif compiled.gettext(entry.msgid) != entry.msgstr[0]:
            stale.append(describe(entry))
    assert stale == []


MAKEMESSAGES = [
    "makemessages",
    "--add-location=file",
    "--no-obsolete",
    "--keep-pot",
    "--ignore=.venv",
    "--ignore=var",
    "--ignore=tests",
    "--ignore=bench",
]


def message_keys(entries: list[Entry]) -> set[tuple[str | None, str, str | None]]:
    return {(e.msgctxt, e.msgid, e.msgid_plural) for e in entries if e.msgid}


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> set[tuple[str | None, str, str | None]]:
    """The messages the source marks today: makemessages (with the options docs/translating.md gives)
    run on a copy of strom/, so the catalogues in the repository are never written to."""
    copy = tmp_path_factory.mktemp("makemessages")
    shutil.copytree(
        STROM_DIR, copy / "strom", ignore=shutil.ignore_patterns("__pycache__", "*.mo", "*.po", "static")
    )
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "strom.settings", "PYTHONPATH": str(copy)}
    command = [sys.executable, "-m", "django", *MAKEMESSAGES, f"--locale={TRANSLATED[0]}"]
    # The command is fixed above: no input from outside reaches it.
    run = subprocess.run(command, cwd=copy, env=environment, capture_output=True, text=True, timeout=300)  # noqa: S603
    assert run.returncode == 0, run.stderr
    return message_keys(parse_po(copy / "strom" / "locale" / "django.pot"))


@pytest.mark.parametrize("language", TRANSLATED)
def test_makemessages_leaves_no_diff(
    language: str, extracted: set[tuple[str | None, str, str | None]]
) -> None:
    """Every message the source marks is in the catalogue, and the catalogue holds no other (run
    makemessages as docs/translating.md says after changing a string)."""
    _, messages = catalogue(language)
    committed = message_keys(messages)
    missing = sorted(f"{ctx or ''}|{msgid[:70]}" for ctx, msgid, _ in extracted - committed)
    stale = sorted(f"{ctx or ''}|{msgid[:70]}" for ctx, msgid, _ in committed - extracted)
    assert (missing, stale) == ([], [])


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("lv", ["%(counter)s lietotājs", "%(counter)s lietotāji", "%(counter)s lietotāju"]),
        ("ru", ["%(counter)s пользователь", "%(counter)s пользователя", "%(counter)s пользователей"]),
    ],
)
def test_plural_forms_follow_the_language_rules(language: str, expected: list[str]) -> None:
    numbers = {"lv": (1, 21, 2, 11, 0), "ru": (1, 21, 3, 24, 5, 11, 0)}[language]
    forms = {
        "lv": [expected[0], expected[0], expected[1], expected[1], expected[2]],
        "ru": [expected[0], expected[0], expected[1], expected[1], expected[2], expected[2], expected[2]],
    }[language]
    with translation.override(language):
        got = [translation.ngettext("%(counter)s user", "%(counter)s users", n) for n in numbers]
    assert got == forms


# --- pages -------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("accept_language", "lang", "heading"),
    [("en", "en", "Log in"), ("lv", "lv", "Pieteikties"), ("ru-RU,ru;q=0.9", "ru", "Войти")],
)
def test_login_page_follows_the_browser_language(accept_language: str, lang: str, heading: str) -> None:
    page = Client().get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE=accept_language)
    assert page.status_code == 200
    html = page.content.decode()
    assert f'<html lang="{lang}"' in html
    assert f"<h1>{heading}</h1>" in html
    assert f'<option value="{lang}" lang="{lang}" selected>' in html


@pytest.mark.django_db
def test_language_switcher_changes_the_language_of_the_next_page() -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    login = reverse("accounts:login")
    response = client.post(reverse("set_language"), {"language": "ru", "next": login})
    assert response.status_code == 302
    assert response["Location"] == login
    html = client.get(login).content.decode()
    assert '<html lang="ru"' in html
    assert "<h1>Войти</h1>" in html

    client.post(reverse("set_language"), {"language": "lv", "next": login})
    assert "<h1>Pieteikties</h1>" in client.get(login).content.decode()


@pytest.mark.django_db
def test_language_switcher_ignores_a_language_strom_does_not_offer() -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    login = reverse("accounts:login")
    client.post(reverse("set_language"), {"language": "fr", "next": login})
    assert '<html lang="en"' in client.get(login).content.decode()


def test_logged_in_pages_are_translated(as_persona: Callable[[str], Client]) -> None:
    client = as_persona("orgadmin_a")
    client.post(reverse("set_language"), {"language": "lv", "next": "/"})
    html = client.get(reverse("core:dashboard")).content.decode()
    assert "<h1>Sākumlapa</h1>" in html
    assert ">Audita žurnāls</a>" in html  # the main navigation
    assert "Izrakstīties" in html  # the log-out button


@pytest.mark.django_db
def test_form_errors_are_translated() -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="ru")
    page = client.post(reverse("accounts:login"), {"email": "nobody@example.org", "password": "wrong"})
    assert "Неверный адрес электронной почты или пароль." in page.content.decode()


@pytest.mark.django_db
def test_api_problem_details_are_translated() -> None:
    response = Client().get(reverse("api:me"), HTTP_ACCEPT_LANGUAGE="lv")
    assert response.status_code == 401
    assert response.json()["title"] == "Nepieciešama autentifikācija"


# --- dates and numbers --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "date", "short_datetime", "number"),
    [
        ("en", "5 March 2026", "05/03/2026 14:07", "1,234,567.50"),  # European English: day first
        ("lv", "2026. gada 5. marts", "5.03.2026 14:07", "1\xa0234\xa0567,50"),
        ("ru", "5 марта 2026 г.", "05.03.2026 14:07", "1\xa0234\xa0567,50"),  # noqa: RUF001
        ("da", "5. marts 2026", "05.03.2026 14.07", "1.234.567,50"),
        ("de", "5. März 2026", "05.03.2026 14:07", "1.234.567,50"),
        ("et", "5. märts 2026", "05.03.2026 14:07", "1\xa0234\xa0567,50"),
        ("fi", "5. maaliskuuta 2026", "5.3.2026 14.07", "1\xa0234\xa0567,50"),
        ("is", "5. mars 2026", "5.3.2026 14:07", "1.234.567,50"),
        ("lt", "2026 m. kovo 5 d.", "2026-03-05 14:07", "1\xa0234\xa0567,50"),
        ("nb", "5. mars 2026", "05.03.2026 14:07", "1\xa0234\xa0567,50"),
        ("pl", "5 marca 2026", "05.03.2026 14:07", "1\xa0234\xa0567,50"),
        ("sv", "5 mars 2026", "2026-03-05 14:07", "1\xa0234\xa0567,50"),
        ("uk", "5 березня 2026 р.", "05.03.2026 14:07", "1\xa0234\xa0567,50"),  # noqa: RUF001
    ],
)
def test_dates_and_numbers_are_formatted_by_locale(
    language: str, date: str, short_datetime: str, number: str
) -> None:
    with translation.override(language):
        assert formats.date_format(datetime.date(2026, 3, 5), "DATE_FORMAT") == date
        assert (
            formats.date_format(datetime.datetime(2026, 3, 5, 14, 7), "SHORT_DATETIME_FORMAT")
            == short_datetime
        )
        assert formats.number_format(Decimal("1234567.5"), 2, force_grouping=True) == number


@pytest.mark.parametrize("language", [code for code, _ in REGION_LANGUAGES])
def test_every_language_has_its_formats_and_they_agree_with_cldr(language: str) -> None:
    """strom/formats/<language>/formats.py exists for each of the thirteen, and its separators and
    first day of the week are CLDR's."""
    assert (STROM_DIR / "formats" / language / "formats.py").is_file()
    cldr = Locale.parse(language)
    with translation.override(language):
        assert formats.get_format("DECIMAL_SEPARATOR") == cldr.number_symbols["latn"]["decimal"]
        assert formats.get_format("THOUSAND_SEPARATOR") == cldr.number_symbols["latn"]["group"]
        # Babel counts Monday as 0, Django Sunday.
        assert formats.get_format("FIRST_DAY_OF_WEEK") == (cldr.first_week_day + 1) % 7
        assert formats.get_format("DATE_INPUT_FORMATS")[0] == "%Y-%m-%d"


@pytest.mark.parametrize(
    ("language", "shown"),
    [("en", "€1,234.50"), ("lv", "1\xa0234,50\xa0€"), ("de", "1.234,50\xa0€"), ("nb", "1\xa0234,50\xa0kr")],
)
def test_amounts_are_written_as_the_language_writes_them(language: str, shown: str) -> None:
    currency = "NOK" if language == "nb" else "EUR"
    template = Template("{% load strom_money %}{{ amount|money:currency }}")
    with translation.override(language):
        assert template.render(Context({"amount": Decimal("1234.5"), "currency": currency})) == shown
        assert template.render(Context({"amount": None, "currency": currency})) == ""


def test_country_pickers_name_countries_in_the_viewer_s_language(as_persona: Callable[[str], Client]) -> None:
    """Forms read the country names when they are shown, not once when the code is loaded."""
    client = as_persona("caseworker_a")
    client.post(reverse("set_language"), {"language": "lv", "next": "/"})
    latvian = client.get(reverse("cases:open")).content.decode()
    assert ">Vācija</option>" in latvian
    assert ">Germany</option>" not in latvian
    assert ">Centrālāfrikas Republika</option>" in latvian


def test_audit_log_shows_times_in_the_chosen_language(as_persona: Callable[[str], Client]) -> None:
    client = as_persona("orgadmin_a")
    client.get(reverse("audit:list"))  # reading the log is itself logged, so there is an entry to show
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    english = client.get(reverse("audit:list")).content.decode()
    client.post(reverse("set_language"), {"language": "lv", "next": "/"})
    latvian = client.get(reverse("audit:list")).content.decode()
    assert re.search(r"<time [^>]*>\d\d/\d\d/\d{4} \d\d:\d\d</time>", english)  # day first, 24 hours
    assert re.search(r"<time [^>]*>\d{1,2}\.\d\d\.\d{4} \d\d:\d\d</time>", latvian)


# --- templates -----------------------------------------------------------------------------------

TEMPLATES = sorted(STROM_DIR.rglob("templates/**/*.html"))
# Text that is the same in every language.
UNTRANSLATED_ALLOWED = {"STROM", "EUR"}  # the name, and the ISO 4217 code of the euro


def visible_untranslated_text(source: str) -> list[str]:
    """Words a reader sees that are not inside a translation tag or a variable."""
    text = re.sub(r"{%\s*comment\s*%}.*?{%\s*endcomment\s*%}", " ", source, flags=re.S)
    text = re.sub(r"{%\s*blocktrans(late)?\b.*?{%\s*endblocktrans(late)?\s*%}", " ", text, flags=re.S)
    text = re.sub(r"{#.*?#}|{%.*?%}|{{.*?}}", " ", text, flags=re.S)
    text = re.sub(r"<(script|style|code)\b.*?</\1>", " ", text, flags=re.S)
    found = [
        value
        for value in re.findall(r'\b(?:aria-label|title|placeholder|alt)="([^"]*)"', text)
        if re.search(r"[^\W\d_]", value)
    ]
    text = re.sub(r"<[^>]*>|&[a-z]+;|&#\d+;", " ", text, flags=re.S)
    found += re.findall(r"[^\W\d_][\w'-]*", text)
    return [word for word in found if word not in UNTRANSLATED_ALLOWED]


def test_template_checker_notices_untranslated_text() -> None:
    assert visible_untranslated_text("<p>Hello {{ name }}</p>") == ["Hello"]
    assert visible_untranslated_text('<nav aria-label="Main">') == ["Main"]
    assert visible_untranslated_text('<nav aria-label="{% translate "Main" %}">{% translate "x" %}') == []
    assert visible_untranslated_text("{% blocktranslate %}Hi {{ a }}{% endblocktranslate %}") == []


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(STROM_DIR)))
def test_templates_have_no_text_outside_translation_tags(template: Path) -> None:
    assert visible_untranslated_text(template.read_text(encoding="utf-8")) == []
