from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from strom.accounts.http import AuthenticatedHttpRequest
from strom.accounts.models import User
from strom.cases.access import can_refer, get_case_for
from strom.core.errors import NotAllowed
from strom.core.htmx import render_htmx
from strom.core.roles import Perm
from strom.directory.models import Organisation
from strom.network.access import (
    check_may_create_services,
    check_may_see_freshness,
    check_network_allowed,
    get_service_for,
    may_create_services,
    may_edit_service_of,
    may_update_capacity,
)
from strom.network.csvio import export_text
from strom.network.forms import CapacityForm, NetworkFilterForm, ServiceForm
from strom.network.models import NetworkServiceQuerySet
from strom.network.selectors import freshness_list, is_open_at, network_search
from strom.network.services import service_create, service_update, service_update_capacity

PER_PAGE = 25


def _search(request: HttpRequest, user: User) -> tuple[NetworkFilterForm, NetworkServiceQuerySet]:
    filters = NetworkFilterForm(request.GET or None)
    criteria: dict[str, Any] = filters.cleaned_data if filters.is_valid() else {}
    services = network_search(
        user,
        q=criteria.get("q", ""),
        service_type=criteria.get("service_type", ""),
        municipality=criteria.get("municipality"),
        language=criteria.get("language", ""),
        open_now=bool(criteria.get("open_now")),
        free_places=bool(criteria.get("free_places")),
        eligibility=criteria.get("eligibility", ""),
    )
    return filters, services


def _referring_case(request: HttpRequest, user: User) -> str:
    """?for_case=REF (from the case page's "Refer to a service"): results get a Refer link. A case the
    user may not refer is ignored, so the parameter tells nobody whether a case exists."""
    ref = request.GET.get("for_case", "")
    if not ref:
        return ""
    try:
        case = get_case_for(user, ref)
    except NotAllowed:
        return ""
    return case.ref if can_refer(user, case) else ""


@login_required
@require_GET
def service_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    check_network_allowed(user)
    filters, services = _search(request, user)
    page = Paginator(services, PER_PAGE).get_page(request.GET.get("page"))
    now = timezone.now()
    rows = [{"service": s, "open": is_open_at(s, now)} for s in page.object_list]
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "for_case": _referring_case(request, user),
        "filters": filters,
        "page": page,
        "rows": rows,
        "query": query.urlencode(),
        "may_create": may_create_services(user),
        "may_see_freshness": user.has_any(Perm.NRM_OVERSEE) or user.has_global(Perm.SYSTEM_MANAGE),
    }
    return render_htmx(request, "network/service_list.html", "network/_service_results.html", context)


@login_required
@require_GET
def service_export(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    check_network_allowed(user)
    _filters, services = _search(request, user)
    response = HttpResponse(
        export_text(services.prefetch_related("municipalities")), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="strom-network.csv"'
    return response


@login_required
@require_GET
def service_detail(request: AuthenticatedHttpRequest, service_id: int) -> HttpResponse:
    user = request.user
    service = get_service_for(user, service_id)
    context = {
        "service": service,
        "municipalities": service.municipalities.all(),
        "open_now": is_open_at(service, timezone.now()),
        "may_edit": may_edit_service_of(user, service.organisation_id),
        "may_update_capacity": may_update_capacity(user, service),
        "capacity_form": CapacityForm(initial={"free_places": service.free_places}),
        "may_refer": service.is_active
        and user.has_any(Perm.REFERRAL_SEND)
        and service.organisation_id not in user.org_ids_with(Perm.REFERRAL_SEND),
    }
    return render(request, "network/service_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def service_create_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    check_may_create_services(user)
    organisations = Organisation.objects.visible_to(user)
    if not user.has_global(Perm.ORG_EDIT):
        organisations = organisations.filter(pk__in=user.org_ids_with(Perm.ORG_EDIT))
    form = ServiceForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        organisation = data.pop("organisation")
        municipalities = data.pop("municipalities")
        try:
            service = service_create(
                by=user, organisation=organisation, municipalities=municipalities, **data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The service is added to the network."))
            return redirect("network:detail", service_id=service.pk)
    return render(request, "network/service_form.html", {"form": form, "service": None})


@login_required
@require_http_methods(["GET", "POST"])
def service_edit(request: AuthenticatedHttpRequest, service_id: int) -> HttpResponse:
    user = request.user
    service = get_service_for(user, service_id, write=True)
    form = ServiceForm(request.POST or None, service=service)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        municipalities = data.pop("municipalities")
        try:
            service_update(by=user, service=service, municipalities=municipalities, **data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The service is saved."))
            return redirect("network:detail", service_id=service.pk)
    return render(request, "network/service_form.html", {"form": form, "service": service})


@login_required
@require_POST
def service_capacity(request: AuthenticatedHttpRequest, service_id: int) -> HttpResponse:
    user = request.user
    service = get_service_for(user, service_id, capacity=True)
    form = CapacityForm(request.POST)
    status = 200
    if form.is_valid():
        try:
            service = service_update_capacity(
                by=user, service=service, free_places=form.cleaned_data["free_places"]
            )
        except ValidationError as exc:
            form.add_error("free_places", exc.message_dict.get("free_places", exc.messages))
            status = 422
        else:
            if not request.htmx:  # type: ignore[attr-defined]
                messages.success(request, _("Free places are updated."))
                return redirect("network:detail", service_id=service.pk)
            form = CapacityForm(initial={"free_places": service.free_places})
    else:
        status = 422
    context = {"service": service, "capacity_form": form, "may_update_capacity": True, "saved": status == 200}
    return render_htmx(
        request, "network/capacity_page.html", "network/_capacity.html", context, status=status
    )


@login_required
@require_GET
def freshness(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    check_may_see_freshness(user)
    page = Paginator(freshness_list(user), PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "network/freshness.html", {"page": page, "query": ""})
