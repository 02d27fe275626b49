from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import override_settings
from django.urls import reverse

from strom.audit.models import AuditEntry
from strom.cases.tests.factories import make_case
from strom.practices.models import EvidenceRating, PracticeState, PracticeVersion
from strom.practices.services import practice_revise, practice_update, practice_withdraw
from strom.practices.tests.factories import advance, complete_rating, make_practice, practice_data
from strom.stages.tests.stage_helpers import opened_case, to_reflection
from tests.personas import Cast

pytestmark = pytest.mark.django_db


def _page(client: Any, url: str, **params: str) -> str:
    response = client.get(url, params)
    assert response.status_code == 200, response.status_code
    return str(response.content.decode())


# --- "practices for this stage" on the case page ------------------------------------------------------------


def test_a_case_worker_on_a_reflection_case_reaches_its_practice_in_one_click(
    cast: Cast, as_persona: Any
) -> None:
    make_practice(cast, state="published", title="Shelter places for men during the reflection period")
    make_practice(cast, state="published", title="Job fairs for survivors", stages=["assistance"])
    case = to_reflection(cast, opened_case(cast))
    client = as_persona("caseworker_a")
    page = _page(client, reverse("cases:part", kwargs={"ref": case.ref, "part": "practices"}))
    link = re.search(r'href="([^"]+\?stage=reflection)"[^>]*>Practices for this stage \(1\)<', page)
    assert link, "the case page links to the practices of its stage"
    assert "Shelter places for men during the reflection period" in page
    assert "Job fairs for survivors" not in page
    overview = _page(client, reverse("cases:detail", kwargs={"ref": case.ref}))
    assert re.search(r'href="[^"]+\?stage=reflection">1 published practice<', overview), "one click away"
    listing = _page(client, link.group(1).replace("&amp;", "&"))
    assert "Shelter places for men during the reflection period" in listing
    assert "Job fairs for survivors" not in listing


def test_the_overviews_count_follows_publications_and_withdrawals_at_once(
    cast: Cast, as_persona: Any, django_capture_on_commit_callbacks: Any
) -> None:
    # The count is kept in the cache: a publication or a withdrawal must reach the next page anyway.
    case = to_reflection(cast, opened_case(cast))
    client = as_persona("caseworker_a")
    url = reverse("cases:detail", kwargs={"ref": case.ref})
    assert "none published yet" in _page(client, url)
    assert "none published yet" in _page(client, url)
    with django_capture_on_commit_callbacks(execute=True):
        first = make_practice(cast, state="published", title="Shelter places for men")
    assert re.search(r">1 published practice<", _page(client, url))
    with django_capture_on_commit_callbacks(execute=True):
        make_practice(cast, state="published", title="Interpreters on call")
    assert re.search(r">2 published practices<", _page(client, url))
    with django_capture_on_commit_callbacks(execute=True):
        practice_withdraw(by=cast.coordinator_a, practice=first)
    assert re.search(r">1 published practice<", _page(client, url))


def test_the_section_says_so_when_no_practice_concerns_the_stage(cast: Cast, as_persona: Any) -> None:
    case = make_case(cast, owner=cast.caseworker_a)
    page = _page(
        as_persona("caseworker_a"), reverse("cases:part", kwargs={"ref": case.ref, "part": "practices"})
    )
    assert "No published practice concerns this stage yet." in page


def test_the_section_records_no_read_of_its_own(cast: Cast, as_persona: Any) -> None:
    make_practice(cast, state="published", stages=["screening"])
    case = make_case(cast, owner=cast.caseworker_a)
    client = as_persona("caseworker_a")
    before = AuditEntry.objects.count()
    _page(client, reverse("cases:part", kwargs={"ref": case.ref, "part": "practices"}))
    actions = list(AuditEntry.objects.order_by("seq")[before:].values_list("action", flat=True))
    assert actions == ["case.view"]


