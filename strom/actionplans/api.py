"""/api/v1/action-plans: recommendations and the action plans whose measures answer them, with the same
access functions and services as the pages. A computed indicator's values are read-only here too: a
progress report that gives one is refused (400)."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from strom.actionplans.access import (
    check_may_read,
    get_measure_for,
    get_plan_for,
    get_recommendation_for,
)
from strom.actionplans.exports import plan_json, plan_xlsx
from strom.actionplans.models import (
    ActionPlan,
    AddresseeKind,
    Evidence,
    Indicator,
    IndicatorSource,
    Measure,
    MeasureStatus,
    PlanLevel,
    PlanStatus,
    ProgressReport,
    Recommendation,
    SourceKind,
)
from strom.actionplans.selectors import (
    answering_measures,
    country_dashboard,
    due_of,
    measure_reports,
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
from strom.api.auth import api_user
from strom.api.pagination import PageNumberPagination
from strom.core.countries import is_country
from strom.core.downloads import document_response
from strom.core.errors import NotAllowed
from strom.core.spreadsheets import XLSX_CONTENT_TYPE
from strom.core.vocabulary import Theme
from strom.directory.models import Municipality, Organisation
from strom.events.models import Event, Session

router = Router(tags=["action-plans"])


class RecommendationOut(Schema):
    id: int
    source_kind: SourceKind
    source: str
    session_id: int | None
    report_title: str
    report_publisher: str
    report_year: int | None
    report_reference: str
    assessment_reference: str
    reference: str
    text: str
    language: str
    themes: list[str]
    addressee_country: str
    addressee_kind: AddresseeKind
    addressee: str
    addressee_organisation_id: int | None
    addressee_municipality_id: int | None
    organisation_id: int
    status: str

    @staticmethod
    def resolve_status(obj: Recommendation) -> str:
        return str(status_of(obj.measures.all()).value)


class RecommendationIn(Schema):
    organisation_id: int = Field(description="The organisation that records and keeps it")
    source_kind: SourceKind
    session_id: int | None = None
    report_title: str = Field("", max_length=300)
    report_publisher: str = Field("", max_length=300)
    report_year: int | None = None
    report_reference: str = Field("", max_length=500)
    assessment_reference: str = Field("", max_length=300)
    reference: str = Field("", max_length=40)
    text: str = Field(max_length=20_000)
    language: str = Field("en", max_length=3)
    themes: list[Theme] = []
    addressee_country: str = Field(max_length=2)
    addressee_kind: AddresseeKind
    addressee_organisation_id: int | None = None
    addressee_municipality_id: int | None = None
    addressee_name: str = Field("", max_length=300)


class SessionConclusionsIn(Schema):
    organisation_id: int
    conclusions: list[str] = Field(max_length=100, description="One recommendation each")
    themes: list[Theme] = []
    addressee_country: str = Field(max_length=2)
    addressee_kind: AddresseeKind
    addressee_organisation_id: int | None = None
    addressee_municipality_id: int | None = None
    addressee_name: str = Field("", max_length=300)


class PlanIndicatorOut(Schema):
    id: int
    name: str
    unit: str
    source: IndicatorSource
    figure: str
    baseline: Decimal | None
    baseline_withheld: bool
    baseline_year: int | None
    target: Decimal | None
    current: Decimal | None = Field(description="None when withheld by disclosure control or not reported")
    current_withheld: bool
    computed_at: dt.datetime | None


class PlanMeasureOut(Schema):
    id: int
    plan_id: int
    title: str
    description: str
    responsible_id: int
    partner_ids: list[int]
    start_date: dt.date
    target_date: dt.date
    budget_amount: Decimal | None
    budget_currency: str
    status: MeasureStatus
    drop_reason: str
    answers: list[int]
    report_every_months: int
    next_report_due: dt.date | None
    indicators: list[PlanIndicatorOut]

    @staticmethod
    def resolve_partner_ids(obj: Measure) -> list[int]:
        return [p.pk for p in obj.partners.all()]

    @staticmethod
    def resolve_answers(obj: Measure) -> list[int]:
        return [r.pk for r in obj.answers.all()]

    @staticmethod
    def resolve_next_report_due(obj: Measure) -> dt.date | None:
        return due_of(obj)

    @staticmethod
    def resolve_indicators(obj: Measure) -> list[Indicator]:
        return list(obj.indicators.all())


class ActionPlanOut(Schema):
    id: int
    level: PlanLevel
    country: str
    municipality_id: int | None
    owner_id: int
    title: str
    description: str
    period_start: dt.date
    period_end: dt.date
    status: PlanStatus


class ActionPlanDetailOut(ActionPlanOut):
    measures: list[PlanMeasureOut]

    @staticmethod
    def resolve_measures(obj: ActionPlan) -> list[Measure]:
        return list(
            obj.measures.prefetch_related("partners", "answers", "indicators").order_by("start_date", "pk")
        )


class ActionPlanIn(Schema):
    owner_id: int
    level: PlanLevel
    country: str = Field(max_length=2)
    municipality_id: int | None = None
    title: str = Field(max_length=300)
    description: str = ""
    period_start: dt.date
    period_end: dt.date


class PlanStatusIn(Schema):
    status: PlanStatus


class PlanMeasureIn(Schema):
    title: str = Field(max_length=500)
    description: str = ""
    responsible_id: int
    partner_ids: list[int] = []
    start_date: dt.date
    target_date: dt.date
    budget_amount: Decimal | None = Field(None, max_digits=14, decimal_places=2)
    budget_currency: str = Field("EUR", max_length=3)
    answers: list[int] = Field([], description="Recommendation ids the measure answers")
    report_every_months: int = Field(3, ge=1, le=24)


class MeasureStatusIn(Schema):
    status: MeasureStatus
    drop_reason: str = ""


class PlanIndicatorIn(Schema):
    source: IndicatorSource
    name: str = Field("", max_length=300)
    unit: str = Field("", max_length=60)
    figure: str = Field(
        "", max_length=40, description="A computed indicator's figure (see docs/action-plans.md)"
    )
    baseline: Decimal | None = Field(None, description="Reported indicators only")
    baseline_year: int | None = None
    target: Decimal | None = None
    year_from: int | None = None
    year_to: int | None = None


class IndicatorValueIn(Schema):
    indicator_id: int
    value: Decimal


class ProgressReportIn(Schema):
    date: dt.date
    text: str = Field(max_length=20_000)
    status: MeasureStatus | None = None
    drop_reason: str = ""
    values: list[IndicatorValueIn] = Field([], description="Reported indicators only")


class IndicatorValueOut(Schema):
    indicator_id: int
    value: Decimal | None
    withheld: bool
    computed: bool


class EvidenceOut(Schema):
    id: int
    original_name: str
    content_type: str
    size: int


class ProgressReportOut(Schema):
    id: int
    measure_id: int
    date: dt.date
    text: str
    status: MeasureStatus
    values: list[IndicatorValueOut]
    evidence: list[EvidenceOut]

    @staticmethod
    def resolve_values(obj: ProgressReport) -> list[Any]:
        return list(obj.values.all())

    @staticmethod
    def resolve_evidence(obj: ProgressReport) -> list[Any]:
        return list(obj.evidence.all())


class MeasureProgressOut(Schema):
    measure: PlanMeasureOut
    plan_title: str
    progress: int | None
    last_report: dt.date | None
    overdue: bool


class CountByStatusOut(Schema):
    status: str
    label: str
    count: int


class CountryPlanOut(Schema):
    plan: ActionPlanOut
    measures: int
    done: int
    overdue_reports: int


class CountryDashboardOut(Schema):
    country: str
    recommendations: list[CountByStatusOut]
    measures: list[CountByStatusOut]
    plans: list[CountryPlanOut]


# Ids beyond a database integer are nobody's: asked for, they would make the query fail.
MAX_ID = 2**63 - 1


def _ids(pks: list[int]) -> list[int]:
    return [pk for pk in pks if 0 < pk <= MAX_ID]


def _organisation(pk: int | None) -> Organisation | None:
    if pk is None:
        return None
    found = Organisation.objects.filter(pk__in=_ids([pk])).first()
    if found is None:
        raise ValidationError({"organisation": [_("There is no organisation with this id.")]})
    return found


def _municipality(pk: int | None) -> Municipality | None:
    if pk is None:
        return None
    found = Municipality.objects.filter(pk__in=_ids([pk])).first()
    if found is None:
        raise ValidationError({"municipality": [_("There is no municipality with this id.")]})
    return found


def _session(user: Any, pk: int) -> Session:
    session = Session.objects.filter(pk__in=_ids([pk]), event__in=Event.objects.visible_to(user)).first()
    if session is None:
        raise NotAllowed
    return session


# --- recommendations ------------------------------------------------------------------------------


@router.get("/recommendations", response=list[RecommendationOut], url_name="actionplans_recommendations")
@paginate(PageNumberPagination)
def list_recommendations(
    request: HttpRequest, country: str = "", theme: str = "", source: str = ""
) -> QuerySet[Recommendation]:
    user = api_user(request)
    check_may_read(user)
    return recommendation_list(user, country=country, theme=theme, source=source)


@router.post(
    "/recommendations", response={201: RecommendationOut}, url_name="actionplans_recommendation_create"
)
def create_recommendation(request: HttpRequest, payload: RecommendationIn) -> Status[Recommendation]:
    user = api_user(request)
    organisation = _organisation(payload.organisation_id)
    assert organisation is not None
    recommendation = recommendation_create(
        by=user,
        organisation=organisation,
        source_kind=payload.source_kind.value,
        session=_session(user, payload.session_id) if payload.session_id else None,
        report_title=payload.report_title,
        report_publisher=payload.report_publisher,
        report_year=payload.report_year,
        report_reference=payload.report_reference,
        assessment_reference=payload.assessment_reference,
        reference=payload.reference,
        text=payload.text,
        language=payload.language,
        themes=[t.value for t in payload.themes],
        addressee_country=payload.addressee_country,
        addressee_kind=payload.addressee_kind.value,
        addressee_organisation=_organisation(payload.addressee_organisation_id),
        addressee_municipality=_municipality(payload.addressee_municipality_id),
        addressee_name=payload.addressee_name,
    )
    return Status(201, recommendation)


@router.post(
    "/sessions/{session_id}/recommendations",
    response={201: list[RecommendationOut]},
    url_name="actionplans_session_conclusions",
)
def record_session_conclusions(
    request: HttpRequest, session_id: int, payload: SessionConclusionsIn
) -> Status[list[Recommendation]]:
    user = api_user(request)
    organisation = _organisation(payload.organisation_id)
    assert organisation is not None
    made = session_conclusions_record(
        by=user,
        organisation=organisation,
        session=_session(user, session_id),
        conclusions=payload.conclusions,
        themes=[t.value for t in payload.themes],
        addressee_country=payload.addressee_country,
        addressee_kind=payload.addressee_kind.value,
        addressee_organisation=_organisation(payload.addressee_organisation_id),
        addressee_municipality=_municipality(payload.addressee_municipality_id),
        addressee_name=payload.addressee_name,
    )
    return Status(201, made)


@router.get(
    "/recommendations/{recommendation_id}", response=RecommendationOut, url_name="actionplans_recommendation"
)
def get_recommendation(request: HttpRequest, recommendation_id: int) -> Recommendation:
    return get_recommendation_for(api_user(request), recommendation_id)


@router.get(
    "/recommendations/{recommendation_id}/measures",
    response=list[MeasureProgressOut],
    url_name="actionplans_recommendation_measures",
)
def recommendation_measures(request: HttpRequest, recommendation_id: int) -> list[dict[str, Any]]:
    user = api_user(request)
    recommendation = get_recommendation_for(user, recommendation_id)
    # Rows as mappings: ninja validates the measure through PlanMeasureOut's resolvers.
    return [
        {
            "measure": row.measure,
            "plan_title": row.measure.plan.title,
            "progress": row.progress,
            "last_report": row.last_report,
            "overdue": row.overdue,
        }
        for row in answering_measures(user, recommendation)
    ]


# --- plans ---------------------------------------------------------------------------------------------


@router.get("/plans", response=list[ActionPlanOut], url_name="actionplans_plans")
@paginate(PageNumberPagination)
def list_plans(request: HttpRequest, country: str = "") -> QuerySet[ActionPlan]:
    user = api_user(request)
    check_may_read(user)
    return plan_list(user, country=country)


@router.post("/plans", response={201: ActionPlanOut}, url_name="actionplans_plan_create")
def create_plan(request: HttpRequest, payload: ActionPlanIn) -> Status[ActionPlan]:
    user = api_user(request)
    owner = _organisation(payload.owner_id)
    assert owner is not None
    plan = plan_create(
        by=user,
        owner=owner,
        level=payload.level.value,
        country=payload.country,
        municipality=_municipality(payload.municipality_id),
        title=payload.title,
        description=payload.description,
        period_start=payload.period_start,
        period_end=payload.period_end,
    )
    return Status(201, plan)


@router.get("/plans/{plan_id}", response=ActionPlanDetailOut, url_name="actionplans_plan")
def get_plan(request: HttpRequest, plan_id: int) -> ActionPlan:
    return get_plan_for(api_user(request), plan_id)


@router.get(
    "/plans/{plan_id}/export",
    url_name="actionplans_plan_export",
    openapi_extra={
        "responses": {
            200: {
                "description": "The plan as XLSX (format=xlsx) or JSON (format=json)",
                "content": {XLSX_CONTENT_TYPE: {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def export_plan(request: HttpRequest, plan_id: int, format: str = "xlsx") -> HttpResponse:
    import json

    plan = get_plan_for(api_user(request), plan_id)
    name = slugify(plan.title)[:60] or "action-plan"
    if format == "json":
        response = HttpResponse(
            json.dumps(plan_json(plan), ensure_ascii=False), content_type="application/json"
        )
    elif format == "xlsx":
        response = HttpResponse(plan_xlsx(plan), content_type=XLSX_CONTENT_TYPE)
    else:
        raise ValidationError({"format": [_("Choose xlsx or json.")]})
    response["Content-Disposition"] = f'attachment; filename="{name}.{format}"'
    return response


@router.post("/plans/{plan_id}/status", response=ActionPlanOut, url_name="actionplans_plan_status")
def set_plan_status(request: HttpRequest, plan_id: int, payload: PlanStatusIn) -> ActionPlan:
    user = api_user(request)
    return plan_status_set(by=user, plan=get_plan_for(user, plan_id, write=True), status=payload.status.value)


@router.post("/plans/{plan_id}/refresh", response=ActionPlanDetailOut, url_name="actionplans_plan_refresh")
def refresh_plan(request: HttpRequest, plan_id: int) -> ActionPlan:
    """Count every computed indicator of the plan again from STROM's cases."""
    user = api_user(request)
    plan = get_plan_for(user, plan_id, write=True)
    indicators_refresh(by=user, plan=plan)
    return plan


