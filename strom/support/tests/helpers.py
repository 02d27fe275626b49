"""Support objects for tests, made through the services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from strom.cases.models import Case
from strom.cases.tests.factories import make_case
from strom.support.models import Service, SupportPlan
from strom.support.services import service_plan, support_plan_save
from tests.personas import Cast


def today() -> dt.date:
    return timezone.localdate()


def make_plan(cast: Cast, case: Case, **fields: Any) -> SupportPlan:
    data: dict[str, Any] = {
        "start_date": today(),
        "objectives": "Safety and recovery",
        "action_plan": "Shelter",
    }
    data.update(fields)
    return support_plan_save(by=cast.users["caseworker_a"], case=case, version=0, **data)


def make_service(cast: Cast, case: Case, **fields: Any) -> Service:
    data: dict[str, Any] = {"service_type": "SafeAccommodation"}
    data.update(fields)
    return service_plan(by=cast.users["caseworker_a"], case=case, **data)


def case_with_plan(cast: Cast) -> Case:
    case = make_case(cast)
    make_plan(cast, case)
    return case
