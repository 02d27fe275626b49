"""Signals back to the sender and an inbox told apart by service, urgency and date: the notifications
for answers and completions, the urgency filter, and the sender's dashboard."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from strom.accounts.models import Notification
from strom.referrals.services import referral_complete, referral_decline
from strom.referrals.tests.factories import make_referral
from tests.personas import Cast

pytestmark = pytest.mark.django_db


def test_the_sender_hears_accepted_and_declined_apart(cast: Cast) -> None:
    make_referral(cast, state="accepted")
    declined = make_referral(cast)
    referral_decline(by=cast.users["recipient"], referral=declined, reason="No beds tonight.")
    keys = set(
        Notification.objects.filter(user=cast.users["caseworker_a"]).values_list("message_key", flat=True)
    )
    assert {"referral_accepted", "referral_declined"} <= keys
    message = Notification.objects.filter(message_key="referral_declined").first()
    assert message is not None
    assert message.message == "1 referral you sent was declined."
    assert "beds" not in str(message.params)


def test_the_sender_hears_of_the_completion(cast: Cast) -> None:
    referral = make_referral(cast, state="in_progress")
    referral_complete(by=cast.users["recipient"], referral=referral)
    assert Notification.objects.filter(
        user=cast.users["caseworker_a"], message_key="referral_completed"
    ).exists()


def test_the_inbox_names_referrals_by_service_urgency_and_date(cast: Cast, as_persona: Any) -> None:
    referral = make_referral(cast, urgency="emergency")
    text = as_persona("recipient").get(reverse("referrals:list"), {"box": "received"}).content.decode()
    assert "Riga Safe House beds" in text
    assert "Emergency: answer within 24 hours" in text
    assert 'data-label="Sent"' in text
    # The reference only for screen readers, matching the heading of the referral's own page.
    assert f'<span class="visually-hidden"> (referral {referral.short_ref})</span>' in text


def test_the_inbox_filters_by_urgency(cast: Cast, as_persona: Any) -> None:
    make_referral(cast, urgency="emergency")
    make_referral(cast, urgency="routine")
    client = as_persona("recipient")
    url = reverse("referrals:list")
    emergencies = client.get(url, {"box": "received", "urgency": "emergency"}).content.decode()
    assert "Emergency: answer within 24 hours" in emergencies
    assert "Routine: answer within 10 days</span>" not in emergencies
    # An unknown urgency is no filter, not an error.
    everything = client.get(url, {"box": "received", "urgency": "whenever"})
    assert everything.status_code == 200
    assert "Routine: answer within 10 days</span>" in everything.content.decode()


def test_the_senders_dashboard_shows_accepted_and_completed_referrals(cast: Cast, as_persona: Any) -> None:
    make_referral(cast, state="accepted")
    done = make_referral(cast, state="in_progress")
    referral_complete(by=cast.users["recipient"], referral=done)
    text = as_persona("caseworker_a").get(reverse("core:dashboard")).content.decode()
    assert "1 referral you sent was accepted and is under way" in text
    assert "1 referral you sent was completed in the last 30 days" in text
    assert "Latest answers to your referrals" in text
    assert "Riga Safe House beds" in text
