"""A plan as a workbook (XLSX, one sheet each for the plan, its measures, indicators, progress reports
and the recommendations they answer) and as JSON. The caller has the plan from `get_plan_for` (or is
the operator at the command line): everything of a plan one may read may be exported.
Written through the shared spreadsheet writer (strom/core/spreadsheets.py), so no text becomes a
formula. Computed indicators are exported as computed, withheld values as withheld, never as a number.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from strom.actionplans.models import (
    ActionPlan,
    Indicator,
    IndicatorValue,
    Measure,
    ProgressReport,
    Recommendation,
)
from strom.actionplans.selectors import due_of, with_last_report
from strom.core.spreadsheets import XlsxWriter


def _measures(plan: ActionPlan) -> list[Measure]:
    return list(
        with_last_report(plan.measures.all())
        .select_related("responsible")
        .prefetch_related("partners", "answers", "indicators")
        .order_by("start_date", "pk")
    )


def _reports(plan: ActionPlan) -> list[ProgressReport]:
    return list(
        ProgressReport.objects.filter(measure__plan=plan)
        .select_related("measure")
        .prefetch_related("values__indicator", "evidence")
        .order_by("measure__start_date", "measure_id", "date", "pk")
    )


def _number(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None


def _shown(value: Decimal | None, withheld: bool) -> object:
    return _("withheld") if withheld else _number(value)


def _indicator_row(indicator: Indicator) -> list[object]:
    return [
        indicator.measure.title,
        indicator.name,
        indicator.unit,
        str(indicator.get_source_display()),
        _shown(indicator.baseline, indicator.baseline_withheld),
        _number(indicator.target),
        _shown(indicator.current, indicator.current_withheld),
        indicator.computed_at.date().isoformat() if indicator.computed_at else "",
    ]


def _measure_columns() -> list[str]:
    return [
        _("What"),
        _("Responsible"),
        _("Partners"),
        _("Start"),
        _("Target date"),
        _("Budget"),
        _("Currency"),
        _("Status"),
        _("Why it was dropped"),
        _("Last report"),
        _("Next report due"),
        _("Answers"),
    ]


def _measure_row(m: Measure) -> list[object]:
    due = due_of(m)
    last = getattr(m, "last_report", None)
    return [
        m.title,
        m.responsible.name,
        ", ".join(p.name for p in m.partners.all()),
        m.start_date.isoformat(),
        m.target_date.isoformat(),
        _number(m.budget_amount),
        m.budget_currency,
        str(m.get_status_display()),
        m.drop_reason,
        last.isoformat() if last else "",
        due.isoformat() if due else "",
        "; ".join(r.short_text for r in m.answers.all()),
    ]


def plan_xlsx(plan: ActionPlan) -> bytes:
    measures = _measures(plan)
    book = XlsxWriter()
    sheet = book.sheet(_("Plan"))
    for label, value in (
        (_("Title"), plan.title),
        (_("Level"), str(plan.get_level_display())),
        (_("Country"), plan.country),
        (_("Municipality"), plan.municipality.name if plan.municipality else ""),
        (_("Owner"), plan.owner.name),
        (_("From"), plan.period_start.isoformat()),
        (_("Until"), plan.period_end.isoformat()),
        (_("Status"), str(plan.get_status_display())),
        (_("Description"), plan.description),
    ):
        sheet.writerow([label, value])
    sheet = book.sheet(_("Measures"))
    sheet.writerow(_measure_columns())
    for m in measures:
        sheet.writerow(_measure_row(m))
    sheet = book.sheet(_("Indicators"))
    sheet.writerow(
        [
            _("Measure"),
            _("Indicator"),
            _("Unit"),
            _("Source"),
            _("Baseline"),
            _("Target"),
            _("Current"),
            _("Computed"),
        ]
    )
    for m in measures:
        for indicator in m.indicators.all():
            sheet.writerow(_indicator_row(indicator))
    sheet = book.sheet(_("Progress reports"))
    sheet.writerow(
        [_("Measure"), _("Date"), _("Status"), _("Progress"), _("Indicator values"), _("Evidence")]
    )
    for report in _reports(plan):
        values = "; ".join(
            f"{v.indicator.name}: {_('withheld') if v.withheld else v.value}" for v in report.values.all()
        )
        evidence = ", ".join(e.original_name for e in report.evidence.all())
        status = str(report.get_status_display())
        sheet.writerow([report.measure.title, report.date.isoformat(), status, report.text, values, evidence])
    sheet = book.sheet(_("Recommendations"))
    sheet.writerow([_("Recommendation"), _("Source"), _("Addressed to"), _("Country")])
    for r in _answered(measures):
        sheet.writerow([r.text, r.source, r.addressee, r.addressee_country])
    return book.getvalue()


def _answered(measures: list[Measure]) -> list[Recommendation]:
    seen: dict[int, Recommendation] = {}
    for m in measures:
        for r in m.answers.all():
            seen.setdefault(r.pk, r)
    return list(seen.values())


def plan_json(plan: ActionPlan) -> dict[str, Any]:
    measures = _measures(plan)
    reports: dict[int, list[ProgressReport]] = {}
    for report in _reports(plan):
        reports.setdefault(report.measure_id, []).append(report)
    return {
        "id": plan.pk,
        "title": plan.title,
        "level": plan.level,
        "country": plan.country,
        "municipality": plan.municipality.name if plan.municipality else None,
        "owner": plan.owner.name,
        "period": [plan.period_start.isoformat(), plan.period_end.isoformat()],
        "status": plan.status,
        "measures": [_measure_json(m, reports.get(m.pk, [])) for m in measures],
    }


def _indicator_json(i: Indicator) -> dict[str, Any]:
    return {
        "name": i.name,
        "unit": i.unit,
        "source": i.source,
        "figure": i.figure or None,
        "baseline": None if i.baseline_withheld else _number(i.baseline),
        "baseline_withheld": i.baseline_withheld,
        "target": _number(i.target),
        "current": None if i.current_withheld else _number(i.current),
        "current_withheld": i.current_withheld,
        "computed_at": i.computed_at.isoformat() if i.computed_at else None,
    }


def _measure_json(m: Measure, reports: list[ProgressReport]) -> dict[str, Any]:
    due = due_of(m)
    return {
        "id": m.pk,
        "what": m.title,
        "responsible": m.responsible.name,
        "partners": [p.name for p in m.partners.all()],
        "start_date": m.start_date.isoformat(),
        "target_date": m.target_date.isoformat(),
        "budget": {"amount": _number(m.budget_amount), "currency": m.budget_currency},
        "status": m.status,
        "drop_reason": m.drop_reason,
        "next_report_due": due.isoformat() if due else None,
        "answers": [r.pk for r in m.answers.all()],
        "indicators": [_indicator_json(i) for i in m.indicators.all()],
        "reports": [
            {
                "date": r.date.isoformat(),
                "status": r.status,
                "text": r.text,
                "values": [_value_json(v) for v in r.values.all()],
                "evidence": [e.original_name for e in r.evidence.all()],
            }
            for r in reports
        ],
    }


def _value_json(v: IndicatorValue) -> dict[str, Any]:
    value = None if v.withheld else _number(v.value)
    return {"indicator": v.indicator.name, "value": value, "withheld": v.withheld, "computed": v.computed}
