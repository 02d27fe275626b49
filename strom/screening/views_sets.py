"""Pages for indicator sets (versions, sources, publishing a corrected version, a country's own set) and
for the screenings to look at again after a rule change."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from strom.accounts.http import AuthenticatedHttpRequest
from strom.core.countries import countries
from strom.core.forms import validation_error_to_form
from strom.core.numbers import whole_number
from strom.core.roles import Perm
from strom.screening.access import (
    check_may_publish,
    check_may_see_rechecks,
    coordinator_countries,
    may_adapt_for_country,
    may_publish_set,
)
from strom.screening.indicators import IndicatorSet, current_sets, get_set
from strom.screening.models import ScreeningRecheck
from strom.screening.presenters import checklist, to_check_label
from strom.screening.selectors import open_rechecks, recheck_counts
from strom.screening.services_recheck import recheck_done
from strom.screening.set_forms import PublishForm
from strom.screening.set_services import (
    country_set_id,
    indicator_set_adapt,
    indicator_set_publish,
    version_rows,
)


def _set_or_404(set_id: str, version: int | None = None) -> IndicatorSet:
    try:
        return get_set(set_id, version)
    except LookupError:
        raise Http404 from None


def _country_names() -> dict[str, str]:
    return countries()


@login_required
@require_GET
def set_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    sets = current_sets()
    names = _country_names()
    context = {
        "sets": [
            {
                "set": s,
                "country": names.get(s.country, s.country) if s.country else "",
                "may_publish": may_publish_set(user, s),
                "to_check": s.to_check or bool(s.indicators_to_check),
            }
            for s in sets
        ],
        "check_label": _("To be checked against the ILO text"),
    }
    return render(request, "screening/sets.html", context)


@login_required
@require_GET
def set_detail(request: AuthenticatedHttpRequest, set_id: str) -> HttpResponse:
    user = request.user
    version_param = request.GET.get("version", "")
    indicator_set = _set_or_404(set_id, whole_number(version_param))
    countries_of_user = coordinator_countries(user)
    adapted_id = {c: country_set_id(set_id, c) for c in sorted(countries_of_user)}
    names = _country_names()
    versions = version_rows(set_id)
    context: dict[str, Any] = {
        "indicator_set": indicator_set,
        "country": names.get(indicator_set.country, indicator_set.country) if indicator_set.country else "",
        "groups": checklist(indicator_set, set()),
        "versions": versions,
        "newest": versions[0].version,
        "may_publish": may_publish_set(user, indicator_set),
        "adapt_countries": [
            (c, names.get(c, c))
            for c, new_id in adapted_id.items()
            if not indicator_set.country and not _exists(new_id)
        ]
        if may_adapt_for_country(user)
        else [],
        "check_label": to_check_label(indicator_set),
    }
    return render(request, "screening/set_detail.html", context)


def _exists(set_id: str) -> bool:
    try:
        get_set(set_id)
    except LookupError:
        return False
    return True


@login_required
@require_http_methods(["GET", "POST"])
def set_publish(request: AuthenticatedHttpRequest, set_id: str) -> HttpResponse:
    user = request.user
    base = _set_or_404(set_id)
    check_may_publish(user, base)
    form = PublishForm(request.POST if request.method == "POST" else None, base=base)
    if request.method == "POST" and form.is_valid():
        try:
            row = indicator_set_publish(
                by=user,
                set_id=base.id,
                # A missing or garbled version is 0, which the service answers as no such version.
                base_version=whole_number(request.POST.get("base_version", "")) or 0,
                indicators=form.changes(),
                source=form.source(),
            )
        except ValidationError as exc:
            validation_error_to_form(form, exc)
        else:
            messages.success(
                request,
                _("Version %(version)d of the indicator set is published.") % {"version": row.version},
            )
            return redirect("screening:set_detail", set_id=base.id)
    context = {"form": form, "base": base, "rows": form.rows(), "check_label": to_check_label(base)}
    return render(request, "screening/set_publish.html", context)


@login_required
@require_POST
def set_adapt(request: AuthenticatedHttpRequest, set_id: str) -> HttpResponse:
    user = request.user
    if not may_adapt_for_country(user):
        raise Http404
    base = _set_or_404(set_id)
    try:
        row = indicator_set_adapt(by=user, set_id=base.id, country=request.POST.get("country", ""))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("screening:set_detail", set_id=base.id)
    messages.success(request, _("Your country's own version of this set is started."))
    return redirect("screening:set_detail", set_id=row.set_id)


@login_required
@require_GET
def recheck_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    check_may_see_rechecks(user)
    context = {
        "rechecks": open_rechecks(user) if user.has_any(Perm.CASE_ASSIGN) else None,
        "counts": recheck_counts(user) if coordinator_countries(user) else None,
    }
    return render(request, "screening/rechecks.html", context)


@login_required
@require_POST
def recheck_done_view(request: AuthenticatedHttpRequest, recheck_id: int) -> HttpResponse:
    user = request.user
    recheck = ScreeningRecheck.objects.visible_to(user).filter(pk=recheck_id).first()
    if recheck is None:
        raise Http404
    try:
        recheck_done(by=user, recheck=recheck)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Recorded: the screening was looked at again."))
    return redirect("screening:rechecks")
