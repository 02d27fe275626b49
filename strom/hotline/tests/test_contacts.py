"""Contacts and tips: the services, who sees what, the repeat caller's key, encryption, audit, statistics."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from strom.accounts.models import Membership, User
from strom.audit.models import AuditEntry
from strom.core.errors import NotAllowed
from strom.core.roles import OrgType, Role
from strom.directory.models import Organisation
from strom.hotline.access import get_contact_for, get_tip_for
from strom.hotline.models import Contact, Tip
from strom.hotline.selectors import earlier_contacts, hotline_table, queue
from strom.hotline.services import contact_close, contact_review, tip_group, tip_pass
from strom.hotline.tasks import MINIMISE_AFTER_DAYS, contacts_minimise
from strom.hotline.tests.factories import make_contact, make_tip
from strom.network.models import ServiceType
from strom.network.tests.factories import make_service
from tests.personas import Cast

pytestmark = pytest.mark.django_db


def test_an_operator_of_another_hotline_sees_nothing(cast: Cast, as_persona: object) -> None:
    contact = make_contact(cast)
    tip = make_tip(cast)
    other = cast.users["hotline_b"]
    assert not Contact.objects.visible_to(other).exists()
    assert not Tip.objects.visible_to(other).exists()
    with pytest.raises(NotAllowed):
        get_contact_for(other, contact.pk)
    with pytest.raises(NotAllowed):
        get_tip_for(other, tip.pk)
    # Nor does any other role, however high: a contact is the hotline's.
    for name in ("supervisor_a", "coordinator_a", "sysadmin", "caseworker_a", "analyst_a"):
        assert not Contact.objects.visible_to(cast.users[name]).exists(), name
    client = as_persona("hotline_b")  # type: ignore[operator]
    assert client.get(reverse("hotline:contact", kwargs={"contact_id": contact.pk})).status_code == 404
    page = client.get(reverse("hotline:queue")).content.decode()
    assert "passport kept" not in page
    assert f"Contact {contact.pk}" not in page


def test_the_queue_puts_urgent_contacts_first(cast: Cast) -> None:
    calm = make_contact(cast)
    child = make_contact(cast, child=True)
    danger = make_contact(cast, immediate_danger=True, occurred_at=timezone.now() - dt.timedelta(hours=2))
    rows = queue(cast.users["hotline_a"])
    assert [c.pk for c in rows] == [danger.pk, child.pk, calm.pk]
    assert [c.pk for c in queue(cast.users["hotline_a"], urgent=True)] == [danger.pk, child.pk]


def test_nothing_identifying_is_required_and_what_is_given_is_encrypted(cast: Cast) -> None:
    contact = make_contact(
        cast, caller_name="Jūlija Ivanova", callback="+371 2000 0099", summary="Secret story"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT summary, caller_name, callback FROM hotline_contact WHERE id = %s", [contact.pk]
        )
        raw = cursor.fetchone()
    assert all(
        value and "Ivanova" not in value and "Secret" not in value and "2000" not in value for value in raw
    )
    stored = Contact.objects.get(pk=contact.pk)
    assert (stored.caller_name, stored.summary) == ("Jūlija Ivanova", "Secret story")
    entry = AuditEntry.objects.filter(action="hotline.contact_log").latest("seq")
    assert "Ivanova" not in str(entry.details)
    assert "Secret" not in str(entry.details)


def test_a_repeat_caller_is_recognised_only_with_consent_and_the_number_is_never_stored(cast: Cast) -> None:
    first = make_contact(cast, caller_phone="+371 2000 0042", recognise_consent=True)
    second = make_contact(cast, caller_phone="00371-2000-0042", recognise_consent=True)
    stranger = make_contact(cast, caller_phone="+370 600 00000", recognise_consent=True)
    assert first.caller_key
    assert first.caller_key == second.caller_key != stranger.caller_key
    assert earlier_contacts(cast.users["hotline_a"], second) == [first]
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM hotline_contact WHERE id = %s", [first.pk])
        row = cursor.fetchone()
    assert not any("20000042" in str(value) or "2000 0042" in str(value) for value in row)
    with pytest.raises(ValidationError, match="agrees to be recognised"):
        make_contact(cast, caller_phone="+371 2000 0042")
    assert Contact.objects.count() == 3


def test_bad_input_is_refused_with_a_message_and_nothing_saved(cast: Cast) -> None:
    with pytest.raises(ValidationError) as raised:
        make_contact(cast, channel="pigeon", topic="gossip", summary="x" * 5000, language="русский")
    assert set(raised.value.message_dict) == {"channel", "topic", "summary", "language"}
    assert not Contact.objects.exists()


def test_only_a_supervisor_of_the_hotline_reviews(cast: Cast) -> None:
    contact = make_contact(cast)
    with pytest.raises(NotAllowed):
        contact_review(by=cast.users["hotline_a"], contact=contact)
    with pytest.raises(NotAllowed):
        contact_review(by=cast.users["supervisor_a"], contact=contact)  # a municipality's supervisor
    head = User.objects.create_user("head@example.test", "x", full_name="Hotline Head")
    Membership.objects.create(user=head, organisation=cast.orgs["hotline_lv"], role=Role.SUPERVISOR)
    assert list(Contact.objects.visible_to(head)) == [contact]
    reviewed = contact_review(by=head, contact=contact)
    assert reviewed.reviewed_by == head
    assert Contact.objects.get(pk=contact.pk).reviewed_at is not None
    closed = contact_close(by=head, contact=contact)
    assert closed.status == "closed"
    assert AuditEntry.objects.filter(action="hotline.contact_review", object_ref=str(contact.pk)).count() == 1


def test_tips_about_the_same_place_are_grouped_and_passed_to_the_police(cast: Cast) -> None:
    first = make_tip(cast)
    second = make_tip(cast, place_name="  green valley farm ", description="Again seen.")
    elsewhere = make_tip(cast, place_name="Sunrise Hotel", sector="hospitality")
    assert second.group_id == first.pk
    assert elsewhere.group_id is None
    merged = tip_group(by=cast.users["hotline_a"], tip=elsewhere, with_tip=second)
    assert merged.group_id == first.pk

    police = Organisation.objects.create(
        name="State Police (LV)", org_type=OrgType.LAW_ENFORCEMENT, country="LV"
    )
    officer = User.objects.create_user("officer@example.test", "x", full_name="Officer")
    Membership.objects.create(user=officer, organisation=police, role=Role.CASE_WORKER)
    shelter = make_service(cast.org_c)
    with pytest.raises(ValidationError, match="police or the labour inspectorate"):
        tip_pass(by=cast.users["hotline_a"], tip=first, service=shelter)
    assert not Tip.objects.visible_to(officer).exists()
    focal = make_service(
        police, service_type=ServiceType.LAW_ENFORCEMENT, name="THB unit", nrm_focal_point=True
    )
    with pytest.raises(NotAllowed):
        tip_pass(by=cast.users["hotline_b"], tip=first, service=focal)
    tip_pass(by=cast.users["hotline_a"], tip=first, service=focal, note="Seen twice this month.")
    assert list(Tip.objects.visible_to(officer)) == [first]
    received = AuditEntry.objects.get(action="hotline.tip_received")
    assert received.organisation_id == police.pk
    assert "Green" not in str(received.details)


@override_settings(STROM_STATS_THRESHOLD=3)
def test_statistics_withhold_small_counts(cast: Cast) -> None:
    for _ in range(4):
        make_contact(cast, channel="phone")
    make_contact(cast, channel="chat")
    rows, total = hotline_table(dimension="channel")
    counts = {row.label: row.count for row in rows}
    assert counts["Phone"] is None or counts["Phone"] == 4
    assert counts["Chat"] is None  # 1 < 3: withheld
    assert counts["Phone"] is None  # the only other non-zero cell goes too, or the total gives chat away
    assert total.count == 5
    rows, total = hotline_table(dimension="outcome")
    assert total.count == 5


def test_old_contacts_without_a_case_lose_what_identifies_the_caller(cast: Cast) -> None:
    old = make_contact(
        cast,
        caller_name="Anna",
        caller_phone="+371 2000 0077",
        recognise_consent=True,
        occurred_at=timezone.now() - dt.timedelta(days=MINIMISE_AFTER_DAYS + 1),
    )
    recent = make_contact(cast, caller_name="Boris")
    assert contacts_minimise() == 1
    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.caller_name, old.summary, old.caller_key) == ("", "", "")
    assert old.minimised_at is not None
    assert old.channel == "phone"
    assert old.topic == "possible_trafficking"
    assert recent.caller_name == "Boris"
    assert AuditEntry.objects.filter(action="hotline.contacts_minimise").count() == 1


def test_the_operators_screens_escape_what_a_caller_said(cast: Cast, as_persona: object) -> None:
    contact = make_contact(cast, summary='<script>alert("x")</script> <b>bold</b>')
    page = as_persona("hotline_a").get(reverse("hotline:contact", kwargs={"contact_id": contact.pk}))  # type: ignore[operator]
    html = page.content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert" in html
    queue_page = as_persona("hotline_a").get(reverse("hotline:queue")).content.decode()  # type: ignore[operator]
    assert "<b>bold</b>" not in queue_page
    assert "&lt;b&gt;bold" in queue_page
