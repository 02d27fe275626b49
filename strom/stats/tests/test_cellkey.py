"""The cell key method: the perturbation table, the record keys, and the method named with every table."""

from __future__ import annotations

import io
import json
import os
from typing import Any

import pytest
from django.core.management import call_command
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from conftest import login_client
from strom.audit.actors import STATISTICS
from strom.audit.models import AuditEntry
from strom.stats.cellkey import (
    RECORD_KEY_RANGE,
    make_ptable,
    perturb,
    record_key,
    record_keys,
)
from strom.stats.engine import Spec, count_raw, parse_by, parse_datasets
from strom.stats.exchange import exchange_document
from strom.stats.models import Fact
from strom.stats.refresh import builtin_dataset, facts_refresh
from strom.stats.services import ctdc_import, table_import, table_publish
from strom.stats.tests.helpers import full_case
from strom.stats.tests.test_ctdc import HEADER, ctdc_file
from tests.personas import Cast

keys = st.integers(min_value=0, max_value=RECORD_KEY_RANGE - 1)


@st.composite
def parameters(draw: st.DrawFn) -> tuple[int, float, int]:
    d = draw(st.integers(min_value=1, max_value=6))
    variance = draw(st.floats(min_value=0.2, max_value=d * d - 0.2))
    small = draw(st.integers(min_value=0, max_value=d))
    return d, round(variance, 2), small


# -- the perturbation table -----------------------------------------------------------------------


@hypothesis_settings(max_examples=200, deadline=None)
@given(parameters(), st.integers(min_value=0, max_value=60), keys)
def test_noise_is_bounded_never_negative_and_zero_stays_zero(
    params: tuple[int, float, int], count: int, cell_key: int
) -> None:
    d, variance, small = params
    table = make_ptable(d, variance, small)
    published = perturb(count, cell_key, table)
    assert abs(published - count) <= d
    assert published >= 0
    if count == 0:
        assert published == 0
    else:
        assert not 1 <= published <= small  # js: no perturbed count from 1 to js


@hypothesis_settings(max_examples=200, deadline=None)
@given(st.lists(keys, min_size=1, max_size=60), st.randoms(use_true_random=False))
def test_the_same_records_get_the_same_noise_in_any_order_and_any_grouping(
    record: list[int], rng: Any
) -> None:
    table = make_ptable(3, 2.0)
    shuffled = list(record)
    rng.shuffle(shuffled)
    # The engine adds keys up per group of facts and then per cell: any grouping gives one cell key.
    cut = rng.randint(0, len(shuffled))
    grouped = (sum(shuffled[:cut]) % RECORD_KEY_RANGE + sum(shuffled[cut:])) % RECORD_KEY_RANGE
    assert perturb(len(record), sum(record), table) == perturb(len(shuffled), grouped, table)


@pytest.mark.parametrize(("d", "variance", "small"), [(2, 1.0, 0), (3, 2.0, 0), (5, 3.0, 0), (3, 2.0, 2)])
def test_every_row_is_a_distribution_with_mean_zero_and_the_large_counts_have_variance_v(
    d: int, variance: float, small: int
) -> None:
    table = make_ptable(d, variance, small)
    for row in table.rows:
        assert sum(row.probabilities) == pytest.approx(1.0)
        assert sum(p * v for v, p in zip(row.noises, row.probabilities, strict=True)) == pytest.approx(
            0.0, abs=1e-9
        )
        assert row.bounds[-1] == RECORD_KEY_RANGE
        assert list(row.bounds) == sorted(row.bounds)
    assert table.rows[-1].variance == pytest.approx(variance)
    assert table.rows[-1].noises == tuple(range(-d, d + 1))
    # Two cells of large counts get the same noise less often than one gets none.
    assert table.same_noise_probability < table.zero_noise_probability


