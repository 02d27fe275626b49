"""The help beside a form field with legal meaning links to the hub: the guideline on the topic when
one is published, the hub search for it otherwise."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from strom.guidelines.tests.factories import make_guideline
from strom.stages.tests.stage_helpers import opened_case
from tests.personas import Cast

pytestmark = pytest.mark.django_db


def _help(topic: str) -> str:
    return reverse("hub:help", kwargs={"topic": topic})


def test_a_topic_without_a_guideline_opens_the_hub_search(as_persona: Any) -> None:
    response = as_persona("caseworker_a").get(_help("consent"))
    assert response.status_code == 302
    assert response["Location"] == reverse("hub:home") + "?q=consent"


def test_a_topic_opens_its_published_guideline_by_slug(cast: Cast, as_persona: Any) -> None:
    guideline = make_guideline(cast, title="The reflection period in Latvian municipalities")
    response = as_persona("caseworker_a").get(_help("reflection-period"))
    assert response["Location"] == reverse("guidelines:detail", kwargs={"slug": guideline.slug})


def test_a_guideline_still_in_draft_is_not_the_target(cast: Cast, as_persona: Any) -> None:
    make_guideline(cast, title="The reflection period in Latvian municipalities", publish=False)
    response = as_persona("caseworker_a").get(_help("reflection-period"))
    assert response["Location"] == reverse("hub:home") + "?q=reflection+period"


def test_an_unknown_topic_is_not_found(as_persona: Any) -> None:
    assert as_persona("caseworker_a").get(_help("no-such-topic")).status_code == 404


def test_the_decision_form_explains_reasonable_grounds_and_links_to_guidance(
    cast: Cast, as_persona: Any
) -> None:
    case = opened_case(cast)
    url = reverse("cases:decision", kwargs={"ref": case.ref, "kind": "reasonable_grounds"})
    body = as_persona("supervisor_a").get(url).content.decode()
    assert "Reasonable grounds: there is reason to believe" in body
    assert f'href="{_help("reasonable-grounds")}"' in body
    assert f'href="{_help("reflection-period")}"' in body


def test_the_consent_and_referral_forms_link_to_guidance(cast: Cast, as_persona: Any) -> None:
    from strom.referrals.tests.factories import shelter_c

    case = opened_case(cast)
    client = as_persona("caseworker_a")
    consent = client.get(reverse("consent:record", kwargs={"ref": case.ref})).content.decode()
    assert f'href="{_help("consent")}"' in consent
    referral_url = f"{reverse('referrals:new')}?service={shelter_c(cast).pk}&case={case.ref}"
    assert f'href="{_help("referral-scope")}"' in client.get(referral_url).content.decode()
