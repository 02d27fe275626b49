"""The case timeline: everything that happened, gathered from the tables that record it.

Each part of the case (stages, tasks, plan, events, consent, notes, documents) registers a source
that returns its items for a case; the case page merges them newest first. No second copy of the
history is kept.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from strom.cases.models import Case


@dataclass(frozen=True)
class TimelineItem:
    at: dt.datetime
    kind: str  # machine name, e.g. "stage", "task", "note"
    title: str  # translated, no personal data beyond what the viewer may already see on the case
    actor: str = ""
    url: str = ""


Source = Callable[["Case"], list[TimelineItem]]
_SOURCES: list[Source] = []


def register(source: Source) -> Source:
    _SOURCES.append(source)
    return source


def timeline_for(case: Case, *, limit: int = 200) -> list[TimelineItem]:
    items: list[TimelineItem] = []
    for source in _SOURCES:
        items.extend(source(case))
    items.sort(key=lambda item: item.at, reverse=True)
    return items[:limit]
