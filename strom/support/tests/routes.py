"""Support: the case's members (and its case worker) see and edit its support parts; everyone else 404."""

from __future__ import annotations

from typing import Any

from strom.cases.tests.factories import make_case
from strom.support.tests.helpers import case_with_plan, make_service, today
from tests.authz import Route, expect
from tests.personas import Cast

MEMBERS = ("caseworker_a", "supervisor_a")


def ref(cast: Cast) -> dict[str, Any]:
    return {"ref": make_case(cast).ref}


def ref_with_plan(cast: Cast) -> dict[str, Any]:
    return {"ref": case_with_plan(cast).ref}


def service(cast: Cast) -> dict[str, Any]:
    case = make_case(cast)
    return {"ref": case.ref, "service_id": make_service(cast, case).pk}


def statutory(cast: Cast) -> dict[str, Any]:
    return {"ref": make_case(cast).ref, "service_type": "SafeAccommodation"}


def api(ok: int = 200) -> dict[str, int]:
    return expect(MEMBERS, ok=ok, anonymous=401)


ROUTES = [
    Route("support:overview", kwargs=ref, expect=expect(MEMBERS)),
    Route("support:needs_new", kwargs=ref, expect=expect(MEMBERS)),
    Route("support:plan_edit", kwargs=ref, expect=expect(MEMBERS)),
    Route("support:plan_review", kwargs=ref_with_plan, expect=expect(MEMBERS)),
    Route("support:service_new", kwargs=ref, expect=expect(MEMBERS)),
    Route("support:service_edit", kwargs=service, expect=expect(MEMBERS)),
    Route("support:service_cancel", kwargs=service, expect=expect(MEMBERS)),
    Route("support:not_needed", kwargs=statutory, expect=expect(MEMBERS)),
    Route("support:not_needed_revoke", method="post", kwargs=statutory, expect=expect(MEMBERS, ok=302)),
    Route("api:support_needs_list", kwargs=ref, expect=api()),
    Route(
        "api:support_needs_create",
        method="post",
        kwargs=ref,
        json=True,
        data=lambda c: {
            "assessed_at": str(today()),
            "needs": [{"service_type": "MedicalCare", "priority": "urgent"}],
        },
        expect=api(201),
    ),
    Route("api:support_plan_detail", kwargs=ref_with_plan, expect=api()),
    Route(
        "api:support_plan_save",
        method="put",
        kwargs=ref,
        json=True,
        data=lambda c: {"version": 0, "start_date": str(today()), "objectives": "Recovery"},
        expect=api(),
    ),
    Route(
        "api:support_plan_review",
        method="post",
        kwargs=ref_with_plan,
        json=True,
        data=lambda c: {"reviewed_at": str(today()), "summary": "On track"},
        expect=api(201),
    ),
    Route("api:support_service_list", kwargs=ref, expect=api()),
    Route(
        "api:support_service_create",
        method="post",
        kwargs=ref,
        json=True,
        data=lambda c: {"service_type": "Interpretation", "cost": "40.00"},
        expect=api(201),
    ),
    Route(
        "api:support_service_update",
        method="patch",
        kwargs=service,
        json=True,
        data=lambda c: {"status": "in_progress", "actual_start": str(today())},
        expect=api(),
    ),
]
