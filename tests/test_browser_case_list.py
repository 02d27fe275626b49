"""The case list, the deadlines and the workload in a real browser on a phone (375 px): no sideways
scrolling, rows as cards with their column names, sorting by a header keeps the filters."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils import timezone

from strom.cases.tests.factories import make_case
from strom.stages.services import task_create
from tests.browser_support import BROWSER_TEST_MARKS, SIDEWAYS, chromium, phone_page, session_of
from tests.personas import Cast

pytestmark = BROWSER_TEST_MARKS


def test_the_case_list_deadlines_and_workload_fit_a_phone(cast: Cast, live_server: Any) -> None:
    from playwright.sync_api import expect

    worker, supervisor = cast.users["caseworker_a"], cast.users["supervisor_a"]
    for i in range(3):
        case = make_case(
            cast, owner=worker, given_name="Aleksandra-Konstancija", family_name=f"Vītoliņa-Ozoliņa{i}"
        )
        task_create(
            by=worker,
            case=case,
            title_key="arrange_interpreter",
            due_date=timezone.localdate() + dt.timedelta(i),
        )
    session = session_of(supervisor)

    with chromium() as browser:
        blocked: list[str] = []
        page = phone_page(browser, live_server.url, session, blocked)
        page.goto(live_server.url + reverse("cases:list") + "?stage=screening")
        assert page.evaluate(SIDEWAYS) == 0, "the case list scrolls sideways"
        # A row is a card: the column's name shows above the value.
        label = page.locator(".case-table td[data-label='Stage']").first
        assert "Stage" in label.evaluate("cell => getComputedStyle(cell, '::before').content")
        page.get_by_role("navigation", name="Sort the cases").get_by_role("link", name="Reference").click()
        expect(page).to_have_url(live_server.url + reverse("cases:list") + "?stage=screening&sort=ref")
        expect(page.locator("th[aria-sort='ascending']")).to_have_count(1)
        assert page.evaluate(SIDEWAYS) == 0, "the sorted case list scrolls sideways"
        for name in ("cases:deadlines", "cases:workload"):
            page.goto(live_server.url + reverse(name) + ("?view=week" if name == "cases:deadlines" else ""))
            expect(page.get_by_role("heading", level=1)).to_be_visible()
            assert page.evaluate(SIDEWAYS) == 0, f"{name} scrolls sideways"
        assert blocked == []
