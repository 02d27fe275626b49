"""Pages for recommendations and action plans: lists, a recommendation with every measure that answers
it, recording a round table's conclusions, a plan with its dashboard, a country's dashboard, measures,
indicators, progress reports with evidence, and a plan as XLSX or a printable report."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from strom.accounts.http import AuthenticatedHttpRequest
from strom.actionplans.access import (
    check_may_read,
    get_measure_for,
    get_plan_for,
    get_recommendation_for,
    may_edit_plan,
    may_edit_recommendation,
    may_keep_plans,
    may_record_recommendations,
    plan_org_ids,
    recommendation_org_ids,
)
from strom.actionplans.exports import plan_xlsx
from strom.actionplans.forms import (
    IndicatorForm,
    MeasureForm,
    MeasureStatusForm,
    PlanForm,
    PlanStatusForm,
    ProgressReportForm,
    RecommendationForm,
    SessionConclusionsForm,
)
from strom.actionplans.models import Evidence, Recommendation, SourceKind
from strom.actionplans.selectors import (
    answering_measures,
    countries_with_plans,
    country_dashboard,
    measure_reports,
    plan_dashboard,
    plan_list,
    recommendation_list,
    status_of,
)
from strom.actionplans.services import (
    indicator_add,
    indicators_refresh,
    measure_create,
    measure_status_set,
    plan_create,
    plan_status_set,
    progress_report_add,
    recommendation_create,
    session_conclusions_record,
)
from strom.core.countries import is_country
from strom.core.downloads import document_response
from strom.core.errors import NotAllowed
from strom.core.forms import form_saved
from strom.core.numbers import whole_number
from strom.core.spreadsheets import XLSX_CONTENT_TYPE
from strom.core.vocabulary import Theme
from strom.directory.models import Organisation
from strom.events.models import Event, Session, SessionKind

# Sessions that have no conclusions: breaks and meals.
NOT_DISCUSSIONS = (SessionKind.BREAK, SessionKind.MEAL)


def _sessions(request: AuthenticatedHttpRequest) -> QuerySet[Session]:
    return (
        Session.objects.filter(event__in=Event.objects.visible_to(request.user))
        .exclude(kind__in=NOT_DISCUSSIONS)
        .select_related("event", "day")
        .order_by("-day__date", "start", "pk")
    )


def _orgs(ids: set[int]) -> QuerySet[Organisation]:
    return Organisation.objects.filter(pk__in=ids).order_by("name")


# --- recommendations ------------------------------------------------------------------------------


@login_required
@require_GET
def recommendation_index(request: AuthenticatedHttpRequest) -> HttpResponse:
    check_may_read(request.user)
    country = request.GET.get("country", "")
    theme = request.GET.get("theme", "")
    source = request.GET.get("source", "")
    found = recommendation_list(
        request.user,
        country=country if is_country(country.upper()) else "",
        theme=theme if theme in Theme.values else "",
        source=source if source in SourceKind.values else "",
    )
    rows = [(r, status_of(r.measures.all())) for r in found]
    context = {
        "rows": rows,
        "themes": Theme.choices,
        "sources": SourceKind.choices,
        "countries": countries_with_plans(request.user),
        "chosen": {"country": country.upper(), "theme": theme, "source": source},
        "may_record": may_record_recommendations(request.user),
    }
    return render(request, "actionplans/recommendation_list.html", context)


@login_required
@require_GET
def recommendation_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    recommendation = get_recommendation_for(request.user, pk)
    measures = answering_measures(request.user, recommendation)
    context = {
        "recommendation": recommendation,
        "measures": measures,
        "status": status_of(m.measure for m in measures),
        "may_edit": may_edit_recommendation(request.user, recommendation),
    }
    return render(request, "actionplans/recommendation_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def recommendation_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not may_record_recommendations(request.user):
        raise NotAllowed
    form = RecommendationForm(
        request.POST or None,
        organisations=_orgs(recommendation_org_ids(request.user)),
        sessions=_sessions(request),
    )
    made: list[Recommendation] = []

    def save() -> None:
        data = form.cleaned_data
        made.append(
            recommendation_create(
                by=request.user,
                organisation=data["organisation"],
                source_kind=data["source_kind"],
                session=data["session"],
                report_title=data["report_title"],
                report_publisher=data["report_publisher"],
                report_year=data["report_year"],
                report_reference=data["report_reference"],
                assessment_reference=data["assessment_reference"],
                reference=data["reference"],
                text=data["text"],
                language=data["language"].strip().lower(),
                themes=data["themes"],
                addressee_country=data["addressee_country"],
                addressee_kind=data["addressee_kind"],
                addressee_organisation=data["addressee_organisation"],
                addressee_municipality=data["addressee_municipality"],
                addressee_name=data["addressee_name"],
            )
        )

    saved = form_saved(
        request, form, save, then="actionplans:recommendations", done=_("The recommendation is recorded.")
    )
    if saved is not None:
        return redirect("actionplans:recommendation", made[0].pk)
    return render(request, "actionplans/form.html", {"form": form, "title": _("Record a recommendation")})


@login_required
@require_http_methods(["GET", "POST"])
def session_conclusions(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Pick an event session (a round table) and enter its conclusions, each a recommendation."""
    if not may_record_recommendations(request.user):
        raise NotAllowed
    sessions = _sessions(request)
    chosen = whole_number(request.GET.get("session", ""))
    initial = {"session": chosen} if chosen is not None else {}
    form = SessionConclusionsForm(
        request.POST or None,
        initial=initial,
        organisations=_orgs(recommendation_org_ids(request.user)),
        sessions=sessions,
    )

    def save() -> None:
        data = form.cleaned_data
        session_conclusions_record(
            by=request.user,
            organisation=data["organisation"],
            session=data["session"],
            conclusions=data["conclusions"],
            themes=data["themes"],
            addressee_country=data["addressee_country"],
            addressee_kind=data["addressee_kind"],
            addressee_organisation=data["addressee_organisation"],
            addressee_municipality=data["addressee_municipality"],
            addressee_name=data["addressee_name"],
        )

    saved = form_saved(
        request,
        form,
        save,
        then="actionplans:recommendations",
        done=_("The conclusions are recorded as recommendations."),
    )
    return saved or render(
        request, "actionplans/form.html", {"form": form, "title": _("Record a session's conclusions")}
    )


