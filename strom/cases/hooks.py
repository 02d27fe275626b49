"""Small in-process hooks so parts of the case (clocks, plans) react to events without signals.

Registered at import time by the modules that own the reaction (see CasesConfig.ready); called
explicitly by the write functions, after commit.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

_HOOKS: dict[str, list[Callable[[int], None]]] = defaultdict(list)


def register(event: str, func: Callable[[int], None]) -> Callable[[int], None]:
    _HOOKS[event].append(func)
    return func


def run(event: str, object_id: int) -> None:
    for func in _HOOKS[event]:
        func(object_id)
