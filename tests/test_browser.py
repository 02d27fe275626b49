"""A real browser (Debian's chromium, driven by Playwright) logs in with a password and a TOTP code,
and two people take a referral from a case to a shelter and back to the case's support plan.

Skipped where /usr/bin/chromium is missing; `.ci/run` installs it. The ORM is only used before the
browser starts: Playwright's sync API runs an event loop in this thread, where Django refuses queries.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp

from strom.casefile.services import event_record, note_add
from strom.cases.tests.factories import make_case
from strom.consent.services import consent_record
from strom.network.tests.factories import make_service
from strom.support.services import needs_assessment_record
from tests.browser_support import (
    BROWSER_TEST_MARKS,
    CHROMIUM,
    CHROMIUM_ARGS,
    log_in,
    login_of,
    record_csp_blocks,
)
from tests.personas import PASSWORD, Cast, give_totp_device

pytestmark = BROWSER_TEST_MARKS


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


# Synthetic person and case details; each hidden one would be visible on the receiver's page if it leaked.
GIVEN_NAME = "Austra"
FAMILY_NAME = "Ozola-Browser"
PHONE = "+371 2999 4321"
NOTE = "Synthetic note: answers the phone only after six in the evening"
EVENT_CITY = "Jelgava"
MESSAGE = "She needs a bed from tonight."


def test_case_worker_refers_a_case_and_the_shelter_sees_only_the_scope_then_completes_the_service(
    live_server: Any, cast: Cast
) -> None:
    from playwright.sync_api import expect, sync_playwright

    worker = cast.users["caseworker_a"]
    today = timezone.localdate()
    case = make_case(cast, given_name=GIVEN_NAME, family_name=FAMILY_NAME, contact=PHONE)
    note_add(by=worker, case=case, body=NOTE)
    event_record(by=worker, case=case, event_type="Exploitation", country="LV", city=EVENT_CITY)
    needs_assessment_record(by=worker, case=case, assessed_at=today, needs={"SafeAccommodation": "urgent"})
    consent_record(
        by=worker,
        case=case,
        purpose="disclosure",
        given=True,
        given_at=today - dt.timedelta(days=1),
        how="written",
        recipient_organisation=cast.org_c,
    )
    shelter = cast.org_c.name
    make_service(cast.org_c, name=f"{shelter} beds", countries=["LV"], free_places=3)
    make_service(cast.org_c, name=f"{shelter} family rooms", countries=["LV"], free_places=0)
    case_ref = case.ref
    case_url = live_server.url + reverse("cases:detail", kwargs={"ref": case_ref})
    sender_login, receiver_login = login_of(worker), login_of(cast.users["recipient"])

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            blocked: list[str] = []
            sender = browser.new_context(locale="en-GB").new_page()
            record_csp_blocks(sender, blocked)
            log_in(sender, live_server.url, sender_login)

            # The case page leads to the network, filtered for the case; "Has free places" narrows it.
            sender.goto(case_url)
            sender.get_by_role("link", name="Refer to a service").click()
            expect(sender.get_by_role("heading", level=1)).to_have_text("Cooperation network")
            with_places = sender.get_by_role("link", name=f"Refer to {shelter} beds")
            full = sender.get_by_role("link", name=f"Refer to {shelter} family rooms")
            expect(with_places).to_be_visible()
            expect(full).to_be_visible()
            sender.get_by_label("Has free places").check()
            expect(full).to_have_count(0)
            with_places.click()

            expect(sender.get_by_role("heading", level=1)).to_have_text("Refer to a service")
            scope = sender.get_by_role("group", name="What the receiver may see")
            scope.get_by_role("checkbox", name=re.compile(r"^Identity")).check()
            scope.get_by_role("checkbox", name=re.compile(r"^Needs and support plan")).check()
            expect(scope.get_by_role("checkbox", checked=True)).to_have_count(2)
            sender.get_by_label("Message to the receiver").fill(MESSAGE)
            sender.get_by_role("button", name="Send the referral").click()
            # The review step says what the shelter will see before anything leaves.
            expect(
                sender.get_by_text(re.compile(r"will see: identity, needs and support plan\.$"))
            ).to_be_visible()
            sender.get_by_role("button", name="Send now").click()

            expect(sender.get_by_text("The referral is sent.")).to_be_visible()
            expect(sender.get_by_text("Sent", exact=True)).to_be_visible()
            heading = sender.get_by_role("heading", level=1)
            expect(heading).to_have_text(re.compile(r"^Referral [0-9A-F]{8}$"))
            short_ref = heading.inner_text().split()[-1]

            # The shelter's case worker finds it among the referrals received and accepts it.
            receiver = browser.new_context(locale="en-GB").new_page()
            record_csp_blocks(receiver, blocked)
            log_in(receiver, live_server.url, receiver_login)
            receiver.get_by_role("navigation", name="Main").get_by_role("link", name="Referrals").click()
            receiver.get_by_role("link", name="Received").click()
            receiver.get_by_role("link", name=short_ref).click()
            expect(receiver.get_by_role("heading", level=1)).to_have_text(f"Referral {short_ref}")
            receiver.get_by_role("button", name="Accept", exact=True).click()

            expect(receiver.get_by_text("You accepted the referral.")).to_be_visible()
            expect(receiver.get_by_role("heading", name="Identity", exact=True)).to_be_visible()
            expect(receiver.get_by_role("heading", name="Needs and support plan", exact=True)).to_be_visible()
            expect(receiver.get_by_text(GIVEN_NAME, exact=True)).to_be_visible()
            expect(receiver.get_by_text(FAMILY_NAME, exact=True)).to_be_visible()
            expect(receiver.get_by_text("Safe accommodation", exact=True)).to_be_visible()
            expect(receiver.get_by_text(MESSAGE, exact=True)).to_be_visible()
            for heading_name in ("Contact", "Trafficking events", "Case notes"):
                expect(receiver.get_by_role("heading", name=heading_name, exact=True)).to_have_count(0)
            html = receiver.content()
            for hidden in (PHONE, NOTE, EVENT_CITY, case_ref):
                assert hidden not in html, f"the receiver's page shows {hidden!r}, outside the scope"

            receiver.get_by_role("button", name="The service has started").click()
            expect(receiver.get_by_text("The service is under way.")).to_be_visible()
            receiver.get_by_role("link", name="Complete", exact=True).click()
            expect(receiver.get_by_role("heading", level=1)).to_have_text("Complete the referral")
            receiver.get_by_label("Note for the sender").fill("Stayed five nights.")
            receiver.get_by_role("button", name="Complete", exact=True).click()
            expect(receiver.get_by_text("The referral is completed.")).to_be_visible()
            expect(receiver.get_by_text("Completed", exact=True)).to_be_visible()

            # Back on the case, the support plan records the service as delivered by the shelter.
            sender.goto(case_url)
            tabs = sender.get_by_role("navigation", name="Parts of this case")
            tabs.get_by_role("link", name="Support", exact=True).click()
            support = sender.get_by_role("region", name="Support", exact=True)
            delivered = support.get_by_role("row").filter(
                has=sender.get_by_role("cell", name=shelter, exact=True)
            )
            expect(delivered).to_have_count(1)
            expect(delivered.get_by_role("rowheader")).to_have_text("Safe accommodation")
            expect(delivered.get_by_role("cell").first).to_have_text("Delivered")
            tabs.get_by_role("link", name="Referrals", exact=True).click()
            referrals = sender.get_by_role("region", name="Referrals", exact=True)
            expect(referrals.get_by_role("row", name=short_ref)).to_contain_text("Completed")
            assert blocked == [], f"the Content-Security-Policy blocked something: {blocked}"
        finally:
            browser.close()
