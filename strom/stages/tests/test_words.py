"""The stage page in words: stage names, people's names and dates in the reader's format, in Latvian too."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from strom.stages.tests.stage_helpers import opened_case, to_reflection

pytestmark = pytest.mark.django_db

ISO_DATE = re.compile(r"\b\d{4}-\d\d-\d\d\b")


def _visible_text(html: str) -> str:
    """What a reader sees: no attributes (a <time datetime> or an input value may hold ISO dates)."""
    body = html.split("<main", 1)[-1]
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    return re.sub(r"<[^>]*>", " ", body)


def test_stage_history_and_decisions_are_in_words_with_names_and_local_dates(
    cast: Any, as_persona: Any
) -> None:
    case = to_reflection(cast, opened_case(cast))
    client = as_persona("caseworker_a")
    text = _visible_text(client.get(reverse("cases:stages", args=[case.ref])).content.decode())
    assert "Screening → Reflection and recovery period" in text
    assert "screening → reflection" not in text
    assert "Supervisor A" in text  # who recorded the decision, by name
    assert "supervisor_a@example.test" not in text
    assert not ISO_DATE.search(text)


def test_in_latvian_the_stage_page_has_no_iso_dates(cast: Any, as_persona: Any) -> None:
    case = to_reflection(cast, opened_case(cast))
    client = as_persona("caseworker_a")
    client.post(reverse("set_language"), {"language": "lv", "next": "/"})
    html = client.get(reverse("cases:stages", args=[case.ref])).content.decode()
    assert 'lang="lv"' in html
    text = _visible_text(html)
    assert not ISO_DATE.search(text)
    assert re.search(r"\b\d{1,2}\.\d\d\.\d{4}\b", text)  # Latvian short dates: 4.12.2026
