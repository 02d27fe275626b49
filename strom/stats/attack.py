# ruff: noqa: S311 - a seeded generator: the same synthetic records for the same seed
"""The differencing attack on published tables, to measure what the cell key method leaves to an attacker.

For every dimension D and every filter F=v (another dimension F, each of its values v found in the
data): publish the table by D and the table by D where F=v, exactly as the pages and the API do,
and subtract them cell by cell (the total too). Each difference is the attacker's figure for the
people with D=d who do not have F=v. Where that true number is small (1 to threshold - 1) and both
tables published the entry, a small count was "recovered"; the recovery is exact when the difference
equals the truth. Without perturbation every such recovery is exact. With the cell key method the
two entries carry independent noises, so a difference is exact only when the two noises are equal:
for large counts with probability sum(p(v)^2), which is never more than p(0), the probability of
zero noise (docs/statistics.md).

Used by bench/stats_differencing_attack.py (demo and synthetic data) and by the test suite.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import connection

from strom.audit.actors import STATISTICS
from strom.stats import dimensions as dims
from strom.stats.cellkey import record_keys
from strom.stats.engine import (
    Spec,
    Tallies,
    count_raw,
    count_tallies,
    parse_by,
    parse_datasets,
    parse_filter,
    value_name,
)
from strom.stats.exchange import threshold_for
from strom.stats.models import Dataset, DatasetKind
from strom.stats.services import table_publish

# Dimensions an attacker would use first: few values, people in most of them.
DEFAULT_DIMENSIONS = (
    "year",
    "gender",
    "age_eurostat",
    "child",
    "citizenship_group",
    "victim_status",
    "stage",
    "exploitation",
)


@dataclass
class AttackResult:
    tables: int = 0
    differences: int = 0  # entries subtracted where both tables published them
    attempts: int = 0  # ... whose true difference is a small count
    exact: int = 0  # ... recovered exactly
    errors: Counter[int] = field(default_factory=Counter)  # recovered minus true, over the attempts
    # Two filters often select the same people (in small data most of all): the same two sets of
    # records give the same difference again. Counted once here, told apart by their cell keys.
    distinct: set[tuple[int, ...]] = field(default_factory=set)
    distinct_exact: set[tuple[int, ...]] = field(default_factory=set)

    @property
    def share(self) -> float:
        return self.exact / self.attempts if self.attempts else 0.0

    @property
    def distinct_share(self) -> float:
        return len(self.distinct_exact) / len(self.distinct) if self.distinct else 0.0


def _filters(dataset: str, dimension: dims.Dimension) -> list[str]:
    """`DIM=VALUE` for each value of the dimension that has people in the dataset."""
    counts = count_raw(Spec(datasets=parse_datasets(dataset), by=[dimension]))
    return [
        f"{dimension.name}={value_name(dimension, key[0])}"
        for key, n in sorted(counts.items(), key=lambda item: str(item[0]))
        if n and key[0] is not None
    ]


Entries = dict[tuple[Hashable | None, ...], int | None]


def _entries(spec: Spec) -> tuple[Entries, Tallies]:
    """The published entries of a one-dimension table (cells and total), and the truth behind them:
    true counts and cell keys, which the attacker does not have and the measurement needs."""
    published = table_publish(by=STATISTICS, spec=spec, audit=False)
    return dict(published.controlled.counts), count_tallies(spec)


def differencing_attack(
    *,
    dataset: str = "strom",
    dimensions: Sequence[str] = DEFAULT_DIMENSIONS,
    filters: Sequence[str] | None = None,
    where: Sequence[str] = (),
) -> AttackResult:
    """Every table by one of `dimensions` minus the same table filtered by one value of one of
    `filters` (default: the same dimensions); `where` narrows both tables alike."""
    result = AttackResult()
    base_filters = [parse_filter(w) for w in where]
    threshold = threshold_for(Spec(datasets=parse_datasets(dataset), by=parse_by(dimensions[0])))
    for name in dimensions:
        by = parse_by(name)
        whole, whole_true = _entries(Spec(datasets=parse_datasets(dataset), by=by, filters=base_filters))
        result.tables += 1
        for other in filters if filters is not None else dimensions:
            if other == name:
                continue
            for text in _filters(dataset, dims.BY_NAME[other]):
                try:
                    spec = Spec(
                        datasets=parse_datasets(dataset), by=by, filters=[*base_filters, parse_filter(text)]
                    )
                    part, part_true = _entries(spec)
                except ValidationError:
                    continue  # a value that cannot be asked for as a filter
                result.tables += 1
                _subtract(result, whole, whole_true, part, part_true, threshold)
    return result


def _subtract(
    result: AttackResult,
    whole: Entries,
    whole_true: Tallies,
    part: Entries,
    part_true: Tallies,
    threshold: int,
) -> None:
    for key, count in whole.items():
        other = part.get(key, 0)
        if count is None or other is None:
            continue
        result.differences += 1
        a, b = whole_true.get(key, [0, 0, 0]), part_true.get(key, [0, 0, 0])
        truth = a[0] - b[0]
        if 0 < truth < threshold:
            result.attempts += 1
            recovered = count - other
            result.errors[recovered - truth] += 1
            result.exact += recovered == truth
            # Count and key sum: the same set of records, with a chance of 2^-31 of a false match.
            fingerprint = (a[0], a[2], b[0], b[2])
            result.distinct.add(fingerprint)
            if recovered == truth:
                result.distinct_exact.add(fingerprint)


# -- synthetic records ----------------------------------------------------------------------------


AGE_WEIGHTS = (0.02, 0.08, 0.12, 0.14, 0.14, 0.13, 0.2, 0.1, 0.07)
# Forty countries, from a few people to a few hundred each in a synthetic register of some thousands.
CITIZENSHIPS = [
    "LV", "LT", "EE", "PL", "UA", "RU", "BY", "VN", "NG", "RO",
    "BG", "MD", "UZ", "TJ", "KG", "IN", "PH", "CN", "SE", "FI",
    "DE", "DK", "NO", "IS", "GE", "AM", "AZ", "KZ", "TR", "SY",
    "IQ", "AF", "PK", "BD", "LK", "NP", "TH", "ID", "MA", "EG",
]  # fmt: skip
CITIZENSHIP_WEIGHTS = [12 - i // 4 for i in range(len(CITIZENSHIPS))]


# Multi-valued dimensions where nearly everybody has the first value: a filter on it leaves a few out.
LOPSIDED_MULTI = ("labour", "sexual_exploitation", "means_of_control", "recruiter", "services")


def _pick(rng: random.Random, weights: dict[int, float]) -> int:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def synthetic_dataset(name: str, *, records: int, seed: int, key_secret: str | None = None) -> Dataset:
    """A dataset of synthetic victim records treated as STROM's own (record keys, perturbed counts).

    Lopsided shares (most people adults, most registered in recent years), as in real registers:
    that is where a filter leaves a few people out and a difference is a small count. Record keys
    are made from synthetic ids with the real function, under `key_secret` if given.
    """
    rng = random.Random(f"strom-differencing:{seed}")
    dataset = Dataset.objects.create(name=name, kind=DatasetKind.STROM, rows=records)
    ids = [10_000_000 + seed * 1_000_000 + i for i in range(records)]
    keys = record_keys(ids, key_secret)
    columns = [
        "dataset_id", "year", "stage", "victim_status", "gender", "age_ctdc", "child", "citizenship",
        "citizenship_group", "exploitation_country", "exploitation", *LOPSIDED_MULTI, "referral_outcome",
        "overdue", "record_key", "age_eurostat", "country",
    ]  # fmt: skip
    # COPY, not bulk_create: six thousand records in a fraction of the time, in the test suite too.
    with (
        connection.cursor() as cursor,
        cursor.copy(f"COPY stats_fact ({', '.join(columns)}) FROM STDIN") as copy,
    ):
        for key in keys:
            copy.write_row(
                [
                    dataset.pk,
                    _pick(rng, {2021: 0.08, 2022: 0.12, 2023: 0.15, 2024: 0.18, 2025: 0.22, 2026: 0.25}),
                    _pick(rng, {4: 0.96, 3: 0.02, 5: 0.02}),  # stage
                    _pick(rng, {3: 0.97, 2: 0.02, 1: 0.01}),  # victim status
                    _pick(rng, {1: 0.62, 2: 0.36, 3: 0.02}),  # gender
                    _pick(rng, dict(enumerate(AGE_WEIGHTS, start=1))),
                    _pick(rng, {2: 0.97, 1: 0.025, 0: 0.005}),  # child
                    rng.choices(CITIZENSHIPS, weights=CITIZENSHIP_WEIGHTS)[0],
                    _pick(rng, {1: 0.97, 2: 0.02, 3: 0.01}),  # citizenship group
                    rng.choices(CITIZENSHIPS, weights=CITIZENSHIP_WEIGHTS[::-1])[0],
                    sorted(
                        {_pick(rng, {1: 0.45, 2: 0.4, 3: 0.1, 4: 0.05}) for _ in range(rng.choice((1, 1, 2)))}
                    ),
                    *[[_pick(rng, {1: 0.97, 2: 0.02, 3: 0.01})] for _column in LOPSIDED_MULTI],
                    [0],
                    [],
                    key,
                    0,
                    "",
                ]
            )
    return dataset
