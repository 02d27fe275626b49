"""Closing a case lists what it leaves running: the stages' own reflection period and what the other
apps register (strom/core/registry.py), here services being delivered and live referrals."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from strom.referrals.tests.factories import make_referral
from strom.stages.closing import closing_warnings
from strom.stages.tests.stage_helpers import fresh, opened_case, to_reflection
from strom.support.choices import ServiceStatus, ServiceType
from strom.support.services import service_plan

pytestmark = pytest.mark.django_db


def test_the_warnings_name_the_reflection_period_running_services_and_live_referrals(cast: Any) -> None:
    case = to_reflection(cast, opened_case(cast))
    service_plan(
        by=cast.caseworker_a,
        case=case,
        service_type=ServiceType.values[0],
        status=ServiceStatus.IN_PROGRESS,
        actual_start=timezone.localdate(),
    )
    make_referral(cast, case=fresh(case))
    text = " ".join(closing_warnings(fresh(case)))
    assert "reflection and recovery period runs until" in text
    assert "1 service is still being delivered" in text
    assert "1 referral of this case is still under way" in text
