"""Version tokens in the cache: a copy kept under a token is used only while that token is current.

Whoever changes what a copy was built from calls `renew`; the new token is set at once and again
after the commit, so a reader that loaded the old rows in between cannot leave them behind as
current. Readers fetch the token together with the copy (one `get_many`) and pass what they found to
`current`, which makes a token when there is none yet. Used by the signed-in user's cache
(strom.accounts.auth_cache), the hub's search pages (strom.hub.search) and, through `kept`, the
practices' counts (strom.practices.selectors) and the case list's pick-lists (strom.cases.views_list).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from django.core.cache import cache
from django.db import transaction

T = TypeVar("T")


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


def kept(token_key: str, key: str, make: Callable[[], T], timeout: int) -> T:
    """The copy kept under `key` while the token `token_key` is current, else `make()`, kept for next
    time. One round trip to the cache when the copy is current."""
    found = cache.get_many([token_key, key])
    token = current(token_key, found)
    entry = found.get(key)
    if entry is not None and entry[0] == token:
        value: T = entry[1]
        return value
    value = make()
    cache.set(key, (token, value), timeout)
    return value
