"""The audit checkpoint as a worker job (registered in apps.py, run last in each round)."""

from __future__ import annotations

from strom.audit.services import audit_checkpoint
from strom.core.context import Origin, origin


def checkpoint_job() -> str:
    """Writes a signed checkpoint when one is due; a CheckpointError says why it could not."""
    with origin(Origin(channel="worker")):
        written = audit_checkpoint(only_if_due=True)
    if written is None:
        return "Audit checkpoint: not due."
    return f"Audit checkpoint of entry #{written.checkpoint.seq} written to {written.path}."
