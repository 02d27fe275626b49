"""STROM's cases become facts, and tables count them along every kind of dimension."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from strom.stats import dimensions as dims
from strom.stats.engine import Spec, count_raw, parse_by, parse_datasets, parse_filter
from strom.stats.models import Fact
from strom.stats.refresh import builtin_dataset, facts_refresh
from strom.stats.services import table_publish
from strom.stats.tests.helpers import full_case
from tests.personas import Cast


def code(dimension: str, value: str) -> int:
    found = dims.code_of(dims.BY_NAME[dimension], value)
    assert found is not None
    return found


def raw(by: str, *where: str, datasets: str = "strom") -> dict[tuple[object, ...], int]:
    spec = Spec(datasets=parse_datasets(datasets), by=parse_by(by), filters=[parse_filter(w) for w in where])
    return count_raw(spec)


def test_a_case_becomes_one_fact_with_its_events_perpetrators_services_and_decisions(cast: Cast) -> None:
    full_case(
        cast,
        gender="Masculine",
        citizenships=["UA"],
        forms=["ForcedLabour"],
        means=["DebtBondage", "WithholdsDocuments"],
        industry="F_Construction",
        exploited_in="LV",
        recruiter="Familial",
        service="SafeAccommodation",
        rg_after_days=5,
    )
    assert facts_refresh() == 1
    fact = Fact.objects.get(dataset=builtin_dataset())
    assert fact.gender == code("gender", "Masculine")
    assert fact.citizenship == "UA"
    assert fact.citizenship_group == code("citizenship_group", "NonEU")
    assert fact.exploitation_country == "LV"
    assert fact.exploitation == [code("exploitation", "ForcedLabour")]
    assert sorted(fact.means_of_control) == sorted(
        [code("means_of_control", "DebtBondage"), code("means_of_control", "WithholdsDocuments")]
    )
    assert fact.labour == [code("labour", "Construction")]
    assert fact.recruiter == [code("recruiter", "Familial")]
    assert fact.services == [code("services", "SafeAccommodation")]
    assert fact.victim_status == code("victim_status", "Presumed")
    assert fact.days_to_reasonable_grounds == 5
    assert fact.days_to_identification is None
    assert fact.sexual_exploitation == [0]  # nothing recorded: Unknown, so the fact still counts
    assert fact.municipality_id == cast.riga.pk


def test_a_refresh_replaces_the_facts_and_drops_cases_that_are_gone(cast: Cast) -> None:
    first = full_case(cast)
    full_case(cast)
    assert facts_refresh() == 2
    first.delete()
    assert facts_refresh() == 1
    assert Fact.objects.count() == 1


def test_multi_valued_margins_count_people_not_mentions(cast: Cast) -> None:
    full_case(cast, means=["DebtBondage", "WithholdsDocuments"])
    full_case(cast, means=["DebtBondage"])
    facts_refresh()
    counts = raw("gender,means_of_control")
    female = code("gender", "Feminine")
    assert counts[(female, code("means_of_control", "DebtBondage"))] == 2
    assert counts[(female, code("means_of_control", "WithholdsDocuments"))] == 1
    assert counts[(female, None)] == 2  # two people, three mentions
    assert counts[(None, None)] == 2


def test_filters_by_value_by_range_and_on_a_multi_valued_dimension(cast: Cast) -> None:
    full_case(cast, gender="Masculine", means=["DebtBondage", "PhysicalAbuse"], rg_after_days=3)
    full_case(cast, gender="Feminine", means=["PhysicalAbuse"], rg_after_days=40)
    full_case(cast, gender="Feminine", means=["SexualAbuse"])
    facts_refresh()
    assert raw("gender", "gender=Feminine")[(None,)] == 2
    assert raw("gender", "days_to_reasonable_grounds=0..10")[(None,)] == 1
    assert raw("gender", "days_to_reasonable_grounds=10..")[(None,)] == 1
    # People with physical abuse, and only that value in the means column.
    filtered = raw("means_of_control", "means_of_control=PhysicalAbuse")
    assert filtered[(None,)] == 2
    assert filtered[(code("means_of_control", "PhysicalAbuse"),)] == 2
    assert (code("means_of_control", "DebtBondage"),) not in filtered


def test_bad_table_requests_are_refused_with_reasons(cast: Cast) -> None:
    with pytest.raises(ValidationError):
        parse_by("gender,gender")
    with pytest.raises(ValidationError):
        parse_by("gender,year,stage,child")
    with pytest.raises(ValidationError):
        parse_by("shoe_size")
    with pytest.raises(ValidationError):
        parse_filter("gender=Robot")
    with pytest.raises(ValidationError):
        parse_filter("gender=A..B")  # gender has no order
    with pytest.raises(ValidationError):
        parse_filter("year=2020..2019")
    with pytest.raises(ValidationError):
        parse_datasets("nonexistent")


def test_published_tables_withhold_small_counts_and_are_audited(cast: Cast, exact_counts: None) -> None:
    from strom.audit.models import AuditEntry

    for _ in range(12):
        full_case(cast, gender="Feminine", exploited_in="")
    for _ in range(3):
        full_case(cast, gender="Masculine", exploited_in="")
    facts_refresh()
    spec = Spec(datasets=parse_datasets("strom"), by=parse_by("gender"))
    published = table_publish(by=cast.users["analyst_a"], spec=spec)
    cells = {c["gender"]: c["count"] for c in published.cells()}
    # Males (3) are withheld; then females would give them away against the total (15).
    assert cells == {"Feminine": None, "Masculine": None}
    assert published.rule["threshold"] == 11
    entry = AuditEntry.objects.filter(action="stats.table").latest("seq")
    assert entry.details["by"] == ["gender"]
    assert entry.details["rule"]["withheld_primary"] == 1
