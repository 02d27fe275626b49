"""Version tokens in the cache: a copy kept under a token is used only while that token is current.

Whoever changes what a copy was built from calls `renew`; the new token is set at once and again
after the commit, so a reader that loaded the old rows in between cannot leave them behind as
current. Readers fetch the token together with the copy (one `get_many`) and pass what they found to
`current`, which makes a token when there is none yet. Used by the signed-in user's cache
(strom.accounts.auth_cache) and the hub's search pages (strom.hub.search).
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import Any

from django.core.cache import cache
from django.db import transaction


def _set_new(key: str) -> None:
    cache.set(key, secrets.token_hex(8), None)


def renew(key: str) -> None:
    """Copies kept under the token `key` stop being used, now and once the transaction commits."""
    _set_new(key)
    transaction.on_commit(lambda: _set_new(key))


def current(key: str, found: Mapping[str, Any]) -> str:
    """The token `key` as `found` by the caller's `get_many`, or a new one if there was none."""
    token = found.get(key)
    if token is None:
        cache.add(key, secrets.token_hex(8), None)
        token = cache.get(key)
    return str(token)
