"""The calendar of deadlines (visible cases only, month and week, mine), the worker's iCalendar feed
(secret, revocable, no names in it) and the supervisors' workload view."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from strom.audit.models import AuditEntry
from strom.cases.models import Case
from strom.cases.tests.factories import make_case
from strom.stages.models import CaseTask, DeadlineFeed
from strom.stages.selectors_calendar import workload
from strom.stages.services import task_create
from strom.stages.services_calendar import deadline_feed_create
from tests.personas import Cast

pytestmark = pytest.mark.django_db


def _case_with_task(cast: Cast, org: str = "a", days: int = 3, **person: Any) -> tuple[Case, CaseTask]:
    owner = cast.users["caseworker_a" if org == "a" else "caseworker_b"]
    case = make_case(cast, org, owner=owner, **person)
    task = task_create(
        by=owner,
        case=case,
        title_key="contact_person",
        due_date=timezone.localdate() + dt.timedelta(days=days),
    )
    return case, task


def test_the_calendar_shows_deadlines_of_visible_cases_only(cast: Cast, as_persona: Any) -> None:
    mine, _task = _case_with_task(cast, given_name="Anna", family_name="Ozola")
    theirs, _other = _case_with_task(cast, "b")
    today = timezone.localdate() + dt.timedelta(days=3)
    html = (
        as_persona("caseworker_a")
        .get(reverse("cases:deadlines"), {"view": "week", "date": today.isoformat()})
        .content.decode()
    )
    assert mine.ref in html
    assert "Contact the person" in html
    assert theirs.ref not in html
    assert "Ozola" not in html  # references and what is due, not names
    assert html.count('class="calendar-day') == 7


def test_month_view_lists_only_days_with_something_due_and_mine_filters(cast: Cast, as_persona: Any) -> None:
    case, task = _case_with_task(cast)
    client = as_persona("supervisor_a")
    params = {"date": task.due_date.isoformat()}
    response = client.get(reverse("cases:deadlines"), params)
    assert [d.date for d in response.context["days"]] == [task.due_date]
    assert case.ref in response.content.decode()
    # The supervisor neither holds the case nor has the task.
    response = client.get(reverse("cases:deadlines"), {**params, "mine": "1"})
    assert response.context["days"] == []


def test_a_bad_date_is_said_in_words(cast: Cast, as_persona: Any) -> None:
    response = as_persona("caseworker_a").get(reverse("cases:deadlines"), {"date": "2026-13-45"})
    assert response.status_code == 200
    assert "“2026-13-45” is not a date: the calendar shows today." in response.content.decode()


def test_the_feed_holds_refs_and_what_is_due_but_no_names(cast: Cast, client: Any) -> None:
    case, task = _case_with_task(cast, given_name="Jūlija", family_name="Ivanova")
    token = deadline_feed_create(by=cast.users["caseworker_a"])
    response = client.get(reverse("cases:deadline_feed", args=[token]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    body = response.content.decode()
    events = [c for c in Calendar.from_ical(response.content).walk("VEVENT")]
    assert [str(e["summary"]) for e in events] == [f"{case.ref}: Contact the person"]
    assert events[0].decoded("dtstart") == task.due_date
    for name in ("Jūlija", "Ivanova", "Caseworker A", "caseworker_a@", "Riga Social Service", "Rīga"):
        assert name not in body


def test_the_feed_link_is_secret_replaceable_and_revocable(cast: Cast, as_persona: Any, client: Any) -> None:
    _case_with_task(cast)
    worker = as_persona("caseworker_a")
    response = worker.post(reverse("cases:deadline_feed_link"))
    url = response.context["feed_url"]
    token = url.rsplit("/", 1)[1].removesuffix(".ics")
    assert DeadlineFeed.objects.get(user=cast.users["caseworker_a"]).token_hash != token  # only a hash
    assert client.get(reverse("cases:deadline_feed", args=[token])).status_code == 200
    # A new link: the old one stops working.
    new_url = worker.post(reverse("cases:deadline_feed_link")).context["feed_url"]
    new_token = new_url.rsplit("/", 1)[1].removesuffix(".ics")
    assert client.get(reverse("cases:deadline_feed", args=[token])).status_code == 404
    worker.post(reverse("cases:deadline_feed_link"), {"revoke": "1"})
    assert client.get(reverse("cases:deadline_feed", args=[new_token])).status_code == 404
    assert not DeadlineFeed.objects.exists()
    actions = set(
        AuditEntry.objects.filter(action__startswith="case.deadline_feed").values_list("action", flat=True)
    )
    assert actions == {"case.deadline_feed_create", "case.deadline_feed_revoke"}


def test_the_feed_of_someone_who_left_answers_404(cast: Cast, client: Any) -> None:
    user = cast.users["caseworker_a"]
    token = deadline_feed_create(by=user)
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert client.get(reverse("cases:deadline_feed", args=[token])).status_code == 404


def test_the_workload_counts_per_worker(cast: Cast, as_persona: Any) -> None:
    case, _soon = _case_with_task(cast, days=0)
    task_create(
        by=cast.users["caseworker_a"],
        case=case,
        title_key="review_case",
        due_date=timezone.localdate() + dt.timedelta(days=20),
    )
    overdue = task_create(
        by=cast.users["caseworker_a"], case=case, title_key="check_safety", due_date=timezone.localdate()
    )
    CaseTask.objects.filter(pk=overdue.pk).update(due_date=timezone.localdate() - dt.timedelta(days=2))
    _case_with_task(cast, "b")
    [org] = workload(cast.users["supervisor_a"])
    assert org.organisation == cast.org_a
    loads = {load.worker.pk: load for load in org.workers}
    mine = loads[cast.users["caseworker_a"].pk]
    open_tasks = CaseTask.objects.filter(assignee=cast.users["caseworker_a"], done_at__isnull=True).count()
    assert (mine.open_cases, mine.open_tasks, mine.overdue) == (1, open_tasks, 1)
    assert mine.due_this_week >= 1
    assert cast.users["caseworker_b"].pk not in loads
    html = as_persona("supervisor_a").get(reverse("cases:workload")).content.decode()
    assert "Caseworker A" in html
    assert as_persona("caseworker_a").get(reverse("cases:workload")).status_code == 404
