# ruff: noqa: RUF001 - the visitor writes in Russian
"""The hotline in a real browser (Debian's chromium, driven by Playwright), as its issue says it is done:
an operator takes a call, logs it, screens, opens a case and refers the person to a shelter; an
anonymous visitor sends a tip from the public site in Russian, without JavaScript being needed, and
"Leave this site quickly" leaves no way back.

Skipped where /usr/bin/chromium is missing. The ORM is only used before the browser starts
(tests/browser_support.py).
"""

from __future__ import annotations

import re
from typing import Any

from django.test import override_settings

from strom.referrals.tests.factories import shelter_c
from tests.browser_support import BROWSER_TEST_MARKS, chromium, log_in, login_of, new_page
from tests.personas import Cast

pytestmark = BROWSER_TEST_MARKS


def test_an_operator_takes_a_call_and_refers_the_person_to_a_shelter(live_server: Any, cast: Cast) -> None:
    from playwright.sync_api import expect

    login = login_of(cast.users["hotline_a"])
    shelter = str(shelter_c(cast).pk)
    riga, safe_house = str(cast.riga.pk), str(cast.org_c.pk)
    base = live_server.url
    blocked: list[str] = []
    with chromium() as browser:
        page = new_page(browser, blocked)
        log_in(page, base, login)
        page.get_by_role("link", name="Hotline").first.click()
        page.get_by_role("link", name="Log a contact").click()
        for name, value in (
            ("channel", "phone"),
            ("caller_type", "possible_victim"),
            ("topic", "possible_trafficking"),
        ):
            page.locator(f"input[name={name}][value={value}]").check()
        page.locator("input[name=language]").fill("ru")
        page.locator("textarea[name=summary]").fill(
            "Farm work near Riga; the passport is kept by the employer."
        )
        page.get_by_role("button", name="Save the contact").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Contact")

        page.get_by_role("link", name="Start a screening").click()
        page.locator("a[href*='set=ilo-adult-labour']").click()
        for indicator in ("ADL-DR-01", "ADL-DR-02", "ADL-EX-01", "ADL-EX-02", "ADL-CD-01"):
            page.locator(f"#ind-{indicator}").check()
        page.get_by_role("button", name="Save the screening").click()
        expect(page.get_by_text("The screening is saved with the contact.")).to_be_visible()

        page.get_by_role("link", name="Open a case or link one").click()
        page.locator("input[name=given_name]").fill("Olga")
        page.locator("select[name=municipality]").select_option(riga)
        page.get_by_role("button", name="Open the case").click()
        expect(page.get_by_text("dated from the contact")).to_be_visible()
        ref = page.locator("main code").first.inner_text()
        contact_url = page.url

        page.goto(f"{base}/consent/{ref}/new/")
        page.locator("select[name=purpose]").select_option("disclosure")
        page.locator("select[name=recipient_organisation]").select_option(safe_house)
        page.locator("input[name=given][value=yes]").check()
        page.locator("select[name=how]").select_option("oral_witnessed")
        page.locator("main form button[type=submit]").first.click()

        page.goto(contact_url)
        page.get_by_role("link", name="Refer to a service").click()
        page.locator("select[name=service]").select_option(shelter)
        page.locator("input[name=scope][value=identity]").check()
        page.locator("input[name=scope][value=needs]").check()
        page.get_by_role("button", name="Send the referral").click()
        expect(page).to_have_url(re.compile(r"/referrals/[0-9a-f-]{36}/$"))
    assert not blocked


def test_a_visitor_sends_a_tip_in_russian_and_leaves_without_a_way_back(live_server: Any, cast: Cast) -> None:
    from playwright.sync_api import expect

    base = live_server.url
    blocked: list[str] = []
    with (
        override_settings(STROM_HOTLINE_PUBLIC=True, STROM_HOTLINE_LEAVE_URL=f"{base}/healthz"),
        chromium() as browser,
    ):
        context = browser.new_context(locale="ru-RU", java_script_enabled=False)
        page = context.new_page()
        page.goto(f"{base}/help/ru/lv/")
        page.goto(f"{base}/help/ru/lv/write/")
        page.locator("input[name=about][value=workplace]").check()
        page.locator("textarea[name=message]").fill("На ферме у рабочих забрали паспорта, живут в сарае.")
        page.locator("input[name=place_name]").fill("Ферма Зелёная долина")
        page.locator("select[name=sector]").select_option("agriculture")
        page.locator("input[name=indicators][value=documents_taken]").check()
        page.locator("main form button[type=submit]").click()
        expect(page).to_have_url(f"{base}/help/ru/lv/sent/")
        assert {c["name"] for c in context.cookies()} == {"strom_csrf"}
        context.close()

        # With JavaScript, leaving replaces the page in the history: Back goes to the page before it.
        page = new_page(browser, blocked)
        page.goto(f"{base}/help/en/lv/")
        page.goto(f"{base}/help/en/lv/write/")
        page.locator("[data-leave]").click()
        expect(page).to_have_url(f"{base}/healthz")
        page.go_back()
        expect(page).to_have_url(f"{base}/help/en/lv/")
    assert not blocked
