"""Pages for consent: the overview with history, recording an answer, withdrawing a consent."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from strom.accounts.http import AuthenticatedHttpRequest
from strom.cases.access import get_case_for
from strom.cases.reads import case_read_record
from strom.consent.access import get_consent_for
from strom.consent.forms import ConsentForm, WithdrawForm
from strom.consent.selectors import consent_section_context
from strom.consent.services import consent_record, consent_withdraw
from strom.core.forms import validation_error_to_form
from strom.directory.models import Organisation


@login_required
@require_GET
def overview(request: AuthenticatedHttpRequest, ref: str) -> HttpResponse:
    user = request.user
    case = get_case_for(user, ref)
    context = consent_section_context(user, case)
    context["case"] = case
    case_read_record(by=user, case=case, section="consent")
    return render(request, "consent/overview.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def record_new(request: AuthenticatedHttpRequest, ref: str) -> HttpResponse:
    user = request.user
    case = get_case_for(user, ref, write=True)
    organisations = Organisation.objects.visible_to(user).filter(is_active=True).order_by("country", "name")
    form = ConsentForm(request.POST or None, organisations=organisations, child_case=case.is_child)
    if request.method == "POST" and form.is_valid():
        try:
            consent_record(by=user, case=case, **form.cleaned_data)
        except ValidationError as exc:
            validation_error_to_form(form, exc)
        else:
            messages.success(request, _("The answer is recorded."))
            return redirect("consent:overview", ref=case.ref)
    return render(request, "consent/record_form.html", {"case": case, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def withdraw(request: AuthenticatedHttpRequest, ref: str, consent_id: int) -> HttpResponse:
    user = request.user
    case = get_case_for(user, ref, write=True)
    record = get_consent_for(user, case, consent_id)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            consent_withdraw(by=user, case=case, record=record, **form.cleaned_data)
        except ValidationError as exc:
            validation_error_to_form(form, exc)
        else:
            messages.success(request, _("The withdrawal is recorded."))
            return redirect("consent:overview", ref=case.ref)
    case_read_record(by=user, case=case, section="consent")
    return render(request, "consent/withdraw_form.html", {"case": case, "form": form, "record": record})
