from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.apps import AppConfig
from django.core import checks


def check_checkpoint_signing(**kwargs: Any) -> list[checks.CheckMessage]:
    """`strom check --deploy`: production can sign audit checkpoints and write them.

    Outside production a key is made on first use, so there is nothing to check there.
    """
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    from strom.crypto.signing import signing_key

    if not settings.PRODUCTION:
        return []
    messages: list[checks.CheckMessage] = []
    try:
        signing_key()
    except ImproperlyConfigured as exc:
        messages.append(
            checks.Error(
                str(exc),
                hint="Run `strom audit signing-key --create FILE`, set STROM_AUDIT_SIGNING_KEY_FILE to it.",
                id="audit.E001",
            )
        )
    directory = Path(settings.STROM_AUDIT_CHECKPOINT_DIR)
    existing = next((p for p in (directory, *directory.parents) if p.exists()), directory)
    if not os.access(existing, os.W_OK):
        messages.append(
            checks.Error(
                f"The audit checkpoint directory {directory} cannot be written.",
                hint="Set STROM_AUDIT_CHECKPOINT_DIR to a directory the STROM user can write.",
                id="audit.E002",
            )
        )
    return messages


class AuditConfig(AppConfig):
    name = "strom.audit"
    label = "audit"

    def ready(self) -> None:
        from strom.audit.tasks import checkpoint_job
        from strom.core.registry import WorkerJob, register_worker_job

        checks.register(check_checkpoint_signing, checks.Tags.security, deploy=True)

        # Last in the round, so the checkpoint covers what the round itself recorded.
        register_worker_job(WorkerJob(name="audit checkpoint", order=1000, run=checkpoint_job))
