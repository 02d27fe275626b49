"""Which action plan routes show personal data (tests/test_audited_reads.py): none. Plans name
organisations, never people (strom/actionplans/models.py), and recommendations are published texts."""

from __future__ import annotations

_PLANS = "action plans: organisations, measures, dates, budgets and indicators; no person is named"
_RECOMMENDATIONS = "recommendations: published texts, their sources and addressees"
_FIGURES = "figures from STROM's cases only after the statistics' disclosure control"
_FORM = "a form with lists of organisations, sessions and recommendations"

NO_PERSONAL_DATA: dict[str, str] = {
    "actionplans:plans": _PLANS,
    "actionplans:plan": _PLANS,
    "actionplans:dashboard": f"{_PLANS}; {_FIGURES}",
    "actionplans:print": f"{_PLANS}; {_FIGURES}",
    "actionplans:export": f"{_PLANS}; {_FIGURES}",
    "actionplans:country": f"{_PLANS}; counts of measures and recommendations",
    "actionplans:measure": _PLANS,
    "actionplans:evidence": "a file attached to a progress report, published to members with the plan",
    "actionplans:recommendations": _RECOMMENDATIONS,
    "actionplans:recommendation": f"{_RECOMMENDATIONS}, with the measures that answer them",
    "actionplans:plan_create": _FORM,
    "actionplans:measure_create": _FORM,
    "actionplans:indicator_create": _FORM,
    "actionplans:report_create": _FORM,
    "actionplans:recommendation_create": _FORM,
    "actionplans:session_conclusions": _FORM,
    "api:actionplans_recommendations": _RECOMMENDATIONS,
    "api:actionplans_recommendation": _RECOMMENDATIONS,
    "api:actionplans_recommendation_measures": _PLANS,
    "api:actionplans_plans": _PLANS,
    "api:actionplans_plan": _PLANS,
    "api:actionplans_plan_export": f"{_PLANS}; {_FIGURES}",
    "api:actionplans_country": f"{_PLANS}; counts of measures and recommendations",
    "api:actionplans_measure": _PLANS,
    "api:actionplans_reports": _PLANS,
    "api:actionplans_evidence": "a file attached to a progress report, published to members with the plan",
}
