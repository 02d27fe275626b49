"""The JSON API root: /api/v1, OpenAPI 3 at /api/v1/openapi.json. Routers live in each app's api.py."""

from __future__ import annotations

from strom.api import errors
from strom.api.auth import DEFAULT_AUTH
from strom.api.openapi import StromAPI
from strom.api.throttling import UserRateThrottle

api = StromAPI(
    title="STROM API",
    version="1",
    description=(
        "STROM's JSON API. Same access rules as the web interface. Authenticate with a personal API token "
        "(`Authorization: Bearer strom_…`, made at /api-tokens/) or the browser session. "
        "Errors are RFC 9457 problem details (application/problem+json); a missing object and one you "
        "may not see both answer 404."
    ),
    urls_namespace="api",
    docs_url=None,  # the interactive docs load scripts from a CDN; the OpenAPI document is enough
    # Every operation needs authentication unless it explicitly says auth=None.
    auth=DEFAULT_AUTH,
    throttle=[UserRateThrottle()],
)
errors.register(api)


def _register_routers() -> None:
    from strom.accounts.api import router as accounts_router
    from strom.actionplans.api import router as actionplans_router
    from strom.assessments.api import router as assessments_router
    from strom.auditlog.api import router as audit_router
    from strom.casefile.api import router as casefile_router
    from strom.cases.api import router as cases_router
    from strom.consent.api import router as consent_router
    from strom.directory.api import router as directory_router
    from strom.events.api import router as events_router
    from strom.guidelines.api import router as guidelines_router
    from strom.hotline.api import router as hotline_router
    from strom.hub.api import router as hub_router
    from strom.linkage.api import router as linkage_router
    from strom.network.api import router as network_router
    from strom.ops.api import router as ops_router
    from strom.pathways.api import router as pathways_router
    from strom.practices.api import router as practices_router
    from strom.referrals.api import router as referrals_router
    from strom.screening.api import router as screening_router
    from strom.stages.api import router as stages_router
    from strom.stages.api_rules import router as country_rules_router
    from strom.stats.api import router as stats_router
    from strom.support.api import router as support_router
    from strom.transnational.api import router as transnational_router

    api.add_router("/", accounts_router)
    api.add_router("/organisations", directory_router)
    api.add_router("/audit", audit_router)
    api.add_router("/cases", cases_router)
    # Stages, decisions, permits, proceedings and tasks: /api/v1/cases/{ref}/... after the case routes.
    api.add_router("/cases", stages_router)
    api.add_router("/country-rules", country_rules_router)
    api.add_router("/screening", screening_router)
    api.add_router("/support", support_router)
    api.add_router("/consent", consent_router)
    api.add_router("/casefile", casefile_router)
    api.add_router("/network", network_router)
    api.add_router("/pathways", pathways_router)
    api.add_router("/stats", stats_router)
    api.add_router("/events", events_router)
    api.add_router("/practices", practices_router)
    api.add_router("/guidelines", guidelines_router)
    api.add_router("/action-plans", actionplans_router)
    api.add_router("/hub", hub_router)
    api.add_router("/referrals", referrals_router)
    api.add_router("/assessments", assessments_router)
    api.add_router("/hotline", hotline_router)
    api.add_router("/transnational", transnational_router)
    api.add_router("/linkage", linkage_router)
    api.add_router("/ops", ops_router)


_register_routers()
