"""The worker's audit verification: `strom audit verify`'s checks, run by `strom worker` once every
STROM_AUDIT_VERIFY_HOURS (default 24; 0: never), with the time and the outcome kept for /metrics.

docs/operations.md asks operators to verify daily and alert on a failure; with this job the worker does
it and /metrics carries the outcome (`strom_audit_verification_ok`), so the alert is a Prometheus rule.
The outcome is a small file under var/ (ops/audit-verification.json), written atomically: the web
processes read it, the worker writes it, and no table is needed for three values. It holds a time, a
yes or no and entry counts, never an entry's contents.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from strom.audit.checkpoints import verify_checkpoints
from strom.audit.selectors import verify_chain


@dataclass(frozen=True)
class Verification:
    at: datetime
    ok: bool
    entries: int


def state_file() -> Path:
    return Path(settings.VAR_DIR) / "ops" / "audit-verification.json"


def last_verification() -> Verification | None:
    """The last recorded verification, or None when there is none (or the file is unreadable)."""
    try:
        values = json.loads(state_file().read_text(encoding="utf-8"))
        return Verification(
            at=datetime.fromisoformat(values["at"]), ok=bool(values["ok"]), entries=int(values["entries"])
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def verify_audit() -> Verification:
    """The chain and the signed checkpoints, as `strom audit verify` checks them; the outcome is saved."""
    chain = verify_chain()
    anchored = verify_checkpoints()
    result = Verification(at=timezone.now(), ok=chain.intact and anchored.intact, entries=chain.entries)
    _save(result)
    return result


def _save(result: Verification) -> None:
    path = state_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(
        {"at": result.at.astimezone(UTC).isoformat(), "ok": result.ok, "entries": result.entries}
    )
    # Written beside and renamed over: a reader never sees half a file.
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".audit-verification-")
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        out.write(text)
    os.replace(temporary, path)


def verification_job() -> str:
    """The worker's job (registered in strom/ops/apps.py): verifies when the last one is old enough."""
    hours = settings.STROM_AUDIT_VERIFY_HOURS
    if hours <= 0:
        return ""
    last = last_verification()
    if last is not None and last.at > timezone.now() - timedelta(hours=hours):
        return "Audit verification: not due."
    result = verify_audit()
    outcome = "intact" if result.ok else "FAILED (run `strom audit verify` for the findings)"
    return f"Audit verification of {result.entries} entries: {outcome}."
