"""Indicator sets as versions: the shipped files as the first rows, a corrected version published with
its source by the system admin (shared sets) or a country's coordinators (the country's own sets),
every language and text kept, every publication audited, and screenings keeping their version."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from strom.audit.models import AuditEntry
from strom.core.errors import NotAllowed
from strom.screening.indicators import get_set, shipped, versions_of
from strom.screening.models import IndicatorSetVersion
from strom.screening.services import screening_create
from strom.screening.set_services import (
    IndicatorChange,
    SetSource,
    indicator_set_adapt,
    indicator_set_publish,
    version_rows,
)
from tests.personas import Cast

pytestmark = pytest.mark.django_db

SOURCE = SetSource(
    document="ILO WCMS_105023, adults, labour exploitation",
    url="https://www.ilo.org/publications/operational-indicators",
    checked_on=dt.date(2026, 11, 30),
    verified_by="National Rapporteur's Office (LV)",
    verified=True,
    note="Checked ADL-VR-13 and ADL-VR-14 against the publication: weak.",
)


def _changes(set_id: str = "ilo-adult-labour", /, **overrides: IndicatorChange) -> dict[str, IndicatorChange]:
    base = get_set(set_id)
    changes = {
        i.id: IndicatorChange(strength=i.strength, texts=dict(i.texts), to_check=i.to_check)
        for i in base.indicators
    }
    changes.update(overrides)
    return changes


def test_the_shipped_files_are_the_first_rows() -> None:
    rows = {(r.set_id, r.version): r for r in IndicatorSetVersion.objects.all()}
    assert set(rows) == set(shipped())
    for key, indicator_set in shipped().items():
        assert rows[key].shipped
        assert rows[key].document["indicators"][0]["id"] == indicator_set.indicators[0].id
        assert get_set(*key) == indicator_set


def test_the_doubtful_ilo_items_and_sexual_exploitation_sets_are_marked_to_be_checked() -> None:
    assert {i.id for i in get_set("ilo-adult-labour").indicators_to_check} == {"ADL-VR-13", "ADL-VR-14"}
    assert get_set("ilo-adult-sexual").to_check
    assert get_set("ilo-child-sexual").to_check
    assert not get_set("ilo-child-labour").to_check
    assert not any(r.verified for r in IndicatorSetVersion.objects.all())


def test_the_marks_show_to_the_screener_and_the_coordinator(as_persona: Any) -> None:
    page = (
        as_persona("caseworker_a").get(reverse("screening:new"), {"set": "ilo-adult-labour"}).content.decode()
    )
    assert page.count("To be checked against the ILO text") == 2
    sexual = (
        as_persona("caseworker_a").get(reverse("screening:new"), {"set": "ilo-adult-sexual"}).content.decode()
    )
    assert "To be checked against the ILO text: the strengths of this list" in sexual
    sets = as_persona("coordinator_a").get(reverse("screening:sets")).content.decode()
    assert sets.count("To be checked against the ILO text") == 3


def test_the_system_admin_publishes_a_verified_version_and_the_marks_go(cast: Cast) -> None:
    before = screening_create(
        by=cast.caseworker_a,
        indicator_set_id="ilo-adult-labour",
        observed=["ADL-VR-13"],
        organisation=cast.org_a,
    )
    weak = {
        i: IndicatorChange(strength="weak", texts=dict(get_set("ilo-adult-labour").indicator(i).texts))
        for i in ("ADL-VR-13", "ADL-VR-14")
    }
    row = indicator_set_publish(
        by=cast.sysadmin,
        set_id="ilo-adult-labour",
        base_version=1,
        indicators=_changes(**weak),
        source=SOURCE,
    )
    assert (row.version, row.verified, row.published_by, row.country) == (2, True, cast.sysadmin, "")
    assert versions_of("ilo-adult-labour") == [1, 2]
    v2 = get_set("ilo-adult-labour")
    assert v2.version == 2
    assert v2.indicator("ADL-VR-13").strength == "weak"
    assert not v2.indicators_to_check
    assert v2.source["verified_by"] == "National Rapporteur's Office (LV)"
    entry = AuditEntry.objects.get(action="screening.indicator_set_publish")
    assert entry.object_ref == "ilo-adult-labour/2"
    assert entry.details["strengths_changed"] == ["ADL-VR-13", "ADL-VR-14"]
    assert entry.details["verified"] is True
    # The earlier screening keeps version 1 and its texts and strengths; a new one uses version 2.
    before.refresh_from_db()
    assert before.indicator_set().version == 1
    assert before.indicator_set().indicator("ADL-VR-13").strength == "medium"
    after = screening_create(
        by=cast.caseworker_a,
        indicator_set_id="ilo-adult-labour",
        observed=["ADL-VR-13"],
        organisation=cast.org_a,
    )
    assert after.indicator_set_version == 2


def test_a_verified_version_clears_the_whole_set_mark(cast: Cast) -> None:
    indicator_set_publish(
        by=cast.sysadmin,
        set_id="ilo-adult-sexual",
        base_version=1,
        indicators=_changes("ilo-adult-sexual"),
        source=SOURCE,
    )
    assert not get_set("ilo-adult-sexual").to_check
    unverified = SetSource(document="ILO WCMS_105023", note="Reworded ADS-DR-01.")
    indicator_set_publish(
        by=cast.sysadmin,
        set_id="ilo-child-sexual",
        base_version=1,
        indicators=_changes("ilo-child-sexual"),
        source=unverified,
    )
    assert get_set("ilo-child-sexual").version == 2
    assert get_set("ilo-child-sexual").to_check  # an unverified correction keeps the mark


def _refused(
    by: Any,
    changes: dict[str, IndicatorChange],
    match: str,
    raises: type[Exception] = ValidationError,
    **kwargs: Any,
) -> None:
    versions = IndicatorSetVersion.objects.count()
    entries = AuditEntry.objects.count()
    with pytest.raises(raises, match=match):
        indicator_set_publish(
            by=by,
            set_id=kwargs.pop("set_id", "ilo-adult-labour"),
            base_version=kwargs.pop("base_version", 1),
            indicators=changes,
            source=kwargs.pop("source", SOURCE),
        )
    assert IndicatorSetVersion.objects.count() == versions
    assert AuditEntry.objects.count() == entries


def test_a_version_that_drops_a_language_or_a_text_is_refused(cast: Cast) -> None:
    base = get_set("ilo-adult-labour")
    with_latvian = IndicatorChange(
        strength="strong", texts={**base.indicator("ADL-DR-01").texts, "lv": "Tika maldināts"}
    )
    indicator_set_publish(
        by=cast.sysadmin,
        set_id="ilo-adult-labour",
        base_version=1,
        indicators=_changes(**{"ADL-DR-01": with_latvian}),
        source=SOURCE,
    )
    assert get_set("ilo-adult-labour").indicator("ADL-DR-01").texts["lv"] == "Tika maldināts"
    english_only = IndicatorChange(strength="strong", texts={"en": "Was misled about the work"})
    _refused(
        cast.sysadmin,
        _changes(**{"ADL-DR-01": english_only}),
        r"ADL-DR-01: the text in da, de, et, fi, is, lt, lv, nb, pl, ru, sv, uk is missing; version 2 had it",
        base_version=2,
    )
    no_text = IndicatorChange(strength="medium", texts={"en": " "})
    _refused(
        cast.sysadmin,
        _changes(**{"ADL-DR-02": no_text}),
        r"ADL-DR-02: the text in da, de, en, et, fi, is, lt, lv, nb, pl, ru, sv, uk is missing",
        base_version=2,
    )
    missing = _changes()
    del missing["ADL-DR-03"]
    _refused(cast.sysadmin, missing, r"indicators of version 2 are missing: ADL-DR-03", base_version=2)


def test_other_bad_versions_are_refused_with_a_clear_message(cast: Cast) -> None:
    bad_strength = IndicatorChange(strength="huge", texts={"en": "x"})
    _refused(
        cast.sysadmin, _changes(**{"ADL-DR-01": bad_strength}), "ADL-DR-01: choose strong, medium or weak"
    )
    no_checker = SetSource(document="ILO", verified=True, checked_on=dt.date(2026, 1, 1), note="n")
    _refused(cast.sysadmin, _changes(), "needs the person or office who checked it", source=no_checker)
    future = SetSource(document="ILO", checked_on=dt.date.today() + dt.timedelta(days=2), note="n")
    _refused(cast.sysadmin, _changes(), "cannot be in the future", source=future)
    _refused(cast.sysadmin, _changes(), "Say what changed", source=SetSource(document="ILO", note=""))
    _refused(
        cast.sysadmin,
        _changes(),
        "starts with https://",
        source=SetSource(document="ILO", url="ftp://x", note="n"),
    )
    indicator_set_publish(
        by=cast.sysadmin, set_id="ilo-adult-labour", base_version=1, indicators=_changes(), source=SOURCE
    )
    _refused(cast.sysadmin, _changes(), "Version 2 was published meanwhile", base_version=1)


def test_only_the_system_admin_publishes_a_shared_set(cast: Cast) -> None:
    for name in ("coordinator_a", "supervisor_a", "orgadmin_a", "analyst_a"):
        _refused(cast.users[name], _changes(), "may not publish versions of this indicator set", NotAllowed)


def test_a_coordinator_keeps_their_countrys_own_set(cast: Cast) -> None:
    row = indicator_set_adapt(by=cast.coordinator_a, set_id="ilo-adult-labour", country="LV")
    assert (row.set_id, row.version, row.country) == ("ilo-adult-labour-lv", 1, "LV")
    latvian = get_set("ilo-adult-labour-lv")
    assert latvian.country == "LV"
    assert latvian.title.endswith("(Latvia)")
    assert get_set("ilo-adult-labour").version == 1  # the shared set is unchanged
    with pytest.raises(ValidationError, match="only start indicator sets for your own country"):
        indicator_set_adapt(by=cast.coordinator_b, set_id="ilo-adult-labour", country="LV")
    with pytest.raises(ValidationError, match="already has its own version"):
        indicator_set_adapt(by=cast.coordinator_a, set_id="ilo-adult-labour", country="LV")
    changes = _changes("ilo-adult-labour-lv")
    _refused(cast.sysadmin, changes, "may not publish", NotAllowed, set_id="ilo-adult-labour-lv")
    _refused(cast.coordinator_b, changes, "may not publish", NotAllowed, set_id="ilo-adult-labour-lv")
    v2 = indicator_set_publish(
        by=cast.coordinator_a, set_id="ilo-adult-labour-lv", base_version=1, indicators=changes, source=SOURCE
    )
    assert (v2.version, v2.country) == (2, "LV")
    assert [r.version for r in version_rows("ilo-adult-labour-lv")] == [2, 1]
    assert (
        AuditEntry.objects.filter(
            action="screening.indicator_set_publish", object_ref__startswith="ilo-adult-labour-lv/"
        ).count()
        == 2
    )


def test_a_countrys_own_set_is_offered_to_that_countrys_workers_only(cast: Cast, as_persona: Any) -> None:
    indicator_set_adapt(by=cast.coordinator_a, set_id="ilo-adult-labour", country="LV")
    latvian_choice = as_persona("caseworker_a").get(reverse("screening:new")).content.decode()
    assert "set=ilo-adult-labour-lv" in latvian_choice
    lithuanian_choice = as_persona("caseworker_b").get(reverse("screening:new")).content.decode()
    assert "set=ilo-adult-labour-lv" not in lithuanian_choice
    assert "set=ilo-adult-labour" in lithuanian_choice


def test_publishing_from_the_page(cast: Cast, as_persona: Any) -> None:
    base = get_set("ilo-adult-labour")
    data: dict[str, Any] = {
        "base_version": 1,
        "source_document": SOURCE.document,
        "source_url": SOURCE.url,
        "checked_on": "2026-11-30",
        "verified_by": SOURCE.verified_by,
        "verified": "on",
        "change_note": SOURCE.note,
    }
    for i in base.indicators:
        data[f"strength_{i.id}"] = "weak" if i.id == "ADL-VR-14" else i.strength
        data.update({f"text_{i.id}_{lang}": text for lang, text in i.texts.items()})
    client = as_persona("sysadmin")
    url = reverse("screening:set_publish", kwargs={"set_id": "ilo-adult-labour"})
    refused = client.post(url, {**data, "text_ADL-DR-01_en": ""})
    assert refused.status_code == 200
    assert "ADL-DR-01: the text in en is missing; version 1 had it." in refused.content.decode()
    assert versions_of("ilo-adult-labour") == [1]
    response = client.post(url, data)
    assert response.status_code == 302
    v2 = get_set("ilo-adult-labour")
    assert v2.version == 2
    assert v2.indicator("ADL-VR-14").strength == "weak"
    assert not v2.indicators_to_check  # the marks were not ticked on the form
    detail = client.get(
        reverse("screening:set_detail", kwargs={"set_id": "ilo-adult-labour"})
    ).content.decode()
    assert "Verified by National Rapporteur" in detail
    assert SOURCE.url in detail


def test_the_api_lists_versions_and_publishes(cast: Cast, as_persona: Any) -> None:
    client = as_persona("sysadmin")
    versions = client.get(
        reverse("api:screening_indicator_set_versions", kwargs={"set_id": "ilo-adult-sexual"})
    ).json()
    assert versions[0]["version"] == 1
    assert versions[0]["to_check"] is True
    assert versions[0]["verified"] is False
    base = get_set("ilo-adult-sexual")
    payload = {
        "base_version": 1,
        "source_document": SOURCE.document,
        "checked_on": "2026-11-30",
        "verified_by": "Test Verifier",
        "verified": True,
        "change_note": "Checked.",
        "indicators": [{"id": i.id, "strength": i.strength, "text": i.texts} for i in base.indicators[1:]],
    }
    url = reverse("api:screening_indicator_set_publish", kwargs={"set_id": "ilo-adult-sexual"})
    refused = client.post(url, payload, content_type="application/json")
    assert refused.status_code == 422
    assert base.indicators[0].id in refused.content.decode()
    payload["indicators"] = [{"id": i.id, "strength": i.strength, "text": i.texts} for i in base.indicators]
    created = client.post(url, payload, content_type="application/json")
    assert created.status_code == 201
    assert created.json()["version"] == 2
    assert created.json()["to_check"] is False
    one = client.get(
        reverse("api:screening_indicator_set", kwargs={"set_id": "ilo-adult-labour", "version": 1})
    ).json()
    assert {i["id"] for i in one["indicators"] if i["to_check"]} == {"ADL-VR-13", "ADL-VR-14"}


def test_the_list_of_sets_costs_the_same_queries_however_many_versions(cast: Cast, as_persona: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = as_persona("coordinator_a")
    url = reverse("screening:sets")
    client.get(url)  # warm the session and the parsed-set cache
    with CaptureQueriesContext(connection) as before:
        assert client.get(url).status_code == 200
    indicator_set_adapt(by=cast.coordinator_a, set_id="ilo-adult-labour", country="LV")
    indicator_set_publish(
        by=cast.sysadmin,
        set_id="ilo-child-labour",
        base_version=1,
        indicators=_changes("ilo-child-labour"),
        source=SOURCE,
    )
    with CaptureQueriesContext(connection) as after:
        page = client.get(url)
    assert "ilo-adult-labour-lv" in page.content.decode()
    assert len(after.captured_queries) == len(before.captured_queries)
