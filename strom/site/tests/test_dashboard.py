"""The dashboard and the menu lead to what the user may start: a new screening, a new case, the requests
for a decision; nobody is offered a page they may not open."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("persona", "offered", "not_offered"),
    [
        ("caseworker_a", ["screening:new", "cases:open", "cases:decision_requests"], []),
        ("supervisor_a", ["screening:new", "cases:open", "cases:decision_requests"], []),
        ("hotline_a", ["screening:new", "cases:open"], []),
        ("analyst_a", [], ["screening:new", "cases:open", "cases:decision_requests"]),
        ("orgadmin_a", [], ["screening:new", "cases:open", "cases:decision_requests"]),
    ],
)
def test_quick_actions_follow_the_role_matrix(
    as_persona: Any, persona: str, offered: list[str], not_offered: list[str]
) -> None:
    client = as_persona(persona)
    text = client.get(reverse("core:dashboard")).content.decode()
    for name in offered:
        assert f'href="{reverse(name)}"' in text, name
        # Every action offered opens.
        assert client.get(reverse(name)).status_code == 200, name
    for name in not_offered:
        assert f'href="{reverse(name)}"' not in text, name


def test_the_menu_offers_a_new_screening_to_those_who_may_screen(as_persona: Any) -> None:
    link = f'href="{reverse("screening:new")}"'
    assert link in as_persona("caseworker_a").get(reverse("cases:list")).content.decode()
    assert link not in as_persona("analyst_a").get(reverse("core:dashboard")).content.decode()


def test_the_dashboard_reads_as_cards_on_a_phone(as_persona: Any) -> None:
    text = as_persona("caseworker_a").get(reverse("core:dashboard")).content.decode()
    assert 'class="table table--cards"' in text
    assert 'data-label="Organisation"' in text


def test_the_case_list_offers_a_new_screening_and_a_new_case(as_persona: Any) -> None:
    text = as_persona("hotline_a").get(reverse("cases:list")).content.decode()
    assert f'class="button" href="{reverse("screening:new")}"' in text
    assert f'href="{reverse("cases:open")}"' in text