# --- the library -------------------------------------------------------------------------------------------


def test_the_library_filters_by_stage_country_level_and_words(cast: Cast, as_persona: Any) -> None:
    make_practice(cast, state="published", title="Shelter places for men")
    make_practice(
        cast,
        state="published",
        title="Outreach on farms",
        country="LT",
        stages=["screening"],
        summary="Inspectors visit.",
    )
    make_practice(cast, state="draft", title="An unpublished draft")
    client = as_persona("caseworker_b")
    url = reverse("practices:list")
    everything = _page(client, url)
    assert "Shelter places for men" in everything
    assert "Outreach on farms" in everything
    assert "An unpublished draft" not in everything
    assert "Outreach on farms" not in _page(client, url, stage="reflection")
    assert "Shelter places for men" not in _page(client, url, country="LT")
    assert "Shelter places for men" not in _page(client, url, q="inspectors")
    assert "Outreach on farms" in _page(client, url, q="inspectors")
    assert "Shelter places" in _page(client, url, level="promising")
    assert "Shelter places" not in _page(client, url, level="proven")
    partial = client.get(url, {"stage": "screening"}, headers={"HX-Request": "true"}).content.decode()
    assert "<table" in partial
    assert "<h1>" not in partial


def test_the_scale_page_shows_the_criteria_and_the_rule(cast: Cast, as_persona: Any) -> None:
    page = _page(as_persona("caseworker_a"), reverse("practices:scale"))
    for words in ("Relevance", "Evidence base", "Transferability", "Sustainability", "Proven", "Emerging"):
        assert words in page
    assert "an independent evaluation" in page


# --- reading a practice, contacts ---------------------------------------------------------------------------


def test_a_member_reads_a_practice_and_its_contacts_only_on_demand(cast: Cast, as_persona: Any) -> None:
    practice = make_practice(cast, state="published")
    client = as_persona("caseworker_b")
    page = _page(client, reverse("practices:detail", args=[practice.pk]))
    assert "Shelter places for men" in page
    assert "Promising" in page
    assert "Monitored outcomes for two years." in page  # the rating's justification
    assert "ieva@example.test" not in page
    before = AuditEntry.objects.filter(action="practice_contacts.view").count()
    partial = client.get(reverse("practices:contacts", args=[practice.pk]), headers={"HX-Request": "true"})
    assert "ieva@example.test" in partial.content.decode()
    assert AuditEntry.objects.filter(action="practice_contacts.view").count() == before + 1


def test_readers_see_the_published_version_while_the_editors_revise(cast: Cast, as_persona: Any) -> None:
    practice = make_practice(cast, state="published", title="Places for men")
    practice = practice_revise(by=cast.supervisor_a, practice=practice)
    practice_update(
        by=cast.supervisor_a, practice=practice, data=practice_data(title="Places for men and boys")
    )
    url = reverse("practices:detail", args=[practice.pk])
    assert "Places for men and boys" not in _page(as_persona("caseworker_b"), url)
    editors = _page(as_persona("supervisor_a"), url)
    assert "Places for men and boys" in editors
    assert "Readers see the published version 1" in editors


