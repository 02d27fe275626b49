"""Screening GET routes declared here and whether they show personal data (tests/test_audited_reads.py)."""

from __future__ import annotations

NO_PERSONAL_DATA: dict[str, str] = {
    "screening:docs": "STROM's documentation of screening (docs/screening.md): no case, no person",
}
