"""The case page in a real browser on a phone (375 px): the overview, every tab opened through htmx and
the printed case file fit the screen without sideways scrolling, and each tab keeps its own address."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from strom.cases.tests.pages import case_parts
from tests.browser_support import BROWSER_TEST_MARKS, SIDEWAYS, chromium, phone_page, session_of
from tests.personas import Cast
from tests.test_case_page_visibility import _seed

pytestmark = BROWSER_TEST_MARKS


def test_the_case_page_fits_a_phone_and_its_tabs_load_in_place(cast: Cast, live_server: Any) -> None:
    from playwright.sync_api import expect

    worker = cast.users["caseworker_a"]
    case = _seed(cast, cast.org_a, worker)
    overview = reverse("cases:detail", kwargs={"ref": case.ref})
    tabs = {part: reverse("cases:part", kwargs={"ref": case.ref, "part": part}) for part in case_parts()}
    # Signed in as the Django test client is (the login form has its own browser test): the browser
    # gets that session's cookie.
    session = session_of(worker)

    with chromium() as browser:
        blocked: list[str] = []
        page = phone_page(browser, live_server.url, session, blocked)
        page.goto(live_server.url + overview)
        expect(page.get_by_role("heading", name="What you can do now")).to_be_visible()
        assert page.evaluate(SIDEWAYS) == 0, "the overview scrolls sideways"
        nav = page.get_by_role("navigation", name="Parts of this case")
        for part, url in tabs.items():
            nav.locator(f'a[href="{url}"]').click()
            expect(page).to_have_url(live_server.url + url)
            expect(nav.locator(f'a[href="{url}"]')).to_have_attribute("aria-current", "page")
            expect(page.locator("#case-panel")).to_be_focused()
            assert page.evaluate(SIDEWAYS) == 0, f"the {part} tab scrolls sideways"
        page.go_back()
        expect(page).to_have_url(live_server.url + tabs[case_parts()[-2]])
        page.goto(live_server.url + reverse("cases:print", kwargs={"ref": case.ref}))
        expect(page.get_by_role("heading", level=1)).to_have_text(f"Case file {case.ref}")
        assert page.evaluate(SIDEWAYS) == 0, "the printed case file scrolls sideways"
        assert blocked == []
