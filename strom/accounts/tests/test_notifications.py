"""The notifications centre: each user reads and marks only their own; the header's count follows."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from strom.accounts.models import Notification
from strom.accounts.services_notifications import notify


def _note(user: Any, key: str = "referral_new") -> Notification:
    return Notification.objects.create(user=user, message_key=key, params={"count": 1}, url="/referrals/")


@pytest.mark.django_db
def test_notify_writes_one_message_per_user_with_a_key_and_a_count(cast: Any) -> None:
    users = [cast.caseworker_a.pk, cast.caseworker_a.pk, cast.supervisor_a.pk]
    assert notify(user_ids=users, key="referral_accepted", url="/referrals/") == 2
    rows = Notification.objects.filter(message_key="referral_accepted")
    assert {n.user_id for n in rows} == {cast.caseworker_a.pk, cast.supervisor_a.pk}
    assert all(n.params == {"count": 1} for n in rows)


@pytest.mark.django_db
def test_the_page_lists_only_my_notifications_in_words(cast: Any, as_persona: Any) -> None:
    _note(cast.caseworker_a)
    _note(cast.supervisor_a, "referral_completed")
    response = as_persona("caseworker_a").get(reverse("accounts:notifications"))
    text = response.content.decode()
    assert "Your organisation received 1 new referral." in text
    assert "was completed" not in text
    assert "1 unread notification" in text


@pytest.mark.django_db
def test_the_badge_counts_unread_and_the_header_asks_for_it(cast: Any, as_persona: Any) -> None:
    _note(cast.caseworker_a)
    _note(cast.caseworker_a)
    client = as_persona("caseworker_a")
    badge = client.get(reverse("accounts:notifications_badge")).content.decode()
    assert 'class="count-badge">2<' in badge
    page = client.get(reverse("accounts:profile")).content.decode()
    assert reverse("accounts:notifications_badge") in page


@pytest.mark.django_db
def test_marking_one_read_touches_only_my_own(cast: Any, as_persona: Any) -> None:
    mine = _note(cast.caseworker_a)
    theirs = _note(cast.supervisor_a)
    client = as_persona("caseworker_a")
    client.post(reverse("accounts:notification_read", args=[theirs.pk]))
    theirs.refresh_from_db()
    assert theirs.read_at is None
    response = client.post(reverse("accounts:notification_read", args=[mine.pk]))
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.read_at is not None


@pytest.mark.django_db
def test_mark_all_read_with_htmx_redraws_the_list_and_the_count(cast: Any, as_persona: Any) -> None:
    _note(cast.caseworker_a)
    _note(cast.caseworker_a)
    theirs = _note(cast.supervisor_a)
    response = as_persona("caseworker_a").post(
        reverse("accounts:notifications_read_all"), HTTP_HX_REQUEST="true"
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert 'id="notifications-list"' in text
    assert 'hx-swap-oob="true"' in text
    assert "count-badge" not in text
    assert not Notification.objects.filter(user=cast.caseworker_a, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


@pytest.mark.django_db
def test_opening_an_unread_message_marks_it_read_and_follows_its_link(cast: Any, as_persona: Any) -> None:
    mine = _note(cast.caseworker_a)
    elsewhere = Notification.objects.create(
        user=cast.caseworker_a, message_key="referral_new", params={"count": 1}, url="https://example.test/"
    )
    client = as_persona("caseworker_a")
    response = client.post(reverse("accounts:notification_read", args=[mine.pk]), {"open": "1"})
    assert response.url == "/referrals/"
    mine.refresh_from_db()
    assert mine.read_at is not None
    # A link that leads out of STROM is not followed.
    response = client.post(reverse("accounts:notification_read", args=[elsewhere.pk]), {"open": "1"})
    assert response.url == reverse("accounts:notifications")
