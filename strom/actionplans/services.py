"""Writes for recommendations and action plans. Each checks who may, validates first, runs in one
transaction and writes its audit entry. `by` is the member acting, or a named system job (the reminder
job, the demo), which the access rules do not apply to.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from strom.actionplans import figures
from strom.actionplans.access import (
    check_may_keep_plans_for,
    check_may_record_for,
    may_edit_plan,
)
from strom.actionplans.models import (
    ActionPlan,
    AddresseeKind,
    Evidence,
    Indicator,
    IndicatorSource,
    IndicatorValue,
    Measure,
    MeasureStatus,
    PlanLevel,
    PlanStatus,
    ProgressReport,
    Recommendation,
    SourceKind,
)
from strom.audit.actors import SystemActor
from strom.audit.services import audit_record
from strom.casefile.filetypes import check_upload
from strom.core.countries import is_country
from strom.core.errors import NotAllowed
from strom.core.roles import OrgType
from strom.core.vocabulary import Theme

if TYPE_CHECKING:
    from strom.accounts.models import User
    from strom.directory.models import Municipality, Organisation
    from strom.events.models import Session

CURRENCY = re.compile(r"^[A-Z]{3}$")
MAX_EVIDENCE_FILES = 10


def _is_person(by: User | SystemActor) -> bool:
    return not isinstance(by, SystemActor)


def _check_plan(by: User | SystemActor, plan: ActionPlan) -> None:
    if _is_person(by) and not may_edit_plan(by, plan):  # type: ignore[arg-type]  # a User here
        raise NotAllowed


# --- recommendations ------------------------------------------------------------------------------


def _clean_addressee(
    errors: dict[str, list[str]],
    *,
    country: str,
    kind: str,
    organisation: Organisation | None,
    municipality: Municipality | None,
    name: str,
) -> None:
    if not is_country(country):
        errors["addressee_country"] = [_("Choose the country the recommendation is addressed to.")]
    if kind not in AddresseeKind.values:
        errors["addressee_kind"] = [_("Choose a ministry, a municipality or an organisation.")]
    if municipality is not None and municipality.country != country:
        errors["addressee_municipality"] = [_("The municipality is not in the country addressed.")]
    if kind == AddresseeKind.MUNICIPALITY and municipality is None and not name:
        errors["addressee_municipality"] = [_("Choose the municipality, or write its name.")]
    if kind == AddresseeKind.ORGANISATION and organisation is None and not name:
        errors["addressee_organisation"] = [_("Choose the organisation, or write its name.")]


def _clean_themes(errors: dict[str, list[str]], themes: list[str]) -> list[str]:
    unknown = [t for t in themes if t not in Theme.values]
    if unknown:
        errors["themes"] = [_("Choose themes from the list.")]
    return sorted(set(themes) - set(unknown))


def _clean_source(
    errors: dict[str, list[str]],
    *,
    source_kind: str,
    session: Session | None,
    report_title: str,
    report_year: int | None,
    assessment_reference: str,
) -> None:
    if source_kind not in SourceKind.values:
        errors["source_kind"] = [_("Choose where the recommendation comes from.")]
    elif source_kind == SourceKind.SESSION and session is None:
        errors["session"] = [_("Choose the event session whose conclusion this is.")]
    elif source_kind == SourceKind.REPORT and not report_title.strip():
        errors["report_title"] = [_("Give the report's title.")]
    elif source_kind == SourceKind.ASSESSMENT and not assessment_reference.strip():
        errors["assessment_reference"] = [_("Say which baseline assessment it comes from.")]
    if report_year is not None and not 1990 <= report_year <= timezone.localdate().year + 1:
        errors["report_year"] = [_("Give the year the report was published.")]


def _clean_text(errors: dict[str, list[str]], *, text: str, language: str) -> None:
    if not text:
        errors["text"] = [_("Write the recommendation.")]
    if not re.fullmatch(r"[a-z]{2,3}", language):
        errors["language"] = [_("Write the language as an ISO 639 code, for example en.")]


@transaction.atomic
def recommendation_create(
    *,
    by: User | SystemActor,
    organisation: Organisation,
    source_kind: str,
    text: str,
    addressee_country: str,
    addressee_kind: str,
    session: Session | None = None,
    report_title: str = "",
    report_publisher: str = "",
    report_year: int | None = None,
    report_reference: str = "",
    assessment_reference: str = "",
    reference: str = "",
    language: str = "en",
    themes: list[str] | None = None,
    addressee_organisation: Organisation | None = None,
    addressee_municipality: Municipality | None = None,
    addressee_name: str = "",
) -> Recommendation:
    """Record one recommendation, kept by `organisation`."""
    if _is_person(by):
        check_may_record_for(by, organisation.pk)  # type: ignore[arg-type]  # a User here
    errors: dict[str, list[str]] = {}
    text = text.strip()
    addressee_country = addressee_country.strip().upper()
    addressee_name = " ".join(addressee_name.split())
    _clean_text(errors, text=text, language=language)
    _clean_source(
        errors,
        source_kind=source_kind,
        session=session,
        report_title=report_title,
        report_year=report_year,
        assessment_reference=assessment_reference,
    )
    _clean_addressee(
        errors,
        country=addressee_country,
        kind=addressee_kind,
        organisation=addressee_organisation,
        municipality=addressee_municipality,
        name=addressee_name,
    )
    clean_themes = _clean_themes(errors, themes or [])
    if errors:
        raise ValidationError(errors)
    report = source_kind == SourceKind.REPORT
    recommendation = Recommendation(
        source_kind=source_kind,
        session=session if source_kind == SourceKind.SESSION else None,
        report_title=report_title.strip() if report else "",
        report_publisher=report_publisher.strip() if report else "",
        report_year=report_year if report else None,
        report_reference=report_reference.strip() if report else "",
        assessment_reference=assessment_reference.strip() if source_kind == SourceKind.ASSESSMENT else "",
        reference=reference.strip(),
        text=text,
        language=language,
        themes=clean_themes,
        addressee_country=addressee_country,
        addressee_kind=addressee_kind,
        addressee_organisation=addressee_organisation,
        addressee_municipality=addressee_municipality,
        addressee_name=addressee_name,
        organisation=organisation,
    )
    recommendation.save(force_insert=True)
    audit_record(
        actor=by,
        action="recommendation.create",
        object_type="recommendation",
        object_ref=recommendation.pk,
        organisation_id=organisation.pk,
        details={"source": source_kind, "session": session.pk if session else None},
    )
    return recommendation


@transaction.atomic
def session_conclusions_record(
    *,
    by: User | SystemActor,
    organisation: Organisation,
    session: Session,
    conclusions: list[str],
    addressee_country: str,
    addressee_kind: str,
    themes: list[str] | None = None,
    addressee_organisation: Organisation | None = None,
    addressee_municipality: Municipality | None = None,
    addressee_name: str = "",
    language: str = "en",
) -> list[Recommendation]:
    """A round table's (or any session's) conclusions, one recommendation each, all or none."""
    texts = [" ".join(c.split()) for c in conclusions if c.strip()]
    if not texts:
        raise ValidationError({"conclusions": [_("Write at least one conclusion, one a paragraph.")]})
    made = []
    for number, text in enumerate(texts, start=1):
        made.append(
            recommendation_create(
                by=by,
                organisation=organisation,
                source_kind=SourceKind.SESSION,
                session=session,
                text=text,
                reference=str(number),
                language=language,
                themes=themes,
                addressee_country=addressee_country,
                addressee_kind=addressee_kind,
                addressee_organisation=addressee_organisation,
                addressee_municipality=addressee_municipality,
                addressee_name=addressee_name,
            )
        )
    return made


# --- plans ---------------------------------------------------------------------------------------------


def _clean_plan(
    *,
    owner: Organisation,
    level: str,
    country: str,
    municipality: Municipality | None,
    title: str,
    period_start: dt.date,
    period_end: dt.date,
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if level not in PlanLevel.values:
        errors["level"] = [_("Choose national, municipal or an organisation's plan.")]
    if not is_country(country):
        errors["country"] = [_("Choose the plan's country.")]
    if not title.strip():
        errors["title"] = [_("Enter a title.")]
    if period_end < period_start:
        errors["period_end"] = [_("The plan cannot end before it starts.")]
    if level == PlanLevel.NATIONAL and owner.org_type != OrgType.NATIONAL_COORDINATOR:
        errors["owner"] = [_("A national plan is kept by the national coordinator's office.")]
    if level == PlanLevel.MUNICIPAL and municipality is None:
        errors["municipality"] = [_("Choose the municipality of a municipal plan.")]
    if municipality is not None and municipality.country != country:
        errors["municipality"] = [_("The municipality is not in the plan's country.")]
    if level in (PlanLevel.NATIONAL, PlanLevel.MUNICIPAL) and owner.country != country:
        errors["owner"] = [_("The owner must be an organisation of the plan's country.")]
    return errors


@transaction.atomic
def plan_create(
    *,
    by: User | SystemActor,
    owner: Organisation,
    level: str,
    country: str,
    title: str,
    period_start: dt.date,
    period_end: dt.date,
    municipality: Municipality | None = None,
    description: str = "",
) -> ActionPlan:
    if _is_person(by):
        check_may_keep_plans_for(by, owner.pk)  # type: ignore[arg-type]  # a User here
    country = country.strip().upper()
    errors = _clean_plan(
        owner=owner,
        level=level,
        country=country,
        municipality=municipality,
        title=title,
        period_start=period_start,
        period_end=period_end,
    )
    if errors:
        raise ValidationError(errors)
    plan = ActionPlan(
        level=level,
        country=country,
        municipality=municipality,
        owner=owner,
        title=" ".join(title.split()),
        description=description.strip(),
        period_start=period_start,
        period_end=period_end,
    )
    plan.save(force_insert=True)
    audit_record(
        actor=by,
        action="actionplan.create",
        object_type="action_plan",
        object_ref=plan.pk,
        organisation_id=owner.pk,
        details={"level": level, "country": country},
    )
    return plan


@transaction.atomic
def plan_status_set(*, by: User | SystemActor, plan: ActionPlan, status: str) -> ActionPlan:
    """Adopt a draft, close an adopted plan, or take it back to a draft."""
    _check_plan(by, plan)
    if status not in PlanStatus.values:
        raise ValidationError({"status": [_("Choose draft, adopted or closed.")]})
    locked = ActionPlan.objects.select_for_update().get(pk=plan.pk)
    if locked.status != status:
        before = locked.status
        locked.status = status
        locked.save(update_fields=["status", "updated_at"])
        audit_record(
            actor=by,
            action="actionplan.status",
            object_type="action_plan",
            object_ref=locked.pk,
            organisation_id=locked.owner_id,
            details={"from": before, "to": status},
        )
    return locked


# --- measures ------------------------------------------------------------------------------------------


def _clean_measure(
    *,
    title: str,
    start_date: dt.date,
    target_date: dt.date,
    budget_amount: Decimal | None,
    budget_currency: str,
    report_every_months: int,
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not title.strip():
        errors["title"] = [_("Say what the measure is.")]
    if target_date < start_date:
        errors["target_date"] = [_("The target date cannot be before the start.")]
    if budget_amount is not None and budget_amount < 0:
        errors["budget_amount"] = [_("A budget cannot be negative.")]
    if not CURRENCY.match(budget_currency):
        errors["budget_currency"] = [_("Write the currency as a three-letter code, for example EUR.")]
    if not 1 <= report_every_months <= 24:
        errors["report_every_months"] = [_("A progress report every 1 to 24 months.")]
    return errors


@transaction.atomic
def measure_create(
    *,
    by: User | SystemActor,
    plan: ActionPlan,
    title: str,
    responsible: Organisation,
    start_date: dt.date,
    target_date: dt.date,
    description: str = "",
    partners: list[Organisation] | None = None,
    budget_amount: Decimal | None = None,
    budget_currency: str = "EUR",
    answers: list[Recommendation] | None = None,
    report_every_months: int = 3,
) -> Measure:
    _check_plan(by, plan)
    budget_currency = budget_currency.strip().upper()
    errors = _clean_measure(
        title=title,
        start_date=start_date,
        target_date=target_date,
        budget_amount=budget_amount,
        budget_currency=budget_currency,
        report_every_months=report_every_months,
    )
    if errors:
        raise ValidationError(errors)
    measure = Measure(
        plan=plan,
        title=" ".join(title.split()),
        description=description.strip(),
        responsible=responsible,
        start_date=start_date,
        target_date=target_date,
        budget_amount=budget_amount,
        budget_currency=budget_currency,
        report_every_months=report_every_months,
    )
    measure.save(force_insert=True)
    measure.partners.set([p for p in partners or [] if p.pk != responsible.pk])
    measure.answers.set(answers or [])
    audit_record(
        actor=by,
        action="actionplan.measure_create",
        object_type="action_plan",
        object_ref=plan.pk,
        organisation_id=plan.owner_id,
        details={"measure": measure.pk, "answers": [r.pk for r in answers or []]},
    )
    return measure


def _check_status(measure: Measure, status: str, drop_reason: str) -> None:
    if status not in MeasureStatus.values:
        raise ValidationError({"status": [_("Choose a status from the list.")]})
    if status == MeasureStatus.DONE and not measure.reports.exists():
        raise ValidationError({"status": [_("A measure cannot be done without a progress report.")]})
    if status == MeasureStatus.DROPPED and not drop_reason:
        raise ValidationError({"drop_reason": [_("Say why the measure is dropped.")]})


@transaction.atomic
def measure_status_set(
    *, by: User | SystemActor, measure: Measure, status: str, drop_reason: str = ""
) -> Measure:
    """Planned, in progress, delayed, done (only with a progress report) or dropped (with a reason)."""
    _check_plan(by, measure.plan)
    locked = Measure.objects.select_for_update().get(pk=measure.pk)
    drop_reason = drop_reason.strip()
    _check_status(locked, status, drop_reason)
    before = locked.status
    locked.status = status
    locked.drop_reason = drop_reason if status == MeasureStatus.DROPPED else ""
    locked.save(update_fields=["status", "drop_reason", "updated_at"])
    audit_record(
        actor=by,
        action="actionplan.measure_status",
        object_type="action_plan",
        object_ref=locked.plan_id,
        organisation_id=measure.plan.owner_id,
        details={"measure": locked.pk, "from": before, "to": status},
    )
    return locked


# --- indicators ----------------------------------------------------------------------------------------


def _scope(indicator: Indicator, *, baseline: bool = False) -> figures.Scope:
    plan = indicator.measure.plan
    if baseline:
        assert indicator.baseline_year is not None
        years = (indicator.baseline_year, indicator.baseline_year)
    else:
        years = (indicator.year_from or plan.period_start.year, indicator.year_to or plan.period_end.year)
    return figures.scope_for(
        country=plan.country, municipality_id=plan.municipality_id, year_from=years[0], year_to=years[1]
    )


def _compute_into(by: User | SystemActor, indicator: Indicator) -> list[str]:
    """Compute a computed indicator's current value (and its baseline, when it has a baseline year)."""
    figure = figures.BY_KEY[indicator.figure]
    result = figures.compute(figure, _scope(indicator), by=by)
    indicator.current, indicator.current_withheld = result.value, result.withheld
    indicator.computed_at = timezone.now()
    indicator.computation = result.details
    fields = ["current", "current_withheld", "computed_at", "computation"]
    if indicator.baseline_year is not None:
        base = figures.compute(figure, _scope(indicator, baseline=True), by=by)
        indicator.baseline, indicator.baseline_withheld = base.value, base.withheld
        fields += ["baseline", "baseline_withheld"]
    return fields


