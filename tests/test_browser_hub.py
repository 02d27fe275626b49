"""The knowledge hub's journey in a real browser (Debian's chromium, driven by Playwright), as the issue
that built the hub says it is done: a coordinator creates the Riga 2015 conference from its programme
and publishes it, people register, attendance is marked, a round table's conclusions become
recommendations, a municipality's action plan answers them with a measure whose indicator is computed
from STROM's own cases, and a case worker on a case in the reflection stage finds a practice for that
stage in one click.

One test per part. Each part starts from what the parts before it leave behind, made through the
services by a fixture (the database is emptied between tests), so a part whose pages break fails
alone. Every step checks what the person sees: headings, messages, rows, values.

Skipped where /usr/bin/chromium is missing. The ORM is only used before the browser starts (see
tests/browser_support.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from django.db import transaction
from django.utils import timezone

from strom.actionplans.models import AddresseeKind
from strom.actionplans.services import session_conclusions_record
from strom.cases.choices import Stage
from strom.cases.tests.factories import make_case
from strom.demo.events import RIGA_2015, load_demo_events
from strom.events.exchange import export_event
from strom.events.models import Event, SessionKind
from strom.practices.tests.factories import make_practice
from strom.stages.services import decision_record
from strom.stages.tests.stage_helpers import opened_case, to_reflection
from strom.stats.tests.helpers import full_case
from tests.browser_support import BROWSER_TEST_MARKS, chromium, log_in, login_of, new_page
from tests.personas import Cast

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = BROWSER_TEST_MARKS

TITLE = RIGA_2015["title"]
ROUND_TABLE = (
    "Session on the role of municipalities within multidisciplinary cooperation against trafficking "
    "in human beings for labour exploitation"
)
# Two conclusions of the round table, one a paragraph, each short enough to be shown whole.
CONCLUSIONS = (
    "Give municipalities a defined place in the national referral mechanism.",
    "Train social workers, police and labour inspectors together on labour exploitation.",
)
MEASURE = "Joint identification training for the municipality's front-line staff"
FIGURE = "Presumed victims identified (positive reasonable-grounds decision)"
THIS_YEAR = timezone.localdate().year
PLAN = f"Riga action plan against trafficking {THIS_YEAR}-{THIS_YEAR + 2}"


# --- what each part starts from ---------------------------------------------------------------------


@pytest.fixture
def riga_programme(cast: Cast, tmp_path: Path) -> Path:
    """The Riga 2015 programme as schedule XML, written by the events app's own export from the demo
    data. The event it is exported from is rolled back: the coordinator creates it from the file."""
    with transaction.atomic():
        load_demo_events(organisation=cast.orgs["coordinator_lv"])
        event = Event.objects.get(acronym=RIGA_2015["acronym"])
        body, _content_type, _name = export_event(event, "xml", site_url="https://strom.example.test")
        transaction.set_rollback(True)
    assert not Event.objects.exists()
    path = tmp_path / "riga-2015-schedule.xml"
    path.write_bytes(body)
    return path


@pytest.fixture
def riga_2015(cast: Cast) -> Event:
    """The conference, published by the Latvian coordinator's office (what part 1 leaves)."""
    load_demo_events(organisation=cast.orgs["coordinator_lv"])
    return Event.objects.get(acronym=RIGA_2015["acronym"])


@pytest.fixture
def recommendations(cast: Cast, riga_2015: Event) -> None:
    """The round table's conclusions, recorded as recommendations addressed to Riga (what part 3 leaves)."""
    session_conclusions_record(
        by=cast.users["coordinator_a"],
        organisation=cast.orgs["coordinator_lv"],
        session=riga_2015.sessions.get(kind=SessionKind.ROUND_TABLE),
        conclusions=list(CONCLUSIONS),
        addressee_country="LV",
        addressee_kind=AddresseeKind.MUNICIPALITY,
        addressee_municipality=cast.riga,
    )


@dataclass(frozen=True)
class PresumedVictims:
    """Riga's presumed victims as the indicator counts them: `now` in the years it counts (last year and
    this one), `then` in an earlier year, the indicator's baseline year."""

    now: int
    then: int
    baseline_year: int
    threshold: int


