"""The composition layer's pages: health check, language switch, home dashboard and the error pages."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.i18n import set_language as django_set_language

from strom.accounts.http import AuthenticatedHttpRequest
from strom.accounts.models import User
from strom.core.registry import dashboard_context


@require_GET
@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness and database reachability for load balancers. No auth; says nothing else."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:
        return JsonResponse({"status": "unavailable"}, status=503)
    return JsonResponse({"status": "ok"})


def set_language(request: HttpRequest) -> HttpResponseBase:
    """Django's language switcher, plus remembering the choice on the user's profile."""
    response = django_set_language(request)
    user = request.user
    language = request.POST.get("language", "")
    if request.method == "POST" and isinstance(user, User) and user.is_authenticated:
        from strom.accounts.services import user_set_language

        user_set_language(by=user, language=language)
    return response


def quick_actions(user: User) -> list[dict[str, str]]:
    """The dashboard's first buttons: what the user may start from here, by the role matrix. Nobody is
    offered a page they may not open."""
    from strom.core.roles import Perm
    from strom.screening.access import may_screen

    # The same rules as cases.access.check_may_open_cases and check_casework.
    may_open = user.has_any(Perm.CASE_CREATE)
    actions: list[dict[str, str]] = []
    if may_screen(user):
        actions.append({"label": _("New screening"), "url": reverse("screening:new")})
    if may_open:
        actions.append({"label": _("New case"), "url": reverse("cases:open")})
    if may_open or user.has_any(Perm.CASE_VIEW):
        actions.append({"label": _("Requests for a decision"), "url": reverse("cases:decision_requests")})
    return actions


@login_required
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The home page: quick actions, the panels the apps register (strom/core/registry.py), then the
    user's organisations."""
    user = request.user
    context: dict[str, object] = {
        "memberships": user.active_memberships(),
        "quick_actions": quick_actions(user),
        **dashboard_context(user),
    }
    return render(request, "site/dashboard.html", context)


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "core/error.html", {"status": 403, "kind": "csrf"}, status=403)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):
        from strom.api.errors import problem

        return problem(request, 400, "bad-request", _("Bad request"), _("The request could not be handled."))
    return render(request, "core/error.html", {"status": 400, "kind": "bad_request"}, status=400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):
        from strom.api.errors import forbidden

        return forbidden(request)
    return render(request, "core/error.html", {"status": 403, "kind": "forbidden"}, status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    # Unknown /api/v1/... paths answer like the API does; the exception text is never shown.
    if _is_api(request):
        from strom.api.errors import not_found

        return not_found(request)
    return render(request, "core/error.html", {"status": 404, "kind": "not_found"}, status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    """Rendered without the request context: the failure may be in a context processor or the
    session, so this must not depend on either. Says nothing about the error."""
    if _is_api(request):
        from strom.api.errors import server_error as api_server_error

        return api_server_error(request)
    body: str
    try:
        body = render_to_string("core/server_error.html")
    except Exception:
        body = "<!doctype html><title>Server error</title><h1>Server error</h1>"
    return HttpResponseServerError(body)
