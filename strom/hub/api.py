"""/api/v1/hub: the knowledge hub's composition: one search over its apps, and country profiles."""

from ninja import Router

router = Router(tags=["hub"])
