"""{% load strom_money %} {{ amount|money:currency }}: an amount as the reader's language writes it,
with the currency's sign where CLDR has one ("1 234,50 €" in Latvian, "€1,234.50" in English)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from babel.numbers import format_currency
from django import template
from django.utils.translation import get_language

register = template.Library()


@register.filter
def money(value: Decimal | int | float | str | None, currency: str = "EUR") -> str:
    if value is None or value == "":
        return ""
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    language = (get_language() or "en").split("-")[0]
    return format_currency(amount, currency or "EUR", locale=language)
