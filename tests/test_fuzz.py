"""The API against its own OpenAPI document, with schemathesis: no server error, and every answer as
documented (a documented status code, its content type, a body matching its schema).

Every operation is called in-process through the WSGI application (no server), authenticated with
an API token of a persona who can reach it, over a small world of real objects (a case with a
person and documents, a referral, a network service) so that path parameters also hit rows that
exist. Each call runs in a savepoint that is rolled back, so every example meets the same world.

Two runs, with the same world, personas and checks:
- the bounded run, part of `make test`: one test that walks every operation with a few derandomized
  examples each (valid and invalid input), so it takes well under a minute;
- the full run, behind the `fuzz` marker (`pytest -m fuzz tests/test_fuzz.py`): one test
  per operation through schemathesis's own phases (examples, coverage, fuzzing) with many examples
  each. It takes a quarter of an hour and is not run by default.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import hypothesis
import pytest
import schemathesis
from django.core import signals
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from django.test import override_settings
from django.utils import timezone
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.errors import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from strom.accounts.models import Membership
from strom.api.services import api_token_create
from strom.consent.models import ConsentRecord
from strom.site.api import api
from strom.stages.models import CaseTask
from tests.personas import Cast

SEED = 20260409
BOUNDED_EXAMPLES = 5  # per operation
FULL_EXAMPLES = 100

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def _config(*, full: bool) -> schemathesis.Config:
    return schemathesis.Config.from_dict(
        {
            "seed": SEED,
            "suppress-health-check": ["all"],
            "generation": {
                "max-examples": FULL_EXAMPLES if full else BOUNDED_EXAMPLES,
                "deterministic": not full,
                "database": "none",
                "no-shrink": not full,
            },
            "phases": {
                "examples": {"enabled": True},
                "coverage": {"enabled": full},
                "fuzzing": {"enabled": True},
                "stateful": {"enabled": False},
            },
        }
    )


def _schema(*, full: bool) -> Any:
    loaded = schemathesis.openapi.from_dict(api.get_openapi_schema(), config=_config(full=full))
    loaded.app = get_wsgi_application()
    return loaded


bounded_schema = _schema(full=False)
full_schema = _schema(full=True)

# Who calls each part of the API: a persona who may reach its operations (by the operation's tag).
PERSONA_FOR_TAG = {
    "accounts": "sysadmin",
    "organisations": "sysadmin",
    "directory": "sysadmin",
    "audit": "sysadmin",
    "stats": "analyst_a",
    "network": "orgadmin_a",
    "pathways": "coordinator_a",
    "events": "coordinator_a",
    "practices": "coordinator_a",
    "guidelines": "coordinator_a",
    "action-plans": "coordinator_a",
    "hub": "caseworker_a",
}
DEFAULT_PERSONA = "supervisor_a"  # cases and everything that hangs off a case
# The receiving side of a referral answers it and reads what was shared.
RECEIVER_OPERATION = re.compile(r"/referrals/\{referral_uuid\}/(accept|decline|start|complete|documents)")


@dataclass
class World:
    tokens: dict[str, str]
    path_values: dict[str, list[Any]] = field(default_factory=dict)
    turn: Iterator[int] = field(default_factory=itertools.count)

    def headers_for(self, operation: Any) -> dict[str, str]:
        tags = operation.definition.raw.get("tags") or [""]
        persona = PERSONA_FOR_TAG.get(tags[0], DEFAULT_PERSONA)
        if RECEIVER_OPERATION.search(operation.path):
            persona = "recipient"
        return {"Authorization": f"Bearer {self.tokens[persona]}"}

    def use_real_objects(self, case: Any) -> None:
        """Every other call, put ids of real rows in the path: random ids only ever meet a 404. A value
        under "<tag>:<name>" is for that part of the API only (events and guidelines both have slugs)."""
        if not case.path_parameters or next(self.turn) % 2:
            return
        tag = (case.operation.definition.raw.get("tags") or [""])[0]
        for name in case.path_parameters:
            values = self.path_values.get(f"{tag}:{name}") or self.path_values.get(name)
            if values:
                case.path_parameters[name] = values[next(self.turn) % len(values)]


PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def _build_world(cast: Cast) -> World:
    from strom.actionplans.tests.factories import evidence_of, measure_of, plan_of, recommendation_of
    from strom.casefile import services as casefile_services
    from strom.casefile.services import note_add
    from strom.cases.tests.factories import make_case
    from strom.events.tests.factories import event_of, registration_of
    from strom.guidelines.models import Section
    from strom.guidelines.tests.factories import guideline_with_draft
    from strom.practices.tests.factories import practice_of
    from strom.referrals.tests.factories import make_referral, shelter_c
    from strom.support.tests.helpers import make_service as support_service

    case = make_case(cast)
    document = casefile_services.document_upload(
        by=cast.users["caseworker_a"],
        case=case,
        file=SimpleUploadedFile("letter.pdf", PDF),
        title="Letter",
        kind="correspondence",
    )
    referral = make_referral(cast, case=case)
    draft = make_referral(cast, state="draft")
    tokens = {}
    for persona in {*PERSONA_FOR_TAG.values(), DEFAULT_PERSONA, "recipient"}:
        _, tokens[persona] = api_token_create(
            by=cast.users[persona],
            name="schema check",
            scopes=["read", "write"],
            expires_at=timezone.now() + dt.timedelta(days=1),
            second_factor_verified=True,
        )
    service = shelter_c(cast)
    plan_service = support_service(cast, case)
    note = note_add(by=cast.users["caseworker_a"], case=case, body="Called back on Monday.")
    guideline = guideline_with_draft(cast)
    plan = plan_of(cast)
    return World(
        tokens=tokens,
        path_values={
            "ref": [case.ref],
            "case_ref": [case.ref],
            "person_id": [case.person_id],
            "referral_uuid": [referral.uuid, draft.uuid],
            "document_uuid": [document.uuid],
            # Network services and a case's support services share the parameter name.
            "service_id": [service.pk, plan_service.pk],
            "note_id": [note.pk],
            "set_id": ["ilo-adult-labour"],
            "version": [1],
            "organisation_id": [cast.org_a.pk, cast.org_c.pk],
            "org_id": [cast.org_a.pk],
            "municipality_id": [cast.riga.pk],
            "user_id": [cast.users["caseworker_a"].pk],
            "membership_id": list(
                Membership.objects.filter(user=cast.users["caseworker_a"]).values_list("pk", flat=True)
            ),
            "consent_id": list(ConsentRecord.objects.filter(case=case).values_list("pk", flat=True)),
            "task_id": list(CaseTask.objects.filter(case=case).values_list("pk", flat=True)),
            "country": ["LV"],
            "number": [1],
            "events:slug": [event_of(cast).slug],
            "guidelines:slug": [guideline.slug],
            "guidelines:number": [1, 2],
            "key": list(Section.objects.filter(version__guideline=guideline).values_list("key", flat=True)),
            "language": ["en", "lv"],
            "code": ["LV"],
            "practice_id": [practice_of(cast).pk, practice_of(cast, state="draft").pk],
            "plan_id": [plan.pk],
            "measure_id": [measure_of(cast).pk],
            "recommendation_id": [recommendation_of(cast).pk],
            "evidence_id": [evidence_of(cast).pk],
            "session_id": list(event_of(cast).sessions.values_list("pk", flat=True)),
            "registration_id": [registration_of(cast).pk],
        },
    )


@pytest.fixture
def world(cast: Cast) -> Iterator[World]:
    # Django closes the database connection at the start and end of every request; here that
    # connection holds the test's transaction (Django's own test client disconnects these too).
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        # The rate limit would answer 429 long before the run ends; it has its own test.
        with override_settings(STROM_API_RATE_LIMIT="1000000/minute"):
            yield _build_world(cast)
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def _call_and_check(case: Any, world: World) -> Any:
    world.use_real_objects(case)
    with transaction.atomic():
        try:
            response = case.call(headers=world.headers_for(case.operation))
        finally:
            transaction.set_rollback(True)
    case.validate_response(response, checks=CHECKS)
    return response


def _operations(schema: Any) -> list[Any]:
    return [result.ok() for result in schema.get_all_operations()]


def _fuzz_operation(operation: Any, world: World, *, examples: int) -> set[int]:
    """Run one operation's examples; returns the status codes it answered."""
    statuses: set[int] = set()
    strategy = st.one_of(
        operation.as_strategy(generation_mode=GenerationMode.POSITIVE),
        operation.as_strategy(generation_mode=GenerationMode.NEGATIVE),
    )

    @hypothesis.settings(
        max_examples=examples,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],
        suppress_health_check=list(hypothesis.HealthCheck),
    )
    @hypothesis.given(case=strategy)
    def run(case: Any) -> None:
        statuses.add(_call_and_check(case, world).status_code)

    run()
    return statuses


