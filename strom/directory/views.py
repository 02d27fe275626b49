from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from strom.core.htmx import render_htmx
from strom.directory.access import (
    check_directory_allowed,
    check_may_manage_directory,
    get_organisation_for,
    may_edit_organisation,
    may_manage_directory,
    may_view_organisation_users,
)
from strom.directory.forms import (
    DirectoryFilterForm,
    MunicipalityForm,
    OrganisationCreateForm,
    OrganisationEditForm,
)
from strom.directory.selectors import organisation_search
from strom.directory.services import municipality_create, organisation_create, organisation_update

if TYPE_CHECKING:
    from strom.accounts.http import AuthenticatedHttpRequest

PER_PAGE = 50


@login_required
@require_GET
def organisation_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    check_directory_allowed(user)
    filters = DirectoryFilterForm(request.GET or None)
    criteria = filters.cleaned_data if filters.is_valid() else {}
    organisations = organisation_search(
        user,
        q=criteria.get("q", ""),
        country=criteria.get("country", ""),
        org_type=criteria.get("org_type", ""),
    )
    page = Paginator(organisations, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filters": filters,
        "page": page,
        "query": query.urlencode(),
        "may_manage": may_manage_directory(user),
    }
    return render_htmx(
        request, "directory/organisation_list.html", "directory/_organisation_results.html", context
    )


@login_required
@require_GET
def organisation_detail(request: AuthenticatedHttpRequest, organisation_id: int) -> HttpResponse:
    user = request.user
    organisation = get_organisation_for(user, organisation_id)
    context = {
        "organisation": organisation,
        "may_edit": may_edit_organisation(user, organisation),
        "may_view_users": may_view_organisation_users(user, organisation),
    }
    return render(request, "directory/organisation_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def organisation_edit(request: AuthenticatedHttpRequest, organisation_id: int) -> HttpResponse:
    user = request.user
    organisation = get_organisation_for(user, organisation_id, write=True)
    form = OrganisationEditForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            organisation_update(
                by=user,
                organisation=organisation,
                name=form.cleaned_data["name"],
                org_type=form.cleaned_data["org_type"],
                municipality=form.cleaned_data["municipality"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The organisation is saved."))
            return redirect("directory:detail", organisation_id=organisation.pk)
    return render(request, "directory/organisation_edit.html", {"form": form, "organisation": organisation})


@login_required
@require_http_methods(["GET", "POST"])
def organisation_create_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    check_may_manage_directory(user)
    form = OrganisationCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organisation = organisation_create(by=user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The organisation is created."))
            return redirect("directory:detail", organisation_id=organisation.pk)
    return render(request, "directory/organisation_create.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def municipality_create_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    check_may_manage_directory(user)
    form = MunicipalityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            municipality = municipality_create(by=user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request, _("The municipality %(name)s is created.") % {"name": str(municipality)}
            )
            return redirect("directory:list")
    return render(request, "directory/municipality_create.html", {"form": form})
