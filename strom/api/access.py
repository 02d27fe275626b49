"""Who may see and change API tokens: only their owner. Missing and forbidden both raise NotAllowed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from strom.api.models import ApiToken
from strom.core.errors import NotAllowed
from strom.core.roles import Perm

if TYPE_CHECKING:
    from strom.accounts.models import User


def may_use_api_tokens(user: User) -> bool:
    return user.is_authenticated and user.is_active and user.has_any(Perm.API_TOKENS)


def check_api_tokens_allowed(user: User) -> None:
    if not may_use_api_tokens(user):
        raise NotAllowed


def get_api_token_for(user: User, token_id: int) -> ApiToken:
    check_api_tokens_allowed(user)
    try:
        return ApiToken.objects.visible_to(user).get(pk=token_id)
    except (ApiToken.DoesNotExist, ValueError, TypeError):
        raise NotAllowed from None
