"""A differentially private synthetic extract: rows that look like facts, drawn from a noisy table.

The method (docs/statistics-synthetic.md): count the facts of one dataset in every cell of the full
cross of 2 to 4 single-valued dimensions, add discrete Laplace noise to every count with OpenDP's
`make_laplace` (pure ε-differential privacy), set negative counts to 0, and draw synthetic rows in
proportion to the noisy counts. Everything after the noise is post-processing, so the file reveals
no more than the noisy table, whatever is done with it.

The cells are the full product of each dimension's values as listed in the registry
(strom/stats/dimensions.py), not the cells that happen to hold people: a list of "cells that exist"
would itself tell who is in the data (one Eritrean boy of 9--17 in 2019), noise or not.

Each release spends ε from the dataset's total budget (STROM_STATS_DP_BUDGET). The spending is
recorded in the audit log (`stats.synthetic_release`) and added up from there, so the budget holds
across processes and restarts, and a release that would go over it is refused before any noise is
drawn.

Who may release: the operator on the command line (`by=STATISTICS`), a system administrator
(Perm.SYSTEM_MANAGE) or a national coordinator (Perm.NRM_OVERSEE). The budget is one finite resource
for the whole country's figures: every release leaves less for every later one, so it is spent by
those answerable for the national figures, not by each analyst who may view tables.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from importlib.metadata import version
from typing import IO, TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from strom.audit.actors import SystemActor
from strom.audit.models import AuditEntry
from strom.audit.services import audit_record
from strom.core.errors import NotAllowed
from strom.core.roles import Perm
from strom.core.spreadsheets import CsvWriter
from strom.directory.models import Municipality
from strom.stats import dimensions as dims
from strom.stats.ctdc import FIRST_YEAR
from strom.stats.dimensions import Dimension
from strom.stats.engine import Spec, count_raw, parse_datasets, value_name
from strom.stats.models import BUILTIN, Dataset
from strom.stats.refresh import refresh_if_stale

if TYPE_CHECKING:
    from strom.accounts.models import User

ACTION = "stats.synthetic_release"
OBJECT_TYPE = "stats_dataset"
MIN_DIMENSIONS = 2
MAX_DIMENSIONS = 4
# Noise is drawn for every cell; half a million cells take a few seconds.
MAX_CELLS = 500_000
MAX_ROWS = 1_000_000
DEFAULT_BUDGET = 5.0
MECHANISM = "discrete Laplace (OpenDP make_laplace), negatives set to 0, rows drawn in proportion"
# Adding or removing one fact changes one cell by one: the L1 distance between the two tables.
SENSITIVITY = 1
# Float rounding in OpenDP's privacy map (0.7 comes back as 0.7000000000000001) must not turn a
# budget of five releases of 1.0 into four.
BUDGET_TOLERANCE = 1e-9
# Any constant: serialises releases, so two at once cannot both fit in the last of a budget.
LOCK_KEY = 5_872_302
SINGLE_VALUED = (dims.CODED, dims.DAYS, dims.YEAR, dims.COUNTRY, dims.MUNICIPALITY)


@dataclass(frozen=True)
class SyntheticRelease:
    dataset: str
    dimensions: list[str]
    epsilon: float  # what OpenDP's privacy map proves for this release
    delta: float  # 0: pure differential privacy
    mechanism: str
    scale: float
    cells: int
    rows: int
    spent: float  # on this dataset, this release included
    budget: float
    at: dt.datetime
    audit_seq: int


def may_release(by: User | SystemActor) -> bool:
    return isinstance(by, SystemActor) or by.has_any(Perm.SYSTEM_MANAGE) or by.has_any(Perm.NRM_OVERSEE)


def dp_budget() -> float:
    return float(getattr(settings, "STROM_STATS_DP_BUDGET", DEFAULT_BUDGET))


def budget_spent(dataset: str) -> float:
    """ε spent on a dataset so far, from the audit log (sequential composition: the sum)."""
    entries = AuditEntry.objects.filter(action=ACTION, object_type=OBJECT_TYPE, object_ref=dataset)
    return math.fsum(float(d.get("epsilon", 0)) for d in entries.values_list("details", flat=True))


def parse_dimensions(names: Sequence[str]) -> list[Dimension]:
    names = [n.strip() for n in names if n.strip()]
    if not MIN_DIMENSIONS <= len(names) <= MAX_DIMENSIONS:
        raise ValidationError(
            _("A synthetic extract crosses %(low)s to %(high)s dimensions.")
            % {"low": MIN_DIMENSIONS, "high": MAX_DIMENSIONS}
        )
    if len(set(names)) != len(names):
        raise ValidationError(_("Each dimension can be used once in a table."))
    result = []
    for name in names:
        dimension = dims.get(name)
        if dimension is None:
            raise ValidationError(_("There is no dimension %(name)s.") % {"name": name})
        if dimension.kind not in SINGLE_VALUED:
            raise ValidationError(
                _(
                    "%(dimension)s can hold several values per person, so it cannot be a column of a "
                    "synthetic extract."
                )
                % {"dimension": name}
            )
        result.append(dimension)
    return result


def domain(dimension: Dimension) -> list[Hashable]:
    """Every key a fact can have on a dimension, as stored by the engine, from public lists only."""
    if dimension.kind in (dims.CODED, dims.DAYS):
        return [*range(1, len(dimension.values) + 1), 0]
    if dimension.kind == dims.YEAR:
        return [*range(FIRST_YEAR, timezone.localdate().year + 1), 0]
    if dimension.kind == dims.COUNTRY:
        return [*(v.name for v in dims.country_values()), ""]
    return [*Municipality.objects.order_by("country", "code").values_list("pk", flat=True), 0]


def noisy_counts(counts: list[int], epsilon: float) -> tuple[list[int], float]:
    """Discrete Laplace noise on every count, negatives set to 0; returns them and the ε proved."""
    # Imported here: 9 MB that every web and worker process would carry for a rare release.
    import opendp.prelude as dp

    dp.enable_features("contrib")
    measurement = dp.m.make_laplace(
        dp.vector_domain(dp.atom_domain(T=int), size=len(counts)),
        dp.l1_distance(T=int),
        scale=SENSITIVITY / epsilon,
    )
    proved = float(measurement.map(SENSITIVITY))  # type: ignore[no-untyped-call]
    return [max(0, int(n)) for n in measurement(counts)], proved


def sample_cells(weights: list[int], rows: int | None, seed: int | None) -> list[int]:
    """Cell positions of the synthetic rows, shuffled.

    Without `rows`, each cell appears as often as its noisy count; with it, `rows` draws in
    proportion to the counts. The seed makes this drawing repeatable; the noise never is.
    """
    rng = random.Random(seed)  # noqa: S311 - draws from counts that are already private
    total = sum(weights)
    if total == 0:
        return []
    if rows is None:
        picked = [i for i, n in enumerate(weights) if n for _ in range(n)]
        rng.shuffle(picked)
        return picked
    return rng.choices(range(len(weights)), weights=weights, k=rows)


def _check(
    dimensions: list[str], epsilon: float, rows: int | None, by: User | SystemActor
) -> list[Dimension]:
    if not may_release(by):
        raise NotAllowed(
            _(
                "Only the operator, a system administrator or a national coordinator may release "
                "a synthetic extract."
            )
        )
    chosen = parse_dimensions(dimensions)
    cells = math.prod(len(domain(d)) for d in chosen)
    if cells > MAX_CELLS:
        raise ValidationError(
            _("These dimensions make %(cells)s cells; at most %(max)s. Choose fewer or coarser dimensions.")
            % {"cells": cells, "max": MAX_CELLS}
        )
    if not (isinstance(epsilon, int | float) and math.isfinite(epsilon) and epsilon > 0):
        raise ValidationError(_("The privacy budget ε of a release must be a number above 0."))
    if rows is not None and not 0 < rows <= MAX_ROWS:
        raise ValidationError(
            _("The number of synthetic rows must be between 1 and %(max)s.") % {"max": MAX_ROWS}
        )
    return chosen


def _cell_counts(source: Dataset, chosen: list[Dimension], domains: list[list[Hashable]]) -> list[int]:
    """The true count of every cell of the table, in one flat list (the last dimension varies fastest)."""
    position = [{key: i for i, key in enumerate(keys)} for keys in domains]
    sizes = [len(keys) for keys in domains]
    counts = [0] * math.prod(sizes)
    for key, n in count_raw(Spec(datasets=[source], by=chosen)).items():
        if None in key:
            continue  # a margin
        places = [position[i].get(k) for i, k in enumerate(key)]
        if None in places:
            continue  # a year before FIRST_YEAR or a municipality no longer listed: left out
        flat = 0
        for place, size in zip(places, sizes, strict=True):
            assert place is not None
            flat = flat * size + place
        counts[flat] = n

    return counts


def _write_rows(
    out: IO[str], chosen: list[Dimension], domains: list[list[Hashable]], picked: list[int]
) -> None:
    """One CSV row per picked cell, its values by name."""
    municipalities = {m.pk: m for m in Municipality.objects.all()}
    names = [
        [value_name(d, key, municipalities) for key in keys] for d, keys in zip(chosen, domains, strict=True)
    ]
    writer = CsvWriter(out)
    writer.writerow([d.name for d in chosen])
    for flat in picked:
        row = []
        for values in reversed(names):  # the last dimension varies fastest
            flat, place = divmod(flat, len(values))
            row.append(values[place])
        writer.writerow(reversed(row))


def _spent_so_far(dataset: str, epsilon: float, budget: float) -> float:
    """The ε the dataset has spent; ValidationError when this release would take it over its budget.
    Runs under the caller's lock, so two releases cannot both take the last of it."""
    spent = budget_spent(dataset)
    if spent + epsilon > budget * (1 + BUDGET_TOLERANCE):
        raise ValidationError(
            _(
                "This release would spend ε = %(epsilon)s on dataset %(dataset)s, which has "
                "%(left)s left of its privacy budget of %(budget)s. Nothing was released."
            )
            % {
                "epsilon": f"{epsilon:g}",
                "dataset": dataset,
                "left": f"{max(0.0, budget - spent):g}",
                "budget": f"{budget:g}",
            }
        )
    return spent


