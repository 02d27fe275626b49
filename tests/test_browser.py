"""A real browser (Debian's chromium, driven by Playwright) logs in with a password and a TOTP code.

Skipped where /usr/bin/chromium is missing; `.ci/run` installs it. The ORM is only used before the
browser starts: Playwright's sync API runs an event loop in this thread, where Django refuses queries.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django_otp.oath import totp

from tests.personas import PASSWORD, Cast, give_totp_device

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} is not installed"),
    pytest.mark.django_db(transaction=True),
]


def test_case_worker_logs_in_with_password_and_totp_code_and_sees_the_dashboard(
    live_server: Any, cast: Cast
) -> None:
    from playwright.sync_api import expect, sync_playwright

    user = cast.users["caseworker_a"]
    assert user.requires_two_factor
    device = give_totp_device(user)
    key, step, t0, digits, drift = device.bin_key, device.step, device.t0, device.digits, device.drift

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_context(locale="en-GB").new_page()
            blocked: list[str] = []
            page.on(
                "console",
                lambda message: (
                    blocked.append(message.text) if "Content Security Policy" in message.text else None
                ),
            )

            page.goto(f"{live_server.url}/accounts/login/")
            page.fill("input[name=email]", user.email)
            page.fill("input[name=password]", PASSWORD)
            page.press("input[name=password]", "Enter")

            # The password alone does not reach the dashboard: the second-factor page asks for a code.
            code_field = page.locator("input[name=otp_token]")
            expect(code_field).to_be_visible()
            expect(page.get_by_role("heading", name="Dashboard")).to_have_count(0)

            code_field.fill(str(totp(key, step, t0, digits, drift)).zfill(digits))
            page.press("input[name=otp_token]", "Enter")

            expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")
            expect(page.get_by_text("Riga Social Service")).to_be_visible()
            assert blocked == [], f"the Content-Security-Policy blocked something: {blocked}"
        finally:
            browser.close()
