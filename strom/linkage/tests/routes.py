"""Authorisation expectations for the record linkage routes (tests/test_authorisation.py).

Reviewers are those who see an organisation's cases and personal data: the case workers and
supervisors of A and B, and the recipient's case worker (organisation C). A pair of two records of
organisation A is shown, merged and dismissed only by A's case worker and supervisor; everyone else
gets 404, as for a case they may not see. Each call makes a fresh pair or merge, so that the first
persona's decision does not change what the next one meets.
"""

from __future__ import annotations

from typing import Any

from strom.linkage.tests.factories import make_merge, make_pair
from tests.authz import Route, expect
from tests.personas import Cast

REVIEWERS = ["caseworker_a", "supervisor_a", "caseworker_b", "supervisor_b", "recipient"]
ORG_A = ["caseworker_a", "supervisor_a"]


def _pair(cast: Cast) -> dict[str, Any]:
    return {"pair_id": make_pair(cast).pk}


def _merge(cast: Cast) -> dict[str, Any]:
    return {"merge_id": make_merge(cast).pk}


ROUTES = [
    Route("linkage:list", expect=expect(REVIEWERS)),
    Route("linkage:find", method="post", expect=expect(REVIEWERS, ok=302)),
    Route("linkage:pair", kwargs=_pair, expect=expect(ORG_A)),
    Route(
        "linkage:merge",
        method="post",
        kwargs=_pair,
        data=lambda cast: {"keep": "a"},
        expect=expect(ORG_A, ok=302),
    ),
    Route("linkage:dismiss", method="post", kwargs=_pair, expect=expect(ORG_A, ok=302)),
    Route("linkage:undo", method="post", kwargs=_merge, expect=expect(ORG_A, ok=302)),
    Route("api:linkage_pairs", expect=expect(REVIEWERS, anonymous=401)),
]
