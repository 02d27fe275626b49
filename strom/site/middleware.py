"""Middleware that answers with the site's error pages, so it lives beside them (strom/site/views.py)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from strom.api.errors import problem
from strom.site.views import bad_request

NUL = "\x00"


def _has_nul(request: HttpRequest) -> bool:
    if NUL in request.path_info or any(
        NUL in key or any(NUL in value for value in values) for key, values in request.GET.lists()
    ):
        return True
    content_type = request.content_type or ""
    if request.method in {"GET", "HEAD", "OPTIONS"} or content_type.startswith("multipart/"):
        # An upload's file may hold any byte; its text fields go through forms, which refuse NUL.
        return False
    body = request.body
    return b"\x00" in body or (content_type.endswith("json") and b"\\u0000" in body.lower())


class RejectNulMiddleware:
    """Refuses a request whose path, query or body holds the NUL character, before any view.

    PostgreSQL cannot store or compare NUL in text, so a reference, a search term or a JSON string
    with one would end in a database error (a 500) wherever it reached a query. Django's forms refuse
    it field by field; this covers the URL, the query string and the API's JSON for every route.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not _has_nul(request):
            return self.get_response(request)
        if request.path.startswith("/api/"):
            return problem(
                request,
                400,
                "nul-character",
                _("Bad request"),
                _("Text cannot contain the NUL character (U+0000). Remove it and send the request again."),
            )
        return bad_request(request)
