"""The open-case form asks for what a case needs, and a date typed wrong is said, never dropped."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from strom.cases.models import Case, Person
from strom.cases.tests.test_casework import open_form
from strom.core.datefields import TypedDateField, example_date
from tests.personas import Cast

pytestmark = pytest.mark.django_db


def test_a_case_without_any_age_is_refused_and_the_form_keeps_what_was_typed(
    cast: Cast, as_persona: Any
) -> None:
    response = as_persona("caseworker_a").post(
        reverse("cases:open"), open_form(cast, birth_date="", age_estimate="")
    )
    assert response.status_code == 200
    assert "age_estimate" in response.context["form"].errors
    body = response.content.decode()
    assert "tick “age uncertain” when the age is not known" in body
    assert 'value="Ivanova"' in body
    assert not Case.objects.exists()


@pytest.mark.parametrize(
    "age", [{"age_estimate": "17", "birth_date": ""}, {"age_uncertain": "on", "birth_date": ""}]
)
def test_an_estimated_age_or_an_explicit_unknown_is_enough(
    cast: Cast, as_persona: Any, age: dict[str, str]
) -> None:
    response = as_persona("caseworker_a").post(reverse("cases:open"), open_form(cast, **age))
    assert response.status_code == 302
    assert Case.objects.count() == 1


def test_an_impossible_date_is_an_error_in_words_and_stays_in_the_field(cast: Cast, as_persona: Any) -> None:
    client = as_persona("caseworker_a")
    response = client.post(
        reverse("cases:open"), open_form(cast, birth_date="31.02.2001"), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "“31.02.2001” is not a date that exists" in body
    assert 'value="31.02.2001"' in body
    assert 'value="FX 123456"' in body
    # A date that is wrong is not also reported as missing.
    assert "age_estimate" not in response.context["form"].errors
    assert not Person.objects.exists()


def test_a_date_is_typed_as_the_reader_writes_it() -> None:
    field = TypedDateField()
    with translation.override("lv"):
        assert str(field.clean("24.12.1990")) == "1990-12-24"
        assert example_date() == "24.12.1990"
        with pytest.raises(ValidationError, match=r"„31\.02\.1990” neeksistē"):
            field.clean("31.02.1990")
    with pytest.raises(ValidationError, match=r"“31\.02\.2001” is not a date that exists"):
        field.clean("31.02.2001")
    assert str(field.clean("1990-12-24")) == "1990-12-24"


def test_a_stored_date_is_shown_as_the_reader_writes_it() -> None:
    from strom.core.datefields import TypedDateInput

    with translation.override("lv"):
        assert TypedDateInput().format_value("1998-04-02") == "02.04.1998"
        assert TypedDateInput().format_value("31.02.1998") == "31.02.1998"
