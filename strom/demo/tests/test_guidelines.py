"""The demo's guidelines and country profiles load through the services, once."""

from __future__ import annotations

from strom.demo.guidelines import demo_guidelines_load
from strom.guidelines import selectors as sel
from strom.guidelines.models import CountryProfile, Guideline
from tests.personas import Cast


def test_the_demo_guidelines_load_once(cast: Cast) -> None:
    assert demo_guidelines_load() == 3
    assert demo_guidelines_load() == 0
    regional = Guideline.objects.get(country="")
    assert regional.is_published
    assert sel.kept_languages(regional) == ["en"]
    latvian = Guideline.objects.get(country="LV")
    assert sel.kept_languages(latvian) == ["en", "lv", "ru"]
    assert latvian.published_version is not None
    latvian.published_version.guideline = latvian
    read = sel.reading(latvian.published_version, "ru")
    assert read.title == "Период размышления в самоуправлениях Латвии"
    assert [s.fallback for s in read.sections] == [False, True, True]
    assert not Guideline.objects.get(country="LT").is_published
    assert set(CountryProfile.objects.values_list("country", flat=True)) == {"EE", "LT", "LV"}
