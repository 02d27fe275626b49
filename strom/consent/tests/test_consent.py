"""Consent records, withdrawal with history, and consent_status: the one answer to "may we do X now?"."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from strom.audit.models import AuditEntry
from strom.cases.models import Case
from strom.cases.tests.factories import hotline_owned_case, make_case, make_person
from strom.consent.models import ConsentRecord
from strom.consent.selectors import Reason, consent_section_context, consent_status
from strom.consent.services import consent_record, consent_withdraw
from strom.core.registry import timeline_for
from tests.personas import Cast

pytestmark = pytest.mark.django_db

DAY = dt.timedelta(days=1)


def today() -> dt.date:
    return timezone.localdate()


def record(cast: Cast, case: Case, **fields: Any) -> ConsentRecord:
    data: dict[str, Any] = {"purpose": "services", "given": True, "given_at": today(), "how": "written"}
    data.update(fields)
    return consent_record(by=cast.caseworker_a, case=case, **data)


# --- validation ----------------------------------------------------------------------------------


def test_disclosure_consent_without_a_named_organisation_is_refused(cast: Cast) -> None:
    case = make_case(cast)
    with pytest.raises(ValidationError) as exc:
        record(cast, case, purpose="disclosure")
    assert exc.value.message_dict["recipient_organisation"] == [
        "Consent to disclosure must name the organisation the information may go to."
    ]
    assert not ConsentRecord.objects.exists()


def test_transfer_consent_must_name_another_valid_country(cast: Cast) -> None:
    case = make_case(cast)  # Latvia
    for country, message in (
        ("", "Consent to a transfer must name the country."),
        ("XX", "“XX” is not an ISO 3166 country code."),
        ("LV", "A transfer to another country must name another country."),
    ):
        with pytest.raises(ValidationError) as exc:
            record(cast, case, purpose="cross_border", recipient_country=country)
        assert exc.value.message_dict["recipient_country"] == [message]
    assert record(cast, case, purpose="cross_border", recipient_country="se").recipient_country == "SE"


def test_dates_must_be_in_order_and_not_in_the_future(cast: Cast) -> None:
    case = make_case(cast)
    with pytest.raises(ValidationError) as exc:
        record(cast, case, given_at=today() + DAY)
    assert "given_at" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        record(cast, case, given_at=today(), valid_until=today() - DAY)
    assert exc.value.message_dict["valid_until"] == ["Consent cannot end before it was given."]


def test_withdrawal_keeps_the_record_and_its_history(cast: Cast) -> None:
    case = make_case(cast)
    given = record(cast, case, given_at=today() - 3 * DAY)
    withdrawn = consent_withdraw(by=cast.caseworker_a, case=case, record=given, reason="She is afraid")
    assert withdrawn.pk == given.pk
    assert (withdrawn.given, withdrawn.given_at, withdrawn.withdrawn_at) == (True, today() - 3 * DAY, today())
    assert withdrawn.withdrawal_reason == "She is afraid"
    with pytest.raises(ValidationError):
        consent_withdraw(by=cast.caseworker_a, case=case, record=withdrawn)
    assert ConsentRecord.objects.count() == 1


def test_only_a_given_consent_can_be_withdrawn_and_not_before_it_was_given(cast: Cast) -> None:
    case = make_case(cast)
    refusal = record(cast, case, given=False)
    with pytest.raises(ValidationError):
        consent_withdraw(by=cast.caseworker_a, case=case, record=refusal)
    given = record(cast, case, purpose="statistics", given_at=today())
    with pytest.raises(ValidationError) as exc:
        consent_withdraw(by=cast.caseworker_a, case=case, record=given, withdrawn_at=today() - DAY)
    assert "withdrawn_at" in exc.value.message_dict


# --- consent_status ------------------------------------------------------------------------------


def test_statistics_are_not_consented_until_the_person_says_yes(cast: Cast) -> None:
    case = make_case(cast)
    status = consent_status(case, "statistics")
    assert (status.given, status.reason, status.record) == (False, Reason.NOT_ASKED, None)
    record(cast, case, purpose="statistics")
    assert consent_status(case, "statistics").given


def test_expired_consent_is_not_valid(cast: Cast) -> None:
    case = make_case(cast)
    record(cast, case, given_at=today() - 10 * DAY, valid_until=today() - DAY)
    status = consent_status(case, "services")
    assert (status.given, status.reason) == (False, Reason.EXPIRED)
    assert consent_status(case, "services", today=today() - 2 * DAY).given


def test_withdrawn_and_refused_consents_do_not_permit(cast: Cast) -> None:
    case = make_case(cast)
    given = record(cast, case, given_at=today() - 5 * DAY)
    consent_withdraw(by=cast.caseworker_a, case=case, record=given, withdrawn_at=today() - DAY)
    assert consent_status(case, "services").reason == Reason.WITHDRAWN
    assert consent_status(case, "services", today=today() - 2 * DAY).given  # before the withdrawal
    record(cast, case, purpose="statistics", given=False)
    assert consent_status(case, "statistics").reason == Reason.REFUSED


def test_the_latest_answer_decides(cast: Cast) -> None:
    case = make_case(cast)
    record(cast, case, given=False, given_at=today() - 5 * DAY)
    record(cast, case, given=True, given_at=today() - DAY)
    assert consent_status(case, "services").given
    # An older answer recorded later does not override the newer one.
    record(cast, case, given=False, given_at=today() - 3 * DAY)
    assert consent_status(case, "services").given


def test_disclosure_consent_is_for_the_named_organisation_only(cast: Cast) -> None:
    case = make_case(cast)
    record(cast, case, purpose="disclosure", recipient_organisation=cast.org_b)
    assert consent_status(case, "disclosure", cast.org_b).given
    assert consent_status(case, "disclosure", cast.org_b.pk).given
    assert not consent_status(case, "disclosure", cast.org_a).given
    with pytest.raises(ValueError, match="named organisation"):
        consent_status(case, "disclosure")


def test_case_only_consent_does_not_apply_to_the_persons_other_case(cast: Cast) -> None:
    person = make_person(cast)
    first = make_case(cast, person=person)
    second = make_case(cast, person=person)
    record(cast, first, purpose="statistics", case_only=True)
    record(cast, first, purpose="cross_border", recipient_country="SE", case_only=False)
    assert consent_status(first, "statistics").given
    assert not consent_status(second, "statistics").given
    assert consent_status(second, "cross_border", "SE").given
    assert consent_status(person, "statistics").given  # asked about the person: any of their answers


def test_child_case_consent_not_given_through_a_guardian_is_flagged(cast: Cast) -> None:
    case = make_case(cast, birth_date=str(today().replace(year=today().year - 12)))
    assert case.is_child
    status_record = record(cast, case, how="oral_witnessed")
    assert status_record.child_without_guardian
    assert consent_status(case, "services").child_without_guardian
    assert not record(cast, case, purpose="statistics", how="guardian").child_without_guardian
    html = render_to_string("consent/_case_section.html", consent_section_context(cast.caseworker_a, case))
    assert "Child: not recorded through a guardian or representative" in html


# --- audit, timeline, section --------------------------------------------------------------------


def test_consent_writes_are_audited_without_the_recipient_or_reason(cast: Cast) -> None:
    case = make_case(cast)
    given = record(cast, case, purpose="disclosure", recipient_organisation=cast.org_b)
    consent_withdraw(by=cast.caseworker_a, case=case, record=given, reason="Does not trust them")
    entries = AuditEntry.objects.filter(object_ref=case.ref, action__startswith="consent.")
    assert list(entries.order_by("seq").values_list("action", flat=True)) == [
        "consent.record",
        "consent.withdraw",
    ]
    dumped = json.dumps(list(entries.values_list("details", flat=True)), ensure_ascii=False)
    assert "trust" not in dumped
    assert "Vilnius" not in dumped
    keys = {key for details in entries.values_list("details", flat=True) for key in details}
    assert keys == {"consent", "purpose", "given", "case_only", "reason"}  # no recipient


def test_timeline_shows_consent_given_refused_and_withdrawn(cast: Cast) -> None:
    case = make_case(cast)
    given = record(cast, case)
    record(cast, case, purpose="statistics", given=False)
    consent_withdraw(by=cast.caseworker_a, case=case, record=given)
    titles = {item.title for item in timeline_for(cast.caseworker_a, case)}
    assert {
        "Consent given: Receiving assistance and services",
        "Consent refused: Use in statistics",
        "Consent withdrawn: Receiving assistance and services",
    } <= titles


def test_section_spells_out_what_is_not_consented(cast: Cast) -> None:
    case = make_case(cast)
    record(cast, case, purpose="disclosure", recipient_organisation=cast.org_b)
    html = render_to_string("consent/_case_section.html", consent_section_context(cast.caseworker_a, case))
    assert "Not consented — do not do these:" in html
    assert "Use in statistics — not asked" in html
    assert "Vilnius Support Centre" in html
    assert "Disclosure to any organisation not listed below as consented" in html


# --- access --------------------------------------------------------------------------------------


def test_other_organisation_gets_404_on_consent_pages_and_api(cast: Cast, as_persona: Any) -> None:
    case = make_case(cast)
    given = record(cast, case)
    client = as_persona("supervisor_b")
    assert client.get(reverse("consent:overview", kwargs={"ref": case.ref})).status_code == 404
    url = reverse("api:consent_withdraw", kwargs={"ref": case.ref, "consent_id": given.pk})
    assert client.post(url, {}, content_type="application/json").status_code == 404
    given.refresh_from_db()
    assert given.withdrawn_at is None


def test_consent_of_another_case_cannot_be_withdrawn_through_my_case(cast: Cast, as_persona: Any) -> None:
    mine = make_case(cast)
    other = record(cast, make_case(cast))
    url = reverse("api:consent_withdraw", kwargs={"ref": mine.ref, "consent_id": other.pk})
    response = as_persona("caseworker_a").post(url, {}, content_type="application/json")
    assert response.status_code == 404


def test_hotline_operator_sees_and_records_consent_on_a_case_they_hold(cast: Cast, as_persona: Any) -> None:
    case = hotline_owned_case(cast)
    client = as_persona("hotline_a")
    assert client.get(reverse("consent:overview", kwargs={"ref": case.ref})).status_code == 200
    response = client.post(
        reverse("api:consent_record", kwargs={"ref": case.ref}),
        {"purpose": "services", "given": True, "given_at": str(today()), "how": "oral_witnessed"},
        content_type="application/json",
    )
    assert response.status_code == 201


# --- web and API ---------------------------------------------------------------------------------


def test_record_form_shows_the_error_for_disclosure_without_organisation(cast: Cast, as_persona: Any) -> None:
    case = make_case(cast)
    response = as_persona("caseworker_a").post(
        reverse("consent:record", kwargs={"ref": case.ref}),
        {
            "purpose": "disclosure",
            "given": "yes",
            "given_at": str(today()),
            "how": "written",
            "case_only": "case",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "data-error-summary" in body
    assert "must name the organisation" in body
    assert not ConsentRecord.objects.exists()


def test_record_and_withdraw_through_the_pages(cast: Cast, as_persona: Any) -> None:
    case = make_case(cast)
    client = as_persona("caseworker_a")
    response = client.post(
        reverse("consent:record", kwargs={"ref": case.ref}),
        {
            "purpose": "disclosure",
            "recipient_organisation": cast.org_b.pk,
            "given": "yes",
            "given_at": str(today()),
            "how": "interpreter",
            "case_only": "person",
        },
    )
    assert response.status_code == 302
    consent = ConsentRecord.objects.get()
    assert (consent.case, consent.recipient_organisation, consent.how) == (None, cast.org_b, "interpreter")
    response = client.post(
        reverse("consent:withdraw", kwargs={"ref": case.ref, "consent_id": consent.pk}),
        {"withdrawn_at": str(today()), "reason": ""},
    )
    assert response.status_code == 302
    assert not consent_status(case, "disclosure", cast.org_b).given
    page = client.get(reverse("consent:overview", kwargs={"ref": case.ref})).content.decode()
    assert "Withdrawn on" in page


def test_api_lists_the_summary_and_records(cast: Cast, as_persona: Any) -> None:
    case = make_case(cast)
    record(cast, case)
    record(cast, case, purpose="cross_border", recipient_country="FI", given=False)
    body = as_persona("caseworker_a").get(reverse("api:consent_list", kwargs={"ref": case.ref})).json()
    summary = {
        (row["purpose"], row["recipient_country"]): (row["given"], row["reason"]) for row in body["summary"]
    }
    assert summary == {
        ("services", ""): (True, "given"),
        ("statistics", ""): (False, "not_asked"),
        ("cross_border", "FI"): (False, "refused"),
    }
    assert len(body["records"]) == 2
    assert AuditEntry.objects.filter(object_ref=case.ref, action="case.view").exists()


def test_api_refuses_disclosure_without_organisation_with_422_problem_json(
    cast: Cast, as_persona: Any
) -> None:
    case = make_case(cast)
    response = as_persona("caseworker_a").post(
        reverse("api:consent_record", kwargs={"ref": case.ref}),
        {"purpose": "disclosure", "given": True, "given_at": str(today()), "how": "written"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response["Content-Type"].startswith("application/problem+json")
    assert response.json()["errors"][0]["pointer"] == "#/recipient_organisation"


def test_api_withdraws_a_consent(cast: Cast, as_persona: Any) -> None:
    case = make_case(cast)
    given = record(cast, case, purpose="statistics")
    response = as_persona("supervisor_a").post(
        reverse("api:consent_withdraw", kwargs={"ref": case.ref, "consent_id": given.pk}),
        {"reason": "No longer wants it"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["withdrawn_at"] == str(today())
    assert consent_status(case, "statistics").reason == Reason.WITHDRAWN


def test_consent_rows_are_visible_through_the_persons_visible_cases(cast: Cast) -> None:
    case = make_case(cast)
    case_only = record(cast, case)
    person_wide = record(cast, case, purpose="statistics", case_only=False)
    assert set(ConsentRecord.objects.visible_to(cast.supervisor_a)) == {case_only, person_wide}
    for persona in ("caseworker_b", "orgadmin_a", "coordinator_a", "outsider"):
        assert not ConsentRecord.objects.visible_to(cast.users[persona]).exists()


def test_consent_section_query_count_does_not_grow_with_the_records(
    cast: Cast, django_assert_max_num_queries: Any
) -> None:
    case = make_case(cast)
    for _ in range(4):
        record(cast, case, purpose="disclosure", recipient_organisation=cast.org_b)
    record(cast, case, purpose="cross_border", recipient_country="SE")
    with django_assert_max_num_queries(2):
        render_to_string("consent/_case_section.html", consent_section_context(cast.caseworker_a, case))
