"""The one way a service or an access function refuses a user.

`NotAllowed` covers both "there is no such thing" and "you may not see or do this", so ids cannot be
probed. Services and access functions raise it and know nothing of HTTP; the edges translate it:
pages and the API answer 404 (`NotAllowedMiddleware`, the API's exception handler), the command line
prints the message and exits non-zero (`strom.cli`). Validation of what a user typed stays a
`ValidationError`; "you may not" is never one.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _


class NotAllowed(Exception):
    """Missing or forbidden: the caller may not learn which."""

    def __init__(self, message: str | None = None) -> None:
        self.message = str(message) if message is not None else str(_("Not found, or not allowed."))
        super().__init__(self.message)


class NotAllowedMiddleware:
    """Pages: a refusal looks exactly like a missing page (the 404 handler renders it)."""

    def __init__(self, get_response: object) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response: HttpResponse = self.get_response(request)  # type: ignore[operator]  # Django's callable
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        if isinstance(exception, NotAllowed):
            # Raised here, Django's own exception handling turns it into the 404 page (or the API's
            # problem document for /api/ paths), with the same body as for an unknown address.
            raise Http404 from exception
