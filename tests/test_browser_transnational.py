"""Transnational referral in a real browser on a phone (375 px): a focal point sends a referral for
return from a case's "Other countries" tab, then answers one a partner sent, opening a case from it.
The partner is a key set (strom/transnational/tests/factories.py); two running instances exchange
referrals in strom/transnational/tests/test_two_instances.py."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from strom.cases.tests.factories import make_case
from strom.transnational.models import Direction, State, TransnationalReferral
from strom.transnational.services_messages import message_receive
from strom.transnational.tests.factories import (
    from_partner,
    give_cross_border_consent,
    make_partner,
    referral_body,
)
from tests.browser_support import BROWSER_TEST_MARKS, SIDEWAYS, chromium, phone_page, session_of
from tests.personas import Cast

pytestmark = BROWSER_TEST_MARKS


def test_a_focal_point_sends_a_referral_abroad_and_answers_one_received(
    cast: Cast, live_server: Any, settings: Any
) -> None:
    from playwright.sync_api import expect

    settings.STROM_TRANSNATIONAL_ALLOW_LOOPBACK_HTTP = True
    focal = cast.users["supervisor_a"]
    partner = make_partner(cast)
    case = make_case(cast, "a", given_name="Jūlija", family_name="Ivanova")
    give_cross_border_consent(cast, case, "LT")
    body = referral_body()
    assert message_receive(from_partner(partner, "referral.send", body)).status == 200
    received = TransnationalReferral.objects.get(uuid=body["referral"], direction=Direction.INCOMING)
    session = session_of(focal)

    with chromium() as browser:
        blocked: list[str] = []
        page = phone_page(browser, live_server.url, session, blocked)
        page.goto(live_server.url + reverse("cases:part", kwargs={"ref": case.ref, "part": "transnational"}))
        page.get_by_role("link", name="Refer to another country").click()
        page.get_by_label("Partner instance").select_option(str(partner.pk))
        page.get_by_label("Return", exact=True).check()
        page.get_by_label(
            "Identity: names, sex/gender, date of birth, citizenship, languages, documents"
        ).check()
        page.get_by_role("button", name="Send the referral").click()
        expect(page.get_by_text("The referral is queued")).to_be_visible()
        expect(page.get_by_text("Waiting to be delivered").first).to_be_visible()
        assert page.evaluate(SIDEWAYS) == 0, "the referral's page scrolls sideways"

        page.goto(live_server.url + reverse("transnational:list"))
        page.get_by_role("link", name=received.short_ref).click()
        expect(page.get_by_text("Ivanova")).to_be_visible()
        page.get_by_label("Open a case in this instance from what was sent").check()
        page.get_by_role("button", name="Accept").click()
        expect(page.get_by_text("You accepted the referral")).to_be_visible()
        assert page.evaluate(SIDEWAYS) == 0, "the received referral's page scrolls sideways"
        assert blocked == []

    sent = TransnationalReferral.objects.get(direction=Direction.OUTGOING)
    assert (sent.case_id, sent.measures, sent.scope) == (case.pk, ["return"], ["identity"])
    received.refresh_from_db()
    assert received.state == State.ACCEPTED
    assert received.case is not None
