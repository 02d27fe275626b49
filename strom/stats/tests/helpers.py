"""Cases with everything the statistics read, made through the write services (synthetic people)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from strom.casefile.services import event_record, perpetrator_add
from strom.cases.models import Case
from strom.cases.tests.factories import make_case
from strom.stages.services import decision_record
from strom.support.services import service_plan
from tests.personas import Cast


def full_case(
    cast: Cast,
    *,
    gender: str = "Feminine",
    citizenships: list[str] | None = None,
    forms: list[str] | None = None,
    means: list[str] | None = None,
    industry: str = "",
    exploited_in: str = "LV",
    recruiter: str = "",
    service: str = "",
    rg_after_days: int | None = None,
    **person: Any,
) -> Case:
    opened = timezone.now() - dt.timedelta(days=60)
    case = make_case(
        cast,
        gender=gender,
        citizenships=citizenships if citizenships is not None else ["LV"],
        forms_of_exploitation=forms or [],
        opened_at=opened,
        **person,
    )
    worker = cast.users["caseworker_a"]
    if means or industry or exploited_in:
        event_record(
            by=worker,
            case=case,
            event_type="Exploitation",
            country=exploited_in,
            means_of_control=means or [],
            industry=industry,
            forms_of_exploitation=[],
        )
    if recruiter:
        perpetrator_add(by=worker, case=case, roles=["RecruiterOrIntermediary"], relationship=recruiter)
    if service:
        service_plan(by=worker, case=case, service_type=service, status="delivered")
    if rg_after_days is not None:
        case.refresh_from_db()
        decision_record(
            by=cast.users["supervisor_a"],
            case=case,
            kind="reasonable_grounds",
            outcome="positive",
            decided_at=timezone.localdate(opened) + dt.timedelta(days=rg_after_days),
            version=case.version,
        )
    case.refresh_from_db()
    return case
