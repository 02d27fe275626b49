"""Settings that keep a test's files out of var/: uploads and the audit log's checkpoints and signing
key go to a temporary directory (conftest.py for every test, strom/demo/tests/conftest.py for the demo
loaded once per module)."""

from __future__ import annotations

from pathlib import Path

from django.test import override_settings


def files_in(directory: Path) -> override_settings:
    return override_settings(
        STORAGES={
            "default": {
                "BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": directory / "media"},
            },
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
        STROM_AUDIT_CHECKPOINT_DIR=str(directory / "audit-checkpoints"),
        STROM_AUDIT_SIGNING_KEY="",
        STROM_AUDIT_SIGNING_KEY_FILE_PATH=str(directory / "audit-signing.key"),
    )
