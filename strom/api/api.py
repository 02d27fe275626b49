"""The JSON API root: /api/v1, OpenAPI 3 at /api/v1/openapi.json. Routers live in each app's api.py."""

from __future__ import annotations

from ninja import NinjaAPI

api = NinjaAPI(
    title="STROM API",
    version="1",
    description="STROM's JSON API. Same access rules as the web interface.",
    urls_namespace="api",
    docs_url=None,  # the interactive docs load scripts from a CDN; the OpenAPI document is enough
)


def _register_routers() -> None:
    from strom.accounts.api import router as accounts_router
    from strom.audit.api import router as audit_router
    from strom.directory.api import router as directory_router

    api.add_router("/", accounts_router)
    api.add_router("/organisations", directory_router)
    api.add_router("/audit", audit_router)


_register_routers()
