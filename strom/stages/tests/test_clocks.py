"""Every clock creates a task with the right due date, moves with the facts, and stops when done."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from strom.cases.choices import Stage
from strom.cases.tests.factories import make_case
from strom.stages import clocks
from strom.stages.models import CaseTask
from strom.stages.services import (
    case_close,
    permit_record,
    permit_renew,
    permit_update,
    reflection_extend,
    task_complete,
)
from strom.stages.tests.stage_helpers import fresh, opened_case, to_assistance, to_reflection
from strom.stages.tests.test_stages import rules_with_extension  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def _open(case: Any, kind: str) -> list[CaseTask]:
    return list(clocks.open_tasks(case).filter(kind=kind).order_by("due_date"))


def test_opening_a_case_starts_the_reasonable_grounds_clock(
    cast: Any, django_capture_on_commit_callbacks: Any
) -> None:
    opened = timezone.now() - dt.timedelta(days=2)
    with django_capture_on_commit_callbacks(execute=True):
        case = make_case(cast, owner=cast.caseworker_a, opened_at=opened)
    [task] = _open(case, clocks.RG_DUE)
    assert task.due_date == timezone.localdate(opened) + dt.timedelta(days=5)
    # The case worker may not record the decision: its clock goes to the one who may.
    assert task.assignee == cast.supervisor_a
    assert fresh(case).next_due_at == task.due_date


def test_reflection_starts_its_end_identification_and_review_clocks(
    cast: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        case = opened_case(cast)
    case = to_reflection(cast, case, decided_days_ago=5)
    start = TODAY() - dt.timedelta(days=5)
    assert not _open(case, clocks.RG_DUE)
    assert CaseTask.objects.get(case=case, kind=clocks.RG_DUE).done_at is not None
    assert [t.due_date for t in _open(case, clocks.REFLECTION_ENDS)] == [start + dt.timedelta(days=29)]
    assert [t.due_date for t in _open(case, clocks.IDENTIFICATION_DUE)] == [start + dt.timedelta(days=30)]
    assert [t.due_date for t in _open(case, clocks.PLAN_REVIEW)] == [start + dt.timedelta(days=30)]
    assert fresh(case).next_due_at == start + dt.timedelta(days=29)


def test_an_extension_moves_the_reflection_end_task(cast: Any, rules_with_extension: None) -> None:  # noqa: F811
    case = to_reflection(cast, opened_case(cast))
    [before] = _open(case, clocks.REFLECTION_ENDS)
    reflection_extend(by=cast.caseworker_a, case=case, days=15, reason="Recovering from surgery")
    [after] = _open(case, clocks.REFLECTION_ENDS)
    assert after.pk == before.pk
    assert after.due_date == before.due_date + dt.timedelta(days=15)


def test_identification_decision_stops_its_clock(cast: Any) -> None:
    case = to_assistance(cast, opened_case(cast))
    assert not _open(case, clocks.IDENTIFICATION_DUE)
    assert case.stage == Stage.ASSISTANCE
    assert len(_open(case, clocks.PLAN_REVIEW)) == 1


def test_completing_a_plan_review_sets_the_next_one(cast: Any) -> None:
    case = to_assistance(cast, opened_case(cast))
    [review] = _open(case, clocks.PLAN_REVIEW)
    task_complete(by=cast.caseworker_a, task=review)
    [following] = _open(case, clocks.PLAN_REVIEW)
    assert following.pk != review.pk
    assert following.due_date == TODAY() + dt.timedelta(days=30)


def test_permit_renewal_notice_follows_validity_and_renewals(cast: Any) -> None:
    case = opened_case(cast)
    until = TODAY() + dt.timedelta(days=200)
    permit = permit_record(
        by=cast.caseworker_a, case=case, basis=["personal_situation"], applied_on=TODAY(),
        decision="granted", decided_on=TODAY(), valid_from=TODAY(), valid_until=until,
    )  # fmt: skip
    [task] = _open(case, clocks.PERMIT_RENEWAL)
    assert task.due_date == until - dt.timedelta(days=30)
    permit_renew(
        by=cast.caseworker_a, permit=permit, valid_from=until, valid_until=until + dt.timedelta(days=365)
    )
    [moved] = _open(case, clocks.PERMIT_RENEWAL)
    assert moved.pk == task.pk
    assert moved.due_date == until + dt.timedelta(days=335)
    permit_update(
        by=cast.caseworker_a,
        permit=permit,
        decision="withdrawn",
        decided_on=None,
        valid_from=None,
        valid_until=None,
    )
    assert not _open(case, clocks.PERMIT_RENEWAL)


def test_a_pending_permit_has_no_renewal_clock(cast: Any) -> None:
    case = opened_case(cast)
    permit_record(by=cast.caseworker_a, case=case, basis=["cooperation"], applied_on=TODAY())
    assert not _open(case, clocks.PERMIT_RENEWAL)


def test_closing_stops_active_clocks_and_schedules_follow_up_contacts(cast: Any) -> None:
    case = to_reflection(cast, opened_case(cast))
    case_close(by=cast.caseworker_a, case=case, version=case.version, closure_reason="GoalsAchieved")
    for kind in clocks.ACTIVE_CLOCKS:
        assert not _open(case, kind), kind
    follow_ups = _open(case, clocks.FOLLOW_UP_CONTACT)
    assert [t.due_date for t in follow_ups] == [TODAY() + dt.timedelta(days=d) for d in (90, 180, 365)]
    assert follow_ups[0].title == "Follow-up contact 1 of 3"
    assert fresh(case).next_due_at == TODAY() + dt.timedelta(days=90)


def test_ending_follow_up_cancels_the_remaining_contacts(cast: Any) -> None:
    from strom.stages.services import follow_up_end, follow_up_start

    case = opened_case(cast)
    case_close(by=cast.caseworker_a, case=case, version=case.version, closure_reason="GoalsAchieved")
    case = fresh(case)
    follow_up_start(by=cast.caseworker_a, case=case, version=case.version)
    case = fresh(case)
    follow_up_end(by=cast.caseworker_a, case=case, version=case.version)
    assert not _open(case, clocks.FOLLOW_UP_CONTACT)
    assert fresh(case).next_due_at is None
