"""The table engine: one to three dimensions crossed, filtered, over one dataset, several or all.

`build_table` counts facts with GROUP BY GROUPING SETS, so a table and all its margins come from one
scan of the facts. A dimension where a person can have several values (form of exploitation, …) is
unnested only in the grouping sets that contain it: its margins count people, not mentions. That
takes one scan per combination of such dimensions in the table (at most 2^3).

Counts leave this module only through `strom.stats.disclosure.control` (see services.table_publish).
Before that, the counts of STROM's own cases are perturbed with the cell key method (cellkey.py).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection
from django.utils.translation import gettext as _

from strom.core.numbers import whole_number
from strom.directory.models import Municipality
from strom.stats import dimensions as dims
from strom.stats.cellkey import RECORD_KEY_RANGE, PTable, make_ptable, perturb, ptable
from strom.stats.dimensions import Dimension
from strom.stats.models import Dataset, DatasetKind

MAX_DIMENSIONS = 3
RANGE = re.compile(r"^(?P<low>[^.]*)\.\.(?P<high>[^.]*)$")


@dataclass
class Filter:
    dimension: Dimension
    values: list[Hashable] = field(default_factory=list)  # keys as stored (codes, countries, years, bands)
    low: int | None = None
    high: int | None = None
    text: str = ""


@dataclass
class Spec:
    datasets: list[Dataset]
    by: list[Dimension]
    filters: list[Filter] = field(default_factory=list)
    rounding: int | None = None
    # A higher threshold than STROM_STATS_THRESHOLD for this table (never a lower one), so a table can
    # be sent to an instance with a stricter rule.
    threshold: int | None = None

    def describe(self) -> dict[str, Any]:
        return {
            "datasets": [d.name for d in self.datasets],
            "by": [d.name for d in self.by],
            "where": [f.text for f in self.filters],
            "rounding": self.rounding,
        }


# -- value names and keys -------------------------------------------------------------------------


def _municipalities() -> dict[int, Municipality]:
    return {m.pk: m for m in Municipality.objects.all()}


def value_name(
    dimension: Dimension, key: Hashable, municipalities: dict[int, Municipality] | None = None
) -> str:
    """The name of a stored key, as used in filters and in the JSON and CSV output."""
    if key in (0, "", None):
        return dims.UNKNOWN
    if dimension.kind in (dims.CODED, dims.MULTI, dims.DAYS):
        assert isinstance(key, int)
        return dimension.values[key - 1].name
    if dimension.kind == dims.MUNICIPALITY:
        municipality = (municipalities or _municipalities()).get(key)  # type: ignore[call-overload]
        return f"{municipality.country}-{municipality.code}" if municipality else str(key)
    return str(key)


def value_label(
    dimension: Dimension, key: Hashable, municipalities: dict[int, Municipality] | None = None
) -> str:
    name = value_name(dimension, key, municipalities)
    if name == dims.UNKNOWN:
        return str(dims.UNKNOWN_LABEL)
    if dimension.kind in (dims.CODED, dims.MULTI, dims.DAYS):
        assert isinstance(key, int)
        return str(dimension.values[key - 1].label)
    if dimension.kind == dims.COUNTRY:
        return str(dict(dims.country_values_map()).get(str(key), key))
    if dimension.kind == dims.MUNICIPALITY:
        municipality = (municipalities or _municipalities()).get(key)  # type: ignore[call-overload]
        return municipality.name if municipality else name
    return name


def key_of(dimension: Dimension, name: str) -> Hashable:
    """The stored key of a value name; ValidationError when the dimension has no such value."""
    name = name.strip()
    unknown = ValidationError(
        _("%(dimension)s has no value %(value)s.") % {"dimension": dimension.label, "value": name}
    )
    if dimension.kind in (dims.CODED, dims.MULTI, dims.DAYS):
        code = dims.code_of(dimension, name)
        if code is None:
            raise unknown
        return code
    if name == dims.UNKNOWN:
        return 0 if dimension.kind in (dims.YEAR, dims.MUNICIPALITY) else ""
    if dimension.kind == dims.COUNTRY:
        if name.upper() not in dims.country_values_map():
            raise unknown
        return name.upper()
    if dimension.kind == dims.YEAR:
        year = whole_number(name)
        if year is None:
            raise unknown
        return year
    country, _sep, short = name.upper().partition("-")
    municipality = Municipality.objects.filter(country=country, code=short).first()
    if municipality is None:
        raise unknown
    return municipality.pk


# -- parsing --------------------------------------------------------------------------------------


def parse_by(text: str | Sequence[str]) -> list[Dimension]:
    names = text.split(",") if isinstance(text, str) else list(text)
    names = [n.strip() for n in names if n.strip()]
    if not names:
        raise ValidationError(_("Choose at least one dimension."))
    if len(names) > MAX_DIMENSIONS:
        raise ValidationError(_("A table has at most three dimensions."))
    if len(set(names)) != len(names):
        raise ValidationError(_("Each dimension can be used once in a table."))
    result = []
    for name in names:
        dimension = dims.get(name)
        if dimension is None:
            raise ValidationError(_("There is no dimension %(name)s.") % {"name": name})
        result.append(dimension)
    return result


def _bound(dimension: Dimension, text: str) -> int | None:
    text = text.strip()
    if not text:
        return None
    if dimension.kind in (dims.YEAR, dims.DAYS):
        number = whole_number(text)
        if number is None:
            raise ValidationError(
                _("%(dimension)s ranges take whole numbers, not %(value)s.")
                % {"dimension": dimension.label, "value": text}
            )
        return number
    key = key_of(dimension, text)
    assert isinstance(key, int)
    return key


def filter_words(item: Filter) -> str:
    """A filter as people read it: "Sex/gender: Female, Male" or "Year of registration: 2020 to 2024"."""
    dimension = item.dimension
    if item.values:
        shown = ", ".join(value_label(dimension, key) for key in item.values)
    else:

        def bound(key: int | None) -> str:
            if key is None:
                return "…"
            # Years and days are bounded by number (_bound), ordered value lists by position.
            return str(key) if dimension.kind in (dims.YEAR, dims.DAYS) else value_label(dimension, key)

        shown = _("%(low)s to %(high)s") % {"low": bound(item.low), "high": bound(item.high)}
    return f"{dimension.label}: {shown}"


def parse_filter(text: str) -> Filter:
    name, sep, value = text.partition("=")
    if not sep or not value.strip():
        raise ValidationError(
            _("A filter is DIMENSION=VALUE or DIMENSION=FROM..TO, not %(text)s.") % {"text": text}
        )
    dimension = dims.get(name.strip())
    if dimension is None:
        raise ValidationError(_("There is no dimension %(name)s.") % {"name": name.strip()})
    match = RANGE.match(value.strip())
    if match:
        if not dimension.rangeable:
            raise ValidationError(
                _("%(dimension)s cannot be filtered by a range.") % {"dimension": dimension.label}
            )
        low, high = _bound(dimension, match["low"]), _bound(dimension, match["high"])
        if low is None and high is None:
            raise ValidationError(_("A range needs a start or an end: %(text)s.") % {"text": text})
        if low is not None and high is not None and low > high:
            raise ValidationError(_("A range must not end before it starts: %(text)s.") % {"text": text})
        return Filter(dimension, low=low, high=high, text=text.strip())
    values = [key_of(dimension, v) for v in value.split(",") if v.strip()]
    return Filter(dimension, values=values, text=text.strip())


def parse_datasets(text: str | Sequence[str]) -> list[Dataset]:
    names = text.split(",") if isinstance(text, str) else list(text)
    names = [n.strip() for n in names if n.strip()]
    if not names:
        raise ValidationError(_("Choose at least one dataset."))
    if "all" in names:
        # Aggregated tables hold only the dimensions they were made with: they are combined by name.
        found = list(Dataset.objects.exclude(kind=DatasetKind.AGGREGATE).order_by("name"))
        if not any(d.name == "strom" for d in found):
            from strom.stats.refresh import builtin_dataset

            found = sorted([*found, builtin_dataset()], key=lambda d: d.name)
        return found
    if "strom" in names:
        from strom.stats.refresh import builtin_dataset

        builtin_dataset()
    datasets = {d.name: d for d in Dataset.objects.filter(name__in=names)}
    missing = [n for n in names if n not in datasets]
    if missing:
        raise ValidationError(_("There is no dataset %(name)s.") % {"name": ", ".join(missing)})
    return [datasets[n] for n in dict.fromkeys(names)]


# -- SQL ------------------------------------------------------------------------------------------


def _expr(dimension: Dimension, alias: str = "f") -> str:
    column = f"{alias}.{dimension.column}"
    if dimension.kind == dims.YEAR:
        return f"COALESCE({column}, 0)"
    if dimension.kind == dims.MUNICIPALITY:
        return f"COALESCE({column}, 0)"
    if dimension.kind == dims.DAYS:
        return dims.day_band_sql(column)
    return column


def _where(spec: Spec, params: list[Any]) -> str:
    conditions = ["f.dataset_id = ANY(%s)"]
    params.append([d.pk for d in spec.datasets])
    for flt in spec.filters:
        dimension = flt.dimension
        column = f"f.{dimension.column}"
        if flt.values:
            if dimension.kind == dims.MULTI:
                conditions.append(f"{column} && %s::smallint[]")
            elif dimension.kind == dims.YEAR and 0 in flt.values:
                conditions.append(f"({_expr(dimension)} = ANY(%s))")
            else:
                conditions.append(f"{_expr(dimension)} = ANY(%s)")
            params.append(list(flt.values))
        else:
            target = column if dimension.kind in (dims.YEAR, dims.DAYS) else _expr(dimension)
            if flt.low is not None:
                conditions.append(f"{target} >= %s")
                params.append(flt.low)
            if flt.high is not None:
                conditions.append(f"{target} <= %s")
                params.append(flt.high)
            if dimension.kind not in (dims.YEAR, dims.DAYS):
                # Unknown (0) is outside every range of positions.
                conditions.append(f"{target} > 0")
    return " AND ".join(conditions)


# Per cell or margin: [records, records with a record key (STROM's own cases), sum of those keys].
Tallies = dict[tuple[Hashable | None, ...], list[int]]


def count_tallies(spec: Spec) -> Tallies:
    """Every cell and margin (None = total): its records, its keyed records and their key sum.

    One parallel scan groups the facts by the table's single-valued keys and by the whole value
    list of each multi-valued dimension; the cells and margins are then added up here. A margin
    over a multi-valued dimension adds each group once, so it counts people, not mentions; its key
    sum adds the same records' keys, so a cell key always belongs to exactly the records counted.
    """
    by = spec.by
    params: list[Any] = []
    where = _where(spec, params)
    columns = ", ".join(_expr(d) for d in by)
    groups = ", ".join(str(i + 1) for i in range(len(by)))
    sql = (
        f"SELECT {columns}, count(*), count(f.record_key), COALESCE(sum(f.record_key), 0) "  # noqa: S608
        f"FROM stats_fact f WHERE {where} GROUP BY {groups}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    keep: list[set[Hashable] | None] = []
    for dimension in by:
        flt = next((f for f in spec.filters if f.dimension.name == dimension.name), None)
        # A filtered multi-valued dimension shows only the values asked for.
        keep.append(set(flt.values) if dimension.kind == dims.MULTI and flt and flt.values else None)
    patterns = list(itertools.product((False, True), repeat=len(by)))  # True: added up over that axis
    tallies: Tallies = {}
    for row in rows:
        n, keyed, key_sum = int(row[-3]), int(row[-2]), int(row[-1])
        choices: list[list[Hashable]] = []
        for i, dimension in enumerate(by):
            if dimension.kind == dims.MULTI:
                values = row[i]
                wanted = keep[i]
                choices.append([v for v in values if wanted is None or v in wanted])
            else:
                choices.append([row[i]])
        for pattern in patterns:
            axes: list[list[Hashable | None]] = [
                [None] if total else c for total, c in zip(pattern, choices, strict=True)
            ]
            for key in itertools.product(*axes):
                tally = tallies.get(key)
                if tally is None:
                    tally = tallies[key] = [0, 0, 0]
                tally[0] += n
                tally[1] += keyed
                tally[2] += key_sum
    for tally in tallies.values():
        tally[2] %= RECORD_KEY_RANGE
    return tallies


def count_raw(spec: Spec) -> dict[tuple[Hashable | None, ...], int]:
    """The true counts of every cell and margin: never published as they are (see build_table).

    For the engine's own checks and for the differentially private extracts, which add noise of
    their own.
    """
    return {key: tally[0] for key, tally in count_tallies(spec).items()}


def perturbed_counts(tallies: Tallies, table: PTable) -> dict[tuple[Hashable | None, ...], int]:
    """Each entry's count with the cell key method applied to its keyed records (strom/stats/cellkey.py).

    Records without a key (imports of public, already anonymised releases) add exactly, so a table
    over STROM's cases and a CTDC release is STROM's perturbed count plus the public one.
    """
    return {key: (n - keyed) + perturb(keyed, key_sum, table) for key, (n, keyed, key_sum) in tallies.items()}


def perturbation_rule(datasets: Sequence[Dataset]) -> dict[str, Any]:
    """The method applied to a table over these datasets, as every published table names it.

    It depends on the datasets asked for, never on the records found: whether a table is perturbed
    must not tell whether it holds any of STROM's own cases.
    """
    table = ptable()
    perturbed = [d.name for d in datasets if d.kind == DatasetKind.STROM]
    rule = table.describe() if perturbed else make_ptable(0, 0.0).describe()
    rule["perturbed"] = perturbed if table.max_noise else []
    rule["exact"] = [d.name for d in datasets if d.name not in rule["perturbed"]]
    return rule


def axis_values(spec: Spec, raw: dict[tuple[Hashable | None, ...], int]) -> list[list[Hashable]]:
    """Each dimension's values in table order: those whose (perturbed) margin is not 0, Unknown last.

    Listing values by their true margin would mark a listed value with a published 0 as a count
    perturbed down to 0.
    """
    municipalities = _municipalities() if any(d.kind == dims.MUNICIPALITY for d in spec.by) else {}
    seen = [
        {
            key[i]
            for key, n in raw.items()
            if n and key[i] is not None and all(k is None for j, k in enumerate(key) if j != i)
        }
        for i in range(len(spec.by))
    ]
    return [order_values(d, s, municipalities) for d, s in zip(spec.by, seen, strict=True)]


def order_values(
    dimension: Dimension, keys: set[Hashable], municipalities: dict[int, Municipality]
) -> list[Hashable]:
    """A dimension's keys in table order, Unknown last."""
    unknown = [k for k in keys if k in (0, "")]
    known = [k for k in keys if k not in (0, "")]
    if dimension.kind == dims.MUNICIPALITY:
        known.sort(key=lambda k: value_name(dimension, k, municipalities))
    else:
        known.sort(key=str if dimension.kind == dims.COUNTRY else int)  # type: ignore[arg-type]
    return known + unknown


def build_table(spec: Spec) -> tuple[dict[tuple[Hashable | None, ...], int], list[list[Hashable]]]:
    """The perturbed counts of every cell and margin, and each dimension's values.

    Everything after this step (which values are listed, what is withheld, rounding) is decided on
    the perturbed counts alone, so nothing in a published table depends on a true count except
    through its noise.
    """
    counts = perturbed_counts(count_tallies(spec), ptable())
    return counts, axis_values(spec, counts)
