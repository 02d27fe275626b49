"""Done when: an operator takes a call, logs it, screens, opens a case and refers the person to a
shelter, all through the pages; the case dates from the call, so its clocks count from then."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from strom.audit.models import AuditEntry
from strom.consent.services import consent_record
from strom.hotline.models import Contact
from strom.hotline.tests.factories import make_contact
from strom.referrals.models import Referral
from strom.referrals.tests.factories import shelter_c
from strom.screening.models import Screening
from tests.personas import Cast

pytestmark = pytest.mark.django_db


def test_a_call_becomes_a_screened_case_referred_to_a_shelter(cast: Cast, as_persona: object) -> None:
    client = as_persona("hotline_a")  # type: ignore[operator]
    operator = cast.users["hotline_a"]
    called_at = timezone.localtime() - dt.timedelta(hours=3)
    logged = client.post(
        reverse("hotline:contact_new"),
        {
            "organisation": cast.orgs["hotline_lv"].pk,
            "channel": "phone",
            "direction": "inbound",
            "occurred_at": called_at.strftime("%Y-%m-%d %H:%M"),
            "duration_minutes": "14",
            "caller_type": "possible_victim",
            "language": "ru",
            "interpreter": "on",
            "country": "LV",
            "municipality": cast.riga.pk,
            "topic": "possible_trafficking",
            "summary": "Works at a farm, passport taken, owes money for the trip.",
            "actions": ["information"],
        },
    )
    assert logged.status_code == 302, logged.content.decode()[:2000]
    contact = Contact.objects.get()
    assert logged["Location"] == reverse("hotline:contact", kwargs={"contact_id": contact.pk})
    assert contact.language == "ru"
    assert contact.interpreter
    assert contact.created_by == operator

    screen_url = reverse("hotline:contact_screening", kwargs={"contact_id": contact.pk})
    assert "ilo-adult-labour" in client.get(screen_url).content.decode()
    screened = client.post(
        screen_url + "?set=ilo-adult-labour",
        {"observed": ["ADL-DR-01", "ADL-DR-02", "ADL-EX-01", "ADL-EX-02", "ADL-CD-01", "ADL-CD-02"]},
    )
    assert screened.status_code == 302
    contact.refresh_from_db()
    screening = contact.screening
    assert screening is not None
    assert screening.organisation == cast.orgs["hotline_lv"]
    assert screening.anonymous

    opened = client.post(
        reverse("hotline:contact_case", kwargs={"contact_id": contact.pk}),
        {"action": "open", "given_name": "Olga", "gender": "Feminine", "municipality": cast.riga.pk},
    )
    assert opened.status_code == 302, opened.content.decode()[:2000]
    contact.refresh_from_db()
    case = contact.case
    assert case is not None
    assert case.opened_at == contact.occurred_at  # the clocks count from the call
    assert Screening.objects.get(pk=screening.pk).case == case
    assert case.owner == operator
    assert set(contact.actions) >= {"screening", "case"}

    consent_record(
        by=operator,
        case=case,
        purpose="disclosure",
        given=True,
        given_at=timezone.localdate(),
        how="oral_witnessed",
        recipient_organisation=cast.org_c,
    )
    shelter = shelter_c(cast)
    refer_url = reverse("hotline:contact_refer", kwargs={"contact_id": contact.pk})
    assert client.get(refer_url).status_code == 200
    referred = client.post(
        refer_url, {"service": shelter.pk, "scope": ["identity", "needs"], "message": "Tonight."}
    )
    assert referred.status_code == 302, referred.content.decode()[:2000]
    referral = Referral.objects.get(case=case)
    assert referral.state == "sent"
    assert referral.to_organisation == cast.org_c
    assert sorted(referral.scope) == ["identity", "needs"]
    contact.refresh_from_db()
    assert contact.referred_service == shelter
    assert "referred" in contact.actions
    actions = set(AuditEntry.objects.filter(object_ref=str(contact.pk)).values_list("action", flat=True))
    assert {"hotline.contact_log", "hotline.contact_screen", "hotline.contact_open_case"} <= actions


def test_a_contact_is_linked_to_a_case_the_operator_sees_and_never_to_another(
    cast: Cast, as_persona: object
) -> None:
    from strom.cases.tests.factories import make_case

    contact = make_contact(cast)
    elsewhere = make_case(cast)  # organisation A's: the operator may not see it
    client = as_persona("hotline_a")  # type: ignore[operator]
    url = reverse("hotline:contact_case", kwargs={"contact_id": contact.pk})
    refused = client.post(url, {"action": "link", "case_ref": elsewhere.ref})
    assert refused.status_code == 200
    assert "no case with this reference" in refused.content.decode()
    contact.refresh_from_db()
    assert contact.case_id is None
    own = make_contact(cast)
    client.post(
        reverse("hotline:contact_case", kwargs={"contact_id": own.pk}),
        {"action": "open", "gender": "NonSpecifiedUnknown", "municipality": cast.riga.pk},
    )
    own.refresh_from_db()
    linked = client.post(url, {"action": "link", "case_ref": own.case.ref if own.case else ""})
    assert linked.status_code == 302
    contact.refresh_from_db()
    assert contact.case_id == own.case_id
