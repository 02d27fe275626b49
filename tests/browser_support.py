"""What the real-browser tests share: Debian's chromium and its flags, the marks every such test carries,
and a persona's login with a password and a TOTP code.

The ORM is only used before the browser starts: Playwright's sync API runs an event loop in this
thread, where Django refuses queries. So `login_of` reads the persona's TOTP device first, and
`log_in` only uses what it read.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from django_otp.oath import totp

from strom.accounts.models import User
from tests.personas import PASSWORD, give_totp_device

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

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

# The marks of a module of browser tests: selected by `-m browser`, skipped without chromium, and a
# database the live server's thread sees (committed, emptied after each test).
BROWSER_TEST_MARKS = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} is not installed"),
    pytest.mark.django_db(transaction=True),
]


@contextmanager
def chromium() -> Iterator[Browser]:
    """A headless chromium, closed however the test ends."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


@dataclass(frozen=True)
class Login:
    """What the browser needs to log a persona in, read from the database before the browser starts."""

    email: str
    key: bytes
    step: int
    t0: int
    digits: int
    drift: int


def login_of(user: User) -> Login:
    device = give_totp_device(user)
    return Login(user.email, device.bin_key, device.step, device.t0, device.digits, device.drift)


def log_in(page: Page, base_url: str, login: Login) -> None:
    """The login form, then the second-factor form, ending on the dashboard."""
    from playwright.sync_api import expect

    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("E-mail address").fill(login.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    code = str(totp(login.key, login.step, login.t0, login.digits, login.drift)).zfill(login.digits)
    page.get_by_label("Code").fill(code)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")


def record_csp_blocks(page: Page, blocked: list[str]) -> None:
    """Collect what the Content-Security-Policy blocked on `page`; a test asserts the list stays empty."""
    page.on(
        "console",
        lambda message: blocked.append(message.text) if "Content Security Policy" in message.text else None,
    )


def new_page(browser: Browser, blocked: list[str]) -> Page:
    """A page in a fresh context (its own cookies: one person), in British English, CSP blocks recorded."""
    page = browser.new_context(locale="en-GB").new_page()
    record_csp_blocks(page, blocked)
    return page


# The page's width beyond the window's: 0 when nothing scrolls sideways.
SIDEWAYS = "document.documentElement.scrollWidth - document.documentElement.clientWidth"


def session_of(user: User) -> str:
    """The session cookie of `user` signed in as the Django test client is (the login form has a
    browser test of its own); read before the browser starts."""
    from django.conf import settings

    from conftest import login_client

    return login_client(user).cookies[settings.SESSION_COOKIE_NAME].value


def phone_page(browser: Browser, base_url: str, session: str, blocked: list[str]) -> Page:
    """A page 375 px wide in a fresh context signed in with `session`, CSP blocks recorded."""
    from django.conf import settings
    from playwright._impl._api_structures import SetCookieParam
    from playwright.sync_api import ViewportSize

    context = browser.new_context(locale="en-GB", viewport=ViewportSize(width=375, height=812))
    context.add_cookies([SetCookieParam(name=settings.SESSION_COOKIE_NAME, value=session, url=base_url)])
    page = context.new_page()
    record_csp_blocks(page, blocked)
    return page
