from __future__ import annotations

from itertools import groupby
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from strom.accounts.http import AuthenticatedHttpRequest
from strom.accounts.models import User
from strom.audit.services import audit_read
from strom.cases.access import get_case_for
from strom.cases.choices import Exploitation
from strom.cases.models import Case
from strom.core import markdown_lite
from strom.core.forms import validation_error_to_form
from strom.core.htmx import render_htmx
from strom.core.languages import SOURCE_LANGUAGE, region_language_name
from strom.core.numbers import whole_number
from strom.screening.access import (
    check_may_list_screenings,
    check_may_screen,
    get_screening_for,
    get_screening_to_convert,
    may_convert,
    may_screen,
    may_see_rechecks,
)
from strom.screening.docs import doc_for, needs_update
from strom.screening.forms import ConvertForm, ScreeningForm
from strom.screening.indicators import IndicatorSet, current_sets, get_set
from strom.screening.presenters import checklist, result_rows, rule_note, to_check_label
from strom.screening.scoring import ScreeningResult, score
from strom.screening.selectors import screening_page
from strom.screening.services import screening_convert, screening_create


def _position(request: HttpRequest, name: str) -> int | None:
    return whole_number(request.GET.get(name, ""))


@login_required
@require_GET
def screening_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    check_may_list_screenings(user)
    page = screening_page(user, before=_position(request, "before"), after=_position(request, "after"))
    context = {"page": page, "may_screen": may_screen(user), "may_see_rechecks": may_see_rechecks(user)}
    return render_htmx(request, "screening/list.html", "screening/_list_results.html", context)


def _case_param(request: HttpRequest, user: User) -> Case | None:
    ref = _param(request, "case")
    return get_case_for(user, ref, write=True) if ref else None


def _param(request: HttpRequest, name: str) -> str:
    # The checklist form carries the set in its action URL; API-like clients may post it in the body.
    return (request.GET.get(name) or request.POST.get(name) or "").strip()


def _set_param(request: HttpRequest) -> IndicatorSet | None:
    set_id = _param(request, "set")
    if not set_id:
        return None
    version = _param(request, "version")
    try:
        return get_set(set_id, whole_number(version))
    except LookupError:
        raise Http404 from None


def _set_groups(user: User) -> list[tuple[str, list[IndicatorSet]]]:
    labels = dict(Exploitation.choices)
    countries = {m.organisation.country for m in user.active_memberships()}
    sets = sorted(
        current_sets(countries), key=lambda s: (str(labels.get(s.exploitation, s.exploitation)), s.audience)
    )
    return [
        (str(labels.get(key, key)), list(items)) for key, items in groupby(sets, key=lambda s: s.exploitation)
    ]


def _child_for(form: ScreeningForm, indicator_set: IndicatorSet, case: Case | None) -> bool:
    from strom.screening.models import CHILD_AGE_BANDS

    if case is not None:
        return case.is_child or indicator_set.audience == "child"
    age_band = form.data.get("age_band", "") if form.is_bound else ""
    return indicator_set.audience == "child" or age_band in CHILD_AGE_BANDS


def _preview(form: ScreeningForm, indicator_set: IndicatorSet, case: Case | None) -> ScreeningResult | None:
    """Score what is ticked, without saving. Ids that are not in the set are reported by the form."""
    observed = [i for i in form.observed_ids() if indicator_set.has(i)]
    return score(indicator_set, observed, child=_child_for(form, indicator_set, case))


