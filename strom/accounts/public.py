"""Reading the hub without an account where the instance allows it (STROM_HUB_PUBLIC).

Pages: `hub_page` lets a visitor without an account through only when the hub is public; otherwise
they are sent to log in, as `login_required` does. The API: `HUB_READ_AUTH` is the usual token and
session authentication, plus a visitor without credentials when the hub is public. The access
functions then decide what each may read: published records only.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse

from strom.api.auth import DEFAULT_AUTH

View = Callable[..., HttpResponse]


def hub_page(view: View) -> View:
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated and not settings.STROM_HUB_PUBLIC:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapped


def public_reader(request: HttpRequest) -> AnonymousUser | None:
    """Tried after the token and the session: a visitor, when the hub is open to the public."""
    return AnonymousUser() if settings.STROM_HUB_PUBLIC else None


HUB_READ_AUTH: list[Any] = [*DEFAULT_AUTH, public_reader]


def api_reader(request: HttpRequest) -> Any:
    """The caller of a hub read operation: a user, or a visitor without an account."""
    return getattr(request, "auth", None) or AnonymousUser()
