"""The case timeline: everything that happened, gathered from the tables that record it.

Each part of the case (stages, tasks, plan, events, consent, notes, documents) registers a source
that returns its items for a case; the case page merges them newest first. No second copy of the
history is kept.

A source is called with the viewer and a case the viewer may see (from `get_case_for`), and returns
only the entries of what that viewer may see: it reads its rows through the same access functions
(`can_*`, `*_visible_to`, `visible_to`) as the part's section on the case page, so a rule is written
once and an entry never names what its section hides (a perpetrator record, another's restricted note).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from strom.accounts.models import User
    from strom.cases.models import Case


@dataclass(frozen=True)
class TimelineItem:
    at: dt.datetime
    kind: str  # machine name, e.g. "stage", "task", "note"
    title: str  # translated, no personal data beyond what the viewer may already see on the case
    actor: str = ""
    url: str = ""


Source = Callable[["User", "Case"], list[TimelineItem]]
_SOURCES: list[Source] = []


def register(source: Source) -> Source:
    _SOURCES.append(source)
    return source


def timeline_for(user: User, case: Case, *, limit: int = 200) -> list[TimelineItem]:
    """What `user` may see of the case's history. `case` must come from `get_case_for(user, ...)`."""
    items: list[TimelineItem] = []
    for source in _SOURCES:
        items.extend(source(user, case))
    items.sort(key=lambda item: item.at, reverse=True)
    return items[:limit]
