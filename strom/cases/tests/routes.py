"""Cases: who gets what. A case is seen by its organisation's case workers and supervisors (and its
case worker); hotline operators open cases but see none they do not hold; everyone else gets 404."""

from __future__ import annotations

from typing import Any

from strom.cases.tests.factories import make_case
from tests.authz import Route, expect
from tests.personas import Cast

CASE_USERS = ("caseworker_a", "supervisor_a", "caseworker_b", "supervisor_b", "hotline_a", "hotline_b")
CASE_A_MEMBERS = ("caseworker_a", "supervisor_a")


def case_ref(cast: Cast) -> dict[str, Any]:
    return {"ref": make_case(cast).ref}


def person_id(cast: Cast) -> dict[str, Any]:
    return {"person_id": make_case(cast).person_id}


ROUTES = [
    Route("cases:list", expect=expect(CASE_USERS)),
    Route("cases:open", expect=expect(CASE_USERS)),
    Route("cases:detail", kwargs=case_ref, expect=expect(CASE_A_MEMBERS)),
    Route("cases:edit", kwargs=case_ref, expect=expect(CASE_A_MEMBERS)),
    Route("cases:person", kwargs=person_id, expect=expect(CASE_A_MEMBERS)),
    Route("cases:person_edit", kwargs=person_id, expect=expect(CASE_A_MEMBERS)),
    Route("cases:document_add", kwargs=person_id, expect=expect(CASE_A_MEMBERS)),
    Route("cases:person_case_open", kwargs=person_id, expect=expect(CASE_A_MEMBERS)),
]
