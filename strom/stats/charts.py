"""Geometry for the statistics charts, drawn as SVG by the templates (stats/_chart.html).

Three kinds, chosen by the first dimension of the table: a time series for years, a tile grid for
countries, horizontal bars for everything else. Withheld values get no mark, only their label and
the word "withheld", and the same numbers are always in the table next to the chart.
"""

from __future__ import annotations

from dataclasses import dataclass, field

BAR = "bars"
SERIES = "series"
TILES = "tiles"

BAR_HEIGHT = 22
BAR_GAP = 6
LABEL_WIDTH = 260
PLOT_WIDTH = 420
TILE = 64
TILES_PER_ROW = 10
SERIES_WIDTH = 680
SERIES_HEIGHT = 240
MARGIN = 40
# Light to dark blue with enough contrast for the text drawn on each (dark text on the first three).
SHADES = ("#f2f2f2", "#dbe8f4", "#b3cde6", "#7fa9d1", "#3f72a8", "#1d4f7a")


@dataclass
class Mark:
    label: str
    value: int | None
    x: float = 0
    y: float = 0
    width: float = 0
    height: float = 0
    shade: int = 0  # 1..5 for tiles, by fifths of the largest value
    fill: str = "#f2f2f2"
    ink: str = "#1a1a1a"
    text_x: float = 0
    text_y: float = 0


@dataclass
class Chart:
    kind: str
    width: int
    height: int
    marks: list[Mark] = field(default_factory=list)
    points: str = ""  # the polyline of a time series
    axis_y: float = 0
    largest: int = 0


def bars(items: list[tuple[str, int | None]]) -> Chart:
    largest = max([v for _, v in items if v], default=0)
    chart = Chart(
        BAR, LABEL_WIDTH + PLOT_WIDTH + 80, len(items) * (BAR_HEIGHT + BAR_GAP) + BAR_GAP, largest=largest
    )
    for i, (label, value) in enumerate(items):
        y = BAR_GAP + i * (BAR_HEIGHT + BAR_GAP)
        width = PLOT_WIDTH * value / largest if value and largest else 0
        chart.marks.append(
            Mark(
                label,
                value,
                x=LABEL_WIDTH,
                y=y,
                width=round(width, 1),
                height=BAR_HEIGHT,
                text_x=LABEL_WIDTH + width + 6,
                text_y=y + BAR_HEIGHT - 6,
            )
        )
    return chart


def series(items: list[tuple[str, int | None]]) -> Chart:
    largest = max([v for _, v in items if v], default=0)
    chart = Chart(SERIES, SERIES_WIDTH, SERIES_HEIGHT + MARGIN, largest=largest, axis_y=SERIES_HEIGHT)
    step = (SERIES_WIDTH - 2 * MARGIN - 20) / max(len(items) - 1, 1)
    points = []
    for i, (label, value) in enumerate(items):
        x = MARGIN + 20 + i * step
        y = SERIES_HEIGHT - (SERIES_HEIGHT - MARGIN) * (value or 0) / largest if largest else SERIES_HEIGHT
        mark = Mark(label, value, x=round(x, 1), y=round(y, 1), text_x=round(x, 1), text_y=SERIES_HEIGHT + 18)
        chart.marks.append(mark)
        if value is not None:
            points.append(f"{mark.x},{mark.y}")
    chart.points = " ".join(points)
    return chart


def tiles(items: list[tuple[str, int | None]]) -> Chart:
    largest = max([v for _, v in items if v], default=0)
    rows = (len(items) + TILES_PER_ROW - 1) // TILES_PER_ROW
    chart = Chart(TILES, TILES_PER_ROW * TILE, rows * TILE, largest=largest)
    for i, (label, value) in enumerate(items):
        x, y = (i % TILES_PER_ROW) * TILE, (i // TILES_PER_ROW) * TILE
        shade = 0 if not value or not largest else min(5, 1 + 5 * value // (largest + 1))
        chart.marks.append(
            Mark(
                label,
                value,
                x=x + 2,
                y=y + 2,
                width=TILE - 4,
                height=TILE - 4,
                shade=shade,
                fill=SHADES[shade],
                ink="#ffffff" if shade >= 4 else "#1a1a1a",
                text_x=x + TILE / 2,
            )
        )
    return chart
