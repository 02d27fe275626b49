"""/api/v1/action-plans: recommendations and the action plans whose measures answer them."""

from ninja import Router

router = Router(tags=["action-plans"])