@pytest.fixture
def presumed_victims(cast: Cast, settings: Any) -> PresumedVictims:
    """Riga cases with a positive reasonable-grounds decision: as many opened in the last months as the
    disclosure threshold (the smallest count the statistics publish), and one fewer opened two years
    before (a count they withhold). Exact tables (no cell-key noise) and a threshold of three, as an
    instance may be configured, so what is published and what is withheld is known."""
    threshold = 3
    settings.STROM_STATS_NOISE_MAX = 0
    settings.STROM_STATS_THRESHOLD = threshold
    for days in (5, 12, 30):
        full_case(cast, rg_after_days=days)
    opened = timezone.now() - dt.timedelta(days=800)
    for days in (7, 21):
        case = make_case(cast, opened_at=opened)
        decision_record(
            by=cast.users["supervisor_a"],
            case=case,
            kind="reasonable_grounds",
            outcome="positive",
            decided_at=timezone.localdate(opened) + dt.timedelta(days=days),
            version=case.version,
        )
    return PresumedVictims(now=3, then=2, baseline_year=timezone.localdate(opened).year, threshold=threshold)


# --- helpers -----------------------------------------------------------------------------------------


def _heading(page: Page) -> Any:
    return page.get_by_role("heading", level=1)


def _hub_area(page: Page, area: str) -> None:
    """From any page: the main navigation's "Knowledge hub", then one of the hub's areas."""
    from playwright.sync_api import expect

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Knowledge hub").click()
    expect(_heading(page)).to_have_text("Knowledge hub")
    page.get_by_role("navigation", name="Areas of the hub").get_by_role("link", name=area, exact=True).click()
    expect(_heading(page)).to_have_text(area)


def _select_option_containing(page: Page, label: str, text: str) -> None:
    """Choose, in the select labelled `label`, the one option whose text contains `text`."""
    select = page.get_by_label(label, exact=True)
    value = select.locator("option", has_text=text).get_attribute("value")
    assert value, f"no option with {text!r} in {label!r}"
    select.select_option(value=value)


# --- 1. the coordinator creates the conference from its programme and publishes it -------------------


def test_coordinator_imports_the_riga_2015_programme_and_publishes_the_conference(
    live_server: Any, cast: Cast, riga_programme: Path
) -> None:
    from playwright.sync_api import expect

    login = login_of(cast.users["coordinator_a"])
    blocked: list[str] = []
    with chromium() as browser:
        page = new_page(browser, blocked)
        log_in(page, live_server.url, login)

        _hub_area(page, "Events")
        page.get_by_role("link", name="Import a programme").click()
        expect(_heading(page)).to_have_text("Import a programme")
        page.get_by_label("Managed by").select_option(label="National Coordinator's Office (LV)")
        page.get_by_label("Schedule XML or JSON").set_input_files(riga_programme)
        page.get_by_role("button", name="Import").click()

        # The conference, a draft, with its two days and its sessions and people as published.
        expect(page.get_by_text("The programme is imported; the event is a draft.")).to_be_visible()
        expect(_heading(page)).to_have_text(TITLE)
        expect(page.get_by_text("draft", exact=True)).to_be_visible()
        expect(page.get_by_role("heading", name="Day 1, Tuesday, 19 May 2015")).to_be_visible()
        expect(page.get_by_role("heading", name="Day 2, Wednesday, 20 May 2015")).to_be_visible()
        expect(page.get_by_role("heading", name=ROUND_TABLE)).to_be_visible()
        expect(page.get_by_text("Evelien Pennings")).to_be_visible()
        expect(page.get_by_text("Brian Oedayrajsingh Varma").first).to_be_visible()

        page.get_by_role("button", name="Publish").click()
        expect(page.get_by_text("The event is published.")).to_be_visible()
        expect(page.get_by_text("draft", exact=True)).to_have_count(0)
        expect(page.get_by_role("button", name="Make it a draft again")).to_be_visible()

        page.get_by_role("link", name="Printable programme").click()
        expect(page.get_by_role("heading", name=ROUND_TABLE)).to_be_visible()
    assert blocked == [], f"the Content-Security-Policy blocked something: {blocked}"


# --- 2. people register; the organiser marks attendance on the day -----------------------------------


