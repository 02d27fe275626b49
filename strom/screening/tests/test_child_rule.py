"""Rule version 2: the ILO combination as the ILO states it, and the child rule on top of it.

Every combination of adult or child, means (a recruitment dimension) or none, exploitation or none,
destination or none, under both rule versions; the per-dimension thresholds at the exploitation
dimension; and a child's case screened end to end.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from strom.cases.tests.factories import make_case
from strom.screening.indicators import IndicatorSet, get_set, parse_set, to_document
from strom.screening.scoring import (
    CHILD_RULE_BASIS,
    NONE,
    SOME,
    STRONG,
    ScreeningResult,
    dimension_reason,
    recommendation,
    score,
)
from strom.screening.services import screening_create
from tests.personas import Cast

pytestmark = pytest.mark.django_db


def _ids(indicator_set: IndicatorSet, dimension: str, strength: str, n: int) -> list[str]:
    ids = [i.id for i in indicator_set.indicators_in(dimension) if i.strength == strength][:n]
    assert len(ids) == n, f"{indicator_set.id} {dimension} has fewer than {n} {strength}"
    return ids


def _positive(indicator_set: IndicatorSet, dimension: str) -> list[str]:
    return _ids(indicator_set, dimension, "strong", 1) + _ids(indicator_set, dimension, "medium", 1)


def _expected(*, child: bool, means: bool, exploitation: bool, destination: bool, version: int) -> str:
    ilo = means and exploitation and (child or destination)
    child_rule = version >= 2 and child and exploitation
    if ilo or child_rule:
        return STRONG
    return SOME if (means or exploitation or destination) else NONE


COMBINATIONS = list(itertools.product([False, True], repeat=4))


@pytest.mark.parametrize("version", [1, 2])
@pytest.mark.parametrize(("child", "means", "exploitation", "destination"), COMBINATIONS)
def test_every_combination_of_audience_means_exploitation_and_destination(
    child: bool, means: bool, exploitation: bool, destination: bool, version: int
) -> None:
    indicator_set = get_set("ilo-adult-labour")
    observed = (
        (_positive(indicator_set, "DR") if means else [])
        + (_positive(indicator_set, "EX") if exploitation else [])
        + (_positive(indicator_set, "CD") if destination else [])
    )
    result = score(indicator_set, observed, child=child, rule_version=version)
    expected = _expected(
        child=child, means=means, exploitation=exploitation, destination=destination, version=version
    )
    assert result.level == expected
    assert result.rule == f"ilo-2009/{version}"
    # The ILO combination is reported as the ILO states it, whatever the child rule adds.
    assert result.ilo_combination == (means and exploitation and (child or destination))
    assert result.child_rule == (expected == STRONG and not result.ilo_combination)
    assert result.recruitment == means
    assert result.exploitation == exploitation
    assert result.destination == destination


def _threshold_set() -> IndicatorSet:
    """The child labour list with enough exploitation indicators of every strength to try each count."""
    document = to_document(get_set("ilo-child-labour"))
    kept = [i for i in document["indicators"] if i["dimension"] != "EX"]
    extra = [
        {"id": f"T-EX-{strength[0].upper()}{n}", "dimension": "EX", "strength": strength, "text": {"en": "t"}}
        for strength in ("strong", "medium", "weak")
        for n in range(4)
    ]
    return parse_set(document | {"indicators": kept + extra}, name="thresholds")


@pytest.mark.parametrize(("strong", "medium", "weak"), list(itertools.product(range(4), repeat=3)))
def test_the_child_rule_follows_the_ilo_thresholds_of_the_exploitation_dimension(
    strong: int, medium: int, weak: int
) -> None:
    """Strong for a child exactly when exploitation is positive by the four ILO combinations."""
    child_set = _threshold_set()
    observed = [f"T-EX-S{n}" for n in range(strong)]
    observed += [f"T-EX-M{n}" for n in range(medium)] + [f"T-EX-W{n}" for n in range(weak)]
    result = score(child_set, observed)
    positive = bool(dimension_reason(strong, medium, weak))
    assert result.exploitation == positive
    assert result.level == (STRONG if positive else SOME if observed else NONE)
    assert result.child_rule == positive
    # The same ticks for an adult never reach "strong": no means, no destination.
    assert score(child_set, observed, child=False).level == (SOME if observed else NONE)


def test_a_child_with_exploitation_and_no_means_is_flagged_with_the_child_rule_and_its_basis() -> None:
    child_set = get_set("ilo-child-sexual")
    result = score(child_set, _positive(child_set, "EX"))
    assert result.child
    assert not result.recruitment
    assert result.level == STRONG
    assert result.child_rule
    assert not result.ilo_combination
    assert result.child_rule_basis == "Palermo Protocol Art. 3(c); Directive 2011/36/EU Art. 2(5)"
    text = result.recommendation
    assert text.startswith("STROM recommends considering a reasonable-grounds decision under the child rule")
    assert CHILD_RULE_BASIS in text
    assert "no recruitment dimension is positive" in text
    assert "The decision is yours" in text


def test_under_rule_version_1_the_same_child_got_only_some_indications() -> None:
    child_set = get_set("ilo-child-labour")
    result = score(child_set, _positive(child_set, "EX"), rule_version=1)
    assert result.level == SOME
    assert not result.child_rule
    # A version-1 result does not claim a rule it was not scored with.
    assert "child rule" not in result.recommendation
    with pytest.raises(ValueError, match="unknown rule version 3"):
        score(child_set, [], rule_version=3)


def test_an_adult_with_exploitation_and_no_means_is_not_flagged() -> None:
    adult_set = get_set("ilo-adult-labour")
    result = score(adult_set, _positive(adult_set, "EX") + _positive(adult_set, "CD"))
    assert result.level == SOME
    assert not result.child_rule
    assert "child" not in result.recommendation


def test_a_stored_version_1_snapshot_reads_as_before() -> None:
    child_set = get_set("ilo-child-labour")
    old = score(child_set, _positive(child_set, "EX"), rule_version=1).to_dict()
    del old["ilo_combination"], old["child_rule"]  # the keys version 1 snapshots never had
    result = ScreeningResult.from_dict(old)
    assert (result.rule_version, result.level, result.child_rule, result.ilo_combination) == (
        1,
        SOME,
        False,
        False,
    )


def test_the_docs_and_the_recommendation_name_the_same_legal_basis() -> None:
    doc = (Path(settings.BASE_DIR) / "docs" / "screening.md").read_text(encoding="utf-8")
    assert "Palermo Protocol Art. 3(c); Directive 2011/36/EU Art. 2(5)" in doc
    assert "## The scoring rule (`ilo-2009`, rule version 2)" in doc
    assert CHILD_RULE_BASIS in recommendation(STRONG, child=True, child_rule=True)


def test_a_child_case_with_exploitation_and_no_means_is_flagged_on_the_page(
    cast: Cast, as_persona: object
) -> None:
    case = make_case(cast, age_estimate=15)
    assert case.is_child
    adult_set = get_set("ilo-adult-labour")
    screening = screening_create(
        by=cast.caseworker_a, indicator_set_id=adult_set.id, observed=_positive(adult_set, "EX"), case=case
    )
    assert screening.level == STRONG
    assert screening.rule_version == 2
    assert screening.result["child_rule"] is True
    client = as_persona("caseworker_a")  # type: ignore[operator]
    page = client.get(reverse("screening:detail", kwargs={"screening_id": screening.pk})).content.decode()
    assert "This result rests on the child rule." in page
    assert "Palermo Protocol Art. 3(c); Directive 2011/36/EU Art. 2(5)" in page
    assert "Scored with rule version" not in page  # made with the current rule: no note