def synthetic_extract(
    out: IO[str],
    *,
    dimensions: list[str],
    epsilon: float,
    rows: int | None,
    by: User | SystemActor,
    seed: int | None = None,
    dataset: str = BUILTIN,
) -> SyntheticRelease:
    """Write a synthetic CSV extract of one dataset to `out` and record the ε it spent.

    `rows` None: as many rows as the noisy counts add up to. Refused, with nothing written and
    nothing spent, when the input is bad or the release would take the dataset over its budget.
    """
    chosen = _check(dimensions, epsilon, rows, by)
    if "," in dataset or dataset.strip() == "all":
        raise ValidationError(_("A synthetic extract is drawn from one dataset."))
    (source,) = parse_datasets([dataset])
    if source.name == BUILTIN:
        refresh_if_stale()

    domains = [domain(d) for d in chosen]
    counts = _cell_counts(source, chosen, domains)

    budget = dp_budget()
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
        spent = _spent_so_far(source.name, epsilon, budget)
        noisy, proved = noisy_counts(counts, epsilon)
        picked = sample_cells(noisy, rows, seed)
        entry = audit_record(
            actor=by,
            action=ACTION,
            object_type=OBJECT_TYPE,
            object_ref=source.name,
            details={
                "dataset": source.name,
                "dimensions": [d.name for d in chosen],
                "epsilon": proved,
                "delta": 0.0,
                "mechanism": MECHANISM,
                "library": f"opendp {version('opendp')}",
                "scale": SENSITIVITY / epsilon,
                "sensitivity": SENSITIVITY,
                "cells": len(counts),
                "rows": len(picked),
                "spent": spent + proved,
                "budget": budget,
            },
        )

    _write_rows(out, chosen, domains, picked)

    return SyntheticRelease(
        dataset=source.name,
        dimensions=[d.name for d in chosen],
        epsilon=proved,
        delta=0.0,
        mechanism=MECHANISM,
        scale=SENSITIVITY / epsilon,
        cells=len(counts),
        rows=len(picked),
        spent=spent + proved,
        budget=budget,
        at=entry.at,
        audit_seq=entry.seq,
    )