def _register(page: Page, *, organisation: str, sector: str, country: str, listed: bool) -> None:
    from playwright.sync_api import expect

    _hub_area(page, "Events")
    page.get_by_role("link", name=TITLE).click()
    expect(_heading(page)).to_have_text(TITLE)
    page.get_by_label("Organisation").fill(organisation)
    page.get_by_label("Sector").select_option(label=sector)
    page.get_by_label("Country").select_option(value=country)
    page.get_by_label("Dietary or access needs").fill("Vegetarian lunch")
    if listed:
        page.get_by_label("Show my name on the participant list").check()
    page.get_by_role("button", name="Register", exact=True).click()
    expect(page.get_by_text("The registration is saved.")).to_be_visible()
    expect(page.get_by_text("You are registered.")).to_be_visible()


def test_two_people_register_and_the_organiser_marks_them_present(
    live_server: Any, cast: Cast, riga_2015: Event
) -> None:
    from playwright.sync_api import expect

    ngo_worker, shelter_worker = cast.users["caseworker_b"], cast.users["recipient"]
    logins = [login_of(ngo_worker), login_of(shelter_worker), login_of(cast.users["coordinator_a"])]
    names = [ngo_worker.full_name, shelter_worker.full_name]
    blocked: list[str] = []
    with chromium() as browser:
        first = new_page(browser, blocked)
        log_in(first, live_server.url, logins[0])
        _register(
            first,
            organisation="Vilnius Support Centre",
            sector="Non-governmental organisation",
            country="LT",
            listed=True,
        )
        participants = first.get_by_role("listitem").filter(has_text="Vilnius Support Centre (LT)")
        expect(participants).to_have_text(f"{names[0]}, Vilnius Support Centre (LT)")

        # The second did not agree to appear on the list: registered, but not listed.
        second = new_page(browser, blocked)
        log_in(second, live_server.url, logins[1])
        _register(
            second,
            organisation="Riga Safe House",
            sector="Social services",
            country="LV",
            listed=False,
        )
        expect(second.get_by_role("listitem").filter(has_text=names[1])).to_have_count(0)

        organiser = new_page(browser, blocked)
        log_in(organiser, live_server.url, logins[2])
        _hub_area(organiser, "Events")
        organiser.get_by_role("link", name=TITLE).click()
        organiser.get_by_role("link", name="Registrations and attendance").click()
        expect(_heading(organiser)).to_have_text(f"Registrations: {TITLE}")
        expect(organiser.get_by_text("2 registered, 0 waiting, 0 present.")).to_be_visible()
        for name in names:
            row = organiser.get_by_role("row").filter(has_text=name)
            expect(row).to_contain_text("Vegetarian lunch")
            row.get_by_role("button", name="Mark present").click()
            expect(row.get_by_role("button", name="Present ✓")).to_be_visible()
        expect(organiser.get_by_role("row").filter(has_text="Vilnius Support Centre")).to_contain_text(
            "Non-governmental organisation"
        )
        organiser.reload()
        expect(organiser.get_by_text("2 registered, 0 waiting, 2 present.")).to_be_visible()
    assert blocked == [], f"the Content-Security-Policy blocked something: {blocked}"


# --- 3. the round table's conclusions become recommendations -----------------------------------------


