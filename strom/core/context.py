"""Where the current operation comes from: the audit log records it with every entry.

A request sets it in RequestContextMiddleware; the CLI and background workers set it themselves.
Context variables keep concurrent requests apart in threaded servers.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass(frozen=True)
class Origin:
    channel: str  # "web", "api", "cli", "worker"
    ip: str | None = None
    request_id: str = ""


# Outside a request (CLI, worker, shell) the origin is the command line unless the caller says otherwise.
_CLI = Origin(channel="cli")
_origin: contextvars.ContextVar[Origin] = contextvars.ContextVar("strom_origin")


def current_origin() -> Origin:
    return _origin.get(_CLI)


@contextmanager
def origin(value: Origin) -> Iterator[Origin]:
    token = _origin.set(value)
    try:
        yield value
    finally:
        _origin.reset(token)
