from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from strom.audit.actors import DEMO
from strom.audit.models import AuditEntry
from strom.core.errors import NotAllowed
from strom.practices.models import (
    EvidenceLevel,
    EvidenceRating,
    Practice,
    PracticeAttachment,
    PracticeContact,
    PracticeState,
    PracticeVersion,
    ReviewComment,
)
from strom.practices.scale import level_for
from strom.practices.selectors import library
from strom.practices.services import (
    ContactData,
    RatingData,
    attachment_add,
    comment_add,
    practice_create,
    practice_publish,
    practice_return,
    practice_revise,
    practice_start_review,
    practice_submit,
    practice_update,
    practice_withdraw,
    rating_remove,
    rating_save,
)
from strom.practices.tests.factories import advance, complete_rating, make_practice, practice_data
from tests.personas import Cast

pytestmark = pytest.mark.django_db


def _actions(practice: Practice) -> list[str]:
    return list(
        AuditEntry.objects.filter(object_type="practice", object_ref=str(practice.pk))
        .order_by("seq")
        .values_list("action", flat=True)
    )


# --- the scale -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("scores", "level"),
    [
        ((3, 3, 2, 2), EvidenceLevel.PROVEN),
        ((3, 2, 2, 2), EvidenceLevel.PROMISING),  # total 9, but the evidence is not independent
        ((2, 2, 2, 1), EvidenceLevel.PROMISING),
        ((2, 1, 1, 0), EvidenceLevel.EMERGING),
        ((1, 3, 3, 3), EvidenceLevel.INSUFFICIENT),  # not relevant enough, whatever the rest
        ((2, 0, 3, 3), EvidenceLevel.INSUFFICIENT),  # no results reported
    ],
)
def test_the_level_follows_from_the_scores_by_the_published_rule(scores: tuple[int, ...], level: str) -> None:
    keys = ("relevance", "evidence", "transferability", "sustainability")
    assert level_for(dict(zip(keys, scores, strict=True))) == level


def test_no_level_while_a_score_is_missing() -> None:
    assert level_for({"relevance": 3, "evidence": 3, "transferability": 3, "sustainability": None}) == ""


# --- writing -------------------------------------------------------------------------------------------


def test_an_editor_creates_a_draft_with_contacts_and_links_audited(cast: Cast) -> None:
    practice = practice_create(by=cast.supervisor_a, organisation=cast.org_a, data=practice_data())
    assert practice.state == PracticeState.DRAFT
    assert practice.created_by == cast.supervisor_a
    contact = PracticeContact.objects.get(practice=practice)
    assert (contact.name, contact.email) == ("Ieva Kalna", "ieva@example.test")
    assert practice.links.get().url == "https://example.org/report.pdf"
    assert _actions(practice) == ["practice.create"]
    entry = AuditEntry.objects.get(action="practice.create")
    assert "Ieva" not in str(entry.details)  # the audit log names no contact


