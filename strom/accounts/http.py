"""The request type of views that need a logged-in user, declared once."""

from __future__ import annotations

from django.http import HttpRequest

from strom.accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """What `login_required` (and the two-factor middleware) guarantee: `user` is a real `User`.

    Views annotate `request: AuthenticatedHttpRequest` instead of asserting `isinstance(request.user,
    User)` in each module; URL patterns accept them unchanged.
    """

    user: User
