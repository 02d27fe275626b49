"""Closing a case asks for a confirmation that lists what it leaves running; the decision date is
prefilled."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from strom.cases.choices import Stage
from strom.core.datefields import typed_format
from strom.stages.closing import closing_warnings
from strom.stages.tests.stage_helpers import fresh, opened_case, to_reflection

pytestmark = pytest.mark.django_db


def _close(client: Any, case: Any, **extra: str) -> Any:
    data = {"version": str(case.version), "to_stage": Stage.CLOSED, "closure_reason": "Other", **extra}
    return client.post(reverse("cases:stage_change", kwargs={"ref": case.ref}), data)


def test_a_case_with_nothing_running_closes_without_a_confirmation(cast: Any, as_persona: Any) -> None:
    case = opened_case(cast)
    assert closing_warnings(case) == []
    response = _close(as_persona("caseworker_a"), case)
    assert response.status_code == 302
    assert fresh(case).stage == Stage.CLOSED


def test_closing_during_the_reflection_period_waits_for_the_confirmation(cast: Any, as_persona: Any) -> None:
    case = to_reflection(cast, opened_case(cast))
    client = as_persona("caseworker_a")
    page = client.get(reverse("cases:stage_change", kwargs={"ref": case.ref}) + "?to=closed")
    assert "If you close this case" in page.content.decode()

    refused = _close(client, case)
    assert refused.status_code == 200
    body = refused.content.decode()
    assert "confirm that you close the case" in body
    assert date_format(case.reflection.ends_on) in body
    assert fresh(case).stage == Stage.REFLECTION

    confirmed = _close(client, case, confirm_close="on")
    assert confirmed.status_code == 302
    assert fresh(case).stage == Stage.CLOSED


def test_the_decision_date_is_today_unless_changed(cast: Any, as_persona: Any) -> None:
    case = opened_case(cast)
    url = reverse("cases:decision", kwargs={"ref": case.ref, "kind": "reasonable_grounds"})
    body = as_persona("supervisor_a").get(url).content.decode()
    assert f'value="{timezone.localdate().strftime(typed_format())}"' in body


def test_an_impossible_decision_date_is_said_and_nothing_is_recorded(cast: Any, as_persona: Any) -> None:
    case = opened_case(cast)
    url = reverse("cases:decision", kwargs={"ref": case.ref, "kind": "reasonable_grounds"})
    data = {"version": str(case.version), "outcome": "positive", "decided_at": "31.02.2026", "reason": "Seen"}
    response = as_persona("supervisor_a").post(url, data)
    body = response.content.decode()
    assert "“31.02.2026” is not a date that exists" in body
    assert 'value="31.02.2026"' in body
    assert "Seen</textarea>" in body
    assert fresh(case).stage == case.stage
