"""Pages for the countries' rules: the overview, a country's rules in force with their sources, one
version, and the form a national coordinator publishes a new version with.

Every page reaches the country through access.get_country_for_rules (404 for a country the user may not
read or, when publishing, keep); writes go through strom/stages/services_rules.py.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from strom.accounts.http import AuthenticatedHttpRequest
from strom.cases import access
from strom.core.countries import countries
from strom.core.forms import validation_error_to_form
from strom.stages import country_rules as cr
from strom.stages import selectors_rules as sel
from strom.stages.forms_rules import ItemForm, VersionForm, item_forms
from strom.stages.services_rules import base_items, country_rules_publish


@login_required
@require_GET
def rules_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    access.check_reads_country_rules(user)
    rows = sel.overview()
    for row in rows:
        row["may_keep"] = access.can_keep_country_rules(user, row["country"])
    return render(request, "stages/rules/list.html", {"rows": rows})


@login_required
@require_GET
def rules_detail(request: AuthenticatedHttpRequest, country: str) -> HttpResponse:
    user = request.user
    code = access.get_country_for_rules(user, country)
    today = timezone.localdate()
    rules = cr.rules_for(code, today)
    versions = sel.versions_of(code)
    context = {
        "country": code,
        "country_name": countries().get(code, code),
        "rules": rules,
        "rows": sel.item_rows(rules.items),
        "upcoming": [v for v in versions if v.effective_from > today],
        "versions": versions,
        "may_keep": access.can_keep_country_rules(user, code),
    }
    return render(request, "stages/rules/detail.html", context)


@login_required
@require_GET
def rules_version(request: AuthenticatedHttpRequest, country: str, number: int) -> HttpResponse:
    user = request.user
    code = access.get_country_for_rules(user, country)
    version = sel.get_version(code, number)
    if version is None:
        raise Http404
    context = {
        "country": code,
        "country_name": countries().get(code, code),
        "version": version,
        "rows": sel.item_rows(version.items),
        "may_keep": access.can_keep_country_rules(user, code),
    }
    return render(request, "stages/rules/version.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def rules_edit(request: AuthenticatedHttpRequest, country: str) -> HttpResponse:
    user = request.user
    code = access.get_country_for_rules(user, country, write=True)
    number, items = base_items(code)
    data = request.POST if request.method == "POST" else None
    version_form = VersionForm(data, initial={"based_on": number, "effective_from": timezone.localdate()})
    forms = item_forms(data, items)
    status = 200
    if request.method == "POST":
        if version_form.is_valid() and all(form.is_valid() for form in forms):
            try:
                version = country_rules_publish(
                    by=user,
                    country=code,
                    based_on=version_form.cleaned_data["based_on"],
                    effective_from=version_form.cleaned_data["effective_from"],
                    changes={form.key: form.change() for form in forms},
                    note=version_form.cleaned_data["note"],
                    backdate_reason=version_form.cleaned_data["backdate_reason"],
                )
            except ValidationError as exc:
                _errors_to_forms(version_form, forms, exc)
            else:
                messages.success(
                    request,
                    _("Version %(number)s is published and in force from %(day)s.")
                    % {
                        "number": version.number,
                        "day": date_format(version.effective_from, "SHORT_DATE_FORMAT"),
                    },
                )
                return redirect(reverse("cases:country_rules_detail", kwargs={"country": code}))
        status = 422
    context = {
        "country": code,
        "country_name": countries().get(code, code),
        "version_form": version_form,
        "forms": forms,
        "based_on": number,
        "may_backdate": access.may_backdate_country_rules(user),
    }
    return render(request, "stages/rules/edit.html", context, status=status)


def _errors_to_forms(version_form: VersionForm, forms: list[ItemForm], exc: ValidationError) -> None:
    """The service names an item by its key: its message goes on that item's form."""
    by_key = {form.key: form for form in forms}
    if not hasattr(exc, "error_dict"):
        version_form.add_error(None, exc)
        return
    for key, errors in exc.error_dict.items():
        if key in by_key:
            by_key[key].add_error(None, errors)
        else:
            validation_error_to_form(version_form, ValidationError({key: errors}))
