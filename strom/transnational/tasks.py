"""The outbox, drained by `strom worker` each round (registered in apps.py)."""

from __future__ import annotations

from strom.transnational.services_messages import outbox_deliver


def outbox_job() -> str:
    delivered, failed = outbox_deliver()
    return f"transnational messages: {delivered} delivered, {failed} to retry"
