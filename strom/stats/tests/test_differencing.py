"""The differencing attack: with the cell key method a difference of two tables is rarely exact, and
nothing in a published table tells which entries are.

The synthetic records and the record key secret are fixed, so every run sees the same tables: the
figures below are deterministic, and chosen so that the bound holds with a wide margin (the expected
share of exact recoveries, sum p(v)^2 = 0.194 for D = 3, V = 2, is far below p(0) = 0.269 with this
many attempts).
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest

from strom.audit.actors import STATISTICS
from strom.stats.attack import LOPSIDED_MULTI, differencing_attack, synthetic_dataset
from strom.stats.cellkey import make_ptable, ptable
from strom.stats.disclosure import PRIMARY, PUBLISHED
from strom.stats.engine import Spec, count_tallies, parse_by, parse_datasets, perturbed_counts
from strom.stats.services import table_publish

SECRET = "a fixed record key secret for the differencing test"
# Tables by dimensions with many middle-sized cells, filtered by values nearly everybody has: the
# differences an attacker looks for are small counts there.
DIMENSIONS = ("year", "age_ctdc", "citizenship", "exploitation_country")
FILTERS = ("child", "victim_status", "citizenship_group", "stage", *LOPSIDED_MULTI)


@pytest.fixture
def synthetic(db: None, settings: Any) -> str:
    settings.STROM_STATS_RECORD_KEY = SECRET
    settings.STROM_STATS_NOISE_MAX = 3
    settings.STROM_STATS_NOISE_VARIANCE = 2.0
    settings.STROM_STATS_NOISE_SMALL = 0
    synthetic_dataset("attack-synthetic", records=6000, seed=7, key_secret=SECRET)
    return "attack-synthetic"


def test_without_noise_every_small_difference_is_recovered_exactly(synthetic: str, settings: Any) -> None:
    """The attack works: this is what the threshold alone publishes."""
    settings.STROM_STATS_NOISE_MAX = 0
    result = differencing_attack(dataset=synthetic, dimensions=("citizenship",), filters=("child", "stage"))
    assert result.attempts > 50
    assert result.exact == result.attempts


def test_with_the_cell_key_method_exact_recoveries_are_no_more_than_zero_noise_allows(synthetic: str) -> None:
    table = ptable()
    result = differencing_attack(dataset=synthetic, dimensions=DIMENSIONS, filters=FILTERS)
    # 695 attempts (694 distinct), 141 exact: 20.3 %, near the 19.4 % sum p(v)^2 predicts; p(0) = 26.9 %
    # is 4.4 standard deviations of a binomial share away.
    assert result.attempts > 600
    assert result.share <= table.zero_noise_probability
    assert result.distinct_share <= table.zero_noise_probability
    # The recovered figures are spread as two independent noises are: off by up to 2D either way.
    assert max(abs(e) for e in result.errors) <= 2 * table.max_noise
    assert {-2, -1, 1, 2} <= set(result.errors)


def test_nothing_in_a_published_table_tells_an_exact_entry_from_a_perturbed_one(synthetic: str) -> None:
    spec = Spec(datasets=parse_datasets(synthetic), by=parse_by("citizenship,age_ctdc"))
    tallies = count_tallies(spec)
    perturbed = perturbed_counts(tallies, ptable())
    published = table_publish(by=STATISTICS, spec=spec, audit=False)
    threshold = published.rule["threshold"]
    exact = {key for key, (n, _k, _s) in tallies.items() if perturbed[key] == n}
    assert exact  # entries published with zero noise ...
    assert set(tallies) - exact  # ... and the others

    # What is withheld is decided on the perturbed counts alone: never a mark of a true small count.
    status = published.controlled.status
    for key, state in status.items():
        assert (state == PRIMARY) == (0 < perturbed.get(key, 0) < threshold)
    true_small_published = [
        k for k, s in status.items() if s == PUBLISHED and 0 < tallies.get(k, [0])[0] < threshold
    ]
    true_large_withheld = [k for k, s in status.items() if s == PRIMARY and tallies[k][0] >= threshold]
    assert true_small_published
    assert true_large_withheld
    # The values listed are those with a perturbed margin above 0.
    for axis, values in enumerate(published.values):
        margin = [tuple(None if i != axis else v for i in range(2)) for v in values]
        assert all(perturbed[k] > 0 for k in margin)

    # Every entry has the same shape, whatever its noise: the dimensions and a count, nothing else.
    document = json.loads(json.dumps(published.as_dict()))
    entries = document["cells"] + document["totals"]
    assert {frozenset(entry) for entry in entries} == {frozenset({"citizenship", "age_ctdc", "count"})}
    assert {type(entry["count"]) for entry in entries} <= {int, type(None)}
    rows = list(csv.reader(line for line in io.StringIO(published.csv_text()) if not line.startswith("#")))
    assert rows[0] == ["citizenship", "age_ctdc", "count"]
    assert {len(row) for row in rows} == {3}
    # The rule names the method and its parameters, the same for every entry.
    assert document["rule"]["perturbation"]["method"] == "cell key method"
    assert document["rule"]["perturbation"]["max_noise"] == 3
    assert document["rule"]["perturbation"]["zero_noise_probability"] == round(
        make_ptable(3, 2.0).zero_noise_probability, 4
    )