@router.post(
    "/plans/{plan_id}/measures", response={201: PlanMeasureOut}, url_name="actionplans_measure_create"
)
def create_measure(request: HttpRequest, plan_id: int, payload: PlanMeasureIn) -> Status[Measure]:
    user = api_user(request)
    plan = get_plan_for(user, plan_id, write=True)
    responsible = _organisation(payload.responsible_id)
    assert responsible is not None
    partners = list(Organisation.objects.filter(pk__in=_ids(payload.partner_ids)))
    answers = list(Recommendation.objects.visible_to(user).filter(pk__in=_ids(payload.answers)))
    if len(answers) != len(set(payload.answers)):
        raise ValidationError({"answers": [_("Give the ids of recommendations that exist.")]})
    measure = measure_create(
        by=user,
        plan=plan,
        title=payload.title,
        description=payload.description,
        responsible=responsible,
        partners=partners,
        start_date=payload.start_date,
        target_date=payload.target_date,
        budget_amount=payload.budget_amount,
        budget_currency=payload.budget_currency,
        answers=answers,
        report_every_months=payload.report_every_months,
    )
    return Status(201, measure)


@router.get("/countries/{country}", response=CountryDashboardOut, url_name="actionplans_country")
def get_country(request: HttpRequest, country: str) -> CountryDashboardOut:
    user = api_user(request)
    check_may_read(user)
    if not is_country(country.upper()):
        raise NotAllowed
    board = country_dashboard(user, country)
    return CountryDashboardOut(
        country=board.country,
        recommendations=[
            CountByStatusOut(status=s, label=label, count=n) for s, label, n in board.recommendations
        ],
        measures=[
            CountByStatusOut(status=s, label=label, count=n) for s, label, n in board.measures_by_status
        ],
        plans=[
            CountryPlanOut(
                plan=ActionPlanOut.model_validate(p, from_attributes=True),
                measures=total,
                done=done,
                overdue_reports=overdue,
            )
            for p, total, done, overdue in board.plans
        ],
    )


