"""The password rules' help texts and errors, which Django's own catalogue lacks in Lithuanian, are in
every language STROM offers."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import password_validation
from django.utils import translation

from strom.accounts.django_messages import PASSWORD_RULES


def test_the_password_rules_are_django_s_own_words() -> None:
    with translation.override("en"):
        shown = password_validation.password_validators_help_texts()
    assert set(shown) - {"Your password must contain at least 12 characters."} <= set(PASSWORD_RULES)


def test_the_password_rules_are_translated_in_every_offered_language() -> None:
    with translation.override("en"):
        english = password_validation.password_validators_help_texts()
    for code, _name in settings.LANGUAGES:
        if code == "en":
            continue
        with translation.override(code):
            shown = password_validation.password_validators_help_texts()
        assert [text for text in shown if text in english] == [], code
