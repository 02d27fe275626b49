"""What the templates and the API show for an indicator set and a result, in the viewer's language."""

from __future__ import annotations

from dataclasses import dataclass

from strom.screening.forms import STRENGTH_LABELS
from strom.screening.indicators import Dimension, Indicator, IndicatorSet, get_set
from strom.screening.scoring import DimensionResult, ScreeningResult


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
                Driver(i, indicator_set.indicator(i).text, indicator_set.indicator(i).strength)
                if indicator_set.has(i)
                else Driver(i, i, "")
                for i in dim.drivers
            ]
        else:
            title = dim.role.replace("_", " ")
            drivers = [Driver(i, i, "") for i in dim.drivers]
        rows.append(DimensionRow(title=title, result=dim, drivers=drivers))
    return rows