@override_settings(STROM_HUB_PUBLIC=True)
def test_where_the_hub_is_open_anyone_reads_public_practices_without_contacts(
    cast: Cast, as_persona: Any
) -> None:
    public = make_practice(cast, state="published", title="A public practice", visibility="public")
    members = make_practice(cast, state="published", title="A members-only practice")
    client = as_persona("anonymous")
    listing = _page(client, reverse("practices:list"))
    assert "A public practice" in listing
    assert "A members-only practice" not in listing
    page = _page(client, reverse("practices:detail", args=[public.pk]))
    assert "ieva@example.test" not in page
    assert "practice-contacts" not in page
    assert client.get(reverse("practices:detail", args=[members.pk])).status_code == 404
    assert client.get(reverse("practices:contacts", args=[public.pk])).status_code == 302
    assert client.get(reverse("practices:create")).status_code == 302
    # The API reads the same, and writes nothing, without an account.
    api = client.get(reverse("api:practices_list"))
    assert api.status_code == 200
    assert [p["title"] for p in api.json()["items"]] == ["A public practice"]
    assert (
        client.get(reverse("api:practices_detail", args=[public.pk])).json()["title"] == "A public practice"
    )
    assert client.get(reverse("api:practices_versions", args=[public.pk])).status_code == 200
    assert client.get(reverse("api:practices_detail", args=[members.pk])).status_code == 404
    assert client.get(reverse("api:practices_contacts", args=[public.pk])).status_code == 401
    assert client.post(reverse("api:practices_list"), {}, content_type="application/json").status_code == 401


def test_where_the_hub_is_closed_a_reader_without_an_account_is_sent_to_log_in(
    cast: Cast, as_persona: Any
) -> None:
    public = make_practice(cast, state="published", visibility="public")
    response = as_persona("anonymous").get(reverse("practices:detail", args=[public.pk]))
    assert response.status_code == 302
    assert "/login" in response["Location"]


# --- writing and reviewing on the pages ---------------------------------------------------------------------


def test_an_editor_writes_a_practice_on_the_form(cast: Cast, as_persona: Any) -> None:
    client = as_persona("supervisor_a")
    response = client.post(
        reverse("practices:create"),
        {
            "organisation": cast.org_a.pk,
            "title": "Mobile outreach",
            "summary": "Inspectors and social workers visit farms.",
            "country": "LV",
            "stages": ["screening"],
            "forms_of_exploitation": ["ForcedLabour"],
            "visibility": "public",
            "languages": "en, lv",
            "contacts": "Anna Liepa; Inspector; anna@example.test; +371 2000 0000",
            "links": "Guide | https://example.org/guide",
        },
    )
    assert response.status_code == 302
    from strom.practices.models import Practice

    practice = Practice.objects.get(translations__title="Mobile outreach")
    assert (practice.forms, practice.languages, practice.visibility) == (
        ["ForcedLabour"],
        ["en", "lv"],
        "public",
    )
    assert practice.contacts.get().phone == "+371 2000 0000"
    # The form says what is wrong and saves nothing.
    response = client.post(reverse("practices:edit", args=[practice.pk]), {"title": "", "country": "LV"})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()


def test_a_reviewer_rates_publishes_and_the_versions_page_shows_what_changed(
    cast: Cast, as_persona: Any
) -> None:
    practice = make_practice(cast, state="in_review")
    reviewer = as_persona("coordinator_a")
    form = {
        k: "" if v is None else v for k, v in vars(complete_rating(evidence=None, evidence_note="")).items()
    }
    response = reviewer.post(reverse("practices:review", args=[practice.pk]), form)
    assert response.status_code == 302
    page = _page(reviewer, reverse("practices:review", args=[practice.pk]))
    assert "Not every criterion is scored yet." in page
    assert "to publish." in page
    response = reviewer.post(reverse("practices:publish", args=[practice.pk]), {})
    assert PracticeVersion.objects.count() == 0  # refused: the rating is incomplete
    form.update({"evidence": "3", "evidence_note": "An independent evaluation in 2024."})
    reviewer.post(reverse("practices:review", args=[practice.pk]), form)
    assert EvidenceRating.objects.get(practice=practice).level == "proven"
    response = reviewer.post(reverse("practices:publish", args=[practice.pk]), {"comment": "Welcome."})
    assert response.status_code == 302
    practice.refresh_from_db()
    assert practice.state == PracticeState.PUBLISHED
    # A second version with another title: the versions page names the change.
    practice = practice_revise(by=cast.supervisor_a, practice=practice)
    practice_update(
        by=cast.supervisor_a, practice=practice, data=practice_data(title="Places for men and boys")
    )
    advance(cast, practice, "published")
    page = _page(as_persona("caseworker_b"), reverse("practices:versions", args=[practice.pk]))
    assert "First publication." in page
    changed = page[page.index("What changed since the version before") :]
    assert '<th scope="row">Title</th>' in changed
    assert "Shelter places for men during the reflection period" in changed
    assert "Places for men and boys" in changed
    assert '<th scope="row">Evidence rating</th>' in changed  # re-rated: promising, then proven


