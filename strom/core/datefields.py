"""A date typed as text, in the reader's format or ISO.

A browser's date picker submits nothing for a date that does not exist (31.02.2000): the server sees
an empty field, and the date vanished without a word. Typed text reaches the server, which says what
is wrong in the reader's language and shows what was typed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import formats
from django.utils.translation import gettext as _

EXAMPLE = dt.date(1990, 12, 24)


# Django's short date format letters (PHP style) as strftime directives, for the ones dates use.
_DIRECTIVES = {"d": "%d", "j": "%d", "m": "%m", "n": "%m", "Y": "%Y", "y": "%y"}
ISO = "%Y-%m-%d"


def typed_format() -> str:
    """How the reader writes a date: their locale's short date format (24.12.1990 in Latvian), if
    STROM also reads it back; ISO otherwise."""
    short = formats.get_format("SHORT_DATE_FORMAT")
    pattern = "".join(_DIRECTIVES.get(char, char) for char in short)
    return pattern if pattern in formats.get_format("DATE_INPUT_FORMATS") else ISO


def example_date() -> str:
    return EXAMPLE.strftime(typed_format())


class TypedDateInput(forms.DateInput):
    input_type = "text"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs={"autocomplete": "off", "size": 12, **(attrs or {})})

    def format_value(self, value: Any) -> str | None:
        # Decided when the page is drawn, in the reader's language, not when the form class loads. A
        # stored ISO string (an encrypted date of birth) is shown the same way; typed text as typed.
        if isinstance(value, str):
            try:
                value = dt.date.fromisoformat(value)
            except ValueError:
                return super().format_value(value)
        if isinstance(value, dt.date):
            return value.strftime(typed_format())
        return super().format_value(value)


class TypedDateField(forms.DateField):
    widget = TypedDateInput

    def to_python(self, value: Any) -> dt.date | None:
        try:
            return super().to_python(value)
        except ValidationError as exc:
            raise ValidationError(
                _("“%(value)s” is not a date that exists. Check the day, month and year, e.g. %(example)s."),
                code="invalid",
                params={"value": str(value).strip(), "example": example_date()},
            ) from exc
