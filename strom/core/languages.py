"""The languages of the Baltic Sea Region, and which of them STROM offers.

One list (DOMAIN.md): the members' languages, English as the common one, and Russian and Ukrainian,
which many victims and professionals speak. A language is offered in the menu and in
`settings.LANGUAGES` only when its catalogue `strom/locale/<code>/LC_MESSAGES/django.po` is in the
repository; tests/test_i18n.py holds every catalogue present to the gates (nothing untranslated or
fuzzy, placeholders, tags and plural forms right), so adding a complete catalogue switches the
language on and nothing else has to change (docs/translating.md).

This module is read by the settings: it imports nothing of STROM and no model.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

SOURCE_LANGUAGE = "en"

# In the order of the menu: English first, then the region's languages by code.
REGION_LANGUAGES: tuple[tuple[str, StrOrPromise], ...] = (
    ("en", _("English")),
    ("da", _("Danish")),
    ("de", _("German")),
    ("et", _("Estonian")),
    ("fi", _("Finnish")),
    ("is", _("Icelandic")),
    ("lt", _("Lithuanian")),
    ("lv", _("Latvian")),
    ("nb", _("Norwegian Bokmål")),
    ("pl", _("Polish")),
    ("ru", _("Russian")),
    ("sv", _("Swedish")),
    ("uk", _("Ukrainian")),
)

# The number of gettext plural forms of each language (its Plural-Forms header), from the CLDR
# integer plural categories: Latvian (zero, one, other), Lithuanian, Polish, Russian and Ukrainian
# (one, few, many) have three; the others one and other. CLDR's fourth category of the Slavic and
# Lithuanian rules (fractions) has no form of its own in gettext, which counts whole numbers.
PLURAL_FORM_COUNT: dict[str, int] = {
    "en": 2,
    "da": 2,
    "de": 2,
    "et": 2,
    "fi": 2,
    "is": 2,
    "lt": 3,
    "lv": 3,
    "nb": 2,
    "pl": 3,
    "ru": 3,
    "sv": 2,
    "uk": 3,
}


def catalogue_path(locale_dir: Path, code: str) -> Path:
    return locale_dir / code / "LC_MESSAGES" / "django.po"


def offered_languages(locale_dir: Path) -> list[tuple[str, StrOrPromise]]:
    """The region's languages whose catalogue exists (English, the source language, always)."""
    return [
        (code, name)
        for code, name in REGION_LANGUAGES
        if code == SOURCE_LANGUAGE or catalogue_path(locale_dir, code).is_file()
    ]


def region_language_name(code: str) -> str:
    """The language's name in the viewer's language, or the code for a language outside the region."""
    name = dict(REGION_LANGUAGES).get(code)
    return str(name) if name is not None else code
