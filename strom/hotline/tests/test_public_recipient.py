"""Which hotline receives a country's public messages: the coordinators' choice, at most one per
country, with the country's first active hotline standing in while there is none (or it is closed)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client, override_settings
from django.urls import reverse

from strom.audit.models import AuditEntry
from strom.core.errors import NotAllowed
from strom.core.roles import OrgType
from strom.directory.models import Organisation
from strom.hotline.models import Contact, PublicRecipient
from strom.hotline.public import hotline_of
from strom.hotline.services import public_recipient_choose
from tests.personas import Cast

pytestmark = pytest.mark.django_db

PAGE = reverse("hotline:public_recipients")


def _second_hotline(name: str = "Riga Helpline for Workers") -> Organisation:
    return Organisation.objects.create(name=name, org_type=OrgType.HOTLINE, country="LV")


def _choose(client: Client, organisation: Organisation | None) -> Any:
    url = reverse("hotline:public_recipient_choose", kwargs={"country": "lv"})
    return client.post(url, {"lv-organisation": organisation.pk if organisation else ""})


def test_without_a_choice_the_first_active_hotline_receives_and_the_page_says_so(
    cast: Cast, as_persona: Any
) -> None:
    second = _second_hotline()
    assert hotline_of("lv") == cast.orgs["hotline_lv"]
    page = as_persona("coordinator_a").get(PAGE).content.decode()
    assert "No hotline is chosen: messages go to Latvian Trafficking Hotline" in page
    assert second.name in page  # offered in the list


def test_a_coordinator_chooses_and_public_messages_go_there(cast: Cast, as_persona: Any) -> None:
    second = _second_hotline()
    client = as_persona("coordinator_a")
    response = _choose(client, second)
    assert response.status_code == 302
    assert hotline_of("LV") == second
    chosen = PublicRecipient.objects.get(country="LV")
    assert (chosen.organisation, chosen.chosen_by) == (second, cast.users["coordinator_a"])
    entry = AuditEntry.objects.filter(action="hotline.public_recipient_choose").latest("seq")
    assert (entry.object_ref, entry.details) == ("LV", {"before": None, "after": second.pk})
    page = client.get(PAGE).content.decode()
    assert f"Messages go to {second.name}, as chosen." in page

    with override_settings(STROM_HOTLINE_PUBLIC=True):
        visitor = Client(REMOTE_ADDR="127.0.0.9")
        sent = visitor.post(
            reverse("help:write", kwargs={"lang": "ru", "country": "lv"}),
            {"about": "myself", "message": "Мне не платят уже два месяца."},
        )
    assert sent.status_code == 302
    assert Contact.objects.get().organisation == second

    # Back to no choice: the first active hotline again.
    assert _choose(client, None).status_code == 302
    assert not PublicRecipient.objects.exists()
    assert hotline_of("LV") == cast.orgs["hotline_lv"]
    entry = AuditEntry.objects.filter(action="hotline.public_recipient_choose").latest("seq")
    assert entry.details == {"before": second.pk, "after": None}


def test_a_closed_choice_falls_back_and_the_page_says_so(cast: Cast, as_persona: Any) -> None:
    second = _second_hotline()
    public_recipient_choose(by=cast.users["coordinator_a"], country="LV", organisation=second)
    Organisation.objects.filter(pk=second.pk).update(is_active=False)
    assert hotline_of("LV") == cast.orgs["hotline_lv"]
    page = as_persona("coordinator_a").get(PAGE).content.decode()
    assert f"{second.name}, the chosen hotline, is not active" in page


def test_a_hotline_of_another_country_or_a_closed_one_is_refused_and_nothing_changes(
    cast: Cast, as_persona: Any
) -> None:
    closed = _second_hotline("Closed Helpline")
    Organisation.objects.filter(pk=closed.pk).update(is_active=False)
    client = as_persona("coordinator_a")
    for organisation in (cast.orgs["hotline_lt"], closed, cast.org_a):
        response = _choose(client, organisation)
        assert response.status_code == 400
        assert "Select a valid choice" in response.content.decode()
    with pytest.raises(ValidationError, match="active hotlines"):
        public_recipient_choose(
            by=cast.users["coordinator_a"], country="LV", organisation=cast.orgs["hotline_lt"]
        )
    with pytest.raises(NotAllowed):
        public_recipient_choose(
            by=cast.users["coordinator_b"], country="LV", organisation=cast.orgs["hotline_lv"]
        )
    assert not PublicRecipient.objects.exists()
    assert not AuditEntry.objects.filter(action="hotline.public_recipient_choose").exists()


def test_at_most_one_per_country(cast: Cast) -> None:
    public_recipient_choose(by=cast.users["coordinator_a"], country="LV", organisation=_second_hotline())
    with (
        pytest.raises(IntegrityError, match="hotline_one_public_recipient_per_country"),
        transaction.atomic(),
    ):
        PublicRecipient.objects.create(
            country="LV", organisation=cast.orgs["hotline_lv"], chosen_by=cast.users["coordinator_a"]
        )
    # A new choice replaces the old one.
    public_recipient_choose(
        by=cast.users["coordinator_a"], country="LV", organisation=cast.orgs["hotline_lv"]
    )
    assert list(PublicRecipient.objects.values_list("organisation_id", flat=True)) == [
        cast.orgs["hotline_lv"].pk
    ]
