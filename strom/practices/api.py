"""/api/v1/practices: practices library: proven practices, their evidence rating, review and versions."""

from ninja import Router

router = Router(tags=["practices"])