def _form_page(
    request: HttpRequest,
    form: ScreeningForm,
    indicator_set: IndicatorSet,
    case: Case | None,
    result: ScreeningResult | None,
) -> HttpResponse:
    context: dict[str, Any] = {
        "form": form,
        "indicator_set": indicator_set,
        "case": case,
        "groups": checklist(indicator_set, form.observed_ids()),
        "result": result,
        "rows": result_rows(result) if result else [],
        "check_label": to_check_label(indicator_set),
    }
    return render(request, "screening/new.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def screening_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    check_may_screen(user)
    case = _case_param(request, user)
    indicator_set = _set_param(request)
    if indicator_set is None:
        return render(request, "screening/choose_set.html", {"groups": _set_groups(user), "case": case})
    form = ScreeningForm(
        request.POST if request.method == "POST" else None,
        user=user,
        indicator_set=indicator_set,
        with_case=case is not None,
    )
    if request.method != "POST":
        return _form_page(request, form, indicator_set, case, _preview(form, indicator_set, case))
    valid = form.is_valid()
    if request.POST.get("action") == "preview" or not valid:
        # Without JavaScript "Show the result" posts here: score, show, save nothing.
        return _form_page(request, form, indicator_set, case, _preview(form, indicator_set, case))
    data = form.cleaned_data
    try:
        screening = screening_create(
            by=user,
            indicator_set_id=indicator_set.id,
            indicator_set_version=indicator_set.version,
            observed=data["observed"],
            notes=data["notes"],
            case=case,
            organisation=form.chosen_organisation(),
            age_band=data.get("age_band") or "unknown",
            gender=data.get("gender", ""),
            exploitation=data.get("exploitation", ""),
            municipality=data.get("municipality"),
        )
    except ValidationError as exc:
        validation_error_to_form(form, exc)
        return _form_page(request, form, indicator_set, case, _preview(form, indicator_set, case))
    messages.success(request, _("The screening is saved."))
    return redirect("screening:detail", screening_id=screening.pk)


@login_required
@require_POST
def screening_preview(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The live result panel: htmx posts the checklist here on every change. Nothing is saved."""
    user = request.user
    check_may_screen(user)
    case = _case_param(request, user)
    indicator_set = _set_param(request)
    if indicator_set is None:
        raise Http404
    form = ScreeningForm(request.POST, user=user, indicator_set=indicator_set, with_case=case is not None)
    result = _preview(form, indicator_set, case)
    context = {
        "result": result,
        "rows": result_rows(result) if result else [],
        "live": True,
        "check_label": to_check_label(indicator_set),
    }
    return render(request, "screening/_result.html", context)


@login_required
@require_GET
def screening_detail(request: AuthenticatedHttpRequest, screening_id: int) -> HttpResponse:
    user = request.user
    screening = get_screening_for(user, screening_id)
    result = screening.scored()
    try:
        indicator_set: IndicatorSet | None = screening.indicator_set()
    except LookupError:
        indicator_set = None
    audit_read(
        actor=user,
        object_type="screening",
        object_ref=screening.pk,
        organisation_id=screening.organisation_id,
    )
    context = {
        "screening": screening,
        "indicator_set": indicator_set,
        "result": result,
        "rows": result_rows(result),
        "case_visible": screening.case_id is not None
        and Case.objects.visible_to(user).filter(pk=screening.case_id).exists(),
        "may_convert": screening.case_id is None and may_convert(user, screening),
        "rule_note": rule_note(screening, result),
        "check_label": to_check_label(indicator_set),
    }
    return render(request, "screening/detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def screening_convert_view(request: AuthenticatedHttpRequest, screening_id: int) -> HttpResponse:
    user = request.user
    screening = get_screening_to_convert(user, screening_id)
    if screening.case_id is not None:
        messages.info(request, _("This screening has already been converted into a case."))
        return redirect("screening:detail", screening_id=screening.pk)
    form = ConvertForm(request.POST or None, screening=screening)
    if request.method == "POST" and form.is_valid():
        try:
            case = screening_convert(
                by=user,
                screening=screening,
                municipality=form.cleaned_data["municipality"],
                **form.person_data(),
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for key, errors in exc.message_dict.items():
                    form.add_error(key if key in form.fields else None, errors)
            else:
                form.add_error(None, exc)
        else:
            messages.success(
                request, _("The case %(ref)s is open and the screening is part of it.") % {"ref": case.ref}
            )
            return redirect("cases:detail", ref=case.ref)
    return render(request, "screening/convert.html", {"form": form, "screening": screening})


@login_required
@require_GET
def screening_docs(request: AuthenticatedHttpRequest) -> HttpResponse:
    """docs/screening.md as a page, so the people who screen can read how it works where they work: in
    their language where it is translated (docs/<language>/screening.md), else in English with a note."""
    reader = (get_language() or "en").split("-")[0]
    language, path = doc_for(reader)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:  # an installation without the docs folder
        raise Http404 from exc
    context = {
        "body": markdown_lite.render(text),
        "doc_language": language,
        "doc_language_name": region_language_name(language) if language != reader else "",
        "needs_update": language != SOURCE_LANGUAGE and needs_update(text),
    }
    return render(request, "screening/docs.html", context)
