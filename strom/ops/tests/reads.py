"""Which operations routes show personal data (tests/test_audited_reads.py)."""

from __future__ import annotations

NO_PERSONAL_DATA: dict[str, str] = {
    "metrics": "counts, timings and ages for a scraper: never a name or reference (test_metrics.py)",
}
