"""Counts every request and its duration under the name of the view that answered it.

The view's name (`cases:detail`, `api:...`), never the path: paths carry case references. A request
no URL matched (404s, redirects to HTTPS) is counted as "unmatched", so probes for random paths cannot
add labels without end. First in MIDDLEWARE, so the time includes every other middleware.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from strom.ops.metrics import record_request

UNMATCHED = "unmatched"


class RequestMetricsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        began = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        view = (match.view_name or UNMATCHED) if match is not None else UNMATCHED
        record_request(
            view=view,
            method=request.method or "",
            status=response.status_code,
            seconds=time.perf_counter() - began,
        )
        return response
