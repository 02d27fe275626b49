"""Every GET route that answers with personal data records the read: one audit entry per request.

Every GET route — each page from the URL resolver and each operation of the API — is either in
`PERSONAL` (it shows personal data: a person's or a case's stored data, a referral's shared
sections, a document, a colleague's account) or in `NO_PERSONAL_DATA` with the reason it shows none.
A new route in neither fails `test_every_get_route_is_decided`. Each personal route is then called as
a persona allowed to read it (tests/authz.py declares who that is and how to fill its parameters) and
must leave exactly one read entry in the audit log, made by that persona: a `<type>.view` entry from
`audit_read`, or the download entry a document service writes before a byte leaves. The one
deliberate pair: a referred document downloaded by the receiver is recorded in the log of the case's
organisation and in the receiver's (strom/referrals/services.py), so the rule is one read per request
in each organisation's log.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections import Counter
from typing import Any

import pytest
from django.core.cache import cache
from django.db import transaction
from django.urls import reverse

import strom
from strom.audit.models import AuditEntry
from strom.cases.tests.factories import make_case
from strom.site.api import api
from tests.authz import Read, Route
from tests.personas import Cast
from tests.referral_scope import RECIPIENT, refer_cases_to_recipient
from tests.test_authorisation import all_route_names, declared_routes

# The document services record a download as the read of the file they hand out.
DOWNLOAD_ACTIONS = frozenset({"document.download", "referral.document_download"})


def _is_read(action: str) -> bool:
    return action.endswith(".view") or action in DOWNLOAD_ACTIONS


def _invitation(cast: Cast) -> None:
    from strom.accounts.tests.routes import _invitation as make_invitation

    make_invitation(cast)


def _membership_breaking_the_type_rule(cast: Cast) -> None:
    from strom.accounts.models import Membership
    from strom.core.roles import Role

    Membership.objects.create(user=cast.users["caseworker_b"], organisation=cast.org_c, role=Role.ANALYST)


def _linkage_pair(cast: Cast) -> None:
    from strom.linkage.tests.factories import make_pair

    make_pair(cast)


# Routes that show personal data. A list that shows no row records nothing, so lists get a row.
PERSONAL: dict[str, Read] = {
    # Colleagues' accounts and the addresses invitations went to.
    "accounts:user_list": Read(),
    "accounts:user_detail": Read(),
    "accounts:invitation_list": Read(setup=_invitation),
    "accounts:memberships_breaking_rule": Read(setup=_membership_breaking_the_type_rule),
    "api:user_list": Read(),
    "api:user_detail": Read(),
    # Cases, persons and every part of a case.
    "cases:list": Read(setup=make_case),
    "api:case_list": Read(setup=make_case),
    "cases:detail": Read(),
    "cases:edit": Read(),
    "cases:legal_hold": Read(),
    "cases:person": Read(),
    "cases:person_edit": Read(),
    "cases:person_case_open": Read(),
    "cases:stages": Read(),
    "cases:tasks": Read(),
    "cases:task_assign": Read(),
    "cases:permit_edit": Read(),
    "cases:permit_renew": Read(),
    "cases:proceeding_edit": Read(),
    "api:case_detail": Read(),
    "api:person_detail": Read(),
    "api:case_stage": Read(),
    "api:case_permit_list": Read(),
    "api:case_proceeding_list": Read(),
    "api:case_task_list": Read(),
    "casefile:overview": Read(),
    "casefile:event_edit": Read(),
    "casefile:perpetrator_edit": Read(),
    "casefile:note_edit": Read(),
    "casefile:document_download": Read(),
    "api:casefile_event_list": Read(),
    "api:casefile_perpetrator_list": Read(),
    "api:casefile_note_list": Read(),
    "api:casefile_document_list": Read(),
    "api:casefile_document_download": Read(),
    "consent:overview": Read(),
    "consent:withdraw": Read(),
    "api:consent_list": Read(),
    "support:overview": Read(),
    "support:needs_new": Read(),
    "support:plan_edit": Read(),
    "support:plan_review": Read(),
    "support:service_edit": Read(),
    "support:service_cancel": Read(),
    "api:support_needs_list": Read(),
    "api:support_plan_detail": Read(),
    "api:support_service_list": Read(),
    "screening:detail": Read(),
    "api:screening_detail": Read(),
    # What the receiver of a referral sees of the case, and what was disclosed about a person.
    "referrals:detail": Read(persona=RECIPIENT),
    "referrals:print": Read(persona=RECIPIENT),
    "referrals:document": Read(persona=RECIPIENT),
    "referrals:disclosures": Read(),
    "api:referral_detail": Read(persona=RECIPIENT),
    "api:referral_document": Read(persona=RECIPIENT),
    "api:referral_disclosures": Read(),
    # Possible duplicates: two persons' names side by side, or their case references.
    "linkage:list": Read(setup=_linkage_pair),
    "linkage:pair": Read(),
    "api:linkage_pairs": Read(setup=_linkage_pair),
    # Referrals to and from other countries' instances: what a partner sent about a person.
    "transnational:list": Read(persona="supervisor_a"),
    "transnational:detail": Read(persona="supervisor_a"),
    "api:transnational_referrals": Read(persona="supervisor_a"),
    "api:transnational_referral": Read(persona="supervisor_a"),
}

_EMPTY_CASE_FORM = "an empty form for a case, which names it by reference and stage only"
_WORKLIST = "a worklist of references, stages, due dates and titles from fixed lists; no person's data"
_OWN_ACCOUNT = "the user's own account"
_PUBLIC_DATA = "organisations, services and pathways: the cooperation network's public directory"
_AGGREGATED = "statistics: aggregated, disclosure-controlled figures"
_REFERENCE = "indicator lists and their versions: published reference data"
_COUNTRY_RULES = "each country's periods and decision makers, with their sources: reference data"

NO_PERSONAL_DATA: dict[str, str] = {
    "healthz": "a health check",
    "transnational:decline": "a form for the reason of a refusal; the referral by its short reference",
    "transnational:withdraw": "a form for the reason of a withdrawal; the referral by its short reference",
    "transnational:complete": "a form for a note on completion; the referral by its short reference",
    "transnational:return_plan": "a form for a return plan's date, organisation and follow-up",
    "transnational:send": "a form to choose a partner, measures and scope; the case by reference only",
    "transnational:partners": "partner instances: names, addresses and key fingerprints, no person",
    "transnational:partner": "a partner instance and its queue of messages (kinds and dates, no content)",
    "api:transnational_jwks": "this instance's public keys",
    "set_language": "the language switch: a GET only sends the browser back",
    "core:dashboard": _WORKLIST,
    "accounts:login": "a log-in form",
    "accounts:two_factor_verify": _OWN_ACCOUNT,
    "accounts:two_factor_setup": _OWN_ACCOUNT,
    "accounts:recovery_codes": _OWN_ACCOUNT,
    "accounts:profile": _OWN_ACCOUNT,
    "accounts:password_change": _OWN_ACCOUNT,
    "accounts:password_reset": _OWN_ACCOUNT,
    "accounts:password_reset_done": _OWN_ACCOUNT,
    "accounts:password_reset_confirm": _OWN_ACCOUNT,
    "accounts:password_reset_complete": _OWN_ACCOUNT,
    "accounts:invitation_create": "an empty invitation form",
    "accounts:invitation_accept": "the invitation's own addressee, before they have an account",
    "api:me": _OWN_ACCOUNT,
    "api_tokens:list": _OWN_ACCOUNT,
    "api:api-root": "no page: the API answers 404 at its root",
    "api:openapi-json": "the API's schema",
    "audit:list": "the audit log, whose browsing is itself recorded (audit.browse)",
    "api:audit_list": "the audit log, whose browsing is itself recorded (audit.browse)",
    "cases:open": "an empty form to open a case",
    "cases:document_add": "an empty form for an identity document, which names the person by number only",
    "cases:overdue": _WORKLIST,
    "cases:overdue_org": _WORKLIST,
    "cases:notifications": _WORKLIST,
    "api:case_tasks_overdue": _WORKLIST,
    "cases:country_rules": _COUNTRY_RULES,
    "cases:country_rules_detail": _COUNTRY_RULES,
    "cases:country_rules_edit": _COUNTRY_RULES,
    "cases:country_rules_version": _COUNTRY_RULES,
    "api:country_rules_list": _COUNTRY_RULES,
    "api:country_rules_detail": _COUNTRY_RULES,
    "api:country_rules_version": _COUNTRY_RULES,
    "cases:decision": _EMPTY_CASE_FORM,
    "cases:stage_change": _EMPTY_CASE_FORM,
    "cases:reflection_extend": _EMPTY_CASE_FORM,
    "cases:return_plan": _EMPTY_CASE_FORM,
    "cases:permit_create": _EMPTY_CASE_FORM,
    "cases:proceeding_create": _EMPTY_CASE_FORM,
    "cases:task_create": _EMPTY_CASE_FORM,
    "casefile:event_create": _EMPTY_CASE_FORM,
    "casefile:perpetrator_create": _EMPTY_CASE_FORM,
    "casefile:note_create": _EMPTY_CASE_FORM,
    "casefile:document_upload": _EMPTY_CASE_FORM,
    "consent:record": _EMPTY_CASE_FORM,
    "support:service_new": _EMPTY_CASE_FORM,
    "support:not_needed": _EMPTY_CASE_FORM,
    "referrals:list": _WORKLIST,
    "api:referral_list": _WORKLIST,
    "referrals:new": "a form to choose a service for a referral; the case by reference only",
    "referrals:edit": "a draft referral's service, scope and basis; no person's data",
    "referrals:withdraw": "a form for the reason of a withdrawal",
    "referrals:decline": "a form for the reason of a refusal, with the referral's summary (no name)",
    "referrals:complete": "a form for the outcome, with the referral's summary (no name)",
    "screening:list": _WORKLIST,
    "screening:new": "an empty screening form",
    "screening:convert": "a form to open a case from an anonymous pre-screening, named by number only",
    "screening:rechecks": _WORKLIST,
    "screening:sets": _REFERENCE,
    "screening:set_detail": _REFERENCE,
    "screening:set_publish": _REFERENCE,
    "api:screening_indicator_sets": _REFERENCE,
    "api:screening_indicator_set": _REFERENCE,
    "api:screening_indicator_set_versions": _REFERENCE,
    "directory:list": _PUBLIC_DATA,
    "directory:detail": _PUBLIC_DATA,
    "directory:edit": _PUBLIC_DATA,
    "directory:create": _PUBLIC_DATA,
    "directory:municipality_create": _PUBLIC_DATA,
    "api:organisation_list": _PUBLIC_DATA,
    "api:organisation_detail": _PUBLIC_DATA,
    "network:list": _PUBLIC_DATA,
    "network:export": _PUBLIC_DATA,
    "network:detail": _PUBLIC_DATA,
    "network:create": _PUBLIC_DATA,
    "network:edit": _PUBLIC_DATA,
    "network:freshness": _PUBLIC_DATA,
    "api:network_service_list": _PUBLIC_DATA,
    "api:network_service_detail": _PUBLIC_DATA,
    "pathways:list": _PUBLIC_DATA,
    "pathways:detail": _PUBLIC_DATA,
    "pathways:sheet": _PUBLIC_DATA,
    "pathways:edit": _PUBLIC_DATA,
    "pathways:translate": _PUBLIC_DATA,
    "api:pathway_list": _PUBLIC_DATA,
    "api:pathway_detail": _PUBLIC_DATA,
    "stats:index": _AGGREGATED,
    "stats:table_csv": _AGGREGATED,
    "stats:table_xlsx": _AGGREGATED,
    "stats:table_exchange": _AGGREGATED,
    "stats:report": _AGGREGATED,
    "stats:dashboard": _AGGREGATED,
    "stats:datasets": "statistics datasets: names, sources and dates",
    "stats:import_job": "a statistics import's progress",
    "api:stats_table": _AGGREGATED,
    "api:stats_table_exchange": _AGGREGATED,
    "api:stats_dimensions": "statistics dimensions: names and value lists",
    "api:stats_datasets": "statistics datasets: names, sources and dates",
}


def _app_decisions() -> None:
    """An app may declare its own routes in `strom/<app>/tests/reads.py` (`PERSONAL`, `NO_PERSONAL_DATA`),
    beside its `routes.py`; they join the tables above."""
    for mod in pkgutil.iter_modules(strom.__path__):
        try:
            module = importlib.import_module(f"strom.{mod.name}.tests.reads")
        except ModuleNotFoundError:
            continue
        PERSONAL.update(getattr(module, "PERSONAL", {}))
        NO_PERSONAL_DATA.update(getattr(module, "NO_PERSONAL_DATA", {}))


_app_decisions()

# The first of these the route answers 200 reads it, unless its entry names someone.
PREFERRED = ("caseworker_a", "supervisor_a", "recipient", "hotline_a", "orgadmin_a", "sysadmin")


def _api_get_names() -> set[str]:
    return {
        f"api:{operation.url_name}"
        for bound in api._get_bound_routers()
        for path_view in bound.path_operations.values()
        for operation in path_view.operations
        if "GET" in operation.methods
    }


def _get_routes() -> dict[str, Route]:
    """One declared GET route per name (the first, where a name is tried with several parameters)."""
    routes: dict[str, Route] = {}
    for route in declared_routes():
        if route.method == "get":
            routes.setdefault(route.name, route)
    return routes


def test_every_get_route_is_decided() -> None:
    names = set(_get_routes()) | _api_get_names()
    both = sorted(set(PERSONAL) & set(NO_PERSONAL_DATA))
    assert not both, f"declared both personal and not: {both}"
    undecided = sorted(names - set(PERSONAL) - set(NO_PERSONAL_DATA))
    assert not undecided, f"GET routes with no decision whether they show personal data: {undecided}"
    unknown = sorted((set(PERSONAL) | set(NO_PERSONAL_DATA)) - names - all_route_names())
    assert not unknown, f"decisions for GET routes that do not exist: {unknown}"


def _reader(route: Route, read: Read) -> str:
    if read.persona:
        return read.persona
    allowed = [p for p in PREFERRED if route.expect.get(p) == 200]
    allowed += sorted(p for p, status in route.expect.items() if status == 200 and p != "anonymous")
    assert allowed, f"{route.name}: no persona may read it"
    return allowed[0]


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(PERSONAL))
def test_a_personal_data_route_records_one_read_per_request(name: str, cast: Cast, as_persona: Any) -> None:
    route = _get_routes()[name]
    read = PERSONAL[name]
    persona = _reader(route, read)
    client = as_persona(persona)
    cache.clear()
    with transaction.atomic():
        url = reverse(route.name, kwargs=route.kwargs(cast) if route.kwargs else None)
        data = route.data(cast) if route.data else {}
        if read.setup:
            read.setup(cast)
        if persona == RECIPIENT:
            refer_cases_to_recipient(cast)
        last = AuditEntry.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
        for _request in range(2):
            response = client.get(url, data=data)
            assert response.status_code == 200, f"{persona} GET {url}: {response.status_code}"
            if getattr(response, "streaming", False):
                b"".join(response.streaming_content)
            entries = list(AuditEntry.objects.filter(seq__gt=last).order_by("seq"))
            reads = [e for e in entries if _is_read(e.action)]
            per_log = Counter(e.organisation_id for e in reads)
            found = f"{persona} GET {url}: {len(reads)} read entries ({[e.action for e in entries]})"
            assert reads, found
            assert max(per_log.values()) == 1, found
            assert {e.actor_id for e in reads} == {cast.users[persona].pk}
            last = entries[-1].seq
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_a_page_route_not_decided_above_refuses_get(cast: Cast, as_persona: Any) -> None:
    """The authorisation matrix tries some page routes with other methods only. Each of those must
    answer a GET with 405, so a page that shows something on GET cannot slip past the table above.
    (The API's GET operations are read from ninja itself.)"""
    declared = declared_routes()
    decided = set(PERSONAL) | set(NO_PERSONAL_DATA)
    pristine = dict(cast.__dict__)
    answered: list[str] = []
    for name in sorted(all_route_names() - set(_get_routes()) - decided):
        if name.startswith("api:"):
            continue
        route = next(r for r in declared if r.name == name)
        allowed = [p for p, status in route.expect.items() if status < 400 and p != "anonymous"]
        persona = allowed[0] if allowed else "sysadmin"
        cast.__dict__.clear()
        cast.__dict__.update(pristine)
        with transaction.atomic():
            client = as_persona(persona)
            url = reverse(route.name, kwargs=route.kwargs(cast) if route.kwargs else None)
            if persona == RECIPIENT:
                refer_cases_to_recipient(cast)
            status = client.get(url).status_code
            transaction.set_rollback(True)
        if status != 405:
            answered.append(f"{name} ({persona} GET {url}): {status}")
    assert not answered, f"page routes that answer GET but have no decision above: {answered}"
