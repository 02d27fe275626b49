"""Which GET routes of the case page show personal data (tests/test_audited_reads.py)."""

from __future__ import annotations

from strom.cases.tests.factories import make_case
from tests.authz import Read

# Each tab of the case page and the printed case file show the case's and the person's data.
PERSONAL: dict[str, Read] = {
    "cases:part": Read(),
    "cases:print": Read(),
    # The case list as a file holds the same rows as the page.
    "cases:list_export": Read(setup=make_case),
}
