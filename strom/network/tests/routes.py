"""Network directory: every member sees it; organisation admins keep their own entries; the providing
organisation's case workers and supervisors update free places; coordinators see freshness."""

from __future__ import annotations

from typing import Any

from strom.network.tests.factories import service_a
from tests.authz import ROLE_PERSONAS, Route, expect
from tests.personas import Cast

MEMBERS = ROLE_PERSONAS
ORG_A_EDITORS = ["orgadmin_a", "sysadmin"]
SERVICE_CREATORS = ["orgadmin_a", "orgadmin_b", "sysadmin"]
CAPACITY_A = ["orgadmin_a", "sysadmin", "caseworker_a", "supervisor_a"]
COORDINATORS = ["coordinator_a", "coordinator_b", "sysadmin"]


def _service(cast: Cast) -> dict[str, Any]:
    return {"service_id": service_a(cast).pk}


def _form(cast: Cast) -> dict[str, Any]:
    return {
        "organisation": cast.org_a.pk,
        "service_type": "SafeAccommodation",
        "name": "Riga night shelter",
        "countries": "LV",
        "languages": "lv, ru",
        "hours": "Mon 09:00-17:00",
        "capacity": "8",
        "for_adults": "on",
        "for_women": "on",
        "is_active": "on",
    }


def _api_new(cast: Cast) -> dict[str, Any]:
    return {"organisation_id": cast.org_a.pk, "service_type": "LegalAid", "name": "Riga legal aid"}


ROUTES = [
    Route("network:list", expect=expect(MEMBERS)),
    Route("network:export", expect=expect(MEMBERS)),
    Route("network:detail", kwargs=_service, expect=expect(MEMBERS)),
    Route("network:create", expect=expect(SERVICE_CREATORS)),
    Route(
        "network:create",
        method="post",
        data=_form,
        # org_b's admin may not pick org_a: the form answers 200 with the error.
        expect=expect(ORG_A_EDITORS, ok=302, overrides={"orgadmin_b": 200}),
    ),
    Route("network:edit", kwargs=_service, expect=expect(ORG_A_EDITORS)),
    Route("network:edit", method="post", kwargs=_service, data=_form, expect=expect(ORG_A_EDITORS, ok=302)),
    Route(
        "network:capacity",
        method="post",
        kwargs=_service,
        data=lambda c: {"free_places": "2"},
        expect=expect(CAPACITY_A, ok=302),
    ),
    Route("network:freshness", expect=expect(COORDINATORS)),
    Route("api:network_service_list", expect=expect(MEMBERS, anonymous=401)),
    Route("api:network_service_detail", kwargs=_service, expect=expect(MEMBERS, anonymous=401)),
    Route(
        "api:network_service_create",
        method="post",
        json=True,
        data=_api_new,
        expect=expect(ORG_A_EDITORS, ok=201, anonymous=401),
    ),
    Route(
        "api:network_service_update",
        method="patch",
        json=True,
        kwargs=_service,
        data=lambda c: {"free_places": 1, "languages": ["lv"]},
        expect=expect(ORG_A_EDITORS, anonymous=401),
    ),
    Route(
        "api:network_service_capacity",
        method="post",
        json=True,
        kwargs=_service,
        data=lambda c: {"free_places": 1},
        expect=expect(CAPACITY_A, anonymous=401),
    ),
]