# --- measures ------------------------------------------------------------------------------------------


@router.get("/measures/{measure_id}", response=PlanMeasureOut, url_name="actionplans_measure")
def get_measure(request: HttpRequest, measure_id: int) -> Measure:
    return get_measure_for(api_user(request), measure_id)


@router.post("/measures/{measure_id}/status", response=PlanMeasureOut, url_name="actionplans_measure_status")
def set_measure_status(request: HttpRequest, measure_id: int, payload: MeasureStatusIn) -> Measure:
    user = api_user(request)
    measure = get_measure_for(user, measure_id, write=True)
    return measure_status_set(
        by=user, measure=measure, status=payload.status.value, drop_reason=payload.drop_reason
    )


@router.post(
    "/measures/{measure_id}/indicators",
    response={201: PlanIndicatorOut},
    url_name="actionplans_indicator_create",
)
def create_indicator(request: HttpRequest, measure_id: int, payload: PlanIndicatorIn) -> Status[Indicator]:
    user = api_user(request)
    measure = get_measure_for(user, measure_id, write=True)
    indicator = indicator_add(
        by=user,
        measure=measure,
        source=payload.source.value,
        name=payload.name,
        unit=payload.unit,
        figure=payload.figure,
        baseline=payload.baseline,
        baseline_year=payload.baseline_year,
        target=payload.target,
        year_from=payload.year_from,
        year_to=payload.year_to,
    )
    return Status(201, indicator)