def _clean_indicator(
    *,
    plan: ActionPlan,
    name: str,
    source: str,
    figure: str,
    baseline: Decimal | None,
    year_from: int | None,
    year_to: int | None,
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not name.strip() and source != IndicatorSource.COMPUTED:
        errors["name"] = [_("Name the indicator.")]
    if source not in IndicatorSource.values:
        errors["source"] = [_("Choose whether it is reported or computed.")]
    elif source == IndicatorSource.COMPUTED:
        if figure not in figures.BY_KEY:
            errors["figure"] = [_("Choose one of the figures STROM counts.")]
        if baseline is not None:
            errors["baseline"] = [
                _("A computed indicator's values come from STROM's cases; they cannot be typed in.")
            ]
    start, end = year_from or plan.period_start.year, year_to or plan.period_end.year
    if start > end:
        errors["year_to"] = [_("The last year cannot be before the first.")]
    return errors


@transaction.atomic
def indicator_add(
    *,
    by: User | SystemActor,
    measure: Measure,
    source: str,
    name: str = "",
    unit: str = "",
    figure: str = "",
    baseline: Decimal | None = None,
    baseline_year: int | None = None,
    target: Decimal | None = None,
    year_from: int | None = None,
    year_to: int | None = None,
) -> Indicator:
    """A manual indicator with its typed baseline, or a computed one: its baseline (over
    `baseline_year`) and current value are computed now from the statistics engine."""
    _check_plan(by, measure.plan)
    errors = _clean_indicator(
        plan=measure.plan,
        name=name,
        source=source,
        figure=figure,
        baseline=baseline,
        year_from=year_from,
        year_to=year_to,
    )
    if errors:
        raise ValidationError(errors)
    computed = source == IndicatorSource.COMPUTED
    chosen = figures.BY_KEY[figure] if computed else None
    indicator = Indicator(
        measure=measure,
        name=" ".join(name.split()) or (str(chosen.label) if chosen else ""),
        unit=unit.strip() or (str(chosen.unit) if chosen else ""),
        source=source,
        figure=figure if computed else "",
        baseline=None if computed else baseline,
        baseline_year=baseline_year if computed else None,
        target=target,
        year_from=year_from if computed else None,
        year_to=year_to if computed else None,
    )
    indicator.save(force_insert=True)
    if computed:
        indicator.save(update_fields=_compute_into(by, indicator))
    audit_record(
        actor=by,
        action="actionplan.indicator_add",
        object_type="action_plan",
        object_ref=measure.plan_id,
        organisation_id=measure.plan.owner_id,
        details={"measure": measure.pk, "indicator": indicator.pk, "source": source, "figure": figure},
    )
    return indicator


@transaction.atomic
def indicators_refresh(*, by: User | SystemActor, plan: ActionPlan) -> int:
    """Compute every computed indicator of the plan again; returns how many."""
    _check_plan(by, plan)
    locked = list(
        Indicator.objects.select_for_update()
        .filter(measure__plan=plan, source=IndicatorSource.COMPUTED)
        .select_related("measure__plan")
        .order_by("pk")
    )
    for indicator in locked:
        indicator.save(update_fields=_compute_into(by, indicator))
    if locked:
        audit_record(
            actor=by,
            action="actionplan.indicators_refresh",
            object_type="action_plan",
            object_ref=plan.pk,
            organisation_id=plan.owner_id,
            details={"indicators": len(locked)},
        )
    return len(locked)


# --- progress reports ----------------------------------------------------------------------------------


def _clean_values(measure: Measure, values: dict[int, Decimal | None]) -> dict[int, Decimal | None]:
    indicators = {i.pk: i for i in measure.indicators.all()}
    errors = []
    for pk in values:
        indicator = indicators.get(pk)
        if indicator is None:
            errors.append(_("An indicator given is not one of this measure's."))
        elif indicator.is_computed:
            errors.append(
                _("“%(name)s” is computed from STROM's cases; its value cannot be typed in.")
                % {"name": indicator.name}
            )
    if errors:
        raise ValidationError({"values": errors})
    return values


def _clean_files(files: list[UploadedFile]) -> list[tuple[UploadedFile, bytes, str]]:
    if len(files) > MAX_EVIDENCE_FILES:
        raise ValidationError({"evidence": [_("At most %(n)d files a report.") % {"n": MAX_EVIDENCE_FILES}]})
    checked = []
    for upload in files:
        if (upload.size or 0) > settings.STROM_UPLOAD_MAX_BYTES:
            raise ValidationError(
                {
                    "evidence": [
                        _("A file is larger than %(limit)s.")
                        % {"limit": filesizeformat(settings.STROM_UPLOAD_MAX_BYTES)}
                    ]
                }
            )
        data = upload.read()
        try:
            kind = check_upload(upload.name or "", data)
        except ValidationError as exc:
            raise ValidationError({"evidence": [f"{upload.name}: {m}" for m in exc.messages]}) from exc
        checked.append((upload, data, kind.content_type))
    return checked


@transaction.atomic
def progress_report_add(
    *,
    by: User | SystemActor,
    measure: Measure,
    date: dt.date,
    text: str,
    status: str | None = None,
    drop_reason: str = "",
    values: dict[int, Decimal | None] | None = None,
    files: list[UploadedFile] | None = None,
) -> ProgressReport:
    """A dated progress report: the manual indicators' values typed, the computed ones computed now,
    evidence attached, and the measure's status after it (unchanged when `status` is None)."""
    _check_plan(by, measure.plan)
    locked = Measure.objects.select_for_update().select_related("plan").get(pk=measure.pk)
    errors: dict[str, list[str]] = {}
    if not text.strip():
        errors["text"] = [_("Say what was done.")]
    if date > timezone.localdate():
        errors["date"] = [_("A progress report cannot be dated in the future.")]
    if date < locked.plan.period_start:
        errors["date"] = [_("The date is before the plan starts.")]
    if errors:
        raise ValidationError(errors)
    typed = _clean_values(locked, values or {})
    checked = _clean_files(files or [])
    new_status = status or locked.status
    report = ProgressReport.objects.create(measure=locked, date=date, text=text.strip(), status=new_status)
    _record_values(by, locked, report, typed)
    for upload, data, content_type in checked:
        name = (upload.name or "evidence")[:255]
        evidence = Evidence(report=report, original_name=name, content_type=content_type, size=len(data))
        # The storage writes the file under the row's upload_to when the row is inserted.
        evidence.file = ContentFile(data, name=name)
        evidence.save(force_insert=True)
    audit_record(
        actor=by,
        action="actionplan.progress_report",
        object_type="action_plan",
        object_ref=locked.plan_id,
        organisation_id=locked.plan.owner_id,
        details={"measure": locked.pk, "report": report.pk, "files": len(checked), "values": len(typed)},
    )
    if new_status != locked.status or (new_status == MeasureStatus.DROPPED and drop_reason):
        measure_status_set(by=by, measure=locked, status=new_status, drop_reason=drop_reason)
    return report


def _record_values(
    by: User | SystemActor, measure: Measure, report: ProgressReport, typed: dict[int, Decimal | None]
) -> None:
    for indicator in (
        Indicator.objects.select_for_update().filter(measure=measure).select_related("measure__plan")
    ):
        if indicator.is_computed:
            indicator.save(update_fields=_compute_into(by, indicator))
            IndicatorValue.objects.create(
                report=report,
                indicator=indicator,
                value=indicator.current,
                withheld=indicator.current_withheld,
                computed=True,
            )
        elif indicator.pk in typed and typed[indicator.pk] is not None:
            IndicatorValue.objects.create(report=report, indicator=indicator, value=typed[indicator.pk])
            latest = (
                IndicatorValue.objects.filter(indicator=indicator)
                .order_by("-report__date", "-report__pk")
                .first()
            )
            if latest is not None and latest.report_id == report.pk:
                indicator.current = typed[indicator.pk]
                indicator.save(update_fields=["current"])
