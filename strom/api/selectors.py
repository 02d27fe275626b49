"""Reads for API tokens."""

from __future__ import annotations

from typing import TYPE_CHECKING

from strom.api.models import ApiToken, ApiTokenQuerySet

if TYPE_CHECKING:
    from strom.accounts.models import User


def api_tokens_of(user: User) -> ApiTokenQuerySet:
    return ApiToken.objects.visible_to(user).order_by("-created_at")
