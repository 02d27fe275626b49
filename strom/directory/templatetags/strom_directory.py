"""{% load strom_directory %} {{ name|with_country:code }}: "Name (LV)", never "Name (LV) (LV)"."""

from __future__ import annotations

from django import template

from strom.directory.models import with_country as _with_country

register = template.Library()


@register.filter
def with_country(name: object, country: object) -> str:
    return _with_country(str(name), str(country or ""))
