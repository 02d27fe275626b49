"""Cases: who gets what. A case is seen by its organisation's case workers and supervisors (and its
case worker); hotline operators open cases but see none they do not hold; everyone else gets 404."""

from __future__ import annotations

from typing import Any

from strom.cases.tests.factories import make_case
from tests.authz import Route, expect
from tests.personas import Cast

# `recipient` is a case worker of org C: their own (empty) list, and none of org A's referred cases.
CASE_USERS = (
    "caseworker_a",
    "supervisor_a",
    "caseworker_b",
    "supervisor_b",
    "hotline_a",
    "hotline_b",
    "recipient",
)
CASE_A_MEMBERS = ("caseworker_a", "supervisor_a")


def case_ref(cast: Cast) -> dict[str, Any]:
    return {"ref": make_case(cast).ref}


def case_part(part: str) -> Any:
    def kwargs(cast: Cast) -> dict[str, Any]:
        return {"ref": make_case(cast).ref, "part": part}

    return kwargs


# The case page's tabs: the person, the timeline and every part an app registers.
CASE_PARTS = (
    "person",
    "timeline",
    "stages",
    "practices",
    "support",
    "consent",
    "referrals",
    "casefile",
    "hotline",
    "screening",
    "transnational",
)


def person_id(cast: Cast) -> dict[str, Any]:
    return {"person_id": make_case(cast).person_id}


ROUTES = [
    Route("cases:list", expect=expect(CASE_USERS)),
    Route("cases:open", expect=expect(CASE_USERS)),
    Route("cases:detail", kwargs=case_ref, expect=expect(CASE_A_MEMBERS)),
    *(Route("cases:part", kwargs=case_part(part), expect=expect(CASE_A_MEMBERS)) for part in CASE_PARTS),
    Route("cases:print", kwargs=case_ref, expect=expect(CASE_A_MEMBERS)),
    Route("cases:edit", kwargs=case_ref, expect=expect(CASE_A_MEMBERS)),
    Route("cases:person", kwargs=person_id, expect=expect(CASE_A_MEMBERS)),
    Route("cases:person_edit", kwargs=person_id, expect=expect(CASE_A_MEMBERS)),
    Route("cases:document_add", kwargs=person_id, expect=expect(CASE_A_MEMBERS)),
    Route("cases:person_case_open", kwargs=person_id, expect=expect(CASE_A_MEMBERS)),
]


def _new_case_body(cast: Cast) -> dict[str, Any]:
    return {
        "organisation_id": cast.org_a.pk,
        "municipality_id": cast.riga.pk,
        "person": {"prs_FirstName": "Route", "prs_SecondName": "Check"},
    }


ROUTES += [
    # API: anonymous 401 (problem+json), missing and forbidden 404.
    Route("api:case_list", expect=expect(CASE_USERS, anonymous=401)),
    Route(
        "api:case_create",
        method="post",
        json=True,
        data=_new_case_body,
        # Case users of other organisations (hotlines too) open cases, but not for organisation A: a
        # refusal, answered as an unknown organisation is (404).
        expect=expect(("caseworker_a", "supervisor_a"), ok=201, anonymous=401),
    ),
    Route("api:case_detail", kwargs=case_ref, expect=expect(CASE_A_MEMBERS, anonymous=401)),
    Route(
        "api:case_update",
        method="patch",
        json=True,
        kwargs=case_ref,
        data=lambda c: {"version": 1, "vic_TypeOfExploitation": ["ForcedLabour"]},
        expect=expect(CASE_A_MEMBERS, anonymous=401),
    ),
    Route("api:person_detail", kwargs=person_id, expect=expect(CASE_A_MEMBERS, anonymous=401)),
    Route(
        "api:person_update",
        method="patch",
        json=True,
        kwargs=person_id,
        data=lambda c: {"version": 1, "contact": "+371 2000 0001"},
        expect=expect(CASE_A_MEMBERS, anonymous=401),
    ),
    Route(
        "api:person_document_add",
        method="post",
        json=True,
        kwargs=person_id,
        data=lambda c: {"doc_type": "Passport", "number": "RT 1"},
        expect=expect(CASE_A_MEMBERS, ok=201, anonymous=401),
    ),
]

# Legal hold: supervisors of the case's organisation only.
ROUTES += [
    Route("cases:legal_hold", kwargs=case_ref, expect=expect(["supervisor_a"])),
    Route(
        "cases:legal_hold",
        method="post",
        kwargs=case_ref,
        data=lambda c: {"hold": "on", "reason": "Court order pending"},
        expect=expect(["supervisor_a"], ok=302),
    ),
    Route(
        "api:case_legal_hold",
        method="put",
        json=True,
        kwargs=case_ref,
        data=lambda c: {"hold": True, "reason": "Court order pending"},
        expect=expect(["supervisor_a"], anonymous=401),
    ),
]


def _saved_filter(cast: Cast) -> dict[str, Any]:
    from strom.cases.models import SavedCaseFilter

    saved = SavedCaseFilter.objects.create(
        user=cast.users["caseworker_a"], name="Mine", query="stage=screening"
    )
    return {"saved_id": saved.pk}


# The case list's file and saved filters: whoever has the list; a saved filter is its owner's alone.
ROUTES += [
    Route("cases:list_export", kwargs=lambda c: {"fmt": "csv"}, expect=expect(CASE_USERS)),
    Route("cases:list_export", kwargs=lambda c: {"fmt": "xlsx"}, expect=expect(CASE_USERS)),
    Route(
        "cases:filter_save",
        method="post",
        data=lambda c: {"name": "Reflection", "stage": "reflection"},
        expect=expect(CASE_USERS, ok=302),
    ),
    Route(
        "cases:filter_delete", method="post", kwargs=_saved_filter, expect=expect(["caseworker_a"], ok=302)
    ),
]
