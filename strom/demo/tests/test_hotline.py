"""The demo hotlines: contacts in two countries, grouped tips, one passed to the police, Latvia's pages."""

from __future__ import annotations

import pytest

from strom.audit.models import AuditEntry
from strom.demo.accounts import demo_load
from strom.demo.hotline import demo_hotline_load
from strom.demo.network import demo_network_load
from strom.hotline.models import Contact, RightsPage, Tip, TipPassing

pytestmark = pytest.mark.django_db


def test_the_demo_hotlines_are_loaded_once_through_the_services() -> None:
    demo_load()
    demo_network_load()
    assert demo_hotline_load() == 90
    assert demo_hotline_load() == 0
    countries = set(Contact.objects.values_list("organisation__country", flat=True))
    assert countries == {"LV", "EE"}
    assert AuditEntry.objects.filter(action="hotline.contact_log").count() == 90
    grouped = Tip.objects.filter(group__isnull=False).get()
    assert grouped.group is not None
    assert grouped.group.place_name == "Demo Berry Farm"
    assert TipPassing.objects.get().to_organisation.name == "State Police of Latvia, THB Unit"
    page = RightsPage.objects.get(country="LV")
    assert (page.original_language, set(page.get_available_languages())) == ("en", {"en", "lv", "ru"})