def test_the_organiser_records_the_round_tables_conclusions_as_recommendations(
    live_server: Any, cast: Cast, riga_2015: Event
) -> None:
    from playwright.sync_api import expect

    login = login_of(cast.users["coordinator_a"])
    riga = str(cast.riga)
    blocked: list[str] = []
    with chromium() as browser:
        page = new_page(browser, blocked)
        log_in(page, live_server.url, login)
        _hub_area(page, "Recommendations")
        expect(page.get_by_text("No recommendations yet.")).to_be_visible()
        page.get_by_role("link", name="Record a session's conclusions").click()
        expect(_heading(page)).to_have_text("Record a session's conclusions")

        page.get_by_label("Recorded by").select_option(label="National Coordinator's Office (LV)")
        _select_option_containing(page, "Event session", ROUND_TABLE)
        page.get_by_label("Conclusions").fill("\n\n".join(CONCLUSIONS))
        page.get_by_label("Country addressed").select_option(value="LV")
        page.get_by_label("Addressed to").select_option(label="Municipality")
        page.get_by_label("Municipality addressed").select_option(label=riga)
        page.get_by_label("The role of municipalities").check()
        page.get_by_role("button", name="Save").click()

        expect(page.get_by_text("The conclusions are recorded as recommendations.")).to_be_visible()
        expect(_heading(page)).to_have_text("Recommendations")
        for text in CONCLUSIONS:
            row = page.get_by_role("row").filter(has=page.get_by_role("link", name=text))
            expect(row).to_contain_text(f"{TITLE}: {ROUND_TABLE}")
            expect(row).to_contain_text("Rīga (LV)")

        page.get_by_role("link", name=CONCLUSIONS[0]).click()
        expect(_heading(page)).to_have_text("Recommendation")
        expect(page.get_by_text(CONCLUSIONS[0])).to_be_visible()
        expect(page.get_by_role("link", name=f"{TITLE}: {ROUND_TABLE}")).to_be_visible()
        expect(page.get_by_text("The role of municipalities", exact=True)).to_be_visible()
    assert blocked == [], f"the Content-Security-Policy blocked something: {blocked}"


# --- 4. Riga's action plan answers them; its indicator is computed from STROM's cases ----------------


def _new_plan(page: Page, *, owner: str, riga: str) -> None:
    from playwright.sync_api import expect

    _hub_area(page, "Action plans")
    page.get_by_role("link", name="New action plan").click()
    expect(_heading(page)).to_have_text("New action plan")
    page.get_by_label("Owner").select_option(label=owner)
    page.get_by_label("Level").select_option(label="Municipal")
    page.get_by_label("Country", exact=True).select_option(value="LV")
    page.get_by_label("Municipality").select_option(label=riga)
    page.get_by_label("Title").fill(PLAN)
    page.get_by_label("From").fill(f"{THIS_YEAR}-01-01")
    page.get_by_label("Until").fill(f"{THIS_YEAR + 2}-12-31")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The plan is created as a draft.")).to_be_visible()
    expect(_heading(page)).to_have_text(PLAN)


def _new_measure(page: Page) -> None:
    from playwright.sync_api import expect

    page.get_by_role("link", name="New measure").click()
    expect(_heading(page)).to_have_text("New measure")
    page.get_by_label("What").fill(MEASURE)
    page.get_by_label("Start", exact=True).fill(f"{THIS_YEAR}-02-01")
    page.get_by_label("Target date").fill(f"{THIS_YEAR + 1}-06-30")
    for text in CONCLUSIONS:
        page.get_by_label(text).check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The measure is added.")).to_be_visible()
    expect(_heading(page)).to_have_text(MEASURE)
    answers = page.get_by_role("heading", name="Answers the recommendations")
    expect(answers).to_be_visible()
    for text in CONCLUSIONS:
        expect(page.get_by_role("link", name=text)).to_be_visible()


def _computed_indicator(page: Page, *, baseline_year: int) -> None:
    from playwright.sync_api import expect

    page.get_by_role("link", name="New indicator").click()
    expect(_heading(page)).to_have_text("New indicator")
    page.get_by_label("Computed from STROM's cases").check()
    page.get_by_label("Figure STROM counts").select_option(label=FIGURE)
    page.get_by_label("Baseline year").fill(str(baseline_year))
    page.get_by_label("Target").fill("10")
    page.get_by_label("Counted from (year)").fill(str(THIS_YEAR - 1))
    page.get_by_label("Counted until (year)").fill(str(THIS_YEAR))
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The indicator is added.")).to_be_visible()
    expect(_heading(page)).to_have_text(MEASURE)


def _expect_values(page: Page, *, baseline: str, current: str) -> None:
    """The computed indicator's row: Indicator, Source, Baseline, Current, Target."""
    from playwright.sync_api import expect

    cells = page.get_by_role("row").filter(has_text=FIGURE).get_by_role("cell")
    expect(cells.nth(1)).to_contain_text("Computed from STROM's cases")
    expect(cells.nth(2)).to_have_text(baseline)
    expect(cells.nth(3)).to_have_text(current)
    expect(cells.nth(4)).to_have_text("10")


