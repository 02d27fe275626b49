"""/api/v1/guidelines: guidelines for municipalities, versioned, with sections and language versions."""

from ninja import Router

router = Router(tags=["guidelines"])
