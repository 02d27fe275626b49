"""The daily journey in a real browser, in Latvian, with no dead end: a Riga case worker screens a
person anonymously and opens a case from the screening, asks a supervisor for the reasonable-grounds
decision, the supervisor finds the request in the notifications and records it, the case worker sees
the answer, records the person's consent and refers the case to a shelter through the review step,
the shelter's worker accepts and completes the referral, and the case worker closes the case after
reading what closing leaves running. On a phone (375 px) the case page, the referral inbox and the
dashboard do not scroll sideways.

Every step after the login is a link or a button the person finds on the page (by role and name): no
address is typed. Every label is the Latvian one, taken from the translation catalogue as the page
takes it, so a string not yet translated is selected in English and the test keeps passing when the
catalogue is filled. The users chose Latvian and the browsers ask for it.

Skipped where /usr/bin/chromium is missing. The ORM is only used before the browser starts (see
tests/browser_support.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils import translation
from django.utils.translation import gettext, ngettext
from django_otp.oath import totp

from strom.accounts.models import User
from strom.cases.choices import Stage
from strom.consent.models import HowRecorded, Purpose
from strom.core.registry import case_sections
from strom.directory.models import with_country
from strom.network.tests.factories import make_service
from strom.referrals.models import Section, State
from strom.referrals.review import scope_in_words
from strom.screening.indicators import current_sets
from strom.screening.models import AgeBand
from strom.stages.models import ClosureReason, DecisionKind, Outcome
from tests.browser_support import BROWSER_TEST_MARKS, Login, chromium, login_of, record_csp_blocks
from tests.personas import PASSWORD, Cast

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Locator, Page

pytestmark = BROWSER_TEST_MARKS

LANGUAGE = "lv"
PHONE_WIDTH = 375
# Synthetic person and details.
GIVEN_NAME = "Ilze"
FAMILY_NAME = "Bērziņa-Pārlūka"
AGE = "27"
NOTE_TO_SUPERVISOR = "Intervija notika vakar; lūdzu izlemt šonedēļ."
MESSAGE = "Viņai vajag gultu jau no šīvakara."
COMPLETION_NOTE = "Palika piecas naktis."


def t(message: str) -> str:
    """`message` as the pages show it in Latvian (English while the catalogue lacks it)."""
    with translation.override(LANGUAGE):
        return gettext(message)


def tn(singular: str, plural: str, count: int) -> str:
    with translation.override(LANGUAGE):
        return ngettext(singular, plural, count)


def label(choice: Any) -> str:
    """A lazy choice label (a model's TextChoices) in Latvian."""
    with translation.override(LANGUAGE):
        return str(choice.label)


@dataclass(frozen=True)
class Journey:
    """What the browser needs, read from the database before it starts."""

    worker: Login
    supervisor: Login
    shelter: Login
    worker_name: str
    supervisor_name: str
    screening_set: str
    indicators: tuple[str, ...]
    shelter_org: str
    service: str
    tabs: dict[str, str]


def _journey(cast: Cast) -> Journey:
    """Latvian for the three people, a shelter service in Riga with free places, and the indicator set
    the case worker will choose (an ILO list for adults) with three of its indicators."""
    people = [cast.users[name] for name in ("caseworker_a", "supervisor_a", "recipient")]
    User.objects.filter(pk__in=[u.pk for u in people]).update(language=LANGUAGE)
    service = make_service(
        cast.org_c, name=f"{cast.org_c.name} gultas", countries=["LV"], municipalities=[cast.riga]
    )
    with translation.override(LANGUAGE):
        sets = [s for s in current_sets(["LV"]) if s.audience == "adult" and s.id.startswith("ilo-")]
        chosen = sets[0]
        indicators = tuple(i.text for i in chosen.indicators[:3])
        tabs = {s.name: str(s.tab_label) for s in case_sections()}
        title = chosen.title
    return Journey(
        worker=login_of(people[0]),
        supervisor=login_of(people[1]),
        shelter=login_of(people[2]),
        worker_name=people[0].get_full_name(),
        supervisor_name=people[1].get_full_name(),
        screening_set=title,
        indicators=indicators,
        shelter_org=cast.org_c.name,
        service=service.name,
        tabs=tabs,
    )


# --- helpers -----------------------------------------------------------------------------------------


def _h1(page: Page) -> Locator:
    return page.get_by_role("heading", level=1)


def _says(page: Page, text: str) -> None:
    """A message the page shows (the messages after a redirect, or any visible text)."""
    from playwright.sync_api import expect

    expect(page.get_by_text(text, exact=False).first).to_be_visible()


def _in_latvian(page: Page) -> None:
    from playwright.sync_api import expect

    expect(page.locator("html")).to_have_attribute("lang", LANGUAGE)


def _person(browser: Browser, blocked: list[str]) -> Page:
    """A page in a fresh context (one person), asking for Latvian, CSP blocks recorded."""
    page = browser.new_context(locale="lv-LV").new_page()
    record_csp_blocks(page, blocked)
    return page


def _log_in(page: Page, base_url: str, login: Login) -> None:
    """The login page (the only typed address), the second factor, the dashboard: all in Latvian."""
    from playwright.sync_api import expect

    page.goto(f"{base_url}/accounts/login/")
    _in_latvian(page)
    page.get_by_label(t("E-mail address")).fill(login.email)
    page.get_by_label(t("Password"), exact=True).fill(PASSWORD)
    page.get_by_role("button", name=t("Log in")).click()
    code = str(totp(login.key, login.step, login.t0, login.digits, login.drift)).zfill(login.digits)
    page.get_by_label(t("Code"), exact=True).fill(code)
    page.get_by_role("button", name=t("Continue")).click()
    expect(_h1(page)).to_have_text(t("Dashboard"))
    _in_latvian(page)


def _menu(page: Page, item: str) -> None:
    page.get_by_role("navigation", name=t("Main")).get_by_role("link", name=item, exact=True).click()


def _open_notification(page: Page, message: str) -> None:
    """The header's notifications, then "Open" on the unread one that says `message`."""
    from playwright.sync_api import expect

    page.get_by_role("navigation", name=t("Account")).get_by_role(
        "link", name=re.compile("^" + re.escape(t("Notifications")))
    ).click()
    expect(_h1(page)).to_have_text(t("Notifications"))
    item = page.get_by_role("listitem").filter(has_text=message)
    expect(item).to_have_count(1)
    item.get_by_role("button", name=re.compile("^" + re.escape(t("Open")))).click()


def _filled(message: str, key: str, value: str) -> re.Pattern[str]:
    """A whole Latvian message with `%(key)s` matched by the regular expression `value`."""
    return re.compile("^" + re.escape(t(message)).replace(re.escape(f"%({key})s"), value) + "$")


def _case_heading(ref: str) -> str:
    return t("Case %(ref)s") % {"ref": ref}


def _no_sideways_scroll(page: Page, what: str) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE_WIDTH, f"{what} scrolls sideways at {PHONE_WIDTH} px: {width} px wide"


# --- the steps -----------------------------------------------------------------------------------------


def _screen_and_open_a_case(page: Page, journey: Journey) -> str:
    """From the case list's quick action: an anonymous pre-screening, saved, converted into a case."""
    from playwright.sync_api import expect

    # Offered in the menu, among the dashboard's quick actions and on the case list.
    menu = page.get_by_role("navigation", name=t("Main"))
    expect(menu.get_by_role("link", name=t("New screening"), exact=True)).to_be_visible()
    quick = page.get_by_role("navigation", name=t("Quick actions"))
    expect(quick.get_by_role("link", name=t("New screening"), exact=True)).to_be_visible()
    _menu(page, t("Cases"))
    expect(_h1(page)).to_have_text(t("Cases"))
    page.get_by_role("main").get_by_role("link", name=t("New screening"), exact=True).click()
    expect(_h1(page)).to_have_text(t("New screening"))
    page.get_by_role("link", name=journey.screening_set, exact=True).click()
    expect(_h1(page)).to_have_text(journey.screening_set)
    for text in journey.indicators:
        page.get_by_label(text).check()
    page.get_by_label(t("Approximate age"), exact=True).select_option(label=label(AgeBand.ADULT))
    page.get_by_role("button", name=t("Save the screening")).click()
    _says(page, t("The screening is saved."))
    expect(_h1(page)).to_have_text(_filled("Screening %(id)s", "id", r"\d+"))

    page.get_by_role("link", name=t("Convert into a case")).click()
    expect(_h1(page)).to_have_text(t("Convert the screening into a case"))
    page.get_by_label(t("Given name"), exact=True).fill(GIVEN_NAME)
    page.get_by_label(t("Family name"), exact=True).fill(FAMILY_NAME)
    page.get_by_label(t("Estimated age"), exact=True).fill(AGE)
    page.get_by_role("button", name=t("Open the case")).click()
    heading = _filled("Case %(ref)s", "ref", "([A-Z0-9-]+)")
    expect(_h1(page)).to_have_text(heading)
    match = heading.match(_h1(page).inner_text())
    assert match
    ref = match.group(1)
    _says(page, t("The case %(ref)s is open and the screening is part of it.") % {"ref": ref})
    _in_latvian(page)
    return ref


def _ask_for_the_decision(page: Page, journey: Journey, ref: str) -> None:
    """The case worker may not record the decision: the overview offers to ask a supervisor."""
    from playwright.sync_api import expect

    actions = page.get_by_role("region", name=t("What you can do now"))
    decide = t("Record the decision: %(kind)s").split("%(kind)s")[0]
    expect(actions.get_by_role("link", name=re.compile("^" + re.escape(decide)))).to_have_count(0)
    actions.get_by_role("link", name=t("Ask for a decision"), exact=True).click()
    kind = label(DecisionKind.REASONABLE_GROUNDS)
    expect(_h1(page)).to_have_text(t("Ask for a decision: %(kind)s") % {"kind": kind})
    _says(page, t("Only someone who may record decisions can take it. They get a task and a notification."))
    page.get_by_label(t("Ask"), exact=True).select_option(label=journey.supervisor_name)
    page.get_by_label(t("Note for the one you ask (optional)")).fill(NOTE_TO_SUPERVISOR)
    page.get_by_role("button", name=t("Save"), exact=True).click()
    _says(page, t("Your request is sent. You will be told the answer."))
    expect(_h1(page)).to_have_text(t("Stages and tasks of case %(ref)s") % {"ref": ref})


def _supervisor_decides(page: Page, ref: str) -> None:
    """The supervisor's notification leads to the requests, the case's stages and the decision form."""
    from playwright.sync_api import expect

    asked = tn(
        "A colleague asked you for %(count)s decision on a case.",
        "Colleagues asked you for %(count)s decisions on cases.",
        1,
    ) % {"count": 1}
    _open_notification(page, asked)
    expect(_h1(page)).to_have_text(t("Requests for a decision"))
    mine = page.get_by_role("region", name=t("Asked of you and your organisation"))
    expect(mine.get_by_role("row").filter(has_text=ref)).to_contain_text(t("asked you"))
    mine.get_by_role("link", name=ref, exact=True).click()
    expect(_h1(page)).to_have_text(t("Stages and tasks of case %(ref)s") % {"ref": ref})
    page.get_by_role("link", name=t("Record the reasonable-grounds decision")).click()
    expect(_h1(page)).to_have_text(label(DecisionKind.REASONABLE_GROUNDS))
    page.get_by_label(label(Outcome.POSITIVE), exact=True).check()
    page.get_by_role("button", name=t("Save"), exact=True).click()
    _says(page, t("The decision is recorded."))
    _in_latvian(page)


def _worker_sees_the_answer(page: Page, journey: Journey, ref: str) -> None:
    from playwright.sync_api import expect

    decided = tn(
        "%(count)s decision you asked for was recorded.",
        "%(count)s decisions you asked for were recorded.",
        1,
    ) % {"count": 1}
    _open_notification(page, decided)
    expect(_h1(page)).to_have_text(t("Requests for a decision"))
    mine = page.get_by_role("region", name=t("Asked by you"))
    expect(mine.get_by_role("row").filter(has_text=ref)).to_contain_text(journey.supervisor_name)
    mine.get_by_role("link", name=ref, exact=True).click()
    expect(_h1(page)).to_have_text(t("Stages and tasks of case %(ref)s") % {"ref": ref})
    panel = page.get_by_role("region", name=t("Stage"), exact=True)
    expect(panel.get_by_text(label(Stage.REFLECTION)).first).to_be_visible()
    expect(panel.get_by_role("cell", name=label(Outcome.POSITIVE), exact=True)).to_be_visible()
    page.get_by_role("link", name=t("Back to case %(ref)s") % {"ref": ref}).click()
    expect(_h1(page)).to_have_text(_case_heading(ref))


def _record_consent(page: Page, journey: Journey, ref: str) -> None:
    """The consent tab: the person agrees in writing to the shelter being told."""
    from playwright.sync_api import expect

    tabs = page.get_by_role("navigation", name=t("Parts of this case"))
    tabs.get_by_role("link", name=journey.tabs["consent"], exact=True).click()
    page.get_by_role("link", name=t("Record an answer")).click()
    expect(_h1(page)).to_have_text(t("Record a consent answer — %(ref)s") % {"ref": ref})
    page.get_by_label(t("Purpose"), exact=True).select_option(label=label(Purpose.DISCLOSURE))
    page.get_by_label(t("Receiving organisation"), exact=True).select_option(
        label=with_country(journey.shelter_org, "LV")
    )
    page.get_by_label(t("Consents"), exact=True).check()
    page.get_by_label(t("How it was recorded"), exact=True).select_option(label=label(HowRecorded.WRITTEN))
    page.get_by_role("button", name=t("Record the answer")).click()
    _says(page, t("The answer is recorded."))
    page.get_by_role("link", name=t("Back to case %(ref)s") % {"ref": ref}).click()
    expect(_h1(page)).to_have_text(_case_heading(ref))


def _refer_with_review(page: Page, journey: Journey) -> str:
    """From the overview to the network, the referral form, the review in words, and sending."""
    from playwright.sync_api import expect

    actions = page.get_by_role("region", name=t("What you can do now"))
    actions.get_by_role("link", name=t("Refer to a service"), exact=True).click()
    expect(_h1(page)).to_have_text(t("Cooperation network"))
    refer = f"{t('Refer')} {t('to %(name)s') % {'name': journey.service}}"
    page.get_by_role("link", name=refer).click()
    expect(_h1(page)).to_have_text(t("Refer to a service"))
    scope = page.get_by_role("group", name=t("What the receiver may see"))
    for section in (Section.IDENTITY, Section.NEEDS):
        scope.get_by_role("checkbox", name=re.compile("^" + re.escape(label(section)))).check()
    page.get_by_label(t("Message to the receiver"), exact=True).fill(MESSAGE)
    page.get_by_role("button", name=t("Send the referral")).click()

    # The review says in words what the shelter will see before anything leaves.
    review = page.get_by_role("region", name=t("Check before sending"))
    expect(review).to_be_visible()
    receiver = f"{journey.service} ({journey.shelter_org})"
    with translation.override(LANGUAGE):
        sees = scope_in_words(receiver, [Section.IDENTITY, Section.NEEDS])
    expect(review).to_contain_text(sees)
    page.get_by_role("button", name=t("Send now")).click()
    _says(page, t("The referral is sent."))
    heading = _filled("Referral %(ref)s", "ref", "([0-9A-F]{8})")
    expect(_h1(page)).to_have_text(heading)
    match = heading.match(_h1(page).inner_text())
    assert match
    return match.group(1)


def _shelter_accepts_and_completes(page: Page, journey: Journey, short_ref: str) -> None:
    from playwright.sync_api import expect

    _menu(page, t("Referrals"))
    inbox = page.get_by_role("navigation", name=t("Referrals"))
    inbox.get_by_role("link", name=t("Received"), exact=True).click()
    expect(page.get_by_role("link", name=journey.service)).to_have_count(1)
    _no_sideways_scroll_at_phone_width(page, "the referral inbox")
    # The same referral is announced in the header's notifications.
    _open_notification(
        page,
        tn(
            "Your organisation received %(count)s new referral.",
            "Your organisation received %(count)s new referrals.",
            1,
        )
        % {"count": 1},
    )
    expect(_h1(page)).to_have_text(t("Referral %(ref)s") % {"ref": short_ref})
    page.get_by_role("button", name=t("Accept"), exact=True).click()
    _says(page, t("You accepted the referral."))
    expect(page.get_by_text(MESSAGE, exact=True)).to_be_visible()
    expect(page.get_by_text(GIVEN_NAME, exact=True)).to_be_visible()
    page.get_by_role("button", name=t("The service has started")).click()
    _says(page, t("The service is under way."))
    page.get_by_role("link", name=t("Complete"), exact=True).click()
    expect(_h1(page)).to_have_text(t("Complete the referral"))
    page.get_by_label(t("Note for the sender"), exact=True).fill(COMPLETION_NOTE)
    page.get_by_role("button", name=t("Complete"), exact=True).click()
    _says(page, t("The referral is completed. The sender's support plan records the service."))
    _in_latvian(page)


def _no_sideways_scroll_at_phone_width(page: Page, what: str) -> None:
    """The page at 375 px, then back to the width it had."""
    from playwright.sync_api import ViewportSize

    size = page.viewport_size
    page.set_viewport_size(ViewportSize(width=PHONE_WIDTH, height=812))
    try:
        _no_sideways_scroll(page, what)
    finally:
        if size:
            page.set_viewport_size(size)


def completed_state() -> str:
    with translation.override(LANGUAGE):
        return str(State.COMPLETED.label)


def _close_with_warnings(page: Page, ref: str, short_ref: str) -> None:
    """The completion's notification leads back to the case; closing it lists what it leaves running
    (the reflection period) and asks for a confirmation."""
    from playwright.sync_api import expect

    _open_notification(
        page,
        tn(
            "%(count)s referral you sent was completed.",
            "%(count)s referrals you sent were completed.",
            1,
        )
        % {"count": 1},
    )
    expect(_h1(page)).to_have_text(t("Referral %(ref)s") % {"ref": short_ref})
    expect(page.get_by_text(completed_state(), exact=True)).to_be_visible()
    expect(page.get_by_text(COMPLETION_NOTE, exact=True)).to_be_visible()
    page.get_by_role("link", name=_case_heading(ref), exact=True).click()
    expect(_h1(page)).to_have_text(_case_heading(ref))
    closed = label(Stage.CLOSED)
    actions = page.get_by_role("region", name=t("What you can do now"))
    actions.get_by_role("link", name=t("Move to %(stage)s") % {"stage": closed}, exact=True).click()
    expect(_h1(page)).to_have_text(t("Move the case to another stage"))
    warnings = page.get_by_role("region", name=t("If you close this case"))
    expect(warnings).to_be_visible()
    before, after = t(
        "The reflection and recovery period runs until %(date)s: the person may not be removed from "
        "the country meanwhile, and closing the case does not end the period."
    ).split("%(date)s")
    expect(warnings.get_by_role("listitem").first).to_contain_text(before)
    expect(warnings.get_by_role("listitem").first).to_contain_text(after)
    expect(page.get_by_label(t("Move the case to"), exact=True)).to_have_value(str(Stage.CLOSED))
    page.get_by_label(t("Reason for closing"), exact=True).select_option(
        label=label(ClosureReason.GOALS_ACHIEVED)
    )
    # Without the confirmation the case stays open and the page says why.
    page.get_by_role("button", name=t("Save"), exact=True).click()
    _says(page, t("Read what closing leaves running and confirm that you close the case."))
    expect(page.get_by_role("region", name=t("If you close this case"))).to_be_visible()
    page.get_by_label(
        t("I have read what closing leaves running (above) and close the case all the same")
    ).check()
    page.get_by_role("button", name=t("Save"), exact=True).click()
    _says(page, t("The case moved to “%(stage)s”.") % {"stage": closed})
    expect(_h1(page)).to_have_text(t("Stages and tasks of case %(ref)s") % {"ref": ref})
    _in_latvian(page)


def _phone_widths(page: Page, ref: str) -> None:
    """The case page and the dashboard on a phone, reached by their links."""
    from playwright.sync_api import ViewportSize, expect

    page.set_viewport_size(ViewportSize(width=PHONE_WIDTH, height=812))
    page.get_by_role("link", name=t("Back to case %(ref)s") % {"ref": ref}).click()
    expect(_h1(page)).to_have_text(_case_heading(ref))
    expect(page.get_by_role("region", name=t("At a glance"))).to_be_visible()
    _no_sideways_scroll(page, "the case page")
    page.get_by_role("link", name="STROM", exact=True).click()
    expect(_h1(page)).to_have_text(t("Dashboard"))
    _no_sideways_scroll(page, "the dashboard")


# --- the journey ---------------------------------------------------------------------------------------


def test_screening_decision_referral_completion_and_closure_in_latvian(live_server: Any, cast: Cast) -> None:
    journey = _journey(cast)
    blocked: list[str] = []
    with chromium() as browser:
        worker = _person(browser, blocked)
        _log_in(worker, live_server.url, journey.worker)
        ref = _screen_and_open_a_case(worker, journey)
        _ask_for_the_decision(worker, journey, ref)

        supervisor = _person(browser, blocked)
        _log_in(supervisor, live_server.url, journey.supervisor)
        _supervisor_decides(supervisor, ref)

        worker.get_by_role("link", name="STROM", exact=True).click()
        _worker_sees_the_answer(worker, journey, ref)
        _record_consent(worker, journey, ref)
        short_ref = _refer_with_review(worker, journey)

        shelter = _person(browser, blocked)
        _log_in(shelter, live_server.url, journey.shelter)
        _shelter_accepts_and_completes(shelter, journey, short_ref)

        _close_with_warnings(worker, ref, short_ref)
        _phone_widths(worker, ref)
    assert blocked == [], f"the Content-Security-Policy blocked something: {blocked}"
