"""Helpers for the stage, clock and task tests: move a case along the chain through the services."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from strom.cases.choices import Stage
from strom.cases.models import Case
from strom.cases.tests.factories import make_case
from strom.stages.services import decision_record, stage_change

if TYPE_CHECKING:
    from tests.personas import Cast


def opened_case(cast: Cast, org: str = "a", *, days_ago: int = 10, **fields: Any) -> Case:
    # The start of the local day `days_ago` days back: its local date is that day at any hour of the
    # run (now minus whole days can land on the next local date across a change of summer time).
    day = timezone.localdate() - dt.timedelta(days=days_ago)
    opened = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    owner = cast.users[f"caseworker_{org}"]
    return make_case(cast, org, owner=owner, opened_at=opened, **fields)


def fresh(case: Case) -> Case:
    return Case.objects.select_related("organisation", "owner").get(pk=case.pk)


def to_reflection(cast: Cast, case: Case, org: str = "a", *, decided_days_ago: int = 5) -> Case:
    decided = timezone.localdate() - dt.timedelta(days=decided_days_ago)
    decision_record(
        by=cast.users[f"supervisor_{org}"],
        case=case,
        kind="reasonable_grounds",
        outcome="positive",
        decided_at=decided,
        version=case.version,
        start_reflection=True,
    )
    case = fresh(case)
    assert case.stage == Stage.REFLECTION
    return case


def to_assistance(cast: Cast, case: Case, org: str = "a") -> Case:
    case = to_reflection(cast, case, org)
    decision_record(
        by=cast.users[f"supervisor_{org}"],
        case=case,
        kind="formal_identification",
        outcome="positive",
        decided_at=timezone.localdate(),
        version=case.version,
        decided_by_org_type="Police",
    )
    case = fresh(case)
    stage_change(
        by=cast.users[f"caseworker_{org}"], case=case, to_stage=Stage.ASSISTANCE, version=case.version
    )
    return fresh(case)
