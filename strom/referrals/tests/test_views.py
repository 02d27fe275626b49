"""The referral pages: making one from the network, errors shown on the form, nothing saved on error."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from strom.cases.tests.factories import make_case
from strom.referrals.models import Referral, State
from strom.referrals.tests.factories import give_disclosure_consent, make_referral, shelter_c
from tests.personas import Cast

pytestmark = pytest.mark.django_db


def _new_url(cast: Cast, case: Any) -> str:
    return f"{reverse('referrals:new')}?service={shelter_c(cast).pk}&case={case.ref}"


def _reviewed(response: Any) -> str:
    """The review step's fingerprint, which the "Send now" button posts back."""
    found = re.search(r'name="reviewed" value="([0-9a-f]+)"', response.content.decode())
    assert found, "the page shows no review step"
    return found.group(1)


def test_a_worker_sends_a_referral_with_a_chosen_scope(cast: Cast, as_persona: Any) -> None:
    case = make_case(cast)
    give_disclosure_consent(cast, case)
    client = as_persona("caseworker_a")
    page = client.get(_new_url(cast, case)).content.decode()
    assert "What the receiver may see" in page
    data = {"scope": ["identity", "needs"], "urgency": "emergency", "message": "Tonight.", "send": "1"}
    review = client.post(_new_url(cast, case), data)
    assert review.status_code == 200
    receiver = f"{shelter_c(cast).name} ({cast.org_c.name})"
    assert f"{receiver} will see: identity, needs and support plan." in review.content.decode()
    assert not Referral.objects.exists()
    response = client.post(_new_url(cast, case), {**data, "reviewed": _reviewed(review)})
    referral = Referral.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("referrals:detail", kwargs={"referral_uuid": referral.uuid})
    assert referral.state == State.SENT
    assert referral.scope == ["identity", "needs"]
    assert referral.urgency == "emergency"


def test_a_contradiction_is_explained_on_the_form_and_nothing_is_saved(cast: Cast, as_persona: Any) -> None:
    case = make_case(cast)  # no consent recorded
    client = as_persona("supervisor_a")
    data = {
        "scope": ["needs", "documents"],
        "urgency": "urgent",
        "override": "on",
        "override_reason": "Danger to life",
        "send": "1",
    }
    review = client.post(_new_url(cast, case), data)
    response = client.post(_new_url(cast, case), {**data, "reviewed": _reviewed(review)})
    assert response.status_code == 200
    body = response.content.decode()
    assert "There is a problem" in body
    assert "Without the person&#x27;s consent these parts cannot be shared" in body
    assert not Referral.objects.exists()


def test_the_override_is_offered_to_supervisors_only(cast: Cast, as_persona: Any) -> None:
    case = make_case(cast)
    assert (
        "Refer without the person"
        not in as_persona("caseworker_a").get(_new_url(cast, case)).content.decode()
    )
    assert "Refer without the person" in as_persona("supervisor_a").get(_new_url(cast, case)).content.decode()


def test_a_draft_is_sent_later_and_refused_while_consent_is_missing(cast: Cast, as_persona: Any) -> None:
    referral = make_referral(cast, state="draft", consent=False)
    client = as_persona("caseworker_a")
    url = reverse("referrals:send", kwargs={"referral_uuid": referral.uuid})
    review = client.post(url, {})
    assert "Check before sending" in review.content.decode()
    response = client.post(url, {"reviewed": _reviewed(review)})
    assert response.status_code == 422
    assert "has not given" in response.content.decode()
    referral.refresh_from_db()
    assert referral.state == State.DRAFT


def test_the_network_search_offers_refer_links_for_a_case_the_user_may_refer(
    cast: Cast, as_persona: Any
) -> None:
    case = make_case(cast)
    shelter_c(cast)
    url = reverse("network:list")
    mine = as_persona("caseworker_a").get(url, {"for_case": case.ref}).content.decode()
    assert f"&amp;case={case.ref}" in mine
    # Someone who may not refer the case gets the plain search: the parameter tells them nothing.
    theirs = as_persona("caseworker_b").get(url, {"for_case": case.ref}).content.decode()
    assert f"&amp;case={case.ref}" not in theirs
    assert "Finding a service for case" not in theirs


def test_the_case_page_lists_its_referrals(cast: Cast, as_persona: Any) -> None:
    referral = make_referral(cast)
    client = as_persona("caseworker_a")
    overview = client.get(reverse("cases:detail", kwargs={"ref": referral.case.ref})).content.decode()
    assert "Refer to a service" in overview
    tab = reverse("cases:part", kwargs={"ref": referral.case.ref, "part": "referrals"})
    page = client.get(tab).content.decode()
    assert referral.short_ref in page
    assert "Refer to a service" in page