# --- plans ---------------------------------------------------------------------------------------------


@login_required
@require_GET
def plan_index(request: AuthenticatedHttpRequest) -> HttpResponse:
    check_may_read(request.user)
    country = request.GET.get("country", "").upper()
    context = {
        "plans": plan_list(request.user, country=country if is_country(country) else ""),
        "countries": countries_with_plans(request.user),
        "chosen": country,
        "may_create": may_keep_plans(request.user),
    }
    return render(request, "actionplans/plan_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def plan_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not may_keep_plans(request.user):
        raise NotAllowed
    form = PlanForm(request.POST or None, owners=_orgs(plan_org_ids(request.user)))
    made: list[Any] = []

    def save() -> None:
        data = form.cleaned_data
        made.append(
            plan_create(
                by=request.user,
                owner=data["owner"],
                level=data["level"],
                country=data["country"],
                municipality=data["municipality"],
                title=data["title"],
                description=data["description"],
                period_start=data["period_start"],
                period_end=data["period_end"],
            )
        )

    if form_saved(request, form, save, then="actionplans:plans", done=_("The plan is created as a draft.")):
        return redirect("actionplans:plan", made[0].pk)
    return render(request, "actionplans/form.html", {"form": form, "title": _("New action plan")})


def _plan_context(request: AuthenticatedHttpRequest, pk: int) -> dict[str, Any]:
    plan = get_plan_for(request.user, pk)
    return {
        "plan": plan,
        "dashboard": plan_dashboard(request.user, plan),
        "may_edit": may_edit_plan(request.user, plan),
        "status_form": PlanStatusForm(initial={"status": plan.status}),
        "today": timezone.localdate(),
    }


@login_required
@require_GET
def plan_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return render(request, "actionplans/plan_detail.html", _plan_context(request, pk))


@login_required
@require_GET
def plan_dashboard_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return render(request, "actionplans/plan_dashboard.html", _plan_context(request, pk))


@login_required
@require_GET
def plan_print(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The plan as a report laid out to be printed (or saved as PDF by the browser)."""
    return render(request, "actionplans/plan_print.html", _plan_context(request, pk))


@login_required
@require_GET
def plan_export(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    plan = get_plan_for(request.user, pk)
    response = HttpResponse(plan_xlsx(plan), content_type=XLSX_CONTENT_TYPE)
    name = slugify(plan.title)[:60] or "action-plan"
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response


@login_required
@require_POST
def plan_status_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    plan = get_plan_for(request.user, pk, write=True)
    form = PlanStatusForm(request.POST)
    if form.is_valid():
        plan_status_set(by=request.user, plan=plan, status=form.cleaned_data["status"])
        messages.success(request, _("The plan's status is saved."))
    else:
        messages.error(request, _("Choose draft, adopted or closed."))
    return redirect("actionplans:plan", plan.pk)


@login_required
@require_POST
def plan_refresh(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    plan = get_plan_for(request.user, pk, write=True)
    count = indicators_refresh(by=request.user, plan=plan)
    messages.success(request, _("Computed indicators counted again: %(count)d.") % {"count": count})
    return redirect("actionplans:dashboard", plan.pk)


@login_required
@require_GET
def country_view(request: AuthenticatedHttpRequest, country: str) -> HttpResponse:
    check_may_read(request.user)
    if not is_country(country.upper()):
        raise NotAllowed
    context = {
        "board": country_dashboard(request.user, country),
        "countries": countries_with_plans(request.user),
    }
    return render(request, "actionplans/country.html", context)


# --- measures ------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def measure_new(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    plan = get_plan_for(request.user, pk, write=True)
    recommendations = Recommendation.objects.visible_to(request.user).filter(addressee_country=plan.country)
    form = MeasureForm(
        request.POST or None, recommendations=recommendations, initial={"responsible": plan.owner}
    )
    made: list[Any] = []

    def save() -> None:
        data = form.cleaned_data
        made.append(
            measure_create(
                by=request.user,
                plan=plan,
                title=data["title"],
                description=data["description"],
                responsible=data["responsible"],
                partners=list(data["partners"]),
                start_date=data["start_date"],
                target_date=data["target_date"],
                budget_amount=data["budget_amount"],
                budget_currency=data["budget_currency"],
                answers=list(data["answers"]),
                report_every_months=data["report_every_months"],
            )
        )

    if form_saved(request, form, save, then="actionplans:plans", done=_("The measure is added.")):
        return redirect("actionplans:measure", made[0].pk)
    return render(request, "actionplans/form.html", {"form": form, "title": _("New measure"), "plan": plan})


@login_required
@require_GET
def measure_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    measure = get_measure_for(request.user, pk)
    context = {
        "measure": measure,
        "plan": measure.plan,
        "indicators": list(measure.indicators.all()),
        "reports": measure_reports(measure),
        "answers": [(r, status_of(r.measures.all())) for r in measure.answers.prefetch_related("measures")],
        "partners": measure.partners.all(),
        "may_edit": may_edit_plan(request.user, measure.plan),
        "status_form": MeasureStatusForm(initial={"status": measure.status}),
    }
    return render(request, "actionplans/measure_detail.html", context)


@login_required
@require_POST
def measure_status_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    measure = get_measure_for(request.user, pk, write=True)
    form = MeasureStatusForm(request.POST)
    if form.is_valid():
        try:
            measure_status_set(
                by=request.user,
                measure=measure,
                status=form.cleaned_data["status"],
                drop_reason=form.cleaned_data["drop_reason"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The measure's status is saved."))
    else:
        messages.error(request, _("Choose a status from the list."))
    return redirect("actionplans:measure", measure.pk)


@login_required
@require_http_methods(["GET", "POST"])
def indicator_new(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    measure = get_measure_for(request.user, pk, write=True)
    form = IndicatorForm(request.POST or None)

    def save() -> None:
        data = form.cleaned_data
        indicator_add(
            by=request.user,
            measure=measure,
            source=data["source"],
            name=data["name"],
            unit=data["unit"],
            figure=data["figure"],
            baseline=data["baseline"],
            baseline_year=data["baseline_year"],
            target=data["target"],
            year_from=data["year_from"],
            year_to=data["year_to"],
        )

    then = reverse("actionplans:measure", args=[measure.pk])
    return form_saved(request, form, save, then=then, done=_("The indicator is added.")) or render(
        request, "actionplans/form.html", {"form": form, "title": _("New indicator"), "measure": measure}
    )


@login_required
@require_http_methods(["GET", "POST"])
def report_new(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    measure = get_measure_for(request.user, pk, write=True)
    indicators = list(measure.indicators.all())
    form = ProgressReportForm(
        request.POST or None,
        request.FILES or None,
        indicators=indicators,
        initial={"date": timezone.localdate(), "status": measure.status},
    )

    def save() -> None:
        data = form.cleaned_data
        progress_report_add(
            by=request.user,
            measure=measure,
            date=data["date"],
            text=data["text"],
            status=data["status"],
            drop_reason=data["drop_reason"],
            values=form.values(),
            files=data["evidence"],
        )

    then = reverse("actionplans:measure", args=[measure.pk])
    context = {
        "form": form,
        "title": _("Progress report"),
        "measure": measure,
        "computed": [i for i in indicators if i.is_computed],
        "multipart": True,
    }
    return form_saved(request, form, save, then=then, done=_("The progress report is saved.")) or render(
        request, "actionplans/form.html", context
    )


@login_required
@require_GET
def evidence_download(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    # The URL takes any run of digits; one beyond a database integer is nobody's file.
    evidence = (
        Evidence.objects.select_related("report__measure").filter(pk__in=[pk] if pk < 2**63 else []).first()
    )
    if evidence is None:
        raise NotAllowed
    get_measure_for(request.user, evidence.report.measure_id)
    with evidence.file.open("rb") as stored:
        data = stored.read()
    return document_response(data, evidence)
