"""/api/v1/hub: the search across the hub's apps, and the country profiles."""

from ninja import Router

from strom.hub.api_countries import router as countries_router
from strom.hub.api_search import router as search_router

router = Router(tags=["hub"])
router.add_router("", search_router)
router.add_router("", countries_router)
