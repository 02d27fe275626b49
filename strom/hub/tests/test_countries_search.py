"""The guidelines' search source as the hub's index keeps it: one entry per published language."""

from __future__ import annotations

from strom.guidelines.services import draft_start, language_add, version_publish
from strom.guidelines.tests.factories import make_guideline
from strom.hub.models import SearchEntry
from tests.personas import Cast


def test_the_index_holds_one_entry_per_language_of_a_published_guideline(cast: Cast) -> None:
    make_guideline(cast, title="Not published", publish=False)
    assert not SearchEntry.objects.filter(kind="guideline").exists()
    guideline = make_guideline(cast)
    entries = {e.language: e for e in SearchEntry.objects.filter(kind="guideline")}
    assert set(entries) == {"en", "lv"}
    assert entries["lv"].country == "LV"
    assert "Pazīmes" in entries["lv"].body
    assert "Whom to call" not in entries["lv"].body
    # A language without text in the published version is not found, also after a new version.
    language_add(by=cast.coordinator_a, guideline=guideline, language="ru")
    version_publish(by=cast.coordinator_a, version=draft_start(by=cast.coordinator_a, guideline=guideline))
    assert set(SearchEntry.objects.filter(kind="guideline").values_list("language", flat=True)) == {
        "en",
        "lv",
    }
