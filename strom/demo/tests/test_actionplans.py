"""The demo action plan: the Riga 2015 round table's conclusions and a GRETA-style recommendation,
answered by Riga's municipal plan, one measure with indicators computed from the cases; loaded once."""

from __future__ import annotations

import datetime as dt

import pytest

from strom.actionplans.models import ActionPlan, IndicatorSource, MeasureStatus, Recommendation, SourceKind
from strom.core.roles import OrgType
from strom.demo.actionplans import demo_actionplans_load
from strom.directory.models import Organisation
from strom.events.models import SessionKind
from strom.events.services import session_add
from strom.events.tests.factories import make_event
from tests.personas import Cast

pytestmark = pytest.mark.django_db


def _directory_and_conference(cast: Cast) -> None:
    Organisation.objects.create(
        name="Riga City Social Services", org_type=OrgType.MUNICIPALITY, country="LV", municipality=cast.riga
    )
    Organisation.objects.create(
        name="National THB Coordinator (LV)", org_type=OrgType.NATIONAL_COORDINATOR, country="LV"
    )
    event = make_event(cast, acronym="riga-2015-strom")
    session_add(
        by=cast.coordinator_a,
        event=event,
        date=dt.date(2015, 5, 20),
        start=dt.time(11, 0),
        duration_minutes=120,
        kind=SessionKind.ROUND_TABLE,
        title="Session on the role of municipalities within multidisciplinary cooperation",
    )


def test_the_demo_plan_answers_the_round_tables_conclusions(cast: Cast) -> None:
    assert demo_actionplans_load() == 0  # nothing to build on yet
    _directory_and_conference(cast)
    assert demo_actionplans_load() == 8
    assert demo_actionplans_load() == 0
    plan = ActionPlan.objects.get()
    assert (plan.municipality, plan.owner.name) == (cast.riga, "Riga City Social Services")
    from_round_table = Recommendation.objects.filter(source_kind=SourceKind.SESSION)
    assert from_round_table.count() == 3
    assert {r.session.kind for r in from_round_table} == {SessionKind.ROUND_TABLE}  # type: ignore[union-attr]  # a session source
    prompt = plan.measures.get(title__startswith="Prompt identification")
    computed = prompt.indicators.filter(source=IndicatorSource.COMPUTED)
    assert {i.figure for i in computed} == {"presumed_victims", "median_days_to_reasonable_grounds"}
    assert all(i.computed_at is not None for i in computed)
    # No cases in Riga here: nobody counted, and no median over nobody.
    assert {i.figure: (i.current, i.current_withheld) for i in computed}[
        "median_days_to_reasonable_grounds"
    ] == (
        None,
        True,
    )
    assert plan.measures.get(title__startswith="A contact person").status == MeasureStatus.DONE
    assert Recommendation.objects.get(source_kind=SourceKind.REPORT).measures.get() == prompt
