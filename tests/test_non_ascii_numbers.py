"""A number in a URL, a form or a filter is ASCII digits: "²" and other scripts' digits are no number.

`str.isdigit()` is true for "²", which `int()` then refuses: a view that trusted `isdigit()` answered
500. Each place now reads numbers with strom.core.numbers.whole_number and treats anything else as
no number (the newest version, the first page, a refusal), never as an error of the server.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from strom.casefile.dates import parse_partial_date
from strom.core.numbers import whole_number
from strom.stats.engine import parse_filter

pytestmark = pytest.mark.django_db

NOT_NUMBERS = ["²", "\uff12\uff10\uff11\uff19", "١٢", "9" * 19, "-1", " 1", ""]


@pytest.mark.parametrize("text", NOT_NUMBERS)
def test_only_ascii_digits_are_a_number(text: str) -> None:
    assert whole_number(text) is None


@pytest.mark.parametrize(
    ("persona", "url", "status"),
    [
        ("sysadmin", reverse("audit:list") + "?before=²", 200),
        ("caseworker_a", reverse("screening:list") + "?after=²", 200),
        ("caseworker_a", reverse("screening:set_detail", args=["ilo-adult-labour"]) + "?version=²", 200),
        ("caseworker_a", reverse("screening:new") + "?set=ilo-adult-labour&version=²", 200),
        ("caseworker_a", reverse("referrals:new") + "?service=²", 404),
    ],
)
def test_a_superscript_in_a_page_parameter_is_no_server_error(
    as_persona: Any, persona: str, url: str, status: int
) -> None:
    assert as_persona(persona).get(url).status_code == status


def test_a_superscript_notification_id_marks_nothing_and_is_no_server_error(as_persona: Any) -> None:
    url = reverse("accounts:notification_read", args=[7]).replace("7", "²")
    assert as_persona("caseworker_a").post(url).status_code == 404


@pytest.mark.parametrize("text", ["year=²", "year=²..2020", "year=2019..\uff12\uff10\uff12\uff10"])
def test_a_statistics_filter_with_other_digits_is_bad_input(text: str) -> None:
    with pytest.raises(ValidationError, match="Year of registration"):
        parse_filter(text)


@pytest.mark.parametrize("text", ["\uff12\uff10\uff12\uff11", "2021-\uff10\uff14", "٢٠٢١"])
def test_a_partial_date_in_other_digits_is_bad_input(text: str) -> None:
    with pytest.raises(ValidationError, match="YYYY-MM-DD"):
        parse_partial_date(text)
