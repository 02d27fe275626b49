"""A transnational referral between two running STROM instances, in a real browser on both sides.

Instance A (Latvia) is the live server of the test process; instance B (Lithuania) is a gunicorn
subprocess with its own database, key files and port (strom/transnational/tests/instance_b.py). Nothing
of the transport or the cryptography is replaced: the messages are signed, encrypted and posted over
HTTP between the two servers by each instance's outbox.

A's focal point logs in, opens a case with the person's consent to a transfer to Lithuania and refers
it from the "Other countries" tab for urgent assistance and return, sharing identity and case status;
A's worker job delivers it. B's focal point logs in through B's own pages, finds it in the inbox, sees
only the shared parts, accepts it and opens a case from it; B's outbox sends the signed state change
back, and A's page shows the referral accepted, told by the partner, with B's signed receipt.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from django.db import connections

from strom.audit.models import AuditEntry
from strom.cases.tests.factories import make_case
from strom.core.registry import worker_jobs
from strom.transnational.models import Direction, OutboxMessage, OutboxState, State, TransnationalReferral
from strom.transnational.tests.factories import give_cross_border_consent
from strom.transnational.tests.instance_b import InstanceB, connect, start_instance_b
from tests.browser_support import BROWSER_TEST_MARKS, Login, chromium, log_in, login_of, new_page
from tests.personas import Cast

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

pytestmark = BROWSER_TEST_MARKS

PHONE = "+371 2000 0417"
MESSAGE = "Return to Vilnius planned; she needs a safe place on arrival."
IDENTITY = "Identity: names, sex/gender, date of birth, citizenship, languages, documents"
STATUS = "Case status: stage, forms of exploitation, decisions and reflection period"


@pytest.fixture
def instance_b(tmp_path: Path) -> Iterator[InstanceB]:
    instance = start_instance_b(tmp_path / "b", base_url=os.environ["DATABASE_URL"])
    try:
        yield instance
    finally:
        instance.close()


def _off_the_browser_thread(job: Callable[[], str]) -> str:
    """Run a worker job as `strom worker` does, in a thread of its own: Playwright's sync API runs an
    event loop in the test's thread, where Django refuses queries."""

    def run() -> str:
        try:
            return job()
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(run).result()


def _fact(page: Page, term: str) -> Locator:
    """The value of a referral's fact (the first list of facts on its page)."""
    return page.locator("dl.facts").first.locator(
        f"xpath=dt[normalize-space()='{term}']/following-sibling::dd[1]"
    )


