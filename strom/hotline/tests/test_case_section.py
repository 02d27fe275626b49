"""The case page's "Hotline" tab: the contacts that opened a case or were linked to it. Everyone who sees
the case sees when, how, who called and about what, what was done and who took it; what identifies the
caller (name, how to reach them, the summary) only those who see the contact on the hotline's pages."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from conftest import login_client
from strom.accounts.models import Membership, User
from strom.audit.models import AuditEntry
from strom.cases.models import Case
from strom.cases.tests.factories import make_case
from strom.core.roles import Role
from strom.hotline.models import Contact
from strom.hotline.services import NewPerson, contact_link_case, contact_open_case
from strom.hotline.tests.factories import make_contact
from tests.personas import Cast

pytestmark = pytest.mark.django_db

SUMMARY = "Works on a farm near Riga, passport kept by the employer."
NAME = "Synthetic Caller Ozola"
CALLBACK = "Evenings, after eight"
# The session, the user's memberships, the case, its contacts, the identifying fields of the ones the
# viewer sees and the audit entry of the read: a fixed number, however many contacts a case has.
TAB_QUERIES = 9


def _tab(ref: str) -> str:
    return reverse("cases:part", kwargs={"ref": ref, "part": "hotline"})


def _opened_from_a_call(cast: Cast) -> tuple[Contact, str]:
    contact = make_contact(cast, caller_name=NAME, callback=CALLBACK, contact_me=True)
    case = contact_open_case(
        by=cast.users["hotline_a"],
        contact=contact,
        municipality=cast.riga,
        person=NewPerson(gender="unknown"),
    )
    return contact, case.ref


def test_the_operator_sees_the_contact_that_opened_the_case_with_the_callers_details(
    cast: Cast, as_persona: Any
) -> None:
    contact, ref = _opened_from_a_call(cast)
    response = as_persona("hotline_a").get(_tab(ref))
    assert response.status_code == 200
    page = response.content.decode()
    for shown in ("Phone", "Possible victim", "Possible trafficking", "Case opened or linked"):
        assert shown in page, shown
    assert "Hotline A, Latvian Trafficking Hotline" in page
    assert SUMMARY in page
    assert NAME in page
    assert CALLBACK in page
    assert reverse("hotline:contact", kwargs={"contact_id": contact.pk}) in page
    read = AuditEntry.objects.filter(action="case.view", object_ref=ref).order_by("seq").last()
    assert read is not None
    assert read.details == {"section": "hotline"}


def test_a_case_worker_sees_the_contact_but_nothing_that_identifies_the_caller(
    cast: Cast, as_persona: Any
) -> None:
    # Someone who both answers the Latvian hotline and works cases in organisation A links a call to
    # one of A's cases; A's other case worker sees the case, not the hotline's contacts.
    both = User.objects.create_user("both@example.test", "x-Synthetic-1", full_name="Dual Role")
    Membership.objects.create(user=both, organisation=cast.org_a, role=Role.CASE_WORKER)
    Membership.objects.create(user=both, organisation=cast.orgs["hotline_lv"], role=Role.HOTLINE_OPERATOR)
    case = make_case(cast)
    contact = make_contact(cast, operator="hotline_a", caller_name=NAME, callback=CALLBACK, contact_me=True)
    contact_link_case(by=User.objects.get(pk=both.pk), contact=contact, case_ref=case.ref)

    page = as_persona("supervisor_a").get(_tab(case.ref)).content.decode()
    for shown in ("Phone", "Possible victim", "Possible trafficking", "Case opened or linked"):
        assert shown in page, shown
    assert "Hotline A, Latvian Trafficking Hotline" in page
    for hidden in (SUMMARY, NAME, CALLBACK, reverse("hotline:contact", kwargs={"contact_id": contact.pk})):
        assert hidden not in page, hidden
    assert "seen only by the hotline that took the contact" in page

    # The operator who linked it sees the caller's details on the same tab.
    mine = login_client(both).get(_tab(case.ref)).content.decode()
    assert SUMMARY in mine
    assert NAME in mine


def test_a_case_without_contacts_says_so_and_others_get_404(cast: Cast, as_persona: Any) -> None:
    _contact, ref = _opened_from_a_call(cast)
    assert as_persona("hotline_b").get(_tab(ref)).status_code == 404
    assert as_persona("caseworker_a").get(_tab(ref)).status_code == 404
    page = as_persona("caseworker_a").get(_tab(make_case(cast).ref)).content.decode()
    assert "No hotline contact is linked to this case." in page


def test_the_tab_reads_a_fixed_number_of_queries(
    cast: Cast, as_persona: Any, django_assert_num_queries: Any
) -> None:
    _contact, ref = _opened_from_a_call(cast)
    client = as_persona("hotline_a")
    client.get(_tab(ref))
    with django_assert_num_queries(TAB_QUERIES):
        client.get(_tab(ref))
    for _ in range(3):
        extra = make_contact(cast)
        Contact.objects.filter(pk=extra.pk).update(case=Case.objects.get(ref=ref))
    with django_assert_num_queries(TAB_QUERIES):
        assert client.get(_tab(ref)).content.decode().count(SUMMARY) == 4