def test_every_operation_answers_as_documented(world: World) -> None:
    """The bounded run: every operation, a few derandomized examples each, in one test."""
    operations = _operations(bounded_schema)
    assert len(operations) == len(_documented_operations())
    failures: list[str] = []
    reached: set[str] = set()
    for operation in operations:
        try:
            statuses = _fuzz_operation(operation, world, examples=BOUNDED_EXAMPLES)
        except Exception as exc:  # one operation's failure must not hide the others'
            failures.append(f"{operation.label}: {_summary(exc)}")
            continue
        if any(200 <= status < 300 for status in statuses):
            reached.add(operation.label)
    assert not failures, "\n\n".join(failures)
    # The tokens work and the world is real: most operations answer with success at least once.
    assert len(reached) >= len(operations) // 2, sorted(set(o.label for o in operations) - reached)


def _documented_operations() -> list[tuple[str, str]]:
    methods = {"get", "post", "put", "patch", "delete"}
    paths = api.get_openapi_schema()["paths"]
    return [(method, path) for path, item in paths.items() for method in item if method in methods]


def _summary(exc: BaseException) -> str:
    lines = [line for line in str(exc).splitlines() if line.strip()]
    return "\n    ".join(lines[:12])


@pytest.mark.fuzz
@full_schema.parametrize()  # type: ignore[untyped-decorator]  # schemathesis is untyped here
def test_api_answers_as_documented_under_full_fuzzing(case: Any, world: World) -> None:
    """The full run: schemathesis's phases (examples, coverage, fuzzing), many examples, one test
    per operation. Long; run it with `pytest -m fuzz tests/test_fuzz.py`."""
    _call_and_check(case, world)