def test_a_referral_crosses_to_the_partner_instance_and_its_acceptance_comes_back(
    cast: Cast, live_server: Any, instance_b: InstanceB, settings: Any
) -> None:
    from playwright.sync_api import expect

    settings.STROM_TRANSNATIONAL_ALLOW_LOOPBACK_HTTP = True
    b = instance_b
    a_url, b_url = live_server.url, f"http://127.0.0.1:{b.port}"
    connect(b, cast=cast, a_url=a_url)
    case = make_case(
        cast,
        "a",
        given_name="Jūlija",
        family_name="Ivanova",
        contact=PHONE,
        forms_of_exploitation=["ForcedLabour"],
    )
    give_cross_border_consent(cast, case, "LT")
    case_ref = case.ref
    login_a = login_of(cast.users["supervisor_a"])
    at_b = b.run("login")
    login_b = Login(
        at_b["email"], bytes.fromhex(at_b["key"]), at_b["step"], at_b["t0"], at_b["digits"], at_b["drift"]
    )
    outbox_job = next(job.run for job in worker_jobs() if job.name == "transnational outbox")

    with chromium() as browser:
        blocked: list[str] = []

        # A's focal point refers the case to Lithuania from the case's "Other countries" tab.
        a = new_page(browser, blocked)
        log_in(a, a_url, login_a)
        a.get_by_role("navigation", name="Main").get_by_role("link", name="Cases", exact=True).click()
        a.get_by_role("link", name=case_ref, exact=True).click()
        expect(a.get_by_role("heading", level=1)).to_have_text(f"Case {case_ref}")
        a.get_by_role("navigation", name="Parts of this case").get_by_role(
            "link", name="Other countries"
        ).click()
        a.get_by_role("link", name="Refer to another country").click()
        a.get_by_label("Partner instance").select_option(label="STROM Lithuania")
        a.get_by_label("Urgent assistance", exact=True).check()
        a.get_by_label("Return", exact=True).check()
        a.get_by_label(IDENTITY).check()
        a.get_by_label(STATUS).check()
        a.get_by_label("Message to the partner's focal point").fill(MESSAGE)
        a.get_by_role("button", name="Send the referral").click()
        expect(a.get_by_text("The referral is queued")).to_be_visible()
        heading = a.get_by_role("heading", level=1)
        expect(heading).to_have_text(re.compile(r"^Transnational referral [0-9A-F]{8}$"))
        short_ref = heading.inner_text().split()[-1]
        expect(_fact(a, "State")).to_have_text("Waiting to be delivered")

        # A's worker delivers it to B, which answers with a signed receipt.
        assert _off_the_browser_thread(outbox_job) == "transnational messages: 1 delivered, 0 to retry"
        a.reload()
        expect(_fact(a, "State")).to_have_text("Delivered")

        # B's focal point logs in at B, finds it in the inbox, sees only the shared parts, accepts it and
        # opens a case from it. The inbox has no link in the navigation: its address is typed.
        b_page = new_page(browser, blocked)
        log_in(b_page, b_url, login_b)
        b_page.goto(f"{b_url}/transnational/")
        b_page.get_by_role("link", name=short_ref, exact=True).click()
        expect(b_page.get_by_role("heading", level=1)).to_have_text(f"Transnational referral {short_ref}")
        expect(_fact(b_page, "Measures")).to_have_text("Urgent assistance; Return")
        expect(_fact(b_page, "Message")).to_have_text(MESSAGE)
        expect(b_page.get_by_role("heading", name="Identity", exact=True)).to_be_visible()
        expect(b_page.get_by_role("heading", name="Case status", exact=True)).to_be_visible()
        expect(b_page.get_by_role("heading", name="Contact", exact=True)).to_have_count(0)
        expect(b_page.get_by_text("Ivanova", exact=True)).to_be_visible()
        assert PHONE not in b_page.content(), "B shows the phone number, outside the scope"
        b_page.get_by_label("Open a case in this instance from what was sent").check()
        b_page.get_by_role("button", name="Accept", exact=True).click()
        expect(b_page.get_by_text("You accepted the referral. The partner is told.")).to_be_visible()
        expect(_fact(b_page, "State")).to_have_text("Accepted")
        b_case = _fact(b_page, "Case").get_by_role("link")
        b_case_ref = b_case.inner_text()
        b_case.click()
        expect(b_page.get_by_role("heading", level=1)).to_have_text(f"Case {b_case_ref}")

        # B's outbox sends the state change back; A's page shows it, told by the partner.
        assert b.run("deliver") == {"delivered": 1, "failed": 0, "partner": "active"}
        a.reload()
        expect(_fact(a, "State")).to_have_text("Accepted")
        history = a.get_by_role("table").filter(has=a.get_by_role("columnheader", name="Where"))
        expect(history.get_by_role("row").filter(has_text="Accepted")).to_contain_text("told by the partner")
        sent = a.get_by_role("row").filter(has=a.get_by_role("cell", name="referral.send", exact=True))
        expect(sent.get_by_role("cell").nth(1)).to_have_text("Delivered")
        expect(sent.get_by_role("cell").nth(3)).not_to_have_text("—")
        assert blocked == []

    referral = TransnationalReferral.objects.get(direction=Direction.OUTGOING)
    assert (referral.case_id, referral.state) == (case.pk, State.ACCEPTED)
    assert (sorted(referral.measures), referral.scope) == (
        ["return", "urgent_assistance"],
        ["identity", "status"],
    )
    assert referral.changes.filter(state=State.ACCEPTED, remote=True).exists()
    message = OutboxMessage.objects.get(referral=referral, kind="referral.send")
    assert message.state == OutboxState.DELIVERED
    assert message.receipt, "B's signed receipt is kept"
    actions = set(AuditEntry.objects.filter(object_ref=case_ref).values_list("action", flat=True))
    assert {"transnational.send", "transnational.delivered", "transnational.partner_accepted"} <= actions

    [received] = b.run("inbox")
    assert (received["uuid"], received["state"], received["case"]) == (
        str(referral.uuid),
        "accepted",
        b_case_ref,
    )
    assert received["sections"] == ["identity", "status"]
    assert {"transnational.receive", "transnational.accept"} <= set(
        b.run("audit", str(referral.uuid))["actions"]
    )