@pytest.mark.parametrize("persona", ["caseworker_a", "orgadmin_a", "supervisor_b", "sysadmin", "outsider"])
def test_only_the_organisations_editors_create_its_practices(cast: Cast, persona: str) -> None:
    with pytest.raises(NotAllowed):
        practice_create(by=cast.users[persona], organisation=cast.org_a, data=practice_data())
    assert not Practice.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": "  "}, "title"),
        ({"summary": ""}, "summary"),
        ({"country": "XX"}, "country"),
        ({"stages": ["nowhere"]}, "stages"),
        ({"forms": ["Kidnapping"]}, "forms"),
        ({"start_year": 2020, "end_year": 2019}, "end_year"),
        ({"languages": ["Latvian"]}, "languages"),
        ({"contacts": [ContactData(name="A Person", email="not-an-address")]}, "contacts"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_saved(cast: Cast, overrides: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as refused:
        practice_create(by=cast.supervisor_a, organisation=cast.org_a, data=practice_data(**overrides))
    assert field in refused.value.error_dict
    assert not Practice.objects.exists()
    assert not PracticeContact.objects.exists()


def test_the_municipality_must_be_in_the_practices_country(cast: Cast) -> None:
    with pytest.raises(ValidationError, match="municipality must be in"):
        practice_create(
            by=cast.supervisor_a,
            organisation=cast.org_a,
            data=practice_data(country="LV", municipality=cast.vilnius),
        )


def test_editing_replaces_the_contacts_and_is_refused_once_submitted(cast: Cast) -> None:
    practice = make_practice(cast, state="draft")
    practice_update(
        by=cast.supervisor_a,
        practice=practice,
        data=practice_data(title="Places for men", contacts=[ContactData(name="Juris Ozols")]),
    )
    practice.refresh_from_db()
    assert practice.title == "Places for men"
    assert [c.name for c in practice.contacts.all()] == ["Juris Ozols"]
    practice = practice_submit(by=cast.supervisor_a, practice=practice)
    with pytest.raises(ValidationError, match="Only a draft or a returned practice can be edited"):
        practice_update(by=cast.supervisor_a, practice=practice, data=practice_data(title="Changed"))
    practice.refresh_from_db()
    assert practice.title == "Places for men"
    with pytest.raises(NotAllowed):
        practice_update(by=cast.supervisor_b, practice=practice, data=practice_data())


# --- the review -----------------------------------------------------------------------------------------


def test_the_whole_workflow_publishes_a_numbered_version(cast: Cast) -> None:
    practice = make_practice(cast, state="draft")
    reviewer = cast.coordinator_a
    practice = practice_submit(by=cast.supervisor_a, practice=practice)
    practice = practice_start_review(by=reviewer, practice=practice)
    comment_add(by=reviewer, practice=practice, body="Clear and useful.")
    rating = rating_save(by=reviewer, practice=practice, data=complete_rating())
    assert rating.level == EvidenceLevel.PROMISING
    version = practice_publish(by=reviewer, practice=practice, comment="Welcome to the library.")
    practice.refresh_from_db()
    assert (practice.state, version.number, version.is_current, version.level) == (
        PracticeState.PUBLISHED,
        1,
        True,
        EvidenceLevel.PROMISING,
    )
    assert version.data["title"] == practice.title
    assert "contacts" not in version.data
    assert _actions(practice) == [
        "practice.create",
        "practice.submit",
        "practice.start_review",
        "practice.comment",
        "practice.rate",
        "practice.publish",
    ]


def test_a_reviewer_may_not_review_their_own_organisations_practice(cast: Cast) -> None:
    # coordinator_a edits and reviews: a practice of their own office goes to another reviewer.
    own = practice_create(
        by=cast.coordinator_a, organisation=cast.orgs["coordinator_lv"], data=practice_data()
    )
    own = practice_submit(by=cast.coordinator_a, practice=own)
    with pytest.raises(NotAllowed):
        practice_start_review(by=cast.coordinator_a, practice=own)
    own.refresh_from_db()
    assert own.state == PracticeState.SUBMITTED
    practice_start_review(by=cast.coordinator_b, practice=own)


@pytest.mark.parametrize("persona", ["supervisor_a", "caseworker_a", "sysadmin", "analyst_b"])
def test_only_reviewers_review(cast: Cast, persona: str) -> None:
    practice = make_practice(cast, state="submitted")
    with pytest.raises(NotAllowed):
        practice_start_review(by=cast.users[persona], practice=practice)


def test_a_draft_cannot_be_reviewed_nor_published(cast: Cast) -> None:
    from strom.practices.access import get_practice_for

    practice = make_practice(cast, state="draft")
    with pytest.raises(NotAllowed):  # a draft is not with the reviewers: they do not see it
        get_practice_for(cast.coordinator_a, practice.pk, review=True)
    with pytest.raises(ValidationError, match="Only a submitted practice can be taken into review"):
        practice_start_review(by=cast.coordinator_a, practice=practice)
    with pytest.raises(ValidationError, match="Only a practice in review can be published"):
        practice_publish(by=cast.coordinator_a, practice=practice)
    assert not PracticeVersion.objects.exists()


def test_publishing_needs_a_complete_rating(cast: Cast) -> None:
    practice = make_practice(cast, state="in_review")
    with pytest.raises(ValidationError, match="Rate all four criteria"):
        practice_publish(by=cast.coordinator_a, practice=practice)
    rating_save(
        by=cast.coordinator_a, practice=practice, data=RatingData(relevance=3, relevance_note="Needed.")
    )
    with pytest.raises(ValidationError, match="Rate all four criteria"):
        practice_publish(by=cast.coordinator_a, practice=practice)
    practice.refresh_from_db()
    assert practice.state == PracticeState.IN_REVIEW
    assert not PracticeVersion.objects.exists()


def test_a_score_needs_its_justification(cast: Cast) -> None:
    practice = make_practice(cast, state="in_review")
    with pytest.raises(ValidationError) as refused:
        rating_save(by=cast.coordinator_a, practice=practice, data=complete_rating(evidence_note=" "))
    assert "evidence_note" in refused.value.error_dict
    assert not EvidenceRating.objects.exists()


def test_a_rating_below_emerging_cannot_be_published(cast: Cast) -> None:
    practice = make_practice(cast, state="in_review")
    rating_save(by=cast.coordinator_a, practice=practice, data=complete_rating(relevance=1))
    with pytest.raises(ValidationError, match="below “emerging”"):
        practice_publish(by=cast.coordinator_a, practice=practice)
    assert not PracticeVersion.objects.exists()


def test_returning_needs_a_comment_and_the_editors_resubmit(cast: Cast) -> None:
    practice = make_practice(cast, state="in_review")
    with pytest.raises(ValidationError, match="Say what the editors should change"):
        practice_return(by=cast.coordinator_a, practice=practice, comment=" ")
    practice.refresh_from_db()
    assert practice.state == PracticeState.IN_REVIEW
    practice = practice_return(by=cast.coordinator_a, practice=practice, comment="Add the costs.")
    assert practice.state == PracticeState.RETURNED
    assert ReviewComment.objects.get(practice=practice).kind == ReviewComment.Kind.RETURNED
    practice_update(
        by=cast.supervisor_a, practice=practice, data=practice_data(cost_note="EUR 40 000 a year")
    )
    practice = practice_submit(by=cast.supervisor_a, practice=practice)
    assert practice.state == PracticeState.SUBMITTED


# --- published practices keep their rating ----------------------------------------------------------------


def test_a_published_practice_cannot_lose_its_rating(cast: Cast) -> None:
    practice = make_practice(cast, state="published")
    rating_before = EvidenceRating.objects.get(practice=practice)
    with pytest.raises(ValidationError, match="A published practice cannot lose its rating criteria"):
        rating_remove(by=cast.coordinator_a, practice=practice)
    # Revised and in review again, its rating may change but not be emptied.
    practice = practice_revise(by=cast.supervisor_a, practice=practice)
    practice = advance(cast, practice, "in_review")
    with pytest.raises(ValidationError, match="A published practice cannot lose its rating criteria"):
        rating_save(by=cast.coordinator_a, practice=practice, data=complete_rating(sustainability=None))
    with pytest.raises(ValidationError, match="A published practice cannot lose its rating criteria"):
        rating_save(by=cast.coordinator_a, practice=practice, data=RatingData())
    rating = EvidenceRating.objects.get(practice=practice)
    assert (rating.sustainability, rating.level) == (rating_before.sustainability, rating_before.level)
    assert not AuditEntry.objects.filter(action__in=["practice.rating_remove"]).exists()


def test_the_rating_can_start_again_before_the_first_publication(cast: Cast) -> None:
    practice = make_practice(cast, state="rated")
    rating_remove(by=cast.coordinator_a, practice=practice)
    assert not EvidenceRating.objects.filter(practice=practice).exists()
    assert "practice.rating_remove" in _actions(practice)


# --- versions, withdrawal --------------------------------------------------------------------------------


def test_a_revision_keeps_the_published_version_in_the_library_until_the_next(cast: Cast) -> None:
    practice = make_practice(cast, state="published", title="Places for men")
    member = cast.caseworker_b
    practice = practice_revise(by=cast.supervisor_a, practice=practice)
    practice_update(
        by=cast.supervisor_a, practice=practice, data=practice_data(title="Places for men and boys")
    )
    assert [v.title for v in library(member)] == ["Places for men"]
    advance(cast, practice, "published")
    versions = list(PracticeVersion.objects.filter(practice=practice).order_by("number"))
    assert [(v.number, v.is_current) for v in versions] == [(1, False), (2, True)]
    assert "title" in versions[1].changed
    assert [v.title for v in library(member)] == ["Places for men and boys"]


def test_withdrawing_takes_it_out_of_the_library_and_keeps_its_versions(cast: Cast) -> None:
    practice = make_practice(cast, state="published")
    with pytest.raises(NotAllowed):
        practice_withdraw(by=cast.caseworker_a, practice=practice)
    practice_withdraw(by=cast.supervisor_a, practice=practice)
    assert not library(cast.caseworker_b).exists()
    assert PracticeVersion.objects.filter(practice=practice).count() == 1
    with pytest.raises(ValidationError, match="Only a published practice can be withdrawn"):
        practice_withdraw(by=cast.supervisor_a, practice=practice)


# --- who reads what ---------------------------------------------------------------------------------------


def test_members_read_published_practices_and_only_editors_see_drafts(cast: Cast) -> None:
    published = make_practice(cast, state="published")
    draft = make_practice(cast, state="draft", title="A draft")
    assert set(Practice.objects.visible_to(cast.caseworker_b)) == {published}
    assert set(Practice.objects.visible_to(cast.supervisor_a)) == {published, draft}
    assert set(Practice.objects.visible_to(cast.outsider)) == set()


def test_readers_without_an_account_read_public_practices_only_where_the_hub_is_open(cast: Cast) -> None:
    from django.contrib.auth.models import AnonymousUser

    public = make_practice(cast, state="published", visibility="public", title="Public")
    make_practice(cast, state="published", title="Members only")
    anonymous = AnonymousUser()
    assert not library(anonymous).exists()
    with override_settings(STROM_HUB_PUBLIC=True):
        assert [v.practice_id for v in library(anonymous)] == [public.pk]
        assert [v.practice_id for v in library(cast.outsider)] == [public.pk]
        assert not PracticeContact.objects.visible_to(anonymous).exists()
    assert PracticeContact.objects.visible_to(cast.caseworker_b).count() == 2


def test_the_demo_writes_as_a_system_actor(cast: Cast) -> None:
    practice = practice_create(by=DEMO, organisation=cast.org_b, data=practice_data())
    practice_submit(by=DEMO, practice=practice)
    assert AuditEntry.objects.filter(action="practice.submit", system_actor="demo").exists()


# --- attachments -----------------------------------------------------------------------------------------


def test_an_attachment_is_checked_by_its_content(cast: Cast) -> None:
    practice = make_practice(cast, state="draft")
    with pytest.raises(ValidationError, match="says it is a PDF"):
        attachment_add(
            by=cast.supervisor_a,
            practice=practice,
            title="Report",
            file=SimpleUploadedFile("report.pdf", b"MZ\x90\x00 not a pdf"),
        )
    assert not PracticeAttachment.objects.exists()
    attachment = attachment_add(
        by=cast.supervisor_a,
        practice=practice,
        title="Report",
        file=SimpleUploadedFile("report.pdf", b"%PDF-1.4 report"),
    )
    assert (attachment.content_type, attachment.size) == ("application/pdf", 15)


def test_an_attachment_over_the_limit_is_refused(cast: Cast) -> None:
    practice = make_practice(cast, state="draft")
    with override_settings(STROM_UPLOAD_MAX_BYTES=10), pytest.raises(ValidationError, match="larger than"):
        attachment_add(
            by=cast.supervisor_a,
            practice=practice,
            title="Report",
            file=SimpleUploadedFile("report.txt", b"more than ten bytes"),
        )
    assert not PracticeAttachment.objects.exists()


# --- search -------------------------------------------------------------------------------------------------


def test_the_search_finds_the_published_version_without_contacts(cast: Cast) -> None:
    from strom.practices.search import practice_document

    draft = make_practice(cast, state="draft")
    assert practice_document(draft) is None
    published = make_practice(cast, state="published", visibility="public")
    document = practice_document(published)
    assert document is not None
    assert (document.title, document.public, document.country) == (published.title, True, "LV")
    assert document.stages == ("reflection",)
    assert "Ieva" not in document.body
    assert "ieva@example.test" not in document.body
    practice_withdraw(by=cast.supervisor_a, practice=published)
    assert practice_document(published) is None
