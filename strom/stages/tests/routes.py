"""Stages, decisions, permits, proceedings, tasks and country rules: who gets what.

Case pages and API routes follow the case: org A's case workers and supervisors see it (its case
worker is caseworker_a), everyone else gets 404. Decisions need case.decide: only supervisor_a.
Each kwargs/data pair works on one case, kept on the cast between the two calls.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from strom.cases.models import Case
from strom.cases.tests.factories import make_case
from strom.stages.services import (
    case_close,
    decision_record,
    permit_record,
    proceeding_record,
    task_create,
)
from strom.stages.tests.stage_helpers import to_assistance, to_reflection
from tests.authz import ROLE_PERSONAS, Route, expect, public
from tests.personas import Cast

VIEWERS = ("caseworker_a", "supervisor_a")
EDITORS = VIEWERS
DECIDERS = ("supervisor_a",)
# Who has casework pages at all (case.view or case.create).
CASEWORK = (
    "caseworker_a",
    "supervisor_a",
    "hotline_a",
    "caseworker_b",
    "supervisor_b",
    "hotline_b",
    "recipient",
)
LOGGED_IN = (*ROLE_PERSONAS, "outsider")
TODAY = timezone.localdate


def _case(c: Cast, setup: str = "screening") -> Case:
    key = f"_stages_case_{setup}"
    if key not in c.__dict__:
        case = make_case(c, opened_at=timezone.now() - dt.timedelta(days=10))
        if setup == "reflection":
            case = to_reflection(c, case)
        elif setup == "assistance":
            case = to_assistance(c, case)
        elif setup == "rg":
            decision_record(
                by=c.users["supervisor_a"], case=case, kind="reasonable_grounds", outcome="positive",
                decided_at=TODAY(), version=case.version,
            )  # fmt: skip
        elif setup == "closed":
            case_close(
                by=c.users["caseworker_a"], case=case, version=case.version, closure_reason="LostContact"
            )
        c.__dict__[key] = Case.objects.get(pk=case.pk)
    return c.__dict__[key]  # type: ignore[no-any-return]


def ref(setup: str = "screening") -> Any:
    return lambda c: {"ref": _case(c, setup).ref}


def _permit(c: Cast) -> dict[str, Any]:
    case = _case(c)
    permit = permit_record(
        by=c.users["caseworker_a"], case=case, basis=["personal_situation"], applied_on=TODAY(),
        decision="granted", decided_on=TODAY(), valid_from=TODAY(),
        valid_until=TODAY() + dt.timedelta(days=180),
    )  # fmt: skip
    return {"ref": case.ref, "permit_id": permit.pk}


def _proceeding(c: Cast) -> dict[str, Any]:
    case = _case(c)
    proceeding = proceeding_record(by=c.users["caseworker_a"], case=case, kind="criminal", role="witness")
    return {"ref": case.ref, "proceeding_id": proceeding.pk}


def _task(c: Cast) -> dict[str, Any]:
    case = _case(c)
    task = task_create(
        by=c.users["caseworker_a"],
        case=case,
        title_key="contact_person",
        due_date=TODAY() + dt.timedelta(days=2),
    )
    return {"ref": case.ref, "task_id": task.pk}


def _asked(c: Cast) -> dict[str, Any]:
    """A case whose worker asked supervisor_a for the reasonable-grounds decision."""
    from strom.stages.services_requests import decision_request_create

    case = _case(c, "asked")
    key = "_stages_decision_request"
    if key not in c.__dict__:
        c.__dict__[key] = decision_request_create(
            by=c.users["caseworker_a"],
            case=case,
            kind="reasonable_grounds",
            addressed_to=c.users["supervisor_a"],
        )
    return {"ref": case.ref, "request_id": c.__dict__[key].pk}


def _task_action(c: Cast) -> dict[str, Any]:
    return {**_task(c), "action": "complete"}


def _version(setup: str, **extra: Any) -> Any:
    return lambda c: {"version": _case(c, setup).version, **extra}


def _day(days: int = 0) -> str:
    return (TODAY() + dt.timedelta(days=days)).isoformat()


_PERMIT_FORM = {"basis": ["personal_situation"], "applied_on": _day(), "decision": "pending"}
_PROCEEDING_FORM = {"kind": "criminal", "role": "none", "status": "ongoing", "authority": "Riga City Court"}


def api(allowed: tuple[str, ...], ok: int = 200) -> dict[str, int]:
    return expect(allowed, ok=ok, anonymous=401)


ROUTES = [
    # --- pages --------------------------------------------------------------------------------------
    Route("cases:overdue", expect=expect(LOGGED_IN)),
    Route(
        "cases:overdue_org", kwargs=lambda c: {"organisation_id": c.org_a.pk}, expect=expect(["supervisor_a"])
    ),
    Route("cases:notifications", expect=expect(LOGGED_IN, ok=301)),
    Route("cases:decision_requests", expect=expect(CASEWORK)),
    # A case worker asks; whoever may decide is sent to the decision form instead.
    Route(
        "cases:decision_request",
        kwargs=lambda c: {"ref": _case(c, "ask").ref, "kind": "reasonable_grounds"},
        expect=expect(["caseworker_a"], overrides={"supervisor_a": 302}),
    ),
    Route(
        "cases:decision_request",
        method="post",
        kwargs=lambda c: {"ref": _case(c, "ask").ref, "kind": "reasonable_grounds"},
        data=lambda c: {"addressed_to": c.users["supervisor_a"].pk, "note": ""},
        expect=expect(EDITORS, ok=302),
    ),
    Route("cases:decision_request_decline", kwargs=_asked, expect=expect(DECIDERS)),
    Route(
        "cases:decision_request_decline",
        method="post",
        kwargs=_asked,
        data=lambda c: {"reason": "The interview is not done yet."},
        expect=expect(DECIDERS, ok=302),
    ),
    Route("cases:stages", kwargs=ref(), expect=expect(VIEWERS)),
    Route("cases:tasks", kwargs=ref(), expect=expect(VIEWERS)),
    Route(
        "cases:decision",
        kwargs=lambda c: {"ref": _case(c).ref, "kind": "reasonable_grounds"},
        expect=expect(DECIDERS),
    ),
    Route(
        "cases:decision",
        method="post",
        kwargs=lambda c: {"ref": _case(c).ref, "kind": "reasonable_grounds"},
        data=_version(
            "screening", outcome="positive", decided_at=_day(), decided_by_org_type="", start_reflection="on"
        ),
        expect=expect(DECIDERS, ok=302),
    ),
    Route("cases:stage_change", kwargs=ref(), expect=expect(EDITORS)),
    Route(
        "cases:stage_change",
        method="post",
        kwargs=ref(),
        data=_version("screening", to_stage="closed", closure_reason="NoLongerWantsSupport"),
        expect=expect(EDITORS, ok=302),
    ),
    Route("cases:reflection_extend", kwargs=ref("reflection"), expect=expect(EDITORS)),
    Route(
        "cases:reflection_extend",
        method="post",
        kwargs=ref("reflection"),
        data=lambda c: {"days": "10", "reason": "Needs more time"},
        expect=expect(EDITORS),
        note="Latvia allows no extension: the form comes back with the rule's message",
    ),
    Route("cases:return_plan", kwargs=ref("assistance"), expect=expect(EDITORS)),
    Route(
        "cases:return_plan",
        method="post",
        kwargs=ref("assistance"),
        data=lambda c: {"kind": "local_integration", "planned_on": _day(30)},
        expect=expect(EDITORS, ok=302),
    ),
    Route("cases:permit_create", kwargs=ref(), expect=expect(EDITORS)),
    Route(
        "cases:permit_create",
        method="post",
        kwargs=ref(),
        data=lambda c: _PERMIT_FORM,
        expect=expect(EDITORS, ok=302),
    ),
    Route("cases:permit_edit", kwargs=_permit, expect=expect(EDITORS)),
    Route(
        "cases:permit_edit",
        method="post",
        kwargs=_permit,
        data=lambda c: {**_PERMIT_FORM, "basis": ["personal_situation", "cooperation"]},
        expect=expect(EDITORS, ok=302),
    ),
    Route("cases:permit_renew", kwargs=_permit, expect=expect(EDITORS)),
    Route(
        "cases:permit_renew",
        method="post",
        kwargs=_permit,
        data=lambda c: {"valid_from": _day(181), "valid_until": _day(546)},
        expect=expect(EDITORS, ok=302),
    ),
    Route("cases:proceeding_create", kwargs=ref(), expect=expect(EDITORS)),
    Route(
        "cases:proceeding_create",
        method="post",
        kwargs=ref(),
        data=lambda c: _PROCEEDING_FORM,
        expect=expect(EDITORS, ok=302),
    ),
    Route("cases:proceeding_edit", kwargs=_proceeding, expect=expect(EDITORS)),
    Route(
        "cases:proceeding_edit",
        method="post",
        kwargs=_proceeding,
        data=lambda c: {**_PROCEEDING_FORM, "status": "concluded"},
        expect=expect(EDITORS, ok=302),
    ),
    Route("cases:task_create", kwargs=ref(), expect=expect(EDITORS)),
    Route(
        "cases:task_create",
        method="post",
        kwargs=ref(),
        data=lambda c: {"title_key": "check_safety", "due_date": _day(3), "assignee": ""},
        expect=expect(EDITORS, ok=302),
    ),
    Route("cases:task_assign", kwargs=_task, expect=expect(EDITORS)),
    Route(
        "cases:task_assign",
        method="post",
        kwargs=_task,
        data=lambda c: {"assignee": c.users["supervisor_a"].pk},
        expect=expect(EDITORS, ok=302),
    ),
    Route("cases:task_action", method="post", kwargs=_task_action, expect=expect(EDITORS, ok=302)),
    # --- API ----------------------------------------------------------------------------------------
    Route("api:case_tasks_overdue", expect=api(LOGGED_IN)),
    Route("api:case_stage", kwargs=ref(), expect=api(VIEWERS)),
    Route(
        "api:case_stage_change",
        method="post",
        json=True,
        kwargs=ref("rg"),
        data=_version("rg", to_stage="reflection"),
        expect=api(EDITORS),
    ),
    Route(
        "api:case_decision_reasonable_grounds",
        method="post",
        json=True,
        kwargs=ref(),
        data=_version("screening", outcome="positive", decided_at=_day(), start_reflection=True),
        expect=api(DECIDERS, ok=201),
    ),
    Route(
        "api:case_decision_request",
        method="post",
        json=True,
        kwargs=lambda c: {"ref": _case(c, "ask").ref},
        data=lambda c: {"kind": "reasonable_grounds", "addressed_to": c.users["supervisor_a"].pk},
        # Whoever may decide is told to record the decision instead.
        expect=api(("caseworker_a",), ok=201) | {"supervisor_a": 422},
    ),
    Route(
        "api:case_decision_request_decline",
        method="post",
        json=True,
        kwargs=_asked,
        data=lambda c: {"reason": "The interview is not done yet."},
        expect=api(DECIDERS),
    ),
    Route(
        "api:case_decision_identification",
        method="post",
        json=True,
        kwargs=ref("reflection"),
        data=_version("reflection", outcome="positive", decided_at=_day(), decided_by_org_type="Police"),
        expect=api(DECIDERS, ok=201),
    ),
    Route(
        "api:case_reflection_extend",
        method="post",
        json=True,
        kwargs=ref("reflection"),
        data=lambda c: {"days": 10, "reason": "Needs more time"},
        expect=api(EDITORS, ok=422),
        note="Latvia allows no extension: 422 with the rule's message",
    ),
    Route(
        "api:case_close",
        method="post",
        json=True,
        kwargs=ref(),
        data=_version("screening", closure_reason="GoalsAchieved"),
        expect=api(EDITORS),
    ),
    Route(
        "api:case_follow_up",
        method="post",
        json=True,
        kwargs=ref("closed"),
        data=_version("closed", action="start"),
        expect=api(EDITORS),
    ),
    Route(
        "api:case_return_plan_create",
        method="post",
        json=True,
        kwargs=ref("assistance"),
        data=lambda c: {"kind": "return", "destination_country": "ua"},
        expect=api(EDITORS, ok=201),
    ),
    Route("api:case_permit_list", kwargs=ref(), expect=api(VIEWERS)),
    Route(
        "api:case_permit_create",
        method="post",
        json=True,
        kwargs=ref(),
        data=lambda c: {"basis": ["cooperation"], "applied_on": _day()},
        expect=api(EDITORS, ok=201),
    ),
    Route(
        "api:case_permit_update",
        method="patch",
        json=True,
        kwargs=_permit,
        data=lambda c: {"basis": ["personal_situation", "cooperation"]},
        expect=api(EDITORS),
    ),
    Route(
        "api:case_permit_renew",
        method="post",
        json=True,
        kwargs=_permit,
        data=lambda c: {"valid_from": _day(181), "valid_until": _day(546)},
        expect=api(EDITORS),
    ),
    Route("api:case_proceeding_list", kwargs=ref(), expect=api(VIEWERS)),
    Route(
        "api:case_proceeding_create",
        method="post",
        json=True,
        kwargs=ref(),
        data=lambda c: {"kind": "civil", "role": "civil_claimant", "compensation_claimed": True},
        expect=api(EDITORS, ok=201),
    ),
    Route(
        "api:case_proceeding_update",
        method="patch",
        json=True,
        kwargs=_proceeding,
        data=lambda c: {"status": "concluded"},
        expect=api(EDITORS),
    ),
    Route("api:case_task_list", kwargs=ref(), expect=api(VIEWERS)),
    Route(
        "api:case_task_create",
        method="post",
        json=True,
        kwargs=ref(),
        data=lambda c: {"title_key": "arrange_interpreter", "due_date": _day(1)},
        expect=api(EDITORS, ok=201),
    ),
    Route("api:case_task_complete", method="post", json=True, kwargs=_task, expect=api(EDITORS)),
]


# Country rules (strom/stages/tests/routes_rules.py).
from strom.stages.tests.routes_rules import ROUTES as _RULE_ROUTES  # noqa: E402

ROUTES += _RULE_ROUTES


def _deadline_feed(cast: Cast) -> dict[str, Any]:
    from strom.stages.services_calendar import deadline_feed_create

    return {"token": deadline_feed_create(by=cast.caseworker_a)}


# The calendar of deadlines and its feed link: whoever has casework pages. The feed itself answers
# anyone holding the secret link (calendar apps cannot log in); an unknown link is 404. The workload
# view: supervisors of an organisation.
ROUTES += [
    Route("cases:deadlines", expect=expect(CASEWORK)),
    Route("cases:deadline_feed_link", expect=expect(CASEWORK)),
    Route("cases:deadline_feed_link", method="post", expect=expect(CASEWORK, ok=200)),
    Route("cases:deadline_feed", kwargs=_deadline_feed, expect=public()),
    Route(
        "cases:deadline_feed",
        kwargs=lambda c: {"token": "not-a-token"},
        expect=public(ok=404),
        note="unknown",
    ),
    Route("cases:workload", expect=expect(("supervisor_a", "supervisor_b"))),
]
