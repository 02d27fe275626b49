"""The chain of assistance as data: which stage may follow which, and what each move needs.

A move's requirements look only at decisions and plans recorded on the case. None of them looks at
proceedings, the person's role in them or a permit's basis: assistance never depends on cooperating
with the investigation (Directive 2011/36/EU Art. 11(3)); tests/test_stages.py proves it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from strom.cases.choices import Stage

if TYPE_CHECKING:
    from strom.cases.models import Case


def _latest_decision(case: Case, kind: str) -> str | None:
    from strom.stages.models import Decision

    decision = Decision.objects.filter(case=case, kind=kind).order_by("-decided_at", "-id").first()
    return decision.outcome if decision else None


def _positive_reasonable_grounds(case: Case) -> bool:
    return _latest_decision(case, "reasonable_grounds") == "positive"


def _positive_identification(case: Case) -> bool:
    return _latest_decision(case, "formal_identification") == "positive"


def _has_return_plan(case: Case) -> bool:
    return case.return_plans.exists()


@dataclass(frozen=True)
class Requirement:
    check: Callable[[Case], bool]
    message: str | Promise  # shown when the check fails


@dataclass(frozen=True)
class Move:
    to: str
    requires: tuple[Requirement, ...] = ()
    needs_closure_reason: bool = False


RG = Requirement(
    _positive_reasonable_grounds,
    _("Record a positive reasonable-grounds decision before the reflection and recovery period starts."),
)
IDENTIFIED = Requirement(
    _positive_identification,
    _("Record a positive formal identification decision before moving the case to assistance."),
)
RETURN_PLAN = Requirement(
    _has_return_plan, _("Record the return, reintegration or local integration plan first.")
)

TRANSITIONS: dict[str, tuple[Move, ...]] = {
    Stage.SCREENING: (Move(Stage.REFLECTION, (RG,)), Move(Stage.CLOSED, needs_closure_reason=True)),
    Stage.REFLECTION: (Move(Stage.ASSISTANCE, (IDENTIFIED,)), Move(Stage.CLOSED, needs_closure_reason=True)),
    Stage.ASSISTANCE: (
        Move(Stage.RETURN_REINTEGRATION, (RETURN_PLAN,)),
        Move(Stage.CLOSED, needs_closure_reason=True),
    ),
    Stage.RETURN_REINTEGRATION: (Move(Stage.CLOSED, needs_closure_reason=True),),
    Stage.CLOSED: (Move(Stage.FOLLOW_UP),),
    # Ending follow-up closes the case again; the original closure reason stands.
    Stage.FOLLOW_UP: (Move(Stage.CLOSED),),
}

# Stages in which support services may be planned and delivered. Screening is included for urgent
# needs (a bed tonight); from reasonable grounds on, assistance is a right (Art. 11(2)).
SERVICE_STAGES: frozenset[str] = frozenset(
    {Stage.SCREENING, Stage.REFLECTION, Stage.ASSISTANCE, Stage.RETURN_REINTEGRATION, Stage.FOLLOW_UP}
)
ACTIVE_STAGES: frozenset[str] = frozenset(
    {Stage.SCREENING, Stage.REFLECTION, Stage.ASSISTANCE, Stage.RETURN_REINTEGRATION}
)


def move_for(from_stage: str, to_stage: str) -> Move | None:
    return next((m for m in TRANSITIONS.get(from_stage, ()) if m.to == to_stage), None)


def next_stages(from_stage: str) -> list[str]:
    return [m.to for m in TRANSITIONS.get(from_stage, ())]


def refusal(case: Case, to_stage: str) -> str | None:
    """Why the case cannot move to `to_stage` now, or None if it can."""
    move = move_for(case.stage, to_stage)
    if move is None:
        return str(
            _("A case in “%(current)s” cannot move to “%(target)s”.")
            % {"current": Stage(case.stage).label, "target": _stage_label(to_stage)}
        )
    for requirement in move.requires:
        if not requirement.check(case):
            return str(requirement.message)
    return None


def services_allowed(case: Case) -> bool:
    """May support services be planned or delivered on this case? Depends on the stage only."""
    return case.stage in SERVICE_STAGES and case.anonymised_at is None


def _stage_label(value: str) -> str:
    try:
        return str(Stage(value).label)
    except ValueError:
        return value
