"""Disclosure control: primary and secondary suppression, rounding, on every line of a table."""

from __future__ import annotations

import itertools
import random
from collections.abc import Mapping
from typing import Any

import pytest

from strom.stats.disclosure import PRIMARY, PUBLISHED, SECONDARY, Key, all_keys, control, lines


def with_margins(interior: Mapping[Any, int], values: list[list[str]]) -> dict[Key, int]:
    """Add every margin (None = total) to interior cells, as the engine's GROUPING SETS do."""
    raw: dict[Key, int] = {}
    for key in all_keys(values):
        raw[key] = sum(
            n
            for cell, n in interior.items()
            if all(k is None or k == c for k, c in zip(key, cell, strict=True))
        )
    return raw


def assert_no_line_gives_a_cell_away(result_status: dict[Key, str], values: list[list[str]]) -> None:
    for total, cells in lines(values):
        withheld = sum(result_status[c] != PUBLISHED for c in cells) + (result_status[total] != PUBLISHED)
        assert withheld != 1, f"line with total {total} has exactly one withheld entry"


def test_counts_below_the_threshold_are_withheld_and_zero_and_the_threshold_are_published() -> None:
    values = [["a", "b", "c", "d"]]
    raw = with_margins({("a",): 0, ("b",): 10, ("c",): 11, ("d",): 40}, values)
    result = control(raw, values, threshold=11)
    assert result.counts[("a",)] == 0
    assert result.status[("b",)] == PRIMARY
    assert result.counts[("b",)] is None
    assert result.counts[(None,)] == 61


def test_a_single_withheld_cell_in_a_row_makes_another_cell_of_that_row_withheld() -> None:
    values = [["r1", "r2", "r3"], ["c1", "c2", "c3"]]
    interior = {
        ("r1", "c1"): 5, ("r1", "c2"): 40, ("r1", "c3"): 30,
        ("r2", "c1"): 50, ("r2", "c2"): 60, ("r2", "c3"): 70,
        ("r3", "c1"): 80, ("r3", "c2"): 90, ("r3", "c3"): 25,
    }  # fmt: skip
    result = control(with_margins(interior, values), values, threshold=11)
    assert result.status[("r1", "c1")] == PRIMARY
    row = [("r1", c) for c in values[1]]
    assert sum(result.status[k] != PUBLISHED for k in row) >= 2
    # The smallest other cell of the row is the one withheld.
    assert result.status[("r1", "c3")] == SECONDARY
    # And the column of the first withheld cell is protected too.
    column = [(r, "c1") for r in values[0]]
    assert sum(result.status[k] != PUBLISHED for k in column) >= 2
    assert_no_line_gives_a_cell_away(result.status, values)


def test_a_withheld_margin_makes_a_cell_of_its_line_withheld() -> None:
    # Row r1's total is 8 (withheld); its cells 0, 8, 0 would give it away if 8 were published.
    values = [["r1", "r2"], ["c1", "c2", "c3"]]
    interior = {
        ("r1", "c1"): 0, ("r1", "c2"): 8, ("r1", "c3"): 0,
        ("r2", "c1"): 30, ("r2", "c2"): 40, ("r2", "c3"): 50,
    }  # fmt: skip
    result = control(with_margins(interior, values), values, threshold=11)
    assert result.status[("r1", None)] == PRIMARY
    # 1-D margin by row: r1 withheld, so r2 (the only other row) must be withheld as well.
    assert result.status[("r2", None)] == SECONDARY
    assert_no_line_gives_a_cell_away(result.status, values)


def test_margins_are_withheld_as_the_smaller_table_alone_would_be() -> None:
    values = [["r1", "r2", "r3"], ["c1", "c2"]]
    interior = {
        ("r1", "c1"): 3, ("r1", "c2"): 4, ("r2", "c1"): 30,
        ("r2", "c2"): 20, ("r3", "c1"): 50, ("r3", "c2"): 12,
    }  # fmt: skip
    two_way = control(with_margins(interior, values), values, threshold=11)
    rows_only = {(r,): sum(n for (rr, _c), n in interior.items() if rr == r) for r in values[0]}
    one_way = control(with_margins(rows_only, [values[0]]), [values[0]], threshold=11)
    for r in values[0]:
        assert two_way.status[(r, None)] == one_way.status[(r,)]


@pytest.mark.parametrize("seed", range(40))
def test_no_line_of_a_random_three_way_table_has_exactly_one_withheld_entry(seed: int) -> None:
    rng = random.Random(seed)
    values = [
        [f"a{i}" for i in range(rng.randint(2, 4))],
        [f"b{i}" for i in range(rng.randint(2, 5))],
        ["c0", "c1", "c2"],
    ]
    interior = {
        key: rng.choice([0, 0, 1, 3, 7, 10, 11, 12, 25, 60, 200]) for key in itertools.product(*values)
    }
    result = control(with_margins(interior, values), values, threshold=11)
    assert_no_line_gives_a_cell_away(result.status, values)
    for key, status in result.status.items():
        if status == PRIMARY:
            assert result.counts[key] is None


def test_rounding_rounds_published_counts_and_records_the_rule() -> None:
    values = [["a", "b", "c"]]
    raw = with_margins({("a",): 12, ("b",): 18, ("c",): 40}, values)
    result = control(raw, values, threshold=11, rounding=5)
    assert [result.counts[(v,)] for v in values[0]] == [10, 20, 40]
    assert result.counts[(None,)] == 70
    assert result.rule["rounding"] == 5
    assert result.rule["threshold"] == 11
