"""A draft is discarded by its sender; a sent referral is withdrawn. Never the other way round.

A draft was never sent, so nobody else ever saw it and there is nothing to take back: discarding
removes it (the audit log keeps that it existed and who discarded it). Withdrawing is for a referral
the receiver has seen; asked of a draft it is refused with a message, on the page and in the API,
never a server error.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from strom.audit.models import AuditEntry
from strom.referrals.models import Referral, ReferralChange, State
from strom.referrals.services import referral_discard, referral_withdraw
from strom.referrals.tests.factories import make_referral
from tests.personas import Cast


def _detail(referral: Referral) -> str:
    return reverse("referrals:detail", kwargs={"referral_uuid": referral.uuid})


def test_a_draft_offers_discard_and_a_sent_referral_offers_withdraw(cast: Cast, as_persona: Any) -> None:
    client = as_persona("caseworker_a")
    draft_page = client.get(_detail(make_referral(cast, state="draft"))).content.decode()
    assert "Discard the draft" in draft_page
    assert "/withdraw/" not in draft_page
    sent_page = client.get(_detail(make_referral(cast))).content.decode()
    assert "/withdraw/" in sent_page
    assert "Discard the draft" not in sent_page


def test_discarding_a_draft_on_the_page_removes_it_and_is_audited(cast: Cast, as_persona: Any) -> None:
    draft = make_referral(cast, state="draft")
    response = as_persona("caseworker_a").post(
        reverse("referrals:discard", kwargs={"referral_uuid": draft.uuid})
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:detail", kwargs={"ref": draft.case.ref})
    assert not Referral.objects.filter(pk=draft.pk).exists()
    assert not ReferralChange.objects.filter(referral_id=draft.pk).exists()
    entry = AuditEntry.objects.get(action="referral.discard")
    assert entry.object_ref == draft.case.ref
    assert entry.details["referral"] == str(draft.uuid)
    assert entry.actor_id == cast.users["caseworker_a"].pk


def test_withdrawing_a_draft_on_the_page_is_refused_with_a_message(cast: Cast, as_persona: Any) -> None:
    draft = make_referral(cast, state="draft")
    url = reverse("referrals:withdraw", kwargs={"referral_uuid": draft.uuid})
    response = as_persona("caseworker_a").post(url, {"reason": "Changed my mind"})
    assert response.status_code == 422
    assert "never sent, so it cannot be withdrawn" in response.content.decode()
    draft.refresh_from_db()
    assert draft.state == State.DRAFT
    assert draft.version == 1


def test_discarding_a_sent_referral_is_refused_and_changes_nothing(cast: Cast, as_persona: Any) -> None:
    referral = make_referral(cast)
    response = as_persona("caseworker_a").post(
        reverse("referrals:discard", kwargs={"referral_uuid": referral.uuid}), follow=True
    )
    assert "Only a draft can be discarded" in response.content.decode()
    referral.refresh_from_db()
    assert referral.state == State.SENT
    with pytest.raises(ValidationError, match="Only a draft can be discarded"):
        referral_discard(by=cast.users["caseworker_a"], referral=referral)
    assert Referral.objects.filter(pk=referral.pk, state=State.SENT).exists()


def test_the_api_discards_a_draft_and_refuses_to_withdraw_one(cast: Cast, as_persona: Any) -> None:
    client = as_persona("caseworker_a")
    draft = make_referral(cast, state="draft")
    withdraw = client.post(
        f"/api/v1/referrals/{draft.uuid}/withdraw", data=json.dumps({}), content_type="application/json"
    )
    assert withdraw.status_code == 422
    assert withdraw["Content-Type"].startswith("application/problem+json")
    assert "never sent" in withdraw.json()["errors"][0]["detail"]
    assert Referral.objects.get(pk=draft.pk).state == State.DRAFT

    discard = client.delete(f"/api/v1/referrals/{draft.uuid}")
    assert discard.status_code == 204
    assert discard.content == b""
    assert not Referral.objects.filter(pk=draft.pk).exists()
    assert client.get(f"/api/v1/referrals/{draft.uuid}").status_code == 404


def test_the_api_refuses_to_discard_a_sent_referral(cast: Cast, as_persona: Any) -> None:
    referral = make_referral(cast)
    response = as_persona("caseworker_a").delete(f"/api/v1/referrals/{referral.uuid}")
    assert response.status_code == 422
    assert "Only a draft can be discarded" in response.json()["errors"][0]["detail"]
    assert Referral.objects.get(pk=referral.pk).state == State.SENT


def test_the_receiver_cannot_discard_and_a_withdrawn_referral_is_not_discarded(cast: Cast) -> None:
    referral = make_referral(cast)
    referral_withdraw(by=cast.users["caseworker_a"], referral=referral)
    with pytest.raises(ValidationError, match="Only a draft can be discarded"):
        referral_discard(by=cast.users["caseworker_a"], referral=referral)
    assert Referral.objects.get(pk=referral.pk).state == State.WITHDRAWN
