"""An organisation or municipality shown with its country once, also when its name already holds it."""

from __future__ import annotations

from django.template import Context, Template

from strom.directory.models import with_country


def test_the_country_is_added_once() -> None:
    assert with_country("Riga Social Service", "LV") == "Riga Social Service (LV)"
    assert with_country("National THB Coordinator (LV)", "LV") == "National THB Coordinator (LV)"
    assert with_country("Riga Social Service", "") == "Riga Social Service"


def test_the_template_filter_adds_it_once() -> None:
    template = Template("{% load strom_directory %}{{ name|with_country:country }}")
    shown = template.render(Context({"name": "National THB Coordinator (LV)", "country": "LV"}))
    assert shown == "National THB Coordinator (LV)"
