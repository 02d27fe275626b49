"""The receiver sees the scope and nothing else: pages, printable copy, API, lists and search,
notifications and e-mails, and the audit log of the receiving organisation."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from conftest import login_client
from strom.accounts.models import Membership, Notification, User
from strom.casefile import services as casefile
from strom.cases.tests.factories import make_case
from strom.core.roles import Role
from strom.referrals.models import Referral
from strom.referrals.services import referral_withdraw
from strom.referrals.tasks import send_referral_reminders
from strom.referrals.tests.factories import make_referral
from strom.support.services import needs_assessment_record
from tests.personas import PASSWORD, Cast

pytestmark = pytest.mark.django_db

NAME = "Zanete"
FAMILY = "Kalnina-Scope"
NOTE = "Synthetic note about the night shelter"
EVENT_CITY = "Jelgava"
PHONE = "+371 2999 1234"


def _rich_case(cast: Cast) -> Any:
    """A case with something in every section, so each leak would be visible."""
    case = make_case(cast, given_name=NAME, family_name=FAMILY, contact=PHONE)
    by = cast.caseworker_a
    casefile.note_add(by=by, case=case, body=NOTE)
    casefile.event_record(by=by, case=case, event_type="Exploitation", country="LV", city=EVENT_CITY)
    casefile.perpetrator_add(by=by, case=case, name="Synthetic Recruiter")
    needs_assessment_record(
        by=by, case=case, assessed_at=timezone.localdate(), needs={"SafeAccommodation": "urgent"}
    )
    return case


def _page(client: Any, name: str, **kwargs: Any) -> str:
    response = client.get(reverse(name, kwargs=kwargs or None))
    assert response.status_code == 200, (name, response.status_code)
    body: str = response.content.decode()
    return body


def test_the_receiver_page_and_api_show_exactly_the_scope(cast: Cast, as_persona: Any) -> None:
    case = _rich_case(cast)
    referral = make_referral(cast, case=case, scope=["identity", "needs"])
    client = as_persona("recipient")
    page = _page(client, "referrals:detail", referral_uuid=referral.uuid)
    printed = _page(client, "referrals:print", referral_uuid=referral.uuid)
    for body in (page, printed):
        assert NAME in body
        assert FAMILY in body
        assert "Safe accommodation" in body or "SafeAccommodation" in body  # needs are in scope
        for hidden in (PHONE, NOTE, EVENT_CITY, "Synthetic Recruiter", case.ref):
            assert hidden not in body, hidden
    api = client.get(reverse("api:referral_detail", kwargs={"referral_uuid": referral.uuid})).json()
    assert api["referral"]["case_ref"] is None
    assert api["referral"]["basis"] == ""
    assert set(api["shared"]["sections"]) == {"identity", "needs"}
    assert api["shared"]["sections"]["identity"]["given_name"] == NAME
    text = str(api)
    for hidden in (PHONE, NOTE, EVENT_CITY, "Synthetic Recruiter", case.ref):
        assert hidden not in text, hidden


def test_the_receiver_cannot_reach_the_case_anywhere_else(cast: Cast, as_persona: Any) -> None:
    case = _rich_case(cast)
    make_referral(
        cast, case=case, scope=["identity", "contact", "events", "needs", "notes"], state="accepted"
    )
    client = as_persona("recipient")
    for name, kwargs in [
        ("cases:detail", {"ref": case.ref}),
        ("cases:person", {"person_id": case.person_id}),
        ("consent:overview", {"ref": case.ref}),
        ("api:case_detail", {"ref": case.ref}),
        ("referrals:disclosures", {"person_id": case.person_id}),
    ]:
        assert client.get(reverse(name, kwargs=kwargs)).status_code == 404, name
    # Search and lists: neither the name nor the reference finds the case.
    for query in (NAME, FAMILY, case.ref):
        body = client.get(reverse("cases:list"), {"q": query}).content.decode()
        assert reverse("cases:detail", kwargs={"ref": case.ref}) not in body  # the query is echoed, no link
        assert PHONE not in body
        api = client.get(reverse("api:case_list"), {"q": query}).json()
        assert api["count"] == 0 if "count" in api else not api.get("items")
    inbox = client.get(reverse("referrals:list"), {"box": "received", "state": ""}).content.decode()
    assert case.ref not in inbox
    assert NAME not in inbox
    listed = client.get(reverse("api:referral_list"), {"box": "received", "state": ""}).json()
    assert listed["items"][0]["case_ref"] is None


def test_documents_only_through_the_referral_and_only_in_scope(cast: Cast, as_persona: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    case = make_case(cast)
    pdf = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
    document = casefile.document_upload(
        by=cast.caseworker_a,
        case=case,
        file=SimpleUploadedFile("a.pdf", pdf),
        title="Letter",
        kind="correspondence",
    )
    without = make_referral(cast, case=case, scope=["needs"])
    client = as_persona("recipient")
    url = reverse(
        "referrals:document", kwargs={"referral_uuid": without.uuid, "document_uuid": document.uuid}
    )
    assert client.get(url).status_code == 404
    referral_withdraw(by=cast.caseworker_a, referral=without)
    with_docs = make_referral(cast, case=case, scope=["documents"])
    url = reverse(
        "referrals:document", kwargs={"referral_uuid": with_docs.uuid, "document_uuid": document.uuid}
    )
    response = client.get(url)
    assert response.status_code == 200
    assert response.content == pdf
    direct = reverse("casefile:document_download", kwargs={"ref": case.ref, "document_uuid": document.uuid})
    assert client.get(direct).status_code == 404
    referral_withdraw(by=cast.caseworker_a, referral=with_docs)
    assert client.get(url).status_code == 404  # at once


def test_the_receiving_organisations_audit_log_names_the_referral_not_the_case(cast: Cast) -> None:
    case = _rich_case(cast)
    referral = make_referral(cast, case=case, scope=["needs"])
    recipient_client = login_client(cast.recipient)
    recipient_client.get(reverse("referrals:detail", kwargs={"referral_uuid": referral.uuid}))
    admin = User.objects.create_user("admin_c@example.test", PASSWORD, full_name="Admin C")
    Membership.objects.create(user=admin, organisation=cast.org_c, role=Role.ORG_ADMIN)
    body = login_client(admin).get(reverse("audit:list")).content.decode()
    assert str(referral.uuid) in body
    assert case.ref not in body
    api = str(login_client(admin).get(reverse("api:audit_list")).json())
    assert case.ref not in api


def test_notifications_and_emails_carry_no_personal_data(cast: Cast, settings: Any) -> None:
    settings.SITE_URL = "https://strom.example.test"
    case = _rich_case(cast)
    with_commit = make_referral  # notifications go out on commit; the test runs them at once
    mail.outbox.clear()
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        referral = with_commit(cast, case=case, scope=["identity"])
    assert Notification.objects.filter(user=cast.recipient, message_key="referral_new").exists()
    assert [m.to for m in mail.outbox] == [[cast.recipient.email]]
    message = mail.outbox[0]
    for hidden in (NAME, FAMILY, case.ref, str(referral.uuid), "Riga Social Service"):
        assert hidden not in f"{message.subject}\n{message.body}"
    assert "https://strom.example.test/referrals/" in message.body


def test_reminders_before_and_after_the_deadline_then_expiry(cast: Cast) -> None:
    referral = make_referral(cast, urgency="urgent")
    assert referral.respond_by is not None
    Notification.objects.all().delete()
    assert referral.sent_at is not None
    assert send_referral_reminders(now=referral.sent_at + dt.timedelta(hours=1)) == 0
    due_soon = referral.respond_by - dt.timedelta(hours=10)
    assert send_referral_reminders(now=due_soon) == 1
    assert send_referral_reminders(now=due_soon) == 0  # once only
    assert Notification.objects.filter(user=cast.recipient, message_key="referral_due_soon").count() == 1
    late = referral.respond_by + dt.timedelta(hours=1)
    assert send_referral_reminders(now=late) == 1
    assert Notification.objects.filter(user=cast.caseworker_a, message_key="referral_overdue").exists()
    send_referral_reminders(now=referral.respond_by + dt.timedelta(days=8))
    referral.refresh_from_db()
    assert referral.state == "expired"
    assert Notification.objects.filter(user=cast.caseworker_a, message_key="referral_expired").exists()


def test_the_disclosure_record_lists_what_was_shared_and_prints_in_the_persons_language(
    cast: Cast, as_persona: Any
) -> None:
    case = _rich_case(cast)
    referral = make_referral(cast, case=case, scope=["identity", "needs"])
    login_client(cast.recipient).get(reverse("referrals:detail", kwargs={"referral_uuid": referral.uuid}))
    client = as_persona("caseworker_a")
    url = reverse("referrals:disclosures", kwargs={"person_id": case.person_id})
    page = client.get(url).content.decode()
    assert "Riga Safe House" in page
    assert "First opened by the receiver" in page
    latvian = client.get(url, {"print": "1", "lang": "lv"}).content.decode()
    russian = client.get(url, {"print": "1", "lang": "ru"}).content.decode()
    assert 'lang="lv"' in latvian
    assert 'lang="ru"' in russian
    assert "What was shared about you" not in latvian  # translated, not English
    assert "What was shared about you" not in russian
    assert NAME in latvian
    data = client.get(reverse("api:referral_disclosures", kwargs={"person_id": case.person_id})).json()
    assert data[0]["recipient"] == "Riga Safe House"
    assert data[0]["first_opened_at"] is not None
    assert not Referral.objects.filter(state="draft").exists()


def test_the_email_is_in_the_readers_language(cast: Cast) -> None:
    from django.test import TestCase

    cast.recipient.language = "lv"
    cast.recipient.save(update_fields=["language"])
    mail.outbox.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):
        make_referral(cast, scope=["needs"])
    message = mail.outbox[0]
    assert "Your organisation received" not in message.body
    assert "nosūtījum" in message.body  # Latvian: "referral"
