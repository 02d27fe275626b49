"""The hub search: languages, fuzzy matching, filters, who sees what, and the index kept in step.

The records come from a search source registered for the test over directory organisations, so the
search is tested without any of the apps whose records it finds in real use.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.test import override_settings
from django.urls import reverse

from strom.core import search as registry
from strom.core.roles import OrgType
from strom.core.search import SearchDocument, SearchSource
from strom.directory.models import Organisation
from strom.hub.index import reindex
from strom.hub.models import SearchEntry
from strom.hub.search import SearchFilters, search
from tests.personas import Cast

KIND = "test_record"
DOCUMENTS: dict[int, SearchDocument | None] = {}


@pytest.fixture
def source() -> Iterator[SearchSource]:
    test_source = SearchSource(
        kind=KIND, label="Test record", model=Organisation, document=lambda row: DOCUMENTS.get(row.pk)
    )
    registry.register_search_source(test_source)
    yield test_source
    registry._SEARCH_SOURCES.pop(KIND, None)
    DOCUMENTS.clear()


def record(title: str, *, body: str = "", language: str = "en", **facets: Any) -> Organisation:
    """A row of the test source, indexed by its save like any source's row."""
    org = Organisation(name=title[:200], org_type=OrgType.NGO, country="LV")
    org.save()
    DOCUMENTS[org.pk] = SearchDocument(
        title=title, body=body, language=language, url=f"/records/{org.pk}/", **facets
    )
    org.save()
    return org


def titles(query: str = "", public_only: bool = False, **filters: Any) -> list[str]:
    results = search(query=query, filters=SearchFilters(**filters), public_only=public_only)
    return [hit.title for hit in results.hits if hit.kind == KIND]


def test_an_english_record_is_found_by_another_form_of_its_words(source: SearchSource, cast: Cast) -> None:
    record("Training municipal social workers", body="Workers identified victims of trafficking.")
    record("Unrelated", body="Nothing here.")
    assert titles("train worker identifying") == ["Training municipal social workers"]


def test_a_latvian_record_is_found_without_diacritics_and_with_a_typo(
    source: SearchSource, cast: Cast
) -> None:
    record("Cilvēktirdzniecības novēršana pašvaldībās", body="Sociālie darbinieki", language="lv")
    record("Darba inspekcija", language="lv")
    assert titles("cilvektirdzniecibas") == ["Cilvēktirdzniecības novēršana pašvaldībās"]
    assert titles("socialie darbinieki") == ["Cilvēktirdzniecības novēršana pašvaldībās"]
    # A letter missing: no word matches, the trigram similarity of the title finds it.
    assert titles("cilvektirdzniecbas") == ["Cilvēktirdzniecības novēršana pašvaldībās"]


def test_a_russian_record_is_found_by_its_stem_and_the_snippet_marks_the_word(
    source: SearchSource, cast: Cast
) -> None:
    record("Помощь жертвам", body="Приют для жертв торговли людьми <b>в Риге</b>.", language="ru")
    results = search(query="торговля", filters=SearchFilters(kinds=(KIND,)), public_only=False)
    assert [hit.title for hit in results.hits] == ["Помощь жертвам"]
    snippet = str(results.hits[0].snippet)
    assert "<mark>торговли</mark>" in snippet
    assert "<b>" not in snippet  # the record's markup never reaches the page as HTML


def test_a_title_match_ranks_above_body_matches_and_more_of_the_words_above_fewer(
    source: SearchSource, cast: Cast
) -> None:
    record("Annual report", body="Shelter places for victims of trafficking, shelter staff, shelter rules.")
    record("Shelter for victims", body="Places and staff.")
    record("Annual review", body="One shelter in the capital.")
    record("Guardians", body="Training of guardians for children.")
    assert titles("shelter") == ["Shelter for victims", "Annual report", "Annual review"]
    assert titles("shelter victims")[0] == "Shelter for victims"


