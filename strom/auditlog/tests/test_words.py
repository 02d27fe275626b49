"""The audit log in words: actions, kinds of object and people by name, dates in the reader's format."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from strom.audit.actions import ACTIONS, action_label
from strom.audit.services import audit_record

pytestmark = pytest.mark.django_db

ISO_DATE = re.compile(r">[^<]*\b\d{4}-\d\d-\d\d\b")


def _open_case(cast: Any) -> None:
    audit_record(
        actor=cast.users["caseworker_a"],
        action="case.open",
        object_type="case",
        object_ref="A-1",
        organisation_id=cast.org_a.pk,
    )


def test_entries_name_the_action_the_kind_of_object_and_the_person(cast: Any, as_persona: Any) -> None:
    _open_case(cast)
    html = as_persona("orgadmin_a").get(reverse("audit:list")).content.decode()
    assert "<td>Opened a case</td>" in html
    assert "case.open" not in html.split("<tbody>", 1)[1]
    assert "<td>case A-1</td>" in html
    assert "<td>Caseworker A</td>" in html  # the name, not caseworker_a@example.test
    assert "caseworker_a@example.test" not in html.split("<tbody>", 1)[1]  # only the filter's value
    assert "<td>command line</td>" in html  # where the entry came from (this test), in words


def test_action_filter_is_a_pick_list_in_words_that_filters(cast: Any, as_persona: Any) -> None:
    _open_case(cast)
    client = as_persona("orgadmin_a")
    html = client.get(reverse("audit:list")).content.decode()
    assert re.search(r'<select name="action"[^>]*>', html)
    assert '<option value="case.open">Opened a case</option>' in html
    assert '<option value="case">case</option>' in html  # the kind of object
    page = client.get(reverse("audit:list"), {"action": "case.open"}, headers={"HX-Request": "true"})
    assert [e.action for e in page.context["page"].entries] == ["case.open"]


def test_an_action_without_a_label_is_still_accepted_and_shown_as_stored(cast: Any, as_persona: Any) -> None:
    audit_record(actor=cast.users["supervisor_a"], action="user.retired_action")
    client = as_persona("orgadmin_a")
    html = client.get(reverse("audit:list"), {"action": "user.retired_action"}).content.decode()
    assert '<option value="user.retired_action" selected>user.retired_action</option>' in html
    assert "<td>user.retired_action</td>" in html


def test_in_latvian_the_log_has_no_iso_dates(cast: Any, as_persona: Any) -> None:
    _open_case(cast)
    client = as_persona("orgadmin_a")
    client.post(reverse("set_language"), {"language": "lv", "next": "/"})
    html = client.get(reverse("audit:list"), {"date_from": "2026-01-01"}).content.decode()
    assert 'lang="lv"' in html
    assert not ISO_DATE.search(html.split("<tbody>", 1)[1])


def test_every_label_is_words() -> None:
    assert action_label("case.view") == "Viewed a case"
    assert all("." not in str(label).rstrip(".") for label in ACTIONS.values())


def test_who_is_a_pick_list_of_colleagues_by_name(cast: Any, as_persona: Any) -> None:
    _open_case(cast)
    client = as_persona("orgadmin_a")
    html = client.get(reverse("audit:list")).content.decode()
    assert '<option value="caseworker_a@example.test">Caseworker A</option>' in html
    assert "caseworker_b@example.test" not in html  # another organisation's people are not offered
    page = client.get(
        reverse("audit:list"), {"actor": "caseworker_a@example.test"}, headers={"HX-Request": "true"}
    )
    assert [e.action for e in page.context["page"].entries] == ["case.open"]


def test_changed_fields_are_named_by_their_labels(cast: Any, as_persona: Any) -> None:
    audit_record(
        actor=cast.users["orgadmin_a"],
        action="user.update_profile",
        object_type="user",
        object_ref=str(cast.users["caseworker_a"].pk),
        organisation_id=cast.org_a.pk,
        details={"fields": ["full_name", "language", "retired_field"]},
    )
    html = as_persona("orgadmin_a").get(reverse("audit:list")).content.decode()
    assert "full name, language, retired_field" in html
    assert "full_name" not in html.split("<tbody>", 1)[1]
