"""Reads for API tokens."""

from __future__ import annotations

from strom.accounts.models import User
from strom.api.models import ApiToken, ApiTokenQuerySet


def api_tokens_of(user: User) -> ApiTokenQuerySet:
    return ApiToken.objects.visible_to(user).order_by("-created_at")
