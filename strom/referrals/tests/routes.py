"""Referral routes: who gets what.

The sending side is organisation A's case worker and supervisor (the case is theirs); the receiving
side is `recipient`, a case worker of org C's shelter. Nobody else reaches a referral: 404 (anonymous:
302 on pages, 401 on the API). A receiver never gets a draft, and reaches the scoped case only
through the referral's own routes.
"""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from strom.casefile import services as casefile_services
from strom.cases.tests.factories import make_case
from strom.referrals.models import Section
from strom.referrals.tests.factories import give_disclosure_consent, make_referral, shelter_c
from tests.authz import Route, everyone_logged_in, expect
from tests.personas import Cast

SENDERS = ("caseworker_a", "supervisor_a")
RECEIVER = ("recipient",)
# Everyone who works on cases or referrals has the lists.
LIST_USERS = (
    "caseworker_a",
    "supervisor_a",
    "hotline_a",
    "caseworker_b",
    "supervisor_b",
    "hotline_b",
    "recipient",
)
PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def api(allowed: tuple[str, ...], ok: int = 200) -> dict[str, int]:
    return expect(allowed, ok=ok, anonymous=401)


def sent(cast: Cast) -> dict[str, Any]:
    return {"referral_uuid": make_referral(cast).uuid}


def draft(cast: Cast) -> dict[str, Any]:
    return {"referral_uuid": make_referral(cast, state="draft").uuid}


def accepted(cast: Cast) -> dict[str, Any]:
    return {"referral_uuid": make_referral(cast, state="accepted").uuid}


def with_document(cast: Cast) -> dict[str, Any]:
    case = make_case(cast)
    document = casefile_services.document_upload(
        by=cast.users["caseworker_a"],
        case=case,
        file=SimpleUploadedFile("letter.pdf", PDF),
        title="Letter",
        kind="correspondence",
    )
    referral = make_referral(cast, case=case, scope=[Section.DOCUMENTS])
    return {"referral_uuid": referral.uuid, "document_uuid": document.uuid}


def person(cast: Cast) -> dict[str, Any]:
    return {"person_id": make_referral(cast).case.person_id}


def new_query(cast: Cast) -> dict[str, Any]:
    return {"service": shelter_c(cast).pk, "case": make_case(cast).ref}


def api_new(cast: Cast) -> dict[str, Any]:
    case = make_case(cast)
    give_disclosure_consent(cast, case)
    return {"case_ref": case.ref, "service_id": shelter_c(cast).pk, "scope": ["needs"], "send": True}


def api_draft_update(cast: Cast) -> dict[str, Any]:
    return {"version": 1, "scope": ["needs"]}


ROUTES = [
    Route("referrals:list", expect=expect(LIST_USERS)),
    Route("referrals:new", data=new_query, expect=expect(SENDERS)),
    Route("referrals:detail", kwargs=sent, expect=expect(SENDERS + RECEIVER)),
    Route("referrals:print", kwargs=sent, expect=expect(RECEIVER)),
    Route("referrals:edit", kwargs=draft, expect=expect(SENDERS)),
    # A send without the review's fingerprint shows the review step (referrals/review.html).
    Route("referrals:send", method="post", kwargs=draft, expect=expect(SENDERS)),
    Route("referrals:withdraw", kwargs=sent, expect=expect(SENDERS)),
    Route(
        "referrals:withdraw",
        method="post",
        kwargs=sent,
        data=lambda c: {"reason": ""},
        expect=expect(SENDERS, ok=302),
    ),
    Route("referrals:discard", method="post", kwargs=draft, expect=expect(SENDERS, ok=302)),
    Route("referrals:accept", method="post", kwargs=sent, expect=expect(RECEIVER, ok=302)),
    Route("referrals:decline", kwargs=sent, expect=expect(RECEIVER)),
    Route(
        "referrals:decline",
        method="post",
        kwargs=sent,
        data=lambda c: {"reason": "No place for a family."},
        expect=expect(RECEIVER, ok=302),
    ),
    Route("referrals:start", method="post", kwargs=accepted, expect=expect(RECEIVER, ok=302)),
    Route("referrals:complete", kwargs=accepted, expect=expect(RECEIVER)),
    Route(
        "referrals:complete",
        method="post",
        kwargs=accepted,
        data=lambda c: {},
        expect=expect(RECEIVER, ok=302),
    ),
    Route("referrals:document", kwargs=with_document, expect=expect(RECEIVER)),
    Route("referrals:disclosures", kwargs=person, expect=expect(SENDERS)),
    # API
    # Everyone logged in may ask; each gets only their own referrals (tests/test_scope.py).
    Route("api:referral_list", expect=everyone_logged_in(anonymous=401)),
    Route("api:referral_create", method="post", json=True, data=api_new, expect=api(SENDERS, ok=201)),
    Route("api:referral_detail", kwargs=sent, expect=api(SENDERS + RECEIVER)),
    Route(
        "api:referral_update",
        method="patch",
        kwargs=draft,
        json=True,
        data=api_draft_update,
        expect=api(SENDERS),
    ),
    Route(
        "api:referral_send", method="post", kwargs=draft, json=True, data=lambda c: {}, expect=api(SENDERS)
    ),
    Route(
        "api:referral_withdraw", method="post", kwargs=sent, json=True, data=lambda c: {}, expect=api(SENDERS)
    ),
    Route("api:referral_discard", method="delete", kwargs=draft, expect=api(SENDERS, ok=204)),
    Route("api:referral_accept", method="post", kwargs=sent, expect=api(RECEIVER)),
    Route(
        "api:referral_decline",
        method="post",
        kwargs=sent,
        json=True,
        data=lambda c: {"reason": "Full."},
        expect=api(RECEIVER),
    ),
    Route("api:referral_start", method="post", kwargs=accepted, expect=api(RECEIVER)),
    Route(
        "api:referral_complete",
        method="post",
        kwargs=accepted,
        json=True,
        data=lambda c: {},
        expect=api(RECEIVER),
    ),
    Route("api:referral_document", kwargs=with_document, expect=api(RECEIVER)),
    Route("api:referral_disclosures", kwargs=person, expect=api(SENDERS)),
]
