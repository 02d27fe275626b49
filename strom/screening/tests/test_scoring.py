"""The ILO 2009 rule, boundary by boundary, and what the result says."""

from __future__ import annotations

import itertools

import pytest
from django.core.exceptions import ValidationError

from strom.screening.indicators import IndicatorSet, get_set
from strom.screening.scoring import (
    NONE,
    SOME,
    STRONG,
    ScreeningResult,
    dimension_reason,
    recommendation,
    score,
)


@pytest.mark.parametrize(
    ("strong", "medium", "weak", "reason"),
    [
        (0, 0, 0, ""),
        (1, 0, 0, ""),  # one strong alone is not enough
        (2, 0, 0, "two_strong"),
        (1, 1, 0, "strong_and_other"),
        (1, 0, 1, "strong_and_other"),
        (0, 2, 0, ""),
        (0, 3, 0, "three_medium"),
        (0, 2, 1, "two_medium_one_weak"),
        (0, 1, 1, ""),
        (0, 1, 2, ""),  # weak indicators never stand in for medium ones
        (0, 0, 3, ""),
        (0, 0, 9, ""),
        (3, 0, 0, "two_strong"),
        (2, 5, 5, "two_strong"),
    ],
)
def test_dimension_rule_boundaries(strong: int, medium: int, weak: int, reason: str) -> None:
    assert dimension_reason(strong, medium, weak) == reason


def test_dimension_rule_is_positive_exactly_for_the_ilo_combinations() -> None:
    for s, m, w in itertools.product(range(4), repeat=3):
        expected = s >= 2 or (s >= 1 and m + w >= 1) or m >= 3 or (m >= 2 and w >= 1)
        assert bool(dimension_reason(s, m, w)) == expected, (s, m, w)


def _ids(indicator_set: IndicatorSet, dimension: str, strength: str, n: int) -> list[str]:
    ids = [i.id for i in indicator_set.indicators_in(dimension) if i.strength == strength][:n]
    assert len(ids) == n, f"{indicator_set.id} {dimension} has fewer than {n} {strength}"
    return ids


@pytest.fixture
def adult(db: None) -> IndicatorSet:
    return get_set("ilo-adult-labour")


@pytest.fixture
def child(db: None) -> IndicatorSet:
    return get_set("ilo-child-labour")


def test_nothing_ticked_is_no_indications(adult: IndicatorSet) -> None:
    result = score(adult, [])
    assert result.level == NONE
    assert not any(d.positive for d in result.dimensions)


def test_adult_needs_recruitment_exploitation_and_destination(adult: IndicatorSet) -> None:
    recruitment = _ids(adult, "DR", "strong", 1) + _ids(adult, "DR", "medium", 1)
    exploitation = _ids(adult, "EX", "strong", 1) + _ids(adult, "EX", "medium", 1)
    destination = _ids(adult, "CD", "strong", 2)
    assert score(adult, recruitment + exploitation + destination).level == STRONG
    assert score(adult, recruitment + exploitation).level == SOME
    assert score(adult, recruitment + destination).level == SOME
    assert score(adult, exploitation + destination).level == SOME


@pytest.mark.parametrize("recruitment_dimension", ["DR", "CR", "VR"])
@pytest.mark.parametrize("destination_dimension", ["CD", "VD"])
def test_any_recruitment_and_any_destination_dimension_counts(
    adult: IndicatorSet, recruitment_dimension: str, destination_dimension: str
) -> None:
    observed = (
        _ids(adult, recruitment_dimension, "medium", 3)
        + _ids(adult, "EX", "medium", 3)
        + _ids(adult, destination_dimension, "medium", 3)
    )
    result = score(adult, observed)
    assert result.level == STRONG
    assert {d.id for d in result.positive_dimensions} == {recruitment_dimension, "EX", destination_dimension}


def test_one_short_of_a_positive_dimension_is_not_enough(adult: IndicatorSet) -> None:
    # Two medium in exploitation instead of three: the combination fails at the boundary.
    observed = (
        _ids(adult, "DR", "medium", 3) + _ids(adult, "EX", "medium", 2) + _ids(adult, "CD", "strong", 2)
    )
    result = score(adult, observed)
    assert result.level == SOME
    assert not result.exploitation
    observed += _ids(adult, "EX", "weak", 1)  # two medium + one weak: now positive
    assert score(adult, observed).level == STRONG


def test_child_needs_no_means_at_destination(child: IndicatorSet) -> None:
    observed = (
        _ids(child, "CR", "strong", 2) + _ids(child, "EX", "strong", 1) + _ids(child, "EX", "medium", 1)
    )
    result = score(child, observed)
    assert result.child is True
    assert not result.destination
    assert result.level == STRONG


def test_child_needs_a_positive_exploitation_dimension(child: IndicatorSet) -> None:
    assert score(child, _ids(child, "CR", "strong", 2)).level == SOME
    assert score(child, _ids(child, "EX", "strong", 1)).level == SOME  # one strong alone: not positive


def test_child_rule_can_be_applied_to_an_adult_list(adult: IndicatorSet) -> None:
    observed = (
        _ids(adult, "DR", "strong", 1) + _ids(adult, "DR", "medium", 1) + _ids(adult, "EX", "medium", 3)
    )
    assert score(adult, observed).level == SOME
    assert score(adult, observed, child=True).level == STRONG


def test_result_names_the_indicators_that_drove_each_dimension_strongest_first(adult: IndicatorSet) -> None:
    medium = _ids(adult, "CD", "medium", 1)
    strong = _ids(adult, "CD", "strong", 1)
    result = score(adult, medium + strong)
    cd = result.dimension("coercion_destination")
    assert cd.drivers == (strong[0], medium[0])
    assert cd.reason == "strong_and_other"
    assert (cd.strong, cd.medium, cd.weak) == (1, 1, 0)
    assert "strong" in cd.reason_text


def test_unknown_ids_are_refused_not_ignored(adult: IndicatorSet) -> None:
    with pytest.raises(ValidationError) as info:
        score(adult, ["ADL-DR-01", "CHL-DR-01", "NOPE"])
    assert "CHL-DR-01, NOPE" in str(info.value.message_dict["observed"])


def test_duplicates_count_once(adult: IndicatorSet) -> None:
    strong = _ids(adult, "DR", "strong", 1)
    assert not score(adult, strong * 2).dimension("deceptive_recruitment").positive


def test_snapshot_round_trips_and_records_rule_and_set_version(adult: IndicatorSet) -> None:
    result = score(adult, _ids(adult, "EX", "strong", 1) + _ids(adult, "VD", "weak", 2))
    data = result.to_dict()
    assert data["rule"] == "ilo-2009/2"
    assert data["set"] == {"id": "ilo-adult-labour", "version": 1}
    assert ScreeningResult.from_dict(data) == result


def test_recommendation_is_always_a_recommendation_never_a_decision() -> None:
    strong = recommendation(STRONG, child=False)
    assert strong.startswith("STROM recommends considering a reasonable-grounds decision")
    assert "The decision is yours" in strong
    assert "decided by a person" in recommendation(SOME, child=False)
    assert "does not mean there is no trafficking" in recommendation(NONE, child=False)
    assert "child protection" in recommendation(NONE, child=True)


@pytest.mark.django_db
def test_every_shipped_set_can_reach_a_strong_result() -> None:
    from strom.screening.indicators import current_sets

    for indicator_set in current_sets():
        everything = [i.id for i in indicator_set.indicators]
        assert score(indicator_set, everything).level == STRONG, indicator_set.id
