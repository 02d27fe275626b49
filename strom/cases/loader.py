"""One read of each part of a case per request.

A page that shows several parts of a case (the printed case file: every section and the timeline)
asks for the same rows more than once: the stage panel lists the decisions and the timeline lists them
again. Inside `one_read_per_part()` each part's rows are read once per viewer and case and handed to
every caller that asks for them by the same name; outside it, each call reads (a write and the page it
answers never share stale rows by accident).

The callers read through `visible_to(user)` as before: the loader only keeps what they read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from strom.accounts.models import User
    from strom.cases.models import Case

T = TypeVar("T")

_ROWS: ContextVar[dict[tuple[int, int, str], Any] | None] = ContextVar("case_rows", default=None)


@contextmanager
def one_read_per_part() -> Iterator[None]:
    token = _ROWS.set({})
    try:
        yield
    finally:
        _ROWS.reset(token)


def reading_once() -> bool:
    """Inside `one_read_per_part()`: a caller that could read less should share the full read."""
    return _ROWS.get() is not None


def case_rows(user: User, case: Case, part: str, load: Callable[[], list[T]]) -> list[T]:
    """`load()`'s rows of `part` of `case` as `user` may see them, read once inside `one_read_per_part()`.
    `part` names the rows and the relations they carry (e.g. "stages.decisions"): every caller that
    shares a name reads the same query."""
    rows = _ROWS.get()
    if rows is None:
        return load()
    key = (user.pk, case.pk, part)
    if key not in rows:
        rows[key] = load()
    return list(rows[key])
