from __future__ import annotations

from typing import Any

from strom.directory.models import Organisation
from strom.network.models import NetworkService, ServiceType
from tests.personas import Cast


def make_service(organisation: Organisation, **fields: Any) -> NetworkService:
    """A shelter, written directly: tests of the services themselves go through services.py."""
    defaults: dict[str, Any] = {
        "service_type": ServiceType.SAFE_ACCOMMODATION,
        "name": f"{organisation.name} shelter",
        "countries": [],
        "languages": ["en", "lv", "ru"],
        "capacity": 10,
        "free_places": 3,
        "phone": "+371 2000 0000",
    }
    defaults.update(fields)
    municipalities = defaults.pop("municipalities", [])
    service = NetworkService.objects.create(organisation=organisation, **defaults)
    service.municipalities.set(municipalities)
    return service


def service_a(cast: Cast) -> NetworkService:
    """One shelter of org_a per cast (memoised: routes ask for it for the URL and for the data)."""
    existing = cast.__dict__.get("_network_service_a")
    if existing is None:
        existing = make_service(cast.org_a, municipalities=[cast.riga])
        cast.__dict__["_network_service_a"] = existing
    return existing