def test_filters_narrow_the_results(source: SearchSource, cast: Cast) -> None:
    record("Shelter in Riga", country="LV", year=2015, themes=("assistance",), forms=("ForcedLabour",))
    record(
        "Shelter in Vilnius",
        country="LT",
        year=2019,
        stages=("assistance",),
        sectors=("ngo",),
        type="service",
    )
    assert sorted(titles("shelter")) == ["Shelter in Riga", "Shelter in Vilnius"]
    assert titles("shelter", country="LT") == ["Shelter in Vilnius"]
    assert titles("shelter", year=2015) == ["Shelter in Riga"]
    assert titles("shelter", theme="assistance") == ["Shelter in Riga"]
    assert titles("shelter", form="ForcedLabour") == ["Shelter in Riga"]
    assert titles("shelter", stage="assistance") == ["Shelter in Vilnius"]
    assert titles("shelter", sector="ngo") == ["Shelter in Vilnius"]
    assert titles("shelter", type="service") == ["Shelter in Vilnius"]
    assert titles(country="LT") == ["Shelter in Vilnius"]  # filters without a query
    assert titles("shelter", kinds=("practice",)) == []


def test_the_index_follows_saves_and_deletes(source: SearchSource, cast: Cast) -> None:
    org = record("Guardian for children")
    assert titles("guardian") == ["Guardian for children"]
    DOCUMENTS[org.pk] = SearchDocument(title="Guardianship reform", body="", language="en", url="/r/")
    org.save()
    assert titles("guardianship") == ["Guardianship reform"]
    DOCUMENTS[org.pk] = None  # withdrawn: the source no longer offers it
    org.save()
    assert titles("guardianship") == []
    DOCUMENTS[org.pk] = SearchDocument(title="Guardianship reform", body="", language="en", url="/r/")
    org.save()
    org.delete()
    assert not SearchEntry.objects.filter(kind=KIND).exists()


def test_a_dependent_is_indexed_again_with_the_row_it_depends_on(cast: Cast) -> None:
    parent, child = cast.org_a, cast.org_b
    test_source = SearchSource(
        kind=KIND,
        label="Test record",
        model=Organisation,
        document=lambda row: SearchDocument(title=row.name, body="", language="en", url="/r/"),
        dependents=lambda row: [child] if row.pk == parent.pk else [],
    )
    registry.register_search_source(test_source)
    try:
        parent.save()
        assert set(SearchEntry.objects.filter(kind=KIND).values_list("key", flat=True)) == {
            str(parent.pk),
            str(child.pk),
        }
    finally:
        registry._SEARCH_SOURCES.pop(KIND, None)


def test_reindex_rebuilds_one_kind_from_its_source(source: SearchSource, cast: Cast) -> None:
    org = record("Referral mechanism")
    SearchEntry.objects.filter(kind=KIND).update(title="stale")
    DOCUMENTS[org.pk] = SearchDocument(title="National referral mechanism", body="", language="en", url="/r/")
    counts = reindex(KIND)
    assert counts == {KIND: 1}
    assert titles("referral") == ["National referral mechanism"]


def test_members_see_every_entry_others_only_public_ones_where_the_hub_is_open(
    source: SearchSource, cast: Cast, as_persona: Any
) -> None:
    record("Members only practice", public=False)
    record("Public practice", public=True)
    url = reverse("hub:home") + "?q=practice"
    page = as_persona("caseworker_a").get(url).content.decode()
    assert "Members only practice" in page
    assert "Public practice" in page
    assert as_persona("outsider").get(url).status_code == 404
    assert as_persona("anonymous").get(url).status_code == 302
    with override_settings(STROM_HUB_PUBLIC=True):
        for persona in ("anonymous", "outsider"):
            page = as_persona(persona).get(url).content.decode()
            assert "Public practice" in page
            assert "Members only practice" not in page


def test_the_page_answers_htmx_with_the_results_only(
    source: SearchSource, cast: Cast, as_persona: Any
) -> None:
    record("Labour inspection checklist", body="Seasonal agriculture")
    response = as_persona("caseworker_b").get(
        reverse("hub:home"), {"q": "inspection"}, headers={"HX-Request": "true"}
    )
    body = response.content.decode()
    assert "Labour inspection checklist" in body
    assert "<html" not in body


def test_the_api_answers_with_the_same_results(source: SearchSource, cast: Cast, as_persona: Any) -> None:
    record("Hotline for victims", body="Outreach", language="en", country="EE", year=2021)
    response = as_persona("analyst_a").get("/api/v1/hub/search", {"q": "hotlines", "country": "ee"})
    assert response.status_code == 200
    data = response.json()
    assert [(r["title"], r["country"], r["year"]) for r in data["results"]] == [
        ("Hotline for victims", "EE", 2021)
    ]
    assert data["kinds"] == {KIND: 1}
    assert as_persona("outsider").get("/api/v1/hub/search").status_code == 404


