"""Consent: the case's members (and its case worker) see and record consent; everyone else 404."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from strom.cases.tests.factories import make_case
from strom.consent.services import consent_record
from tests.authz import Route, expect
from tests.personas import Cast

MEMBERS = ("caseworker_a", "supervisor_a")


def ref(cast: Cast) -> dict[str, Any]:
    return {"ref": make_case(cast).ref}


def given_consent(cast: Cast) -> dict[str, Any]:
    case = make_case(cast)
    record = consent_record(
        by=cast.users["caseworker_a"],
        case=case,
        purpose="services",
        given=True,
        given_at=timezone.localdate(),
        how="written",
    )
    return {"ref": case.ref, "consent_id": record.pk}


ROUTES = [
    Route("consent:overview", kwargs=ref, expect=expect(MEMBERS)),
    Route("consent:record", kwargs=ref, expect=expect(MEMBERS)),
    Route("consent:withdraw", kwargs=given_consent, expect=expect(MEMBERS)),
    Route("api:consent_list", kwargs=ref, expect=expect(MEMBERS, anonymous=401)),
    Route(
        "api:consent_record",
        method="post",
        kwargs=ref,
        json=True,
        data=lambda c: {
            "purpose": "statistics",
            "given": False,
            "given_at": str(timezone.localdate()),
            "how": "oral_witnessed",
        },
        expect=expect(MEMBERS, ok=201, anonymous=401),
    ),
    Route(
        "api:consent_withdraw",
        method="post",
        kwargs=given_consent,
        json=True,
        data=lambda c: {"reason": "Changed her mind"},
        expect=expect(MEMBERS, anonymous=401),
    ),
]