def test_a_returned_practice_shows_the_reviewers_comment_to_its_editors(cast: Cast, as_persona: Any) -> None:
    practice = make_practice(cast, state="submitted")
    response = as_persona("coordinator_b").post(
        reverse("practices:return", args=[practice.pk]), {"comment": "Please add what it cost."}
    )
    assert response.status_code == 302
    page = _page(as_persona("supervisor_a"), reverse("practices:detail", args=[practice.pk]))
    assert "Please add what it cost." in page
    assert "Returned to the editors" in page
    assert "Please add what it cost." not in _page(as_persona("caseworker_a"), reverse("practices:list"))


def test_an_attachment_is_downloaded_through_the_access_check(cast: Cast, as_persona: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from strom.practices.services import attachment_add

    practice = make_practice(cast, state="draft")
    attachment = attachment_add(
        by=cast.supervisor_a,
        practice=practice,
        title="Report",
        file=SimpleUploadedFile("r.pdf", b"%PDF-1.4 x"),
    )
    url = reverse("practices:attachment", args=[attachment.pk])
    assert as_persona("caseworker_b").get(url).status_code == 404  # still a draft
    advance(cast, practice, "published")
    response = as_persona("caseworker_b").get(url)
    assert response.status_code == 200
    assert response.content == b"%PDF-1.4 x"
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"


def _queries(client: Any, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm the session
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_library_and_a_practice_cost_the_same_queries_however_many_rows(
    cast: Cast, as_persona: Any
) -> None:
    client = as_persona("caseworker_b")
    first = make_practice(cast, state="published")
    few = _queries(client, reverse("practices:list"))
    detail = _queries(client, reverse("practices:detail", args=[first.pk]))
    for n in range(3):
        make_practice(cast, state="published", title=f"Practice {n}")
    assert _queries(client, reverse("practices:list")) == few
    assert few <= 12
    assert detail <= 15


def test_the_library_lists_the_practices_of_a_referral_pathway_step(cast: Cast, as_persona: Any) -> None:
    from strom.audit.actors import DEMO
    from strom.pathways.models import PathwayStage
    from strom.pathways.services import StepData, pathway_save

    pathway = pathway_save(
        by=DEMO,
        municipality=cast.riga,
        version=0,
        steps=[StepData(stage=PathwayStage.REFLECTION, agency_name="Riga Safe House")],
    )
    step = pathway.steps.get()
    make_practice(cast, state="published", title="Linked to the step", pathway_steps=[step])
    make_practice(cast, state="published", title="Not linked")
    page = _page(as_persona("caseworker_b"), reverse("practices:list"), step=str(step.pk))
    assert "Linked to the step" in page
    assert "Not linked" not in page


def test_the_rating_form_shows_what_each_score_means_and_why_it_was_refused(
    cast: Cast, as_persona: Any
) -> None:
    practice = make_practice(cast, state="in_review")
    reviewer = as_persona("coordinator_a")
    url = reverse("practices:review", args=[practice.pk])
    page = _page(reviewer, url)
    assert "<legend>Evidence base</legend>" in page
    assert "an independent evaluation, or comparable results in more than one place" in page
    form = {k: "" if v is None else v for k, v in vars(complete_rating(evidence_note="")).items()}
    response = reviewer.post(url, form)
    assert response.status_code == 200
    assert "Write why this score" in response.content.decode()
    assert not EvidenceRating.objects.filter(practice=practice).exists()
