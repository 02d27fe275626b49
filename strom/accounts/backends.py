"""The login backend: Django's, except that the signed-in user of each request comes from the cache
(strom.accounts.auth_cache) instead of three queries."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend as DjangoModelBackend

from strom.accounts.auth_cache import cached_user

PATH = "strom.accounts.backends.ModelBackend"


class ModelBackend(DjangoModelBackend):
    def get_user(self, user_id: Any) -> Any:
        user = cached_user(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
