"""Manual tasks, assignment to people who can see the case, next_due_at, and the overdue views."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from strom.core.errors import NotAllowed
from strom.stages.models import CaseTask
from strom.stages.services import task_assign, task_cancel, task_complete, task_create, task_reopen
from strom.stages.tests.stage_helpers import fresh, opened_case

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def _task(cast: Any, case: Any, days: int = 3, **kw: Any) -> CaseTask:
    by = cast.caseworker_a if case.organisation_id == cast.org_a.pk else cast.caseworker_b
    return task_create(
        by=by, case=case, title_key="contact_person", due_date=TODAY() + dt.timedelta(days=days), **kw
    )


def test_manual_task_lifecycle_keeps_next_due(cast: Any) -> None:
    case = opened_case(cast)
    late = _task(cast, case, days=9)
    early = _task(cast, case, days=2)
    assert early.assignee == cast.caseworker_a
    assert fresh(case).next_due_at == early.due_date
    task_complete(by=cast.caseworker_a, task=early)
    assert fresh(case).next_due_at == late.due_date
    task_reopen(by=cast.caseworker_a, task=early)
    assert fresh(case).next_due_at == early.due_date
    task_cancel(by=cast.caseworker_a, task=early)
    task_cancel(by=cast.caseworker_a, task=late)
    assert fresh(case).next_due_at is None
    with pytest.raises(ValidationError):
        task_complete(by=cast.caseworker_a, task=late)


def test_manual_tasks_have_no_free_text_and_no_past_due_date(cast: Any) -> None:
    case = opened_case(cast)
    with pytest.raises(ValidationError) as exc:
        task_create(by=cast.caseworker_a, case=case, title_key="Call Marija at home", due_date=TODAY())
    assert "title_key" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        task_create(
            by=cast.caseworker_a,
            case=case,
            title_key="contact_person",
            due_date=TODAY() - dt.timedelta(days=1),
        )
    assert "in the past" in exc.value.message_dict["due_date"][0]


@pytest.mark.parametrize("persona", ["caseworker_b", "hotline_a", "orgadmin_a", "analyst_a", "outsider"])
def test_tasks_are_only_assigned_to_people_who_see_the_case(cast: Any, persona: str) -> None:
    case = opened_case(cast)
    task = _task(cast, case)
    with pytest.raises(ValidationError) as exc:
        task_assign(by=cast.caseworker_a, task=task, assignee=cast.users[persona])
    assert "can see the case" in exc.value.message_dict["assignee"][0]
    with pytest.raises(ValidationError):
        _task(cast, case, assignee=cast.users[persona])
    task_assign(by=cast.caseworker_a, task=task, assignee=cast.supervisor_a)
    task.refresh_from_db()
    assert task.assignee == cast.supervisor_a


def test_people_outside_the_case_cannot_create_tasks_on_it(cast: Any) -> None:
    case = opened_case(cast)
    with pytest.raises(NotAllowed):
        task_create(by=cast.caseworker_b, case=case, title_key="contact_person", due_date=TODAY())


def test_clock_tasks_cannot_be_cancelled(cast: Any) -> None:
    from strom.audit.actors import CLOCKS
    from strom.stages import clocks, country_rules
    from strom.stages.services import clock_start

    case = opened_case(cast)
    rules = country_rules.rules_for(case.country)
    task = clock_start(by=CLOCKS, case=case, kind=clocks.RG_DUE, due=TODAY(), rules=rules)
    with pytest.raises(ValidationError):
        task_cancel(by=cast.caseworker_a, task=task)


def test_task_actions_are_audited(cast: Any) -> None:
    from strom.audit.models import AuditEntry

    case = opened_case(cast)
    task = _task(cast, case)
    task_complete(by=cast.caseworker_a, task=task)
    actions = set(AuditEntry.objects.filter(object_ref=case.ref).values_list("action", flat=True))
    assert {"task.create", "task.complete"} <= actions


# --- overdue views -----------------------------------------------------------------------------------


def _make_overdue(cast: Any, case: Any, days_ago: int, assignee: Any = None) -> CaseTask:
    task = _task(cast, case, days=0, assignee=assignee)
    CaseTask.objects.filter(pk=task.pk).update(due_date=TODAY() - dt.timedelta(days=days_ago))
    return task


def test_my_tasks_lists_overdue_first_then_due_soon_only_mine(
    cast: Any, as_persona: Any, django_assert_max_num_queries: Any
) -> None:
    for _ in range(3):
        case = opened_case(cast)
        _make_overdue(cast, case, 4)
        _task(cast, case, days=2)
        _task(cast, case, days=30)  # beyond the week: not listed
    other = opened_case(cast)
    _make_overdue(cast, other, 1, assignee=cast.supervisor_a)
    client = as_persona("caseworker_a")
    url = reverse("cases:overdue")
    client.get(url)
    with django_assert_max_num_queries(12):
        response = client.get(url)
    assert response.status_code == 200
    assert len(response.context["overdue"]) == 3
    assert len(response.context["due_soon"]) == 3
    assert all(t.assignee_id == cast.caseworker_a.pk for t in response.context["overdue"])


def test_my_tasks_hides_tasks_on_cases_i_no_longer_see(cast: Any, as_persona: Any) -> None:
    case = opened_case(cast)
    task = _make_overdue(cast, case, 2)
    # Reassigned to someone who then left the organisation: the task stays theirs but the case is gone.
    CaseTask.objects.filter(pk=task.pk).update(assignee=cast.caseworker_b)
    response = as_persona("caseworker_b").get(reverse("cases:overdue"))
    assert response.context["overdue"] == []


def test_supervisor_sees_the_organisations_overdue_tasks_grouped_by_assignee(
    cast: Any, as_persona: Any, django_assert_max_num_queries: Any
) -> None:
    for _ in range(3):
        case = opened_case(cast)
        _make_overdue(cast, case, 3)
        _make_overdue(cast, case, 1, assignee=cast.supervisor_a)
        _task(cast, case, days=1)  # not overdue
    _make_overdue(cast, opened_case(cast, "b"), 3)  # other organisation
    client = as_persona("supervisor_a")
    url = reverse("cases:overdue_org", kwargs={"organisation_id": cast.org_a.pk})
    client.get(url)
    with django_assert_max_num_queries(12):
        response = client.get(url)
    assert response.status_code == 200
    assert response.context["count"] == 6
    assert [len(g["tasks"]) for g in response.context["groups"]] == [3, 3]
    assert (
        as_persona("supervisor_a")
        .get(reverse("cases:overdue_org", kwargs={"organisation_id": cast.org_b.pk}))
        .status_code
        == 404
    )


def test_task_buttons_swap_the_tasks_section_with_htmx(cast: Any, as_persona: Any) -> None:
    case = opened_case(cast)
    task = _task(cast, case)
    url = reverse("cases:task_action", kwargs={"ref": case.ref, "task_id": task.pk, "action": "complete"})
    response = as_persona("caseworker_a").post(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert b'id="case-tasks"' in response.content
    assert b"<html" not in response.content
    task.refresh_from_db()
    assert task.done_at is not None


def test_stage_page_shows_the_panel_and_audits_the_read(cast: Any, as_persona: Any) -> None:
    from strom.audit.models import AuditEntry

    case = opened_case(cast)
    response = as_persona("supervisor_a").get(reverse("cases:stages", kwargs={"ref": case.ref}))
    assert response.status_code == 200
    assert b"Record the reasonable-grounds decision" in response.content
    assert AuditEntry.objects.filter(action="case.view", object_ref=case.ref).exists()
