"""Answering a baseline assessment in a real browser, on a phone, in Latvian: the questions that follow
from an answer appear, the questionnaire's own constraint message comes back in Latvian, a partner
organisation is added as a repeat entry, and the response is submitted. Skipped where
/usr/bin/chromium is missing; the ORM is only used before the browser starts."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from strom.assessments.models import Response
from strom.assessments.tests.factories import make_round
from tests.browser_support import BROWSER_TEST_MARKS, SIDEWAYS, chromium, phone_page, session_of
from tests.personas import Cast

pytestmark = BROWSER_TEST_MARKS


def test_a_municipality_answers_in_latvian_on_a_phone(cast: Cast, live_server: Any) -> None:
    from playwright.sync_api import expect

    response = make_round(cast).responses.get(organisation=cast.org_a)
    session = session_of(cast.users["caseworker_a"])
    url = live_server.url + reverse("assessments:response", args=[response.pk]) + "?lang=lv"
    blocked: list[str] = []
    with chromium() as browser:
        page = phone_page(browser, live_server.url, session, blocked)
        page.goto(url)
        identifies = page.get_by_role("group", name="Vai pašvaldība identificē iespējamos upurus?")
        identifies.get_by_label("Jā").check()
        # The question that follows from "Jā" appears without saving (htmx re-renders the form).
        staff = page.get_by_label("Cik darbinieku pagājušajā gadā tika apmācīti?")
        expect(staff).to_be_visible()
        expect(
            page.get_by_role("group", name="Vai pašvaldība identificē iespējamos upurus?").get_by_label("Jā")
        ).to_be_checked()
        staff.fill("-2")
        page.get_by_role("button", name="Submit").click()
        expect(page.get_by_role("alert")).to_contain_text("Norādiet skaitli no 0 līdz 10000.")
        page.get_by_label("Cik darbinieku pagājušajā gadā tika apmācīti?").fill("8")
        page.get_by_role("group", name="Vai sadarbojaties ar policiju vai NVO?").get_by_label("Jā").check()
        page.get_by_role("button", name="Add an entry").click()
        page.get_by_label("Partnera nosaukums").fill("Valsts policija")
        assert page.evaluate(SIDEWAYS) <= 0
        page.get_by_role("button", name="Submit").click()
        expect(page.get_by_text("The response is submitted.")).to_be_visible()
    assert not blocked
    saved = Response.objects.get(pk=response.pk)
    assert saved.status == "submitted"
    assert saved.answers["partners"] == [{"partner_name": "Valsts policija"}]
    assert saved.language == "Latviešu (lv)"
