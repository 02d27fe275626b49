"""Demo recommendations and a municipal action plan that answers them.

The recommendations come from the round table of the Riga 2015 conference (the session on the role of
municipalities in multidisciplinary cooperation against labour exploitation, from the demo events) and
from a GRETA-style evaluation report; their wording is written for the demo, in the spirit of the
conference's conclusions, and is no quotation. Riga City Social Services, which has demo cases, keeps a
municipal plan whose measures answer them; one measure's indicators are computed from STROM's own cases
through the statistics' disclosure control. Everything goes through the services as the demo's system
actor; loading twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from strom.actionplans.models import (
    ActionPlan,
    AddresseeKind,
    IndicatorSource,
    MeasureStatus,
    PlanLevel,
    PlanStatus,
    Recommendation,
    SourceKind,
)
from strom.actionplans.services import (
    indicator_add,
    measure_create,
    measure_status_set,
    plan_create,
    plan_status_set,
    progress_report_add,
    recommendation_create,
    session_conclusions_record,
)
from strom.audit.actors import DEMO
from strom.audit.models import AuditEntry
from strom.audit.services import audit_record
from strom.directory.models import Municipality, Organisation
from strom.events.models import Session, SessionKind

DEMO_ACTIONPLANS_ACTION = "demo.actionplans"
CONFERENCE = "riga-2015-strom"
OWNER = "Riga City Social Services"
COORDINATOR = "National THB Coordinator (LV)"

ROUND_TABLE_CONCLUSIONS = [
    "Municipalities take part in the multidisciplinary cooperation against trafficking for labour "
    "exploitation: each names a contact person in its social services and joins the national referral "
    "mechanism.",
    "Social workers, labour inspectors and police train together to recognise the indicators of labour "
    "exploitation and to refer presumed victims to assistance.",
    "Municipal licensing and inspections of businesses are used to detect exploitation early (the "
    "administrative approach).",
]
GRETA_TEXT = (
    "The authorities should ensure that presumed victims of trafficking are identified promptly in every "
    "municipality, so that assistance starts as soon as there are reasonable grounds, and should monitor "
    "how long the reasonable-grounds decision takes."
)


def demo_actionplans_loaded() -> bool:
    return AuditEntry.objects.filter(action=DEMO_ACTIONPLANS_ACTION).exists()


def _round_table() -> Session | None:
    return (
        Session.objects.filter(event__acronym=CONFERENCE, kind=SessionKind.ROUND_TABLE)
        .select_related("event", "day")
        .first()
    )


def demo_actionplans_load() -> int:
    """Load the demo recommendations and Riga's plan (once); returns how many records were made."""
    session = _round_table()
    riga = Municipality.objects.filter(country="LV", code="RIX").first()
    owner = Organisation.objects.filter(name=OWNER).first()
    coordinator = Organisation.objects.filter(name=COORDINATOR).first()
    if demo_actionplans_loaded():
        return 0
    if session is None or riga is None or owner is None or coordinator is None:
        return 0  # the demo directory and events are not loaded
    with transaction.atomic():
        conclusions = session_conclusions_record(
            by=DEMO,
            organisation=coordinator,
            session=session,
            conclusions=ROUND_TABLE_CONCLUSIONS,
            themes=["municipal_role", "labour", "referral"],
            addressee_country="LV",
            addressee_kind=AddresseeKind.MUNICIPALITY,
            addressee_municipality=riga,
        )
        greta = recommendation_create(
            by=DEMO,
            organisation=coordinator,
            source_kind=SourceKind.REPORT,
            report_title="Evaluation report on Latvia, third evaluation round (demo text)",
            report_publisher="GRETA, Council of Europe",
            report_year=2023,
            reference="112",
            text=GRETA_TEXT,
            themes=["identification", "assistance", "data"],
            addressee_country="LV",
            addressee_kind=AddresseeKind.MINISTRY,
            addressee_name="Ministry of the Interior",
        )
        measures = _plan(owner=owner, riga=riga, conclusions=conclusions, greta=greta)
        audit_record(actor=DEMO, action=DEMO_ACTIONPLANS_ACTION, object_type="action_plan")
    return len(conclusions) + 1 + 1 + measures


def _plan(
    *, owner: Organisation, riga: Municipality, conclusions: list[Recommendation], greta: Recommendation
) -> int:
    today = timezone.localdate()
    plan = plan_create(
        by=DEMO,
        owner=owner,
        level=PlanLevel.MUNICIPAL,
        country="LV",
        municipality=riga,
        title="Riga municipal action plan against trafficking in human beings",
        description="The city's answer to the Riga 2015 round table and to GRETA's recommendations.",
        period_start=dt.date(today.year - 1, 1, 1),
        period_end=dt.date(today.year + 1, 12, 31),
    )
    plan_status_set(by=DEMO, plan=plan, status=PlanStatus.ADOPTED)
    contact = measure_create(
        by=DEMO,
        plan=plan,
        title="A contact person for trafficking cases in the social services",
        responsible=owner,
        start_date=plan.period_start,
        target_date=plan.period_start + dt.timedelta(days=180),
        answers=[conclusions[0]],
        report_every_months=6,
    )
    indicator = indicator_add(
        by=DEMO,
        measure=contact,
        source=IndicatorSource.MANUAL,
        name="Contact persons named and trained",
        unit="people",
        baseline=Decimal(0),
        target=Decimal(2),
    )
    progress_report_add(
        by=DEMO,
        measure=contact,
        date=plan.period_start + dt.timedelta(days=150),
        text="Two social workers named as contact persons and trained with the national coordinator.",
        status=MeasureStatus.DONE,
        values={indicator.pk: Decimal(2)},
    )
    return 1 + _more_measures(plan, owner=owner, conclusions=conclusions, greta=greta)


def _more_measures(
    plan: ActionPlan, *, owner: Organisation, conclusions: list[Recommendation], greta: Recommendation
) -> int:
    today = timezone.localdate()
    police = Organisation.objects.filter(name="State Police of Latvia, THB Unit").first()
    labour = Organisation.objects.filter(name="State Labour Inspectorate of Latvia").first()
    training = measure_create(
        by=DEMO,
        plan=plan,
        title="Joint training of social workers, labour inspectors and police",
        responsible=owner,
        partners=[o for o in (police, labour) if o is not None],
        start_date=today - dt.timedelta(days=120),
        target_date=plan.period_end,
        budget_amount=Decimal("8000"),
        answers=[conclusions[1]],
    )
    indicator_add(
        by=DEMO,
        measure=training,
        source=IndicatorSource.MANUAL,
        name="Professionals trained",
        unit="people",
        baseline=Decimal(0),
        target=Decimal(60),
    )
    prompt = measure_create(
        by=DEMO,
        plan=plan,
        title="Prompt identification of presumed victims in Riga",
        responsible=owner,
        partners=[o for o in (police,) if o is not None],
        start_date=plan.period_start,
        target_date=plan.period_end,
        answers=[greta, conclusions[0]],
        report_every_months=3,
    )
    for figure, target in (
        ("presumed_victims", Decimal(20)),
        ("median_days_to_reasonable_grounds", Decimal(14)),
    ):
        indicator_add(
            by=DEMO,
            measure=prompt,
            source=IndicatorSource.COMPUTED,
            figure=figure,
            target=target,
            baseline_year=plan.period_start.year - 1,
        )
    measure_status_set(by=DEMO, measure=prompt, status=MeasureStatus.IN_PROGRESS)
    return 2
