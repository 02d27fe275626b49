"""The signed-in user, with their active memberships and second-factor devices, read once and then kept
in the cache, so a request does not spend three queries on who is asking before the view starts.

A change must still take effect on the very next request. Each user has a version token in the cache,
and every save or delete of the user, a membership or a device sets a new token (at once and again
after the commit, so a request that read the old rows in between cannot leave them behind as current);
a change to an organisation sets a new token for everyone. A cached copy is used only when it was
built under the tokens that are current now. Bulk `QuerySet.update()` sends no signal: code that
changes these rows that way calls `forget_user` or `forget_everyone` itself. The copies also expire
after `TTL` seconds, as a last safety net.

With Redis (STROM_REDIS_URL) the lookup is one round trip to it; with the database cache, one query
instead of three.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.cache import cache

from strom.core import cache_tokens
from strom.crypto.service import decrypt, encrypt

if TYPE_CHECKING:
    from strom.accounts.models import User

TTL = 300


@dataclass(frozen=True)
class DeviceRef:
    """What a request needs of a confirmed second-factor device: which one verified the session. Not
    the device itself, which carries its secret key: that stays in the database."""

    persistent_id: str
    user_id: int
    confirmed: bool


_NAME_CONTEXT = "accounts.user.full_name.cached"
_EVERYONE = "strom:auth:everyone"


def _user_key(user_id: Any) -> str:
    return f"strom:auth:user:{user_id}"


def _version_key(user_id: Any) -> str:
    return f"strom:auth:version:{user_id}"


def forget_user(user_id: Any) -> None:
    """Cached copies of this user stop being used, now and once the current transaction commits."""
    cache_tokens.renew(_version_key(user_id))


def forget_everyone() -> None:
    cache_tokens.renew(_EVERYONE)


def cached_user(user_id: Any) -> User | None:
    """The user with `active_memberships()` and `otp_devices` filled, from the cache or the database."""
    from django_otp import devices_for_user

    from strom.accounts.models import User

    found = cache.get_many([_user_key(user_id), _version_key(user_id), _EVERYONE])
    # The tokens are read before the rows: a change after this point sets new tokens, so what is
    # built from older rows below is never taken for current.
    tokens = (cache_tokens.current(_version_key(user_id), found), cache_tokens.current(_EVERYONE, found))
    entry = found.get(_user_key(user_id))
    if entry is not None and entry[0] == tokens:
        user: User = entry[1]
        user.full_name = decrypt(entry[2], context=_NAME_CONTEXT) if entry[2] else ""
        return user
    loaded = User.objects.filter(pk=user_id).first()
    if loaded is None:
        return None
    loaded.active_memberships()
    loaded.otp_devices = {
        device.persistent_id: DeviceRef(device.persistent_id, device.user_id, device.confirmed)
        for device in devices_for_user(loaded, confirmed=True)
    }
    # A staff member's name is encrypted at rest in the database, and so it is in the cache.
    name, loaded.full_name = loaded.full_name, ""
    try:
        sealed = encrypt(name, context=_NAME_CONTEXT) if name else ""
        cache.set(_user_key(user_id), (tokens, loaded, sealed), TTL)
    finally:
        loaded.full_name = name
    return loaded
