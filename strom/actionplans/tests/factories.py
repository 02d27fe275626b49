"""Recommendations and plans for tests, made through the services.

The Latvian coordinator's office records a recommendation (a GRETA-style report) addressed to Riga;
Riga's social service (org A, where supervisor_a keeps plans) has an adopted municipal plan with one
measure answering it, with a reported indicator.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from strom.actionplans.models import (
    ActionPlan,
    AddresseeKind,
    Evidence,
    IndicatorSource,
    Measure,
    PlanLevel,
    PlanStatus,
    Recommendation,
    SourceKind,
)
from strom.actionplans.services import (
    indicator_add,
    measure_create,
    plan_create,
    plan_status_set,
    progress_report_add,
    recommendation_create,
)
from strom.events.models import Session
from strom.events.tests.factories import event_of
from tests.personas import Cast


def make_recommendation(
    cast: Cast, *, text: str = "Train every municipal social worker in identification."
) -> Recommendation:
    return recommendation_create(
        by=cast.users["coordinator_a"],
        organisation=cast.orgs["coordinator_lv"],
        source_kind=SourceKind.REPORT,
        report_title="GRETA third evaluation round: Latvia",
        report_publisher="Council of Europe, GRETA",
        report_year=2023,
        reference="87",
        text=text,
        themes=["training", "identification"],
        addressee_country="LV",
        addressee_kind=AddresseeKind.MUNICIPALITY,
        addressee_municipality=cast.riga,
    )


def make_plan(cast: Cast, *, adopt: bool = True, title: str = "Riga action plan 2024-2026") -> ActionPlan:
    plan = plan_create(
        by=cast.users["supervisor_a"],
        owner=cast.org_a,
        level=PlanLevel.MUNICIPAL,
        country="LV",
        municipality=cast.riga,
        title=title,
        period_start=dt.date(2024, 1, 1),
        period_end=dt.date(2026, 12, 31),
    )
    return (
        plan_status_set(by=cast.users["supervisor_a"], plan=plan, status=PlanStatus.ADOPTED)
        if adopt
        else plan
    )


def make_measure(cast: Cast, plan: ActionPlan, *, answers: list[Recommendation] | None = None) -> Measure:
    measure = measure_create(
        by=cast.users["supervisor_a"],
        plan=plan,
        title="Identification training for social workers",
        responsible=cast.org_a,
        partners=[cast.org_c],
        start_date=dt.date(2024, 2, 1),
        target_date=dt.date(2025, 6, 30),
        budget_amount=Decimal("12000"),
        answers=answers or [],
        report_every_months=3,
    )
    indicator_add(
        by=cast.users["supervisor_a"],
        measure=measure,
        source=IndicatorSource.MANUAL,
        name="Social workers trained",
        unit="people",
        baseline=Decimal(0),
        target=Decimal(120),
    )
    return measure


def _memo(cast: Cast, key: str, make: object) -> object:
    existing = cast.__dict__.get(key)
    if existing is None:
        existing = make()  # type: ignore[operator]  # a factory
        cast.__dict__[key] = existing
    return existing


def recommendation_of(cast: Cast) -> Recommendation:
    return _memo(cast, "_ap_recommendation", lambda: make_recommendation(cast))  # type: ignore[return-value]  # memo


def plan_of(cast: Cast) -> ActionPlan:
    return _memo(cast, "_ap_plan", lambda: make_plan(cast))  # type: ignore[return-value]  # memo


def measure_of(cast: Cast) -> Measure:
    return _memo(  # type: ignore[return-value]  # memo
        cast, "_ap_measure", lambda: make_measure(cast, plan_of(cast), answers=[recommendation_of(cast)])
    )


def session_of(cast: Cast) -> Session:
    session = event_of(cast).sessions.first()
    assert session is not None
    return session


def evidence_of(cast: Cast) -> Evidence:
    def make() -> Evidence:
        report = progress_report_add(
            by=cast.users["supervisor_a"],
            measure=measure_of(cast),
            date=dt.date(2024, 5, 2),
            text="Two trainings held.",
            status="in_progress",
            files=[SimpleUploadedFile("minutes.txt", b"Minutes of the training.\n")],
        )
        evidence = report.evidence.first()
        assert evidence is not None
        return evidence

    return _memo(cast, "_ap_evidence", make)  # type: ignore[return-value]  # memo
