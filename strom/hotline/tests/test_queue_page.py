"""The operators' queue page: urgent first, a page at a time with the filters kept, a fixed number of
queries however long the queue, and nothing read that it does not show."""

from __future__ import annotations

import datetime as dt
from typing import Any
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from strom.audit.models import AuditEntry
from strom.crypto import service as crypto
from strom.hotline import selectors
from strom.hotline.models import Contact
from strom.hotline.tests.factories import make_contact
from tests.personas import Cast

pytestmark = pytest.mark.django_db

# The session, the user's memberships, one page of contacts and the audit entry of the read.
QUEUE_QUERIES = 7


def _numbers(page: str) -> list[int]:
    """The contacts a page links to, in order."""
    parts = (part.split("/", 1)[0] for part in page.split('href="/hotline/contacts/')[1:])
    return [int(number) for number in parts if number.isdigit()]


def test_a_page_at_a_time_urgent_first_with_the_filters_kept(cast: Cast, as_persona: Any) -> None:
    older = timezone.now() - dt.timedelta(hours=1)
    calm = [make_contact(cast, occurred_at=older - dt.timedelta(minutes=i)) for i in range(4)]
    danger = make_contact(cast, immediate_danger=True, occurred_at=older - dt.timedelta(hours=5))
    child = make_contact(cast, child=True, occurred_at=older - dt.timedelta(hours=4))
    client = as_persona("hotline_a")
    with mock.patch.object(selectors, "QUEUE_SIZE", 4):
        first = client.get(reverse("hotline:queue"), {"topic": "possible_trafficking"}).content.decode()
        second = client.get(
            reverse("hotline:queue"), {"topic": "possible_trafficking", "page": "2"}
        ).content.decode()
        beyond = client.get(reverse("hotline:queue"), {"page": "99999999999999999"})
    assert _numbers(first) == [danger.pk, child.pk, calm[0].pk, calm[1].pk]
    assert "?topic=possible_trafficking&amp;page=2" in first
    assert "Previous page" not in first
    assert _numbers(second) == [calm[2].pk, calm[3].pk]
    assert "?topic=possible_trafficking&amp;page=1" in second
    assert "Next page" not in second
    assert beyond.status_code == 200
    assert "No contacts match." in beyond.content.decode()
    # Each page records the contacts it showed.
    shown = AuditEntry.objects.filter(action="hotline_contact.view").order_by("seq")
    assert [e.details["ids"] for e in shown][-2:] == [
        [danger.pk, child.pk, calm[0].pk, calm[1].pk],
        [calm[2].pk, calm[3].pk],
    ]


def test_the_row_shows_time_labels_and_a_short_summary(cast: Cast, as_persona: Any) -> None:
    contact = make_contact(cast, summary="Ж" * 300, contact_me=True, callback="+371 2000 0042")
    page = as_persona("hotline_a").get(reverse("hotline:queue")).content.decode()
    assert f"Contact {contact.pk}" in page
    assert "Phone" in page
    assert "Possible victim" in page
    assert "Possible trafficking" in page
    assert "Asks to be contacted" in page
    assert "Ж" * 119 + "…" in page
    assert "Ж" * 120 not in page
    assert f'datetime="{timezone.localtime(contact.occurred_at).isoformat()}"' in page


def test_the_queue_reads_a_fixed_number_of_queries_and_decrypts_only_the_summary(
    cast: Cast, as_persona: Any, django_assert_num_queries: Any
) -> None:
    for _ in range(3):
        make_contact(cast, caller_name="Synthetic Name", callback="+371 2000 0001", contact_me=True)
    client = as_persona("hotline_a")
    client.get(reverse("hotline:queue"))
    with django_assert_num_queries(QUEUE_QUERIES):
        client.get(reverse("hotline:queue"))
    for _ in range(5):
        make_contact(cast)
    contexts: list[str] = []
    real = crypto.decrypt

    def decrypt(value: str, *, context: str) -> str:
        contexts.append(context)
        return real(value, context=context)

    with django_assert_num_queries(QUEUE_QUERIES), mock.patch.object(crypto, "decrypt", decrypt):
        page = client.get(reverse("hotline:queue")).content.decode()
    assert len(_numbers(page)) == 8
    assert set(contexts) <= {"hotline.contact.summary", "accounts.user.full_name"}
    assert contexts.count("hotline.contact.summary") == 8
    assert Contact.objects.count() == 8
