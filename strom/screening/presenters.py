"""What the templates and the API show for an indicator set and a result, in the viewer's language."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from strom.screening.forms import STRENGTH_LABELS
from strom.screening.indicators import Dimension, Indicator, IndicatorSet, get_set
from strom.screening.scoring import RULE_VERSION, DimensionResult, ScreeningResult, score

if TYPE_CHECKING:
    from strom.screening.models import Screening


def to_check_label(indicator_set: IndicatorSet | None) -> str:
    """The mark on a set or indicator whose strengths still wait for a check against their source."""
    if indicator_set is not None and indicator_set.id.startswith("ilo-"):
        return _("To be checked against the ILO text")
    return _("To be checked against the source")


@dataclass(frozen=True)
class RuleNote:
    """How a screening scored with an earlier rule version reads under the current one."""

    stored_version: int
    current_version: int
    current_level_label: str  # "" when the current rule gives the same result


def rule_note(screening: Screening, result: ScreeningResult) -> RuleNote | None:
    if screening.rule_version == RULE_VERSION:
        return None
    try:
        indicator_set = get_set(result.set_id, result.set_version)
        current = score(indicator_set, result.observed, child=result.child)
    except (LookupError, ValidationError):
        return RuleNote(screening.rule_version, RULE_VERSION, "")
    label = current.level_label if current.level != result.level else ""
    return RuleNote(screening.rule_version, RULE_VERSION, label)


@dataclass(frozen=True)
class ChecklistItem:
    indicator: Indicator
    checked: bool

    @property
    def strength_label(self) -> str:
        return str(STRENGTH_LABELS[self.indicator.strength])


@dataclass(frozen=True)
class ChecklistGroup:
    dimension: Dimension
    items: list[ChecklistItem]


def checklist(indicator_set: IndicatorSet, observed: set[str]) -> list[ChecklistGroup]:
    return [
        ChecklistGroup(
            dimension=d,
            items=[ChecklistItem(i, i.id in observed) for i in indicator_set.indicators_in(d.id)],
        )
        for d in indicator_set.dimensions
    ]


@dataclass(frozen=True)
class Driver:
    id: str
    text: str
    strength: str
    to_check: bool = False

    @property
    def strength_label(self) -> str:
        return str(STRENGTH_LABELS.get(self.strength, self.strength))


@dataclass(frozen=True)
class DimensionRow:
    title: str
    result: DimensionResult
    drivers: list[Driver]


def result_rows(result: ScreeningResult) -> list[DimensionRow]:
    """Per-dimension rows with the texts of the indicators that drove them.

    Texts come from the set version the screening was made with. If that file were ever missing,
    the ids and strengths still show: the snapshot keeps them.
    """
    indicator_set: IndicatorSet | None
    try:
        indicator_set = get_set(result.set_id, result.set_version)
    except LookupError:
        indicator_set = None
    rows: list[DimensionRow] = []
    for dim in result.dimensions:
        if indicator_set is not None:
            title = next((d.title for d in indicator_set.dimensions if d.id == dim.id), dim.id)
            drivers = [
                Driver(
                    i,
                    indicator_set.indicator(i).text,
                    indicator_set.indicator(i).strength,
                    indicator_set.indicator(i).to_check,
                )
                if indicator_set.has(i)
                else Driver(i, i, "")
                for i in dim.drivers
            ]
        else:
            title = dim.role.replace("_", " ")
            drivers = [Driver(i, i, "") for i in dim.drivers]
        rows.append(DimensionRow(title=title, result=dim, drivers=drivers))
    return rows
