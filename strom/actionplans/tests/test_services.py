"""The rules of plans and measures: refused with a translated message, nothing half-saved."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from strom.actionplans.models import ActionPlan, Measure, MeasureStatus, PlanLevel, Recommendation
from strom.actionplans.selectors import answering_measures, status_of
from strom.actionplans.services import (
    measure_create,
    measure_status_set,
    plan_create,
    progress_report_add,
    session_conclusions_record,
)
from strom.actionplans.tests.factories import make_measure, make_plan, make_recommendation, session_of
from strom.audit.models import AuditEntry
from strom.core.errors import NotAllowed
from tests.personas import Cast


def test_a_measure_cannot_be_done_without_a_progress_report(cast: Cast) -> None:
    measure = make_measure(cast, make_plan(cast))
    with pytest.raises(ValidationError, match="cannot be done without a progress report"):
        measure_status_set(by=cast.supervisor_a, measure=measure, status=MeasureStatus.DONE)
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.PLANNED
    progress_report_add(
        by=cast.supervisor_a, measure=measure, date=dt.date(2025, 6, 1), text="All trained.", status="done"
    )
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.DONE
    assert AuditEntry.objects.filter(action="actionplan.measure_status", details__to="done").exists()


def test_a_dropped_measure_needs_a_reason(cast: Cast) -> None:
    measure = make_measure(cast, make_plan(cast))
    with pytest.raises(ValidationError, match="Say why the measure is dropped"):
        measure_status_set(by=cast.supervisor_a, measure=measure, status=MeasureStatus.DROPPED)
    measure.refresh_from_db()
    assert (measure.status, measure.drop_reason) == (MeasureStatus.PLANNED, "")
    measure_status_set(
        by=cast.supervisor_a, measure=measure, status=MeasureStatus.DROPPED, drop_reason="No funding in 2025."
    )
    measure.refresh_from_db()
    assert (measure.status, measure.drop_reason) == (MeasureStatus.DROPPED, "No funding in 2025.")


def test_the_target_date_is_not_before_the_start(cast: Cast) -> None:
    plan = make_plan(cast)
    with pytest.raises(ValidationError, match="target date cannot be before the start"):
        measure_create(
            by=cast.supervisor_a,
            plan=plan,
            title="A hotline",
            responsible=cast.org_a,
            start_date=dt.date(2025, 5, 1),
            target_date=dt.date(2025, 4, 30),
            budget_amount=Decimal(100),
        )
    assert not Measure.objects.exists()


def test_a_national_plan_is_kept_by_the_coordinators_office(cast: Cast) -> None:
    with pytest.raises(ValidationError, match="national coordinator's office"):
        plan_create(
            by=cast.supervisor_a,
            owner=cast.org_a,
            level=PlanLevel.NATIONAL,
            country="LV",
            title="National plan",
            period_start=dt.date(2024, 1, 1),
            period_end=dt.date(2026, 12, 31),
        )
    with pytest.raises(NotAllowed):
        plan_create(
            by=cast.supervisor_a,
            owner=cast.orgs["coordinator_lv"],
            level=PlanLevel.NATIONAL,
            country="LV",
            title="National plan",
            period_start=dt.date(2024, 1, 1),
            period_end=dt.date(2026, 12, 31),
        )
    plan = plan_create(
        by=cast.coordinator_a,
        owner=cast.orgs["coordinator_lv"],
        level=PlanLevel.NATIONAL,
        country="LV",
        title="National plan",
        period_start=dt.date(2024, 1, 1),
        period_end=dt.date(2026, 12, 31),
    )
    assert ActionPlan.objects.get() == plan


def test_a_plan_is_changed_only_by_its_owners(cast: Cast) -> None:
    measure = make_measure(cast, make_plan(cast))
    for persona in ("coordinator_a", "caseworker_a", "supervisor_b"):
        with pytest.raises(NotAllowed):
            measure_status_set(by=cast.users[persona], measure=measure, status=MeasureStatus.IN_PROGRESS)
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.PLANNED


def test_a_round_tables_conclusions_become_recommendations_answered_by_a_municipal_plan(cast: Cast) -> None:
    session = session_of(cast)
    made = session_conclusions_record(
        by=cast.coordinator_a,
        organisation=cast.orgs["coordinator_lv"],
        session=session,
        conclusions=[
            "Every municipality names a contact person.",
            "Train social workers and police together.",
        ],
        addressee_country="LV",
        addressee_kind="municipality",
        addressee_municipality=cast.riga,
        themes=["municipal_role"],
    )
    assert [r.reference for r in made] == ["1", "2"]
    assert {r.session_id for r in made} == {session.pk}
    assert status_of(made[0].measures.all()).value == "open"
    measure = make_measure(cast, make_plan(cast), answers=made[:1])
    rows = answering_measures(cast.caseworker_b, made[0])
    assert [row.measure for row in rows] == [measure]
    progress_report_add(
        by=cast.supervisor_a, measure=measure, date=dt.date(2025, 1, 10), text="Named.", status="in_progress"
    )
    assert status_of(made[0].measures.all()).value == "in_progress"
    assert AuditEntry.objects.filter(action="recommendation.create").count() == 2


def test_conclusions_are_recorded_all_or_none(cast: Cast) -> None:
    with pytest.raises(ValidationError, match="municipality is not in the country addressed"):
        session_conclusions_record(
            by=cast.coordinator_a,
            organisation=cast.orgs["coordinator_lv"],
            session=session_of(cast),
            conclusions=["One.", "Two."],
            addressee_country="LT",
            addressee_kind="municipality",
            addressee_municipality=cast.riga,
        )
    assert not Recommendation.objects.exists()


def test_a_draft_plan_is_read_only_by_its_owners(cast: Cast) -> None:
    plan = make_plan(cast, adopt=False)
    assert list(ActionPlan.objects.visible_to(cast.supervisor_a)) == [plan]
    assert not ActionPlan.objects.visible_to(cast.caseworker_a).exists()
    assert not ActionPlan.objects.visible_to(cast.outsider).exists()
    make_recommendation(cast)
    assert Recommendation.objects.visible_to(cast.analyst_b).count() == 1
    assert not Recommendation.objects.visible_to(cast.outsider).exists()


def test_the_hub_search_finds_a_recommendation_by_its_text_source_and_addressee(cast: Cast) -> None:
    from django.urls import reverse

    from strom.core.search import source_for_model

    recommendation = make_recommendation(cast)
    source = source_for_model(Recommendation)
    assert source is not None
    assert source.kind == "recommendation"
    document = source.document(recommendation)
    assert document is not None
    assert document.url == reverse("actionplans:recommendation", args=[recommendation.pk])
    assert (document.country, document.year, document.type) == ("LV", 2023, "report")
    assert document.themes == ("identification", "training")
    assert "GRETA third evaluation round: Latvia" in document.body
    assert "Rīga" in document.body
