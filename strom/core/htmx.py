"""The one place that decides between a full page and an htmx partial (NetBox's utilities/htmx.py)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers


def is_htmx_partial(request: HttpRequest) -> bool:
    """True for htmx requests that swap part of a page; boosted links and history restores get full pages."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request  # type: ignore[union-attr]


def render_htmx(
    request: HttpRequest,
    full_template: str,
    partial_template: str,
    context: dict[str, Any],
    *,
    status: int = 200,
) -> HttpResponse:
    template = partial_template if is_htmx_partial(request) else full_template
    response = render(request, template, context, status=status)
    # The same URL answers with two bodies; caches must keep them apart.
    patch_vary_headers(response, ["HX-Request"])
    return response
