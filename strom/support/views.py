"""Pages for the support plan: an overview and the forms behind the case page's Support section.

Every page finds the case through get_case_for (404 for missing and forbidden alike); the forms
ask for write access. Views only call the services.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from strom.accounts.http import AuthenticatedHttpRequest
from strom.accounts.models import User
from strom.cases.access import get_case_for
from strom.cases.models import Case
from strom.cases.reads import case_read_record
from strom.cases.services import EditConflict
from strom.core.forms import form_saved, validation_error_to_form
from strom.directory.models import Organisation
from strom.support import selectors
from strom.support.access import get_service_for
from strom.support.choices import STATUTORY_MINIMUM, ServiceType
from strom.support.forms import (
    NeedsAssessmentForm,
    NotNeededForm,
    PlanReviewForm,
    ServiceCancelForm,
    ServiceForm,
    SupportPlanForm,
)
from strom.support.services import (
    coverage_mark_not_needed,
    coverage_revoke_not_needed,
    needs_assessment_record,
    plan_review_record,
    service_cancel,
    service_plan,
    service_update,
    support_plan_save,
)


def _done(request: HttpRequest, case: Case, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect("support:overview", ref=case.ref)


def _saved(
    request: HttpRequest, case: Case, form: Any, save: Callable[[], object], done: str
) -> HttpResponse | None:
    """The POST half of a support form: saved, then back to the overview with `done`; None shows the
    form (again)."""
    overview_url = reverse("support:overview", kwargs={"ref": case.ref})
    return form_saved(request, form, save, then=overview_url, done=done)


def _organisations(user: User) -> Any:
    return Organisation.objects.visible_to(user).filter(is_active=True).order_by("country", "name")


@login_required
@require_GET
def overview(request: AuthenticatedHttpRequest, ref: str) -> HttpResponse:
    user = request.user
    case = get_case_for(user, ref)
    context = selectors.support_section_context(user, case)
    plan = context["support_plan"]
    context.update(
        {
            "case": case,
            "reviews": selectors.reviews_for(user, plan) if plan else [],
            "revisions": selectors.revisions_for(user, plan) if plan else [],
        }
    )
    case_read_record(by=user, case=case, section="support")
    return render(request, "support/overview.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def needs_new(request: AuthenticatedHttpRequest, ref: str) -> HttpResponse:
    user = request.user
    case = get_case_for(user, ref, write=True)
    latest = selectors.latest_assessment(user, case)
    form = NeedsAssessmentForm(request.POST or None, initial=NeedsAssessmentForm.initial_from(latest))
    saved = _saved(
        request,
        case,
        form,
        lambda: needs_assessment_record(
            by=user,
            case=case,
            assessed_at=form.cleaned_data["assessed_at"],
            needs=form.needs(),
            summary=form.cleaned_data["summary"],
            next_review_at=form.cleaned_data["next_review_at"],
        ),
        _("The needs assessment is saved."),
    )
    if saved:
        return saved
    # The form starts from the latest assessment: a read of the case.
    case_read_record(by=user, case=case, section="support")
    return render(request, "support/needs_form.html", {"case": case, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def plan_edit(request: AuthenticatedHttpRequest, ref: str) -> HttpResponse:
    user = request.user
    case = get_case_for(user, ref, write=True)
    plan = selectors.plan_for(user, case)
    form = SupportPlanForm(request.POST or None, initial=SupportPlanForm.initial_from(plan))
    conflict: EditConflict | None = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            support_plan_save(
                by=user,
                case=case,
                version=data["version"],
                start_date=data["start_date"],
                objectives=data["objectives"],
                action_plan=data["action_plan"],
                planned_end_date=data["planned_end_date"],
                actual_end_date=data["actual_end_date"],
                next_review_due=data["next_review_due"],
            )
        except EditConflict as exc:
            conflict = exc
            # Keep what this person typed, now based on the stored version: saving again is a
            # deliberate choice made after seeing the other change.
            posted = request.POST.copy()
            posted["version"] = str(exc.stored_version)
            form = SupportPlanForm(posted)
            form.is_valid()
        except ValidationError as exc:
            validation_error_to_form(form, exc)
        else:
            return _done(request, case, _("The support plan is saved."))
    status = 409 if conflict else 200
    case_read_record(by=user, case=case, section="support")
    return render(
        request,
        "support/plan_form.html",
        {"case": case, "form": form, "plan": plan, "conflict": conflict},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_review(request: AuthenticatedHttpRequest, ref: str) -> HttpResponse:
    user = request.user
    case = get_case_for(user, ref, write=True)
    plan = selectors.plan_for(user, case)
    if plan is None:
        messages.error(request, _("There is no support plan to review yet. Write the plan first."))
        return redirect("support:plan_edit", ref=case.ref)
    form = PlanReviewForm(request.POST or None)
    saved = _saved(
        request,
        case,
        form,
        lambda: plan_review_record(by=user, case=case, **form.cleaned_data),
        _("The review is recorded."),
    )
    if saved:
        return saved
    case_read_record(by=user, case=case, section="support")
    return render(request, "support/review_form.html", {"case": case, "form": form, "plan": plan})


@login_required
@require_http_methods(["GET", "POST"])
def service_new(request: AuthenticatedHttpRequest, ref: str) -> HttpResponse:
    user = request.user
    case = get_case_for(user, ref, write=True)
    initial = (
        {"service_type": request.GET.get("type", "")} if request.GET.get("type") in ServiceType.values else {}
    )
    form = ServiceForm(request.POST or None, organisations=_organisations(user), initial=initial)
    saved = _saved(
        request,
        case,
        form,
        lambda: service_plan(by=user, case=case, **form.cleaned_data),
        _("The service is recorded."),
    )
    if saved:
        return saved
    return render(request, "support/service_form.html", {"case": case, "form": form, "service": None})


@login_required
@require_http_methods(["GET", "POST"])
def service_edit(request: AuthenticatedHttpRequest, ref: str, service_id: int) -> HttpResponse:
    user = request.user
    service = get_service_for(user, ref, service_id, write=True)
    case = service.case
    form = ServiceForm(request.POST or None, organisations=_organisations(user), service=service)
    saved = _saved(
        request,
        case,
        form,
        lambda: service_update(
            by=user, service=service, **{k: v for k, v in form.cleaned_data.items() if k != "service_type"}
        ),
        _("The service is saved."),
    )
    if saved:
        return saved
    case_read_record(by=user, case=case, section="support")
    return render(request, "support/service_form.html", {"case": case, "form": form, "service": service})


@login_required
@require_http_methods(["GET", "POST"])
def service_cancel_view(request: AuthenticatedHttpRequest, ref: str, service_id: int) -> HttpResponse:
    user = request.user
    service = get_service_for(user, ref, service_id, write=True)
    case = service.case
    form = ServiceCancelForm(request.POST or None)
    saved = _saved(
        request,
        case,
        form,
        lambda: service_cancel(by=user, service=service, reason=form.cleaned_data["reason"]),
        _("The service is cancelled."),
    )
    if saved:
        return saved
    case_read_record(by=user, case=case, section="support")
    return render(request, "support/service_cancel.html", {"case": case, "form": form, "service": service})


def _statutory_type(service_type: str) -> str:
    if service_type not in STATUTORY_MINIMUM:
        raise Http404
    return service_type


@login_required
@require_http_methods(["GET", "POST"])
def not_needed(request: AuthenticatedHttpRequest, ref: str, service_type: str) -> HttpResponse:
    user = request.user
    case = get_case_for(user, ref, write=True)
    service_type = _statutory_type(service_type)
    form = NotNeededForm(request.POST or None)
    saved = _saved(
        request,
        case,
        form,
        lambda: coverage_mark_not_needed(
            by=user, case=case, service_type=service_type, reason=form.cleaned_data["reason"]
        ),
        _("Marked as not needed."),
    )
    if saved:
        return saved
    label = ServiceType(service_type).label
    return render(request, "support/not_needed_form.html", {"case": case, "form": form, "label": label})


@login_required
@require_POST
def not_needed_revoke(request: AuthenticatedHttpRequest, ref: str, service_type: str) -> HttpResponse:
    user = request.user
    case = get_case_for(user, ref, write=True)
    service_type = _statutory_type(service_type)
    try:
        coverage_revoke_not_needed(by=user, case=case, service_type=service_type)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("support:overview", ref=case.ref)
    return _done(request, case, _("No longer marked as not needed."))
