"""Referral rules: consent or override, contradictions explained, the state machine, transfer,
completion into the support plan, and nothing half-saved."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from strom.audit.models import AuditEntry
from strom.cases.models import Case
from strom.cases.tests.factories import make_case
from strom.consent.models import ConsentRecord
from strom.consent.services import consent_record, consent_withdraw
from strom.core.errors import NotAllowed
from strom.network.tests.factories import make_service
from strom.referrals import access
from strom.referrals.models import Referral, Section, State
from strom.referrals.services import (
    referral_accept,
    referral_complete,
    referral_create,
    referral_decline,
    referral_send,
    referral_start,
    referral_update,
    referral_withdraw,
)
from strom.referrals.tests.factories import give_disclosure_consent, make_referral, send_new, shelter_c
from strom.support.models import Service
from tests.personas import Cast

pytestmark = pytest.mark.django_db


def _errors(exc: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return exc.value.message_dict


def test_without_consent_the_referral_is_refused_with_both_ways_on(cast: Cast) -> None:
    case = make_case(cast)
    with pytest.raises(ValidationError) as exc:
        send_new(by=cast.caseworker_a, case=case, service=shelter_c(cast), scope=["needs"])
    message = " ".join(_errors(exc)["basis"])
    assert "Riga Safe House" in message
    assert "consent page" in message
    assert "supervisor may override" in message
    assert not Referral.objects.exists()  # nothing half-saved


def test_a_consent_to_another_organisation_does_not_count(cast: Cast) -> None:
    case = make_case(cast)
    give_disclosure_consent(cast, case, organisation=cast.org_b)
    with pytest.raises(ValidationError):
        send_new(by=cast.caseworker_a, case=case, service=shelter_c(cast))


def test_a_draft_needs_no_consent_yet_but_sending_checks_it_again(cast: Cast) -> None:
    case = make_case(cast)
    referral = referral_create(by=cast.caseworker_a, case=case, service=shelter_c(cast), scope=["needs"])
    assert referral.state == State.DRAFT
    with pytest.raises(ValidationError):
        referral_send(by=cast.caseworker_a, referral=referral)
    referral.refresh_from_db()
    assert referral.state == State.DRAFT
    give_disclosure_consent(cast, case)
    referral_send(by=cast.caseworker_a, referral=referral)
    referral.refresh_from_db()
    assert referral.state == State.SENT
    assert referral.basis == "consent"
    assert referral.consent is not None
    assert referral.respond_by is not None


def test_documents_in_scope_without_consent_are_a_contradiction_even_on_override(cast: Cast) -> None:
    case = make_case(cast)
    with pytest.raises(ValidationError) as exc:
        send_new(
            by=cast.supervisor_a,
            case=case,
            service=shelter_c(cast),
            scope=["needs", "documents"],
            override=True,
            override_reason="Danger to life",
        )
    message = " ".join(_errors(exc)["scope"])
    assert "Documents" in message
    assert "record the person's consent" in message
    assert not Referral.objects.exists()


def test_only_a_supervisor_may_override_and_must_say_why(cast: Cast) -> None:
    case = make_case(cast)
    with pytest.raises(ValidationError) as exc:
        send_new(by=cast.caseworker_a, case=case, service=shelter_c(cast), override=True)
    errors = _errors(exc)
    assert "override" in errors
    assert "override_reason" in errors
    referral = send_new(
        by=cast.supervisor_a,
        case=case,
        service=shelter_c(cast),
        scope=["needs"],
        override=True,
        override_reason="A child at risk tonight",
    )
    assert referral.basis == "override"
    entry = AuditEntry.objects.filter(action="referral.send").get()
    assert entry.details["basis"] == "override"
    assert "child" not in str(entry.details)  # the reason is not in the audit details


def test_a_service_that_does_not_cover_the_municipality_is_explained(cast: Cast) -> None:
    case = make_case(cast)
    give_disclosure_consent(cast, case, organisation=cast.org_b)
    vilnius_only = make_service(cast.org_b, name="Vilnius shelter", municipalities=[cast.vilnius])
    with pytest.raises(ValidationError) as exc:
        send_new(by=cast.caseworker_a, case=case, service=vilnius_only)
    message = " ".join(_errors(exc)["municipality"])
    assert "does not cover Rīga" in message
    assert not Referral.objects.exists()


def test_a_childs_case_cannot_go_to_a_service_for_adults(cast: Cast) -> None:
    case = make_case(cast, age_estimate=15, age_uncertain=True, believed_child=True)
    assert case.is_child
    give_disclosure_consent(cast, case)
    adults_only = make_service(cast.org_c, name="Adult shelter", countries=["LV"], for_children=False)
    with pytest.raises(ValidationError) as exc:
        send_new(by=cast.caseworker_a, case=case, service=adults_only)
    message = " ".join(_errors(exc)["service"])
    assert "does not take children" in message
    assert "child protection" in message


def test_abroad_needs_consent_to_the_transfer_too(cast: Cast) -> None:
    case = make_case(cast)
    give_disclosure_consent(cast, case, organisation=cast.org_b)
    lithuanian = make_service(cast.org_b, name="Return support", countries=["LT", "LV"])
    with pytest.raises(ValidationError) as exc:
        send_new(by=cast.caseworker_a, case=case, service=lithuanian)
    assert "transfer to Lithuania" in " ".join(_errors(exc)["basis"])
    consent_record(
        by=cast.caseworker_a,
        case=case,
        purpose="cross_border",
        given=True,
        given_at=timezone.localdate(),
        how="written",
        recipient_country="LT",
    )
    referral = send_new(by=cast.caseworker_a, case=case, service=lithuanian)
    assert referral.cross_border_consent is not None


def test_the_whole_cycle_records_the_service_as_delivered_in_the_plan(cast: Cast) -> None:
    referral = make_referral(cast)
    referral_accept(by=cast.recipient, referral=referral)
    referral_start(by=cast.recipient, referral=referral)
    referral_complete(by=cast.recipient, referral=referral, note="Stayed five nights.")
    referral.refresh_from_db()
    assert referral.state == State.COMPLETED
    service = Service.objects.get(case=referral.case)
    assert service.status == "delivered"
    assert service.provider_organisation == cast.org_c
    assert service.service_type == "SafeAccommodation"
    assert referral.support_service == service
    assert [c.state for c in referral.changes.all()] == [
        "draft",
        "sent",
        "accepted",
        "in_progress",
        "completed",
    ]


def test_completion_marks_a_planned_service_delivered_instead_of_adding_one(cast: Cast) -> None:
    from strom.support.services import service_plan

    case = make_case(cast)
    planned = service_plan(by=cast.caseworker_a, case=case, service_type="SafeAccommodation")
    referral = make_referral(cast, case=case, state="accepted")
    referral_complete(by=cast.recipient, referral=referral)
    planned.refresh_from_db()
    assert planned.status == "delivered"
    assert Service.objects.filter(case=case).count() == 1


def test_states_only_move_forward(cast: Cast) -> None:
    referral = make_referral(cast)
    with pytest.raises(ValidationError):
        referral_complete(by=cast.recipient, referral=referral)  # not accepted yet
    referral_decline(by=cast.recipient, referral=referral, reason="No place for a family.")
    with pytest.raises(ValidationError):
        referral_accept(by=cast.recipient, referral=referral)
    with pytest.raises(ValidationError):
        referral_withdraw(by=cast.caseworker_a, referral=referral)
    with pytest.raises(ValidationError) as exc:
        referral_decline(by=cast.recipient, referral=make_referral(cast), reason="  ")
    assert "reason" in _errors(exc)


def test_a_sent_referral_is_not_edited(cast: Cast) -> None:
    referral = make_referral(cast)
    with pytest.raises(ValidationError):
        referral_update(by=cast.caseworker_a, referral=referral, scope=["identity", "contact"])


def test_only_the_sides_may_act(cast: Cast) -> None:
    referral = make_referral(cast)
    with pytest.raises(NotAllowed):
        referral_accept(by=cast.caseworker_a, referral=referral)  # the sender cannot answer
    with pytest.raises(NotAllowed):
        referral_withdraw(by=cast.recipient, referral=referral)  # the receiver cannot withdraw
    with pytest.raises(NotAllowed):
        referral_accept(by=cast.caseworker_b, referral=referral)


def test_a_transfer_moves_the_case_and_the_old_organisation_loses_it(cast: Cast) -> None:
    case = make_case(cast)
    give_disclosure_consent(cast, case)
    transfer = send_new(by=cast.caseworker_a, case=case, kind="transfer", to_organisation=cast.org_c)
    assert transfer.scope == list(Section.values)
    referral_accept(by=cast.recipient, referral=transfer)
    case = Case.objects.get(pk=case.pk)
    assert case.organisation == cast.org_c
    assert case.owner == cast.recipient
    assert case.person.organisation == cast.org_c  # the old organisation has no other case of theirs
    assert not Case.objects.visible_to(cast.caseworker_a).filter(pk=case.pk).exists()
    assert Case.objects.visible_to(cast.recipient).filter(pk=case.pk).exists()
    # The old organisation keeps the record of what it sent, not the case.
    assert Referral.objects.visible_to(cast.caseworker_a).filter(pk=transfer.pk).exists()
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"case.transfer_in", "case.transfer_out"} <= actions


def test_a_transfer_abroad_is_refused_with_the_way_to_do_it(cast: Cast) -> None:
    case = make_case(cast)
    give_disclosure_consent(cast, case, organisation=cast.org_b)
    with pytest.raises(ValidationError) as exc:
        send_new(by=cast.caseworker_a, case=case, kind="transfer", to_organisation=cast.org_b)
    assert "only within its country" in " ".join(_errors(exc)["service"])


def test_withdrawing_the_referral_ends_access_at_once(cast: Cast) -> None:
    referral = make_referral(cast, state="accepted")
    assert access.receiver_scope(cast.recipient, referral) == {"identity", "needs"}
    referral_withdraw(by=cast.caseworker_a, referral=referral, reason="The person moved.")
    referral.refresh_from_db()
    assert access.receiver_scope(cast.recipient, referral) == frozenset()


def test_withdrawing_the_consent_ends_access_at_once(cast: Cast) -> None:
    referral = make_referral(cast, state="in_progress")
    assert access.receiver_scope(cast.recipient, referral)
    record = ConsentRecord.objects.get(person=referral.case.person, purpose="disclosure")
    consent_withdraw(by=cast.caseworker_a, case=referral.case, record=record)
    referral.refresh_from_db()
    assert access.receiver_scope(cast.recipient, referral) == frozenset()
    assert referral.state == State.IN_PROGRESS  # the record stays; the access does not


def test_completion_date_cannot_be_in_the_future(cast: Cast) -> None:
    referral = make_referral(cast, state="accepted")
    with pytest.raises(ValidationError) as exc:
        referral_complete(
            by=cast.recipient, referral=referral, delivered_until=timezone.localdate() + dt.timedelta(days=1)
        )
    assert "delivered_until" in _errors(exc)
    assert not Service.objects.exists()
