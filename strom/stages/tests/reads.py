"""The stages app's GET routes declared here for tests/test_audited_reads.py (the rest are in its table)."""

from __future__ import annotations

from tests.authz import Read

PERSONAL: dict[str, Read] = {
    # The forms show the case's reference and stage, and the request's asker; they record a read.
    "cases:decision_request": Read(),
    "cases:decision_request_decline": Read(persona="supervisor_a"),
}
NO_PERSONAL_DATA: dict[str, str] = {
    "cases:deadlines": "a work list: case references, what is due and when, like my tasks",
    "cases:deadline_feed_link": "the user's own secret link, nothing about a case",
    "cases:deadline_feed": "case references and what is due, never a name (strom/stages/ical_deadlines.py)",
    "cases:workload": "colleagues' names with counts of their cases and tasks",
    "cases:decision_requests": (
        "a work list: case references, kinds of decision, colleagues' names and dates, like my tasks"
    ),
}
