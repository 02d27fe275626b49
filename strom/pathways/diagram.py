"""Lays out the pathway as boxes joined by arrows, for the inline SVG in the template.

Layout is computed here (not in the browser: no scripts) and the template only draws it."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from strom.pathways.models import PathwayStep

WIDTH = 640
MARGIN = 8
BOX_WIDTH = WIDTH - 2 * MARGIN
LINE_HEIGHT = 20
PADDING = 12
GAP = 32  # room for the arrow between two boxes
WRAP = 64  # characters per line at the diagram's font size


@dataclass
class Line:
    text: str
    y: int
    css: str


@dataclass
class Box:
    y: int
    height: int
    lines: list[Line] = field(default_factory=list)
    arrow_from: int | None = None  # y where the arrow into this box starts


@dataclass
class Diagram:
    width: int
    height: int
    boxes: list[Box]
    text_x: int = MARGIN + PADDING
    box_x: int = MARGIN
    box_width: int = BOX_WIDTH
    arrow_x: int = WIDTH // 2


def time_limit_text(days: int | None) -> str:
    if days is None:
        return _("No time limit")
    return ngettext("Time limit: %(days)d day", "Time limit: %(days)d days", days) % {"days": days}


def layout(steps: list[PathwayStep]) -> Diagram:
    boxes: list[Box] = []
    y = MARGIN
    for index, step in enumerate(steps):
        texts = [(step.get_stage_display(), "diagram__stage")]
        texts += [(part, "diagram__agency") for part in textwrap.wrap(step.agency, WRAP) or ["—"]]
        texts.append((time_limit_text(step.time_limit_days), "diagram__limit"))
        height = 2 * PADDING + LINE_HEIGHT * len(texts)
        box = Box(y=y, height=height, arrow_from=(y - GAP) if index else None)
        for line_no, (text, css) in enumerate(texts):
            # Baseline of each line, a little above the bottom of its line box.
            box.lines.append(Line(text=text, y=y + PADDING + LINE_HEIGHT * (line_no + 1) - 5, css=css))
        boxes.append(box)
        y += height + GAP
    height = (y - GAP + MARGIN) if boxes else 2 * MARGIN
    return Diagram(width=WIDTH, height=height, boxes=boxes)