@router.get(
    "/measures/{measure_id}/reports", response=list[ProgressReportOut], url_name="actionplans_reports"
)
def list_reports(request: HttpRequest, measure_id: int) -> list[ProgressReport]:
    return measure_reports(get_measure_for(api_user(request), measure_id))


@router.post(
    "/measures/{measure_id}/reports", response={201: ProgressReportOut}, url_name="actionplans_report_create"
)
def create_report(request: HttpRequest, measure_id: int, payload: ProgressReportIn) -> Status[ProgressReport]:
    """A progress report without files (evidence is uploaded on the page)."""
    user = api_user(request)
    measure = get_measure_for(user, measure_id, write=True)
    report = progress_report_add(
        by=user,
        measure=measure,
        date=payload.date,
        text=payload.text,
        status=payload.status.value if payload.status else None,
        drop_reason=payload.drop_reason,
        values={v.indicator_id: v.value for v in payload.values},
    )
    return Status(201, report)


@router.get(
    "/evidence/{evidence_id}",
    url_name="actionplans_evidence",
    openapi_extra={"responses": {200: {"description": "The file as it was attached"}}},
)
def download_evidence(request: HttpRequest, evidence_id: int) -> HttpResponse:
    user = api_user(request)
    evidence = Evidence.objects.select_related("report").filter(pk__in=_ids([evidence_id])).first()
    if evidence is None:
        raise NotAllowed
    get_measure_for(user, evidence.report.measure_id)
    with evidence.file.open("rb") as stored:
        return document_response(stored.read(), evidence)