def test_the_api_answer_is_the_one_its_schema_declares(
    source: SearchSource, cast: Cast, as_persona: Any
) -> None:
    """The operation builds its answer as a dict (strom/hub/api_search.py): every real answer must be
    exactly what HubSearchOut, the schema in the OpenAPI document, declares — no field missing, none
    added, none of another type."""
    from strom.hub.api_search import HubSearchOut

    record(
        "Shelter for victims", body="A shelter <b>in Riga</b> & Tartu", country="EE", year=2020, public=True
    )
    record("Shelter network", body="", themes=("assistance", "referral"))
    record("Labour inspection", body="Seasonal agriculture", year=None)
    client = as_persona("analyst_a")
    answers = [
        client.get("/api/v1/hub/search", params).json()
        for params in ({"q": "shelter"}, {"q": "shelter", "page": 2}, {}, {"q": "nothing matches this"})
    ]
    assert [len(data["results"]) for data in answers] == [2, 0, 3, 0]
    assert "<mark>" in answers[0]["results"][0]["snippet"]
    for data in answers:
        assert HubSearchOut.model_validate(data, strict=True).model_dump(mode="json") == data
    openapi = client.get("/api/v1/openapi.json").json()
    declared = openapi["paths"]["/api/v1/hub/search"]["get"]["responses"]["200"]
    assert declared["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/HubSearchOut"}


def test_the_command_rebuilds_a_kind_and_refuses_an_unknown_one(source: SearchSource, cast: Cast) -> None:
    from io import StringIO

    from django.core.management import CommandError, call_command

    record("Round table on labour exploitation")
    SearchEntry.objects.filter(kind=KIND).delete()
    out = StringIO()
    call_command("hub", "reindex", "--kind", KIND, stdout=out)
    assert f"{KIND}: 1 entries" in out.getvalue()
    assert titles("round table") == ["Round table on labour exploitation"]
    with pytest.raises(CommandError, match="No search source of the kind"):
        call_command("hub", "reindex", "--kind", "nothing")


def test_the_same_search_is_answered_from_the_cache_until_the_index_changes(
    source: SearchSource, cast: Cast
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    org = record("Guardian for children")
    assert titles("guardian") == ["Guardian for children"]
    with CaptureQueriesContext(connection) as queries:
        assert titles("guardian") == ["Guardian for children"]
    assert not [q for q in queries.captured_queries if "hub_searchentry" in q["sql"]]
    # Another query, another filter or the other audience is a search of its own.
    assert titles("guardian", public_only=True) == []
    # Any change to the index shows in the very next search, the same one included.
    DOCUMENTS[org.pk] = SearchDocument(
        title="Guardian for children, revised", body="", language="en", url="/r/"
    )
    org.save()
    assert titles("guardian") == ["Guardian for children, revised"]
    org.delete()
    assert titles("guardian") == []
    record("Guardian network")
    reindex(KIND)
    assert titles("guardian") == ["Guardian network"]


def test_candidates_are_kept_by_the_parsed_query_until_the_index_changes(
    source: SearchSource, cast: Cast
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for n in range(25):
        record(f"Sociālais dienests {n}", body="Patversme cietušajiem", language="lv")
    first = search(query="Patversme", filters=SearchFilters(kinds=(KIND,)), public_only=False)
    assert first.total == 25
    # Typed without capitals on page 2: another page of results, but the same parsed query, so the
    # candidates are not asked for again.
    with CaptureQueriesContext(connection) as queries:
        second = search(query="patversme", filters=SearchFilters(kinds=(KIND,)), public_only=False, page=2)
    assert len(second.hits) == 5
    assert not {hit.title for hit in second.hits} & {hit.title for hit in first.hits}
    assert not any("vector @@" in q["sql"] for q in queries.captured_queries)
    record("Sociālais dienests 25", body="Patversme cietušajiem", language="lv")
    third = search(query="patversme", filters=SearchFilters(kinds=(KIND,)), public_only=False, page=2)
    assert third.total == 26  # the new entry changed the index: the kept candidates were not used
