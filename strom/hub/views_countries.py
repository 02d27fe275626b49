"""Country profile pages: the countries with something to show, and one country's profile."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from strom.accounts.public import hub_page
from strom.guidelines.access import get_country_for, may_edit_profile
from strom.guidelines.models import language_name
from strom.hub.profiles import country_page, country_rows


def _language() -> str:
    return (get_language() or "en").split("-")[0]


@hub_page
@require_GET
def country_index(request: HttpRequest) -> HttpResponse:
    return render(request, "hub/countries.html", {"rows": country_rows(request.user)})


@hub_page
@require_GET
def country_detail(request: HttpRequest, country: str) -> HttpResponse:
    code = get_country_for(request.user, country)
    page = country_page(request.user, code, _language())
    context = {
        "page": page,
        "may_edit_profile": may_edit_profile(request.user, code),
        "framework_language": language_name(page.legal_framework.language) if page.legal_framework else "",
    }
    return render(request, "hub/country.html", context)