def test_uniform_cell_keys_draw_each_noise_as_often_as_the_table_says() -> None:
    table = make_ptable(3, 2.0)
    row = table.rows[-1]
    steps = 200_000
    seen: dict[int, int] = {}
    for i in range(steps):
        noise = table.noise(100, i * (RECORD_KEY_RANGE // steps))
        seen[noise] = seen.get(noise, 0) + 1
    for noise, probability in zip(row.noises, row.probabilities, strict=True):
        assert seen.get(noise, 0) / steps == pytest.approx(probability, abs=1e-3)


def test_no_noise_means_exact_counts_and_bad_parameters_are_refused() -> None:
    from django.core.exceptions import ImproperlyConfigured

    exact = make_ptable(0, 0.0)
    assert all(perturb(n, k, exact) == n for n in range(30) for k in (0, RECORD_KEY_RANGE - 1))
    with pytest.raises(ImproperlyConfigured, match="NOISE_VARIANCE must be above 0 and below"):
        make_ptable(2, 4.0)
    with pytest.raises(ImproperlyConfigured, match="NOISE_MAX must be 0"):
        make_ptable(-1, 1.0)
    with pytest.raises(ImproperlyConfigured, match="NOISE_SMALL must be from 0 to"):
        make_ptable(2, 1.0, 3)


def test_production_defaults_perturb() -> None:
    from django.conf import settings

    if "STROM_STATS_NOISE_MAX" not in os.environ:
        assert settings.STROM_STATS_NOISE_MAX == 3
        assert settings.STROM_STATS_NOISE_VARIANCE == 2.0


def test_record_keys_are_a_keyed_hash_of_the_case_id() -> None:
    first = record_keys([1, 2, 3], "secret one")
    assert first == [record_key(n, "secret one") for n in (1, 2, 3)]
    assert all(0 <= k < RECORD_KEY_RANGE for k in first)
    assert record_keys([1, 2, 3], "secret two") != first  # nobody without the secret can compute them


# -- facts and tables -----------------------------------------------------------------------------


def test_own_facts_carry_their_case_key_across_refreshes_and_imported_facts_none(
    cast: Cast, settings: Any
) -> None:
    settings.STROM_STATS_RECORD_KEY = "the refresh test's secret"
    made = [full_case(cast, exploited_in="") for _ in range(3)]
    facts_refresh()
    first = sorted(
        k or 0 for k in Fact.objects.filter(dataset=builtin_dataset()).values_list("record_key", flat=True)
    )
    assert Fact.objects.filter(dataset=builtin_dataset()).count() == 3
    assert first == sorted(record_key(case.pk, "the refresh test's secret") for case in made)
    facts_refresh()
    again = sorted(
        k or 0 for k in Fact.objects.filter(dataset=builtin_dataset()).values_list("record_key", flat=True)
    )
    assert again == first
    row = ["" for _ in HEADER]
    row[0], row[1] = "2020", "Female"
    ctdc_import(by=STATISTICS, data=ctdc_file([row]), dataset_name="public")
    assert list(Fact.objects.filter(dataset__name="public").values_list("record_key", flat=True)) == [None]


def test_the_same_people_get_the_same_noise_in_a_cell_and_in_its_margins(cast: Cast) -> None:
    for _ in range(13):
        full_case(cast, gender="Feminine", exploited_in="")
    facts_refresh()
    by_gender = table_publish(
        by=STATISTICS, spec=Spec(datasets=parse_datasets("strom"), by=parse_by("gender"))
    )
    by_both = table_publish(
        by=STATISTICS, spec=Spec(datasets=parse_datasets("strom"), by=parse_by("year,gender"))
    )
    # Thirteen women opened this year: the cell, every margin and the totals are the same people.
    counts = {by_gender.count(key) for key in [*by_gender.controlled.counts]}
    counts |= {by_both.count(key) for key in by_both.controlled.counts}
    assert len(counts) == 1
    (published,) = counts
    assert published is None or abs(published - 13) <= 3


def test_a_public_release_is_counted_exactly_beside_perturbed_own_cases(cast: Cast) -> None:
    rows = []
    for _ in range(23):
        row = ["" for _ in HEADER]
        row[0], row[1] = "2020", "Female"
        rows.append(row)
    ctdc_import(by=STATISTICS, data=ctdc_file(rows), dataset_name="ctdc-public")
    published = table_publish(
        by=STATISTICS, spec=Spec(datasets=parse_datasets("ctdc-public"), by=parse_by("gender"))
    )
    assert [c["count"] for c in published.cells()] == [23]
    perturbation = published.rule["perturbation"]
    assert perturbation["method"] == "none"
    assert perturbation["exact"] == ["ctdc-public"]
    full_case(cast, gender="Feminine", exploited_in="")
    facts_refresh()
    both = table_publish(
        by=STATISTICS, spec=Spec(datasets=parse_datasets("ctdc-public,strom"), by=parse_by("gender"))
    )
    assert both.rule["perturbation"]["perturbed"] == ["strom"]
    assert both.rule["perturbation"]["exact"] == ["ctdc-public"]
    # 23 exact plus one own case with its noise (0 to 4).
    total = both.count((None,))
    assert total is not None
    assert 23 <= total <= 27
    assert count_raw(Spec(datasets=parse_datasets("ctdc-public,strom"), by=parse_by("gender")))[(None,)] == 24


# -- the method named with every table ------------------------------------------------------------

NAMED = "Cell key method on strom"


def test_the_method_is_named_on_the_page_report_downloads_api_command_line_and_audit(cast: Cast) -> None:
    from openpyxl import load_workbook

    for _ in range(14):
        full_case(cast, gender="Feminine", exploited_in="")
    facts_refresh()
    client = login_client(cast.users["analyst_a"])
    query = {"by1": "gender", "datasets": "strom"}
    for url in ("/stats/", "/stats/report/"):
        page = client.get(url, query).content.decode()
        assert NAMED in page
        assert "the cells need not add up to their totals" in page
    csv_text = client.get("/stats/table.csv", query).content.decode()
    assert f"# {NAMED}: every cell and every total gets its own noise of at most 3 (variance 2)" in csv_text
    book = load_workbook(io.BytesIO(client.get("/stats/table.xlsx", query).content))
    notes = [row[0] for row in book["table"].iter_rows(values_only=True)]
    assert any(str(note).startswith(NAMED) for note in notes)
    rule = {row[0]: row[1] for row in book["rule"].iter_rows(values_only=True)}
    assert rule["perturbation.method"] == "cell key method"
    assert rule["perturbation.max_noise"] == 3
    body = client.get("/api/v1/stats/tables", {"by": "gender"}).json()
    assert body["rule"]["perturbation"]["method"] == "cell key method"
    assert body["rule"]["perturbation"]["variance"] == 2.0
    assert body["rule"]["perturbation"]["additive"] is False
    entry = AuditEntry.objects.filter(action="stats.table").latest("seq")
    assert entry.details["rule"]["perturbation"]["max_noise"] == 3
    out, err = io.StringIO(), io.StringIO()
    call_command("stats", "table", "--by", "gender", stdout=out, stderr=err)
    assert NAMED in err.getvalue()
    ptable = io.StringIO()
    call_command("stats", "ptable", stdout=ptable)
    assert "cell key method: D = 3, V = 2, js = 0" in ptable.getvalue()


def test_a_perturbed_table_is_exchanged_and_imported_although_it_does_not_add_up(
    cast: Cast, settings: Any
) -> None:
    settings.STROM_STATS_RECORD_KEY = "the exchange test's secret"
    for gender, n in (("Feminine", 40), ("Masculine", 25)):
        for _ in range(n):
            full_case(cast, gender=gender, exploited_in="")
    facts_refresh()
    published = table_publish(
        by=STATISTICS, spec=Spec(datasets=parse_datasets("strom"), by=parse_by("gender"))
    )
    document = exchange_document(published)
    assert document["rule"]["perturbation"]["max_noise"] == 3
    dataset = table_import(by=STATISTICS, data=json.dumps(document).encode(), dataset_name="national")
    combined = table_publish(
        by=STATISTICS, spec=Spec(datasets=parse_datasets("national,strom"), by=parse_by("gender"))
    )
    # Its own noise and the sender's: the sum is off by at most 3 + 3.
    assert combined.rule["perturbation"]["max_noise"] == 6
    assert combined.rule["perturbation"]["perturbed"] == ["national", "strom"]
    assert {p["dataset"]: p["max_noise"] for p in combined.rule["parts"]}["national"] == 3
    assert dataset.exchange["rule"]["perturbation"]["method"] == "cell key method"


def test_the_datasets_listing_gives_the_number_of_own_cases_as_every_table_total_does(cast: Cast) -> None:
    """Shown exact, the number of cases would give away the noise of every table's total."""
    for _ in range(3):
        full_case(cast, exploited_in="")
    facts_refresh()
    client = login_client(cast.users["analyst_a"])
    listing = {d["name"]: d for d in client.get("/api/v1/stats/datasets").json()}
    assert listing["strom"]["rows"] in (None, 0)  # 3 cases, with noise: withheld (or perturbed to 0)
    page = client.get("/stats/datasets/").content.decode()
    assert "<td>3</td>" not in page
    for _ in range(17):
        full_case(cast, exploited_in="")
    facts_refresh()
    listing = {d["name"]: d for d in client.get("/api/v1/stats/datasets").json()}
    total = table_publish(by=STATISTICS, spec=Spec(datasets=parse_datasets("strom"), by=parse_by("gender")))
    assert listing["strom"]["rows"] == total.count((None,))
    assert abs(listing["strom"]["rows"] - 20) <= 3
