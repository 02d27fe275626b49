"""Needs, the support plan and its reviews, services, coverage of the statutory minimum, cost totals."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.urls import reverse

from strom.audit.models import AuditEntry
from strom.cases.choices import Stage
from strom.cases.models import Case
from strom.cases.services import EditConflict
from strom.cases.tests.factories import hotline_owned_case, make_case
from strom.core.registry import timeline_for
from strom.stages import clocks
from strom.support.choices import STATUTORY_MINIMUM, Coverage, ServiceStatus
from strom.support.models import NeedsAssessment, Service, SupportPlan, SupportPlanRevision
from strom.support.selectors import case_cost_totals, case_coverage, support_section_context
from strom.support.services import (
    coverage_mark_not_needed,
    coverage_revoke_not_needed,
    needs_assessment_record,
    plan_review_record,
    service_cancel,
    service_update,
    support_plan_save,
)
from strom.support.tests.helpers import make_plan, make_service, today
from tests.personas import Cast

pytestmark = pytest.mark.django_db

DAY = dt.timedelta(days=1)


def errors_of(exc: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return exc.value.message_dict


# --- validation ----------------------------------------------------------------------------------


def test_service_ending_before_it_starts_is_refused_with_a_message_on_the_end_field(cast: Cast) -> None:
    case = make_case(cast)
    with pytest.raises(ValidationError) as exc:
        make_service(cast, case, planned_start=today(), planned_end=today() - DAY)
    assert errors_of(exc)["planned_end"] == ["The planned end cannot be before the planned start."]
    with pytest.raises(ValidationError) as exc:
        make_service(cast, case, status="delivered", actual_start=today() - DAY, actual_end=today() - 2 * DAY)
    assert errors_of(exc)["actual_end"] == ["The actual end cannot be before the actual start."]
    assert not Service.objects.filter(case=case).exists()


def test_negative_cost_is_refused(cast: Cast) -> None:
    case = make_case(cast)
    with pytest.raises(ValidationError) as exc:
        make_service(cast, case, cost=Decimal("-1.00"))
    assert errors_of(exc)["cost"] == ["The cost cannot be negative."]


def test_unknown_currency_and_both_kinds_of_provider_are_refused(cast: Cast) -> None:
    case = make_case(cast)
    with pytest.raises(ValidationError) as exc:
        make_service(cast, case, currency="EUX", provider_organisation=cast.org_b, provider_name="Clinic")
    errors = errors_of(exc)
    assert "ISO 4217" in errors["currency"][0]
    assert "not both" in errors["provider_name"][0]


def test_actual_dates_cannot_be_in_the_future(cast: Cast) -> None:
    case = make_case(cast)
    with pytest.raises(ValidationError) as exc:
        make_service(cast, case, status="in_progress", actual_start=today() + DAY)
    assert errors_of(exc)["actual_start"] == ["The actual start cannot be in the future."]


def test_plan_actual_end_before_start_is_refused(cast: Cast) -> None:
    case = make_case(cast)
    with pytest.raises(ValidationError) as exc:
        make_plan(cast, case, start_date=today() - DAY, actual_end_date=today() - 2 * DAY)
    assert errors_of(exc)["actual_end_date"] == ["The actual end date cannot be before the start date."]
    assert not SupportPlan.objects.filter(case=case).exists()


def test_needs_assessment_refuses_a_review_before_the_assessment(cast: Cast) -> None:
    case = make_case(cast)
    with pytest.raises(ValidationError) as exc:
        needs_assessment_record(
            by=cast.caseworker_a,
            case=case,
            assessed_at=today(),
            needs={"MedicalCare": "urgent"},
            next_review_at=today() - DAY,
        )
    assert "next_review_at" in errors_of(exc)
    assert not NeedsAssessment.objects.filter(case=case).exists()


def test_cancelled_service_cannot_be_changed_and_cancel_is_its_own_action(cast: Cast) -> None:
    case = make_case(cast)
    service = make_service(cast, case)
    with pytest.raises(ValidationError):
        service_update(by=cast.caseworker_a, service=service, status="cancelled")
    service_cancel(by=cast.caseworker_a, service=service, reason="Found a place with family")
    with pytest.raises(ValidationError):
        service_update(by=cast.caseworker_a, service=service, cost=Decimal("5"))


def test_services_can_be_recorded_while_the_case_is_still_being_screened(cast: Cast) -> None:
    case = make_case(cast)
    assert case.stage == Stage.SCREENING
    service = make_service(cast, case, status="delivered", actual_start=today(), actual_end=today())
    assert service.status == ServiceStatus.DELIVERED
    assert service.delivered_recorded_at is not None


# --- coverage and totals -------------------------------------------------------------------------


def test_coverage_flags_statutory_services_neither_planned_nor_marked_not_needed(cast: Cast) -> None:
    case = make_case(cast)
    rows = case_coverage(case)
    assert [r.service_type for r in rows] == list(STATUTORY_MINIMUM)
    assert all(r.state == Coverage.MISSING and r.flagged for r in rows)

    make_service(cast, case, service_type="SafeAccommodation")
    cancelled = make_service(cast, case, service_type="MedicalCare")
    service_cancel(by=cast.caseworker_a, service=cancelled)
    make_service(cast, case, service_type="Interpretation", status="delivered", actual_end=today())
    coverage_mark_not_needed(by=cast.caseworker_a, case=case, service_type="LegalAid", reason="Has a lawyer")
    make_service(cast, case, service_type="Education")  # not statutory: no effect on coverage

    state = {r.service_type: r.state for r in case_coverage(case)}
    assert state == {
        "SafeAccommodation": Coverage.PLANNED,
        "MaterialAssistance": Coverage.MISSING,
        "MedicalCare": Coverage.MISSING,  # a cancelled service covers nothing
        "PsychologicalHelp": Coverage.MISSING,
        "CounsellingAndInformation": Coverage.MISSING,
        "Interpretation": Coverage.DELIVERED,
        "LegalAid": Coverage.NOT_NEEDED,
    }

    coverage_revoke_not_needed(by=cast.caseworker_a, case=case, service_type="LegalAid")
    assert {r.service_type: r.state for r in case_coverage(case)}["LegalAid"] == Coverage.MISSING


def test_coverage_shows_the_assessed_priority_and_refuses_marking_non_statutory_types(cast: Cast) -> None:
    case = make_case(cast)
    needs_assessment_record(
        by=cast.caseworker_a,
        case=case,
        assessed_at=today(),
        needs={"MedicalCare": "urgent", "Education": "normal"},
    )
    rows = {r.service_type: r for r in case_coverage(case)}
    assert rows["MedicalCare"].priority == "urgent"
    assert rows["SafeAccommodation"].priority == ""
    with pytest.raises(ValidationError):
        coverage_mark_not_needed(by=cast.caseworker_a, case=case, service_type="Education")


def test_cost_totals_are_per_currency_and_leave_out_cancelled_services(cast: Cast) -> None:
    case = make_case(cast)
    make_service(cast, case, cost=Decimal("100.50"))
    make_service(cast, case, service_type="MedicalCare", cost=Decimal("20"), status="delivered")
    make_service(cast, case, service_type="Interpretation", cost=Decimal("300"), currency="SEK")
    cancelled = make_service(cast, case, service_type="LegalAid", cost=Decimal("999"))
    service_cancel(by=cast.caseworker_a, service=cancelled)
    make_service(cast, case, service_type="Education")  # no cost recorded
    totals = {t.currency: (t.recorded, t.delivered) for t in case_cost_totals(case)}
    assert totals == {"EUR": (Decimal("120.50"), Decimal("20")), "SEK": (Decimal("300"), Decimal("0"))}


# --- plan, versions, reviews ---------------------------------------------------------------------


def test_plan_save_from_a_stale_version_is_refused_and_shows_what_changed(cast: Cast) -> None:
    case = make_case(cast)
    plan = make_plan(cast, case)
    support_plan_save(
        by=cast.supervisor_a,
        case=case,
        version=plan.version,
        start_date=plan.start_date,
        objectives="Housing first",
    )
    with pytest.raises(EditConflict) as exc:
        support_plan_save(
            by=cast.caseworker_a,
            case=case,
            version=plan.version,
            start_date=plan.start_date,
            objectives="Work",
        )
    assert exc.value.stored_version == 2
    changed = {c.field: c.stored for c in exc.value.changes}
    assert changed["objectives"] == "Housing first"
    stored = SupportPlan.objects.get(case=case)
    assert (stored.version, stored.objectives) == (2, "Housing first")
    assert list(SupportPlanRevision.objects.filter(plan=stored).values_list("version", flat=True)) == [2, 1]


def test_creating_a_second_plan_from_version_zero_is_a_conflict(cast: Cast) -> None:
    case = make_case(cast)
    make_plan(cast, case)
    with pytest.raises(EditConflict):
        make_plan(cast, case)


def test_new_plan_is_due_for_review_after_the_country_period_and_gets_a_review_task(cast: Cast) -> None:
    case = make_case(cast)
    plan = make_plan(cast, case)
    assert plan.next_review_due == today() + dt.timedelta(days=30)  # LV: support_plan_review_days
    task = clocks.open_tasks(case).get(kind=clocks.PLAN_REVIEW)
    assert task.due_date == plan.next_review_due


def test_review_completes_the_open_review_task_and_starts_the_next(cast: Cast) -> None:
    case = make_case(cast)
    plan = make_plan(cast, case, start_date=today() - 10 * DAY)
    first = clocks.open_tasks(case).get(kind=clocks.PLAN_REVIEW)
    review = plan_review_record(
        by=cast.caseworker_a,
        case=case,
        reviewed_at=today(),
        summary="Going well",
        next_review_due=today() + 14 * DAY,
    )
    first.refresh_from_db()
    assert first.done_at is not None
    following = clocks.open_tasks(case).get(kind=clocks.PLAN_REVIEW)
    assert following.due_date == today() + 14 * DAY
    plan.refresh_from_db()
    assert (plan.last_reviewed_at, plan.next_review_due, plan.version) == (today(), today() + 14 * DAY, 2)
    assert review.summary == "Going well"


def test_review_without_a_plan_or_before_the_plan_started_is_refused(cast: Cast) -> None:
    case = make_case(cast)
    with pytest.raises(ValidationError):
        plan_review_record(by=cast.caseworker_a, case=case, reviewed_at=today())
    make_plan(cast, case, start_date=today())
    with pytest.raises(ValidationError) as exc:
        plan_review_record(by=cast.caseworker_a, case=case, reviewed_at=today() - DAY)
    assert "reviewed_at" in errors_of(exc)


def test_ending_the_plan_cancels_its_review_task(cast: Cast) -> None:
    case = make_case(cast)
    plan = make_plan(cast, case, start_date=today() - 5 * DAY)
    support_plan_save(
        by=cast.caseworker_a,
        case=case,
        version=plan.version,
        start_date=plan.start_date,
        actual_end_date=today(),
    )
    assert not clocks.open_tasks(case).filter(kind=clocks.PLAN_REVIEW).exists()


# --- audit, timeline, section --------------------------------------------------------------------


def test_writes_are_audited_with_field_names_and_never_the_text(cast: Cast) -> None:
    case = make_case(cast)
    make_service(cast, case, notes="Sister lives at Brīvības iela 1", provider_name="Riga Crisis Centre")
    make_plan(cast, case, objectives="Secret objective text")
    entries = AuditEntry.objects.filter(object_ref=case.ref, action__startswith="support.")
    assert set(entries.values_list("action", flat=True)) == {"support.service_plan", "support.plan_save"}
    dumped = json.dumps(list(entries.values_list("details", flat=True)), ensure_ascii=False)
    assert "Brīvības" not in dumped
    assert "Secret objective" not in dumped
    assert "Crisis" not in dumped
    assert "notes" in dumped
    assert "objectives" in dumped


def test_timeline_shows_needs_plan_review_and_service_events(cast: Cast) -> None:
    case = make_case(cast)
    needs_assessment_record(by=cast.caseworker_a, case=case, assessed_at=today(), needs={})
    plan = make_plan(cast, case)
    plan_review_record(by=cast.caseworker_a, case=case, reviewed_at=plan.start_date)
    service = make_service(cast, case)
    service_update(by=cast.caseworker_a, service=service, status="delivered", actual_end=today())
    cancelled = make_service(cast, case, service_type="LegalAid")
    service_cancel(by=cast.caseworker_a, service=cancelled)
    titles = {item.title for item in timeline_for(cast.caseworker_a, case)}
    assert {
        "Needs assessed",
        "Support plan written",
        "Support plan reviewed",
        "Service recorded: Safe accommodation",
        "Service delivered: Safe accommodation",
        "Service cancelled: Legal aid",
    } <= titles


def test_case_section_lists_what_the_statutory_minimum_still_lacks(cast: Cast) -> None:
    case = make_case(cast)
    make_service(cast, case, cost=Decimal("12.00"))
    html = render_to_string("support/_case_section.html", support_section_context(cast.caseworker_a, case))
    assert "Not yet covered:" in html
    assert "Material assistance" in html
    assert "€12.00" in html  # the amount as the reader's language writes it
    assert reverse("support:service_new", kwargs={"ref": case.ref}) in html


def test_section_for_a_reader_without_edit_rights_has_no_edit_links(cast: Cast) -> None:
    case = make_case(cast)
    Case.objects.filter(pk=case.pk).update(anonymised_at=case.opened_at)  # anonymised cases are read-only
    case.refresh_from_db()
    html = render_to_string("support/_case_section.html", support_section_context(cast.caseworker_a, case))
    assert reverse("support:service_new", kwargs={"ref": case.ref}) not in html


# --- access --------------------------------------------------------------------------------------


def test_other_organisation_gets_404_on_the_support_pages_and_api(cast: Cast, as_persona: Any) -> None:
    case = make_case(cast)
    service = make_service(cast, case)
    client = as_persona("caseworker_b")
    assert client.get(reverse("support:overview", kwargs={"ref": case.ref})).status_code == 404
    url = reverse("api:support_service_update", kwargs={"ref": case.ref, "service_id": service.pk})
    response = client.patch(url, {"cost": "1"}, content_type="application/json")
    assert response.status_code == 404
    assert Service.objects.get(pk=service.pk).cost is None


def test_service_of_another_case_is_not_reachable_through_my_case(cast: Cast, as_persona: Any) -> None:
    mine = make_case(cast)
    theirs = make_case(cast, org="b")
    service = make_service(cast, make_case(cast))
    foreign = Service.objects.create(case=theirs, service_type="LegalAid", created_by=cast.caseworker_b)
    client = as_persona("caseworker_a")
    for target in (service, foreign):
        url = reverse("support:service_edit", kwargs={"ref": mine.ref, "service_id": target.pk})
        assert client.get(url).status_code == 404


def test_hotline_operator_sees_and_edits_the_support_of_a_case_they_hold(cast: Cast, as_persona: Any) -> None:
    case = hotline_owned_case(cast)
    client = as_persona("hotline_a")
    assert client.get(reverse("support:overview", kwargs={"ref": case.ref})).status_code == 200
    response = client.post(
        reverse("api:support_service_create", kwargs={"ref": case.ref}),
        {"service_type": "SafeAccommodation"},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert (
        as_persona("hotline_b").get(reverse("support:overview", kwargs={"ref": case.ref})).status_code == 404
    )


# --- web forms -----------------------------------------------------------------------------------


def test_service_form_with_end_before_start_shows_the_error_and_saves_nothing(
    cast: Cast, as_persona: Any
) -> None:
    case = make_case(cast)
    response = as_persona("caseworker_a").post(
        reverse("support:service_new", kwargs={"ref": case.ref}),
        {
            "service_type": "MedicalCare",
            "status": "planned",
            "planned_start": "2025-03-10",
            "planned_end": "2025-03-01",
            "currency": "EUR",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "data-error-summary" in body
    assert "The planned end cannot be before the planned start." in body
    assert not Service.objects.filter(case=case).exists()


def test_service_form_records_the_service(cast: Cast, as_persona: Any) -> None:
    case = make_case(cast)
    response = as_persona("caseworker_a").post(
        reverse("support:service_new", kwargs={"ref": case.ref}),
        {
            "service_type": "MedicalCare",
            "status": "planned",
            "provider_organisation": cast.org_b.pk,
            "cost": "80.00",
            "currency": "EUR",
        },
    )
    assert response.status_code == 302
    service = Service.objects.get(case=case)
    assert (service.provider_organisation, service.cost) == (cast.org_b, Decimal("80.00"))


def test_needs_form_saves_each_need_with_its_priority(cast: Cast, as_persona: Any) -> None:
    case = make_case(cast)
    response = as_persona("caseworker_a").post(
        reverse("support:needs_new", kwargs={"ref": case.ref}),
        {"assessed_at": str(today()), "need_SafeAccommodation": "urgent", "need_Education": "normal"},
    )
    assert response.status_code == 302
    assessment = NeedsAssessment.objects.get(case=case)
    assert dict(assessment.needs.values_list("service_type", "priority")) == {
        "SafeAccommodation": "urgent",
        "Education": "normal",
    }


def test_plan_form_conflict_keeps_the_text_and_says_what_is_stored(cast: Cast, as_persona: Any) -> None:
    case = make_case(cast)
    plan = make_plan(cast, case)
    support_plan_save(
        by=cast.supervisor_a,
        case=case,
        version=1,
        start_date=plan.start_date,
        objectives="Supervisor's objectives",
    )
    url = reverse("support:plan_edit", kwargs={"ref": case.ref})
    client = as_persona("caseworker_a")
    data = {"version": "1", "start_date": str(plan.start_date), "objectives": "My objectives"}
    response = client.post(url, data)
    assert response.status_code == 409
    body = response.content.decode()
    assert "Someone else saved this plan" in body
    assert "Supervisor&#x27;s objectives" in body
    assert "My objectives" in body
    assert SupportPlan.objects.get(case=case).objectives == "Supervisor's objectives"
    # Saving again after seeing the conflict is deliberate and succeeds.
    assert client.post(url, {**data, "version": "2"}).status_code == 302
    assert SupportPlan.objects.get(case=case).objectives == "My objectives"


# --- API -----------------------------------------------------------------------------------------


def test_api_records_needs_plan_review_and_services(cast: Cast, as_persona: Any) -> None:
    case = make_case(cast)
    client = as_persona("caseworker_a")
    kw = {"ref": case.ref}
    response = client.post(
        reverse("api:support_needs_create", kwargs=kw),
        {"assessed_at": str(today()), "needs": [{"service_type": "LegalAid", "priority": "high"}]},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json()["needs"] == [{"service_type": "LegalAid", "priority": "high"}]
    response = client.put(
        reverse("api:support_plan_save", kwargs=kw),
        {"version": 0, "start_date": str(today()), "objectives": "Recovery"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["version"] == 1
    response = client.post(
        reverse("api:support_plan_review", kwargs=kw),
        {"reviewed_at": str(today())},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert client.get(reverse("api:support_plan_detail", kwargs=kw)).json()["version"] == 2
    response = client.post(
        reverse("api:support_service_create", kwargs=kw),
        {"service_type": "LegalAid", "cost": "150.00", "provider_organisation_id": cast.org_b.pk},
        content_type="application/json",
    )
    assert response.status_code == 201
    service_id = response.json()["id"]
    response = client.patch(
        reverse("api:support_service_update", kwargs={**kw, "service_id": service_id}),
        {"status": "delivered", "actual_end": str(today())},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["status"] == "delivered"
    listing = client.get(reverse("api:support_service_list", kwargs=kw)).json()
    assert listing["totals"] == [{"currency": "EUR", "recorded": "150.00", "delivered": "150.00"}]
    legal = next(row for row in listing["coverage"] if row["service_type"] == "LegalAid")
    assert legal == {"service_type": "LegalAid", "state": "delivered", "priority": "high"}
    assert AuditEntry.objects.filter(object_ref=case.ref, action="case.view").exists()


def test_api_cancels_a_service_with_a_patch_to_cancelled(cast: Cast, as_persona: Any) -> None:
    case = make_case(cast)
    service = make_service(cast, case)
    url = reverse("api:support_service_update", kwargs={"ref": case.ref, "service_id": service.pk})
    response = as_persona("caseworker_a").patch(
        url, {"status": "cancelled", "cancellation_reason": "Moved"}, content_type="application/json"
    )
    assert response.status_code == 200
    service.refresh_from_db()
    assert (service.status, service.cancellation_reason) == ("cancelled", "Moved")


@pytest.mark.parametrize(
    "payload",
    [
        {"service_type": "SafeAccommodation", "planned_start": "2025-02-02", "planned_end": "2025-02-01"},
        {"service_type": "SafeAccommodation", "cost": "-5"},
        {"service_type": "SafeAccommodation", "currency": "XYZ"},
        {"service_type": "NotAType"},
        {"service_type": "SafeAccommodation", "cost": "ten euros"},
    ],
)
def test_api_answers_422_problem_json_on_bad_service_input(cast: Cast, as_persona: Any, payload: Any) -> None:
    case = make_case(cast)
    response = as_persona("caseworker_a").post(
        reverse("api:support_service_create", kwargs={"ref": case.ref}),
        payload,
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response["Content-Type"].startswith("application/problem+json")
    assert response.json()["errors"]
    assert not Service.objects.filter(case=case).exists()


def test_api_stale_plan_version_answers_409_and_saves_nothing(cast: Cast, as_persona: Any) -> None:
    case = make_case(cast)
    make_plan(cast, case)
    response = as_persona("caseworker_a").put(
        reverse("api:support_plan_save", kwargs={"ref": case.ref}),
        {"version": 0, "start_date": str(today()), "objectives": "Other"},
        content_type="application/json",
    )
    assert response.status_code == 409
    body = response.json()
    assert body["type"] == "urn:strom:problem:edit-conflict"
    assert body["stored_version"] == 1
    assert "objectives" in body["changed_fields"]
    assert SupportPlan.objects.get(case=case).objectives == "Safety and recovery"


def test_api_needs_listed_twice_is_refused(cast: Cast, as_persona: Any) -> None:
    case = make_case(cast)
    need = {"service_type": "LegalAid", "priority": "high"}
    response = as_persona("caseworker_a").post(
        reverse("api:support_needs_create", kwargs={"ref": case.ref}),
        {"assessed_at": str(today()), "needs": [need, need]},
        content_type="application/json",
    )
    assert response.status_code == 422


def test_support_rows_are_visible_exactly_when_their_case_is(cast: Cast) -> None:
    case = make_case(cast)
    service = make_service(cast, case)
    make_plan(cast, case)
    assert list(Service.objects.visible_to(cast.caseworker_a)) == [service]
    assert SupportPlan.objects.visible_to(cast.supervisor_a).count() == 1
    for persona in ("caseworker_b", "orgadmin_a", "analyst_a", "hotline_a", "outsider"):
        assert not Service.objects.visible_to(cast.users[persona]).exists()
        assert not SupportPlanRevision.objects.visible_to(cast.users[persona]).exists()


def test_overview_page_shows_plan_history_reviews_and_services(cast: Cast, as_persona: Any) -> None:
    case = make_case(cast)
    needs_assessment_record(
        by=cast.caseworker_a, case=case, assessed_at=today(), needs={"LegalAid": "urgent"}
    )
    plan = make_plan(cast, case, objectives="First objectives")
    plan_review_record(by=cast.caseworker_a, case=case, reviewed_at=plan.start_date, summary="Reviewed well")
    make_service(cast, case, provider_organisation=cast.org_b, cost=Decimal("10"))
    body = (
        as_persona("supervisor_a").get(reverse("support:overview", kwargs={"ref": case.ref})).content.decode()
    )
    for text in (
        "First objectives",
        "Reviewed well",
        "Vilnius Support Centre",
        "Legal aid — Urgent",
        "€10.00",
    ):
        assert text in body


def test_support_section_query_count_does_not_grow_with_the_services(
    cast: Cast, django_assert_max_num_queries: Any
) -> None:
    case = make_case(cast)
    make_plan(cast, case)
    needs_assessment_record(by=cast.caseworker_a, case=case, assessed_at=today(), needs={"LegalAid": "high"})
    for service_type in ("SafeAccommodation", "MedicalCare", "LegalAid", "Education", "Interpretation"):
        make_service(cast, case, service_type=service_type, provider_organisation=cast.org_b)
    with django_assert_max_num_queries(6):
        html = render_to_string(
            "support/_case_section.html", support_section_context(cast.caseworker_a, case)
        )
    assert html.count("Vilnius Support Centre") == 5