def test_rigas_action_plan_answers_the_recommendations_with_a_measure_and_a_computed_indicator(
    live_server: Any, cast: Cast, recommendations: None, presumed_victims: PresumedVictims
) -> None:
    from playwright.sync_api import expect

    login = login_of(cast.users["supervisor_a"])
    owner, riga = cast.org_a.name, str(cast.riga)
    # Counted from Riga's cases through the statistics' disclosure control: this year's count is as
    # large as the threshold and is shown; the baseline year's is smaller and is withheld.
    assert presumed_victims.then < presumed_victims.threshold <= presumed_victims.now
    shown = {"baseline": "withheld", "current": str(presumed_victims.now)}
    blocked: list[str] = []
    with chromium() as browser:
        page = new_page(browser, blocked)
        log_in(page, live_server.url, login)
        _new_plan(page, owner=owner, riga=riga)
        _new_measure(page)
        _computed_indicator(page, baseline_year=presumed_victims.baseline_year)
        _expect_values(page, **shown)

        page.get_by_role("link", name=PLAN).click()
        expect(_heading(page)).to_have_text(PLAN)
        expect(page.get_by_role("row").filter(has_text=MEASURE)).to_contain_text(owner)
        page.get_by_role("navigation", name="Action plan").get_by_role(
            "link", name="Dashboard", exact=True
        ).click()
        expect(page.get_by_role("heading", name="Indicators")).to_be_visible()
        _expect_values(page, **shown)

        # Each recommendation shows the measure that answers it, in Riga's plan.
        _hub_area(page, "Recommendations")
        page.get_by_role("link", name=CONCLUSIONS[1]).click()
        expect(_heading(page)).to_have_text("Recommendation")
        answering = page.get_by_role("row").filter(has=page.get_by_role("link", name=MEASURE))
        expect(answering).to_contain_text(PLAN)
        expect(answering).to_contain_text(owner)
    assert blocked == [], f"the Content-Security-Policy blocked something: {blocked}"


# --- 5. a case worker on a case in the reflection stage finds a practice for it in one click ---------


@pytest.fixture
def reflection_case_and_practices(cast: Cast) -> tuple[str, str, str]:
    """A Riga case in the reflection stage, a published practice for that stage and one for another:
    (case reference, the reflection practice's title, the other's title)."""
    case = to_reflection(cast, opened_case(cast))
    reflection = make_practice(cast, title="Supported flats for men during the reflection period")
    other = make_practice(cast, title="Mentors for the first year of assistance", stages=[Stage.ASSISTANCE])
    return case.ref, reflection.title, other.title


def test_case_worker_on_a_reflection_stage_case_finds_a_practice_for_the_stage_in_one_click(
    live_server: Any, cast: Cast, reflection_case_and_practices: tuple[str, str, str]
) -> None:
    from playwright.sync_api import expect

    ref, for_the_stage, for_another = reflection_case_and_practices
    login = login_of(cast.users["caseworker_a"])
    blocked: list[str] = []
    with chromium() as browser:
        page = new_page(browser, blocked)
        log_in(page, live_server.url, login)
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Cases").click()
        page.get_by_role("link", name=ref, exact=True).click()
        expect(_heading(page)).to_have_text(f"Case {ref}")
        stage_shown = page.get_by_role("definition").filter(has_text="Reflection and recovery period")
        expect(stage_shown.first).to_be_visible()
        # The overview's "at a glance" names the practices for the stage: one click away.
        expect(page.get_by_role("term").filter(has_text="Practices for this stage")).to_be_visible()
        page.get_by_role("link", name="1 published practice", exact=True).click()

        expect(_heading(page)).to_have_text("Practices library")
        stage = page.get_by_label("Stage", exact=True)
        expect(stage.locator("option:checked")).to_have_text("Reflection and recovery period")
        expect(page.get_by_role("link", name=for_the_stage)).to_be_visible()
        expect(page.get_by_role("link", name=for_another)).to_have_count(0)
        expect(page.get_by_text("1 practice", exact=True)).to_be_visible()
    assert blocked == [], f"the Content-Security-Policy blocked something: {blocked}"
