"""Disclosure control: no published figure may single out a person, or let someone work one out.

A table of k dimensions is held with all its margins: a cell's key has one entry per dimension,
None meaning "all values" (the total over that dimension). Three steps, always in this order:

1. **Primary suppression**: every count from 1 to threshold - 1 is withheld (zero is published:
   an empty cell points at nobody).
2. **Secondary suppression**, level by level from the grand total up. A *line* is a total and the
   cells that add up to it along one dimension (a row with its row total, a column with its column
   total, and so on at every level of a three-way table). A line with exactly one withheld entry
   would give that entry away by subtraction, so another cell of the line is withheld: the smallest
   published non-zero cell, the cheapest in information (an empty cell if there is no other).
   Repeated until no line has exactly one withheld entry. Lower levels are settled first and never
   changed by a higher level, so the margins of a table are withheld exactly as the smaller table
   would be if asked for on its own: asking for a table and then its margins gives nothing more away.
3. **Rounding** (optional): every published count is rounded to the nearest multiple of the base.

The counts given to `control` are already perturbed where the cell key method applies
(strom/stats/cellkey.py, engine.build_table): every step here works on them alone, so neither the
pattern of withheld entries nor anything else in the table depends on a true count except through
its noise (docs/statistics.md, "Perturbation and suppression together").

Along a dimension where a person can have several values (forms of exploitation, means of control,
services), the cells do not add up to the total; the same rule is applied anyway, which withholds
at least as much as needed.
"""

from __future__ import annotations

import itertools
from collections.abc import Collection, Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any

Key = tuple[Hashable | None, ...]

PUBLISHED = "published"
PRIMARY = "primary"
SECONDARY = "secondary"
IN_PART = "in_part"  # a combined table: withheld because a part of the sum was withheld


@dataclass
class Controlled:
    """A table after disclosure control. `counts[key]` is None where withheld."""

    counts: dict[Key, int | None]
    status: dict[Key, str]
    rule: dict[str, Any] = field(default_factory=dict)


def all_keys(values: Sequence[Sequence[Hashable]]) -> list[Key]:
    """Every cell and margin of the table: each dimension's values plus None (the total)."""
    return [tuple(k) for k in itertools.product(*[[*vs, None] for vs in values])]


def level(key: Key) -> int:
    return sum(1 for part in key if part is not None)


def control(
    raw: dict[Key, int],
    values: Sequence[Sequence[Hashable]],
    *,
    threshold: int,
    rounding: int | None = None,
    withheld_in_parts: Collection[Key] = (),
    perturbation: dict[str, Any] | None = None,
) -> Controlled:
    """Apply the rule to `raw` (missing keys count as 0) over the grid of `values`.

    `withheld_in_parts`: entries withheld before the rule (in a combined table, where a part withheld them);
    they are protected by secondary suppression like small counts.
    `perturbation`: the method the counts were perturbed with (engine.perturbation_rule), named in the rule.
    `raw` holds the counts as published before suppression: perturbed where the method applies, so
    that what is withheld depends on the perturbed counts alone.
    """
    keys = all_keys(values)
    count = {key: raw.get(key, 0) for key in keys}
    status = {key: PRIMARY if 0 < count[key] < threshold else PUBLISHED for key in keys}
    for key in withheld_in_parts:
        if key in status:
            status[key] = IN_PART
    position = {key: i for i, key in enumerate(keys)}
    dimensions = len(values)
    by_level: dict[int, list[Key]] = {n: [] for n in range(dimensions + 1)}
    for key in keys:
        by_level[level(key)].append(key)

    for current in range(1, dimensions + 1):
        changed = True
        while changed:
            changed = False
            for parent in by_level[current - 1]:
                for axis in range(dimensions):
                    if parent[axis] is not None:
                        continue
                    line = [(*parent[:axis], v, *parent[axis + 1 :]) for v in values[axis]]
                    withheld = sum(1 for c in line if status[c] != PUBLISHED)
                    withheld += status[parent] != PUBLISHED
                    if withheld != 1:
                        continue
                    candidates = [c for c in line if status[c] == PUBLISHED and count[c] > 0]
                    # Only empty cells left: withholding one still hides how the total splits.
                    candidates = candidates or [c for c in line if status[c] == PUBLISHED]
                    if not candidates:
                        continue
                    chosen = min(candidates, key=lambda c: (count[c], position[c]))
                    status[chosen] = SECONDARY
                    changed = True

    published: dict[Key, int | None] = {}
    for key in keys:
        if status[key] != PUBLISHED:
            published[key] = None
        elif rounding and rounding > 1:
            published[key] = rounding * ((count[key] + rounding // 2) // rounding)
        else:
            published[key] = count[key]
    rule = {
        "threshold": threshold,
        "primary": f"counts from 1 to {threshold - 1} withheld",
        "secondary": "in every row, column and margin line, no single withheld entry: the smallest other "
        "non-zero cell of the line is withheld too",
        "rounding": rounding if rounding and rounding > 1 else None,
        "withheld_primary": sum(1 for s in status.values() if s == PRIMARY),
        "withheld_secondary": sum(1 for s in status.values() if s == SECONDARY),
    }
    if perturbation is not None:
        rule["perturbation"] = perturbation
    if withheld_in_parts:
        rule["withheld_in_parts"] = sum(1 for s in status.values() if s == IN_PART)
    return Controlled(counts=published, status=status, rule=rule)


def lines(values: Sequence[Sequence[Hashable]]) -> list[tuple[Key, list[Key]]]:
    """Every (total, cells adding up to it) pair of the table: for tests and checks."""
    result = []
    dimensions = len(values)
    for parent in all_keys(values):
        for axis in range(dimensions):
            if parent[axis] is None:
                result.append((parent, [(*parent[:axis], v, *parent[axis + 1 :]) for v in values[axis]]))
    return result