def test_the_dashboard_counts_referrals_waiting_for_an_answer(cast: Cast, as_persona: Any) -> None:
    make_referral(cast)
    make_referral(cast, state="accepted")
    receiver = as_persona("recipient").get(reverse("core:dashboard")).content.decode()
    assert "1 referral waits for your organisation" in receiver
    assert "1 accepted referral is under way" in receiver
    sender = as_persona("caseworker_a").get(reverse("core:dashboard")).content.decode()
    assert "1 referral you sent is not answered yet" in sender
    assert "Referrals" not in as_persona("analyst_a").get(reverse("core:dashboard")).content.decode()


def test_closing_a_case_says_which_referrals_are_still_under_way(cast: Cast, as_persona: Any) -> None:
    referral = make_referral(cast, state="accepted")
    case = referral.case
    url = reverse("cases:stage_change", kwargs={"ref": case.ref})
    response = as_persona("caseworker_a").post(
        url,
        {"to_stage": "closed", "version": case.version, "closure_reason": "ReferredElsewhere", "reason": ""},
        follow=True,
    )
    body = response.content.decode()
    assert "1 referral of this case is still under way" in body


def test_the_review_warns_of_an_empty_scope_and_a_missing_message(cast: Cast, as_persona: Any) -> None:
    case = make_case(cast)
    give_disclosure_consent(cast, case)
    review = as_persona("caseworker_a").post(_new_url(cast, case), {"urgency": "urgent", "send": "1"})
    body = review.content.decode()
    assert "will see only the summary" in body
    assert "You shared no part of the case" in body
    assert "There is no message" in body
    assert not Referral.objects.exists()


def test_a_referral_changed_after_the_review_is_reviewed_again(cast: Cast, as_persona: Any) -> None:
    case = make_case(cast)
    give_disclosure_consent(cast, case)
    client = as_persona("caseworker_a")
    data = {"scope": ["needs"], "urgency": "urgent", "message": "Tonight.", "send": "1"}
    review = client.post(_new_url(cast, case), data)
    widened = {**data, "scope": ["needs", "identity"], "reviewed": _reviewed(review)}
    again = client.post(_new_url(cast, case), widened)
    assert again.status_code == 200
    assert "will see: identity, needs and support plan." in again.content.decode()
    assert not Referral.objects.exists()


def test_a_draft_is_sent_after_its_review(cast: Cast, as_persona: Any) -> None:
    referral = make_referral(cast, state="draft", scope=["identity"], message="")
    client = as_persona("caseworker_a")
    url = reverse("referrals:send", kwargs={"referral_uuid": referral.uuid})
    review = client.post(url, {})
    body = review.content.decode()
    assert "will see: identity." in body
    assert "There is no message" in body
    referral.refresh_from_db()
    assert referral.state == State.DRAFT
    assert client.post(url, {"reviewed": _reviewed(review)}).status_code == 302
    referral.refresh_from_db()
    assert referral.state == State.SENT


def test_a_draft_changed_after_the_review_is_not_sent(cast: Cast, as_persona: Any) -> None:
    from strom.referrals.services import referral_update

    referral = make_referral(cast, state="draft", scope=["identity"], message="Tonight.")
    client = as_persona("caseworker_a")
    url = reverse("referrals:send", kwargs={"referral_uuid": referral.uuid})
    fingerprint = _reviewed(client.post(url, {}))
    referral_update(
        by=cast.users["caseworker_a"],
        referral=referral,
        version=referral.version,
        scope=["identity", "contact"],
        urgency=referral.urgency,
        message=referral.message,
        municipality=referral.municipality,
    )
    again = client.post(url, {"reviewed": fingerprint})
    assert "will see: identity, contact details." in again.content.decode()
    referral.refresh_from_db()
    assert referral.state == State.DRAFT


def test_a_referral_refused_for_want_of_consent_leads_to_recording_it(cast: Cast, as_persona: Any) -> None:
    case = make_case(cast)  # no consent recorded
    client = as_persona("caseworker_a")
    data = {"scope": ["needs"], "urgency": "urgent", "message": "Tonight.", "send": "1"}
    review = client.post(_new_url(cast, case), data)
    response = client.post(_new_url(cast, case), {**data, "reviewed": _reviewed(review)})
    body = response.content.decode()
    assert response.status_code == 200
    assert reverse("consent:record", kwargs={"ref": case.ref}) in body
    assert not Referral.objects.exists()