def _response(status: int, body: dict[str, Any], content_type: str) -> schemathesis.Response:
    import json

    import requests

    return schemathesis.Response(
        status_code=status,
        headers={"Content-Type": [content_type]},
        content=json.dumps(body).encode(),
        request=requests.Request("GET", "http://localhost/api/v1/me").prepare(),
        elapsed=0.0,
        message="",
        encoding="utf-8",
        http_version="1.1",
        verify=True,
    )


@pytest.mark.parametrize(
    ("status", "body", "content_type", "failure"),
    [
        (500, {"type": "urn:strom:problem:server-error"}, "application/problem+json", "Server error"),
        (409, {"type": "x"}, "application/problem+json", "Undocumented status code"),
        (200, {"id": 1}, "application/json", "Response violates schema"),
        (
            404,
            {"type": "x", "title": "", "status": 404, "detail": "", "instance": ""},
            "text/html",
            "Undocumented Content-Type",
        ),
    ],
)
def test_the_checks_fail_on_an_answer_the_document_does_not_describe(
    status: int, body: dict[str, Any], content_type: str, failure: str
) -> None:
    case = bounded_schema["/api/v1/me"]["GET"].Case()
    with pytest.raises(FailureGroup) as found:
        case.validate_response(_response(status, body, content_type), checks=CHECKS)
    assert any(failure in str(f) for f in found.value.exceptions), found.value.exceptions
    # ... and pass on one it does.
    problem = {"type": "urn:strom:problem:not-found", "title": "Not found", "status": 404, "detail": "-"}
    case.validate_response(
        _response(404, {**problem, "instance": "/api/v1/me"}, "application/problem+json"), checks=CHECKS
    )
