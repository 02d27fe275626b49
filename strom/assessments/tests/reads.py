"""Which assessment routes show personal data (tests/test_audited_reads.py): none. An assessment asks
about institutions, never about victims (strom/assessments/models.py); who saved what is in the audit
log, not on these pages."""

from __future__ import annotations

_INSTITUTIONS = "answers about institutions (roles, procedures, partners), never about a person"
_FORM = "a questionnaire's structure and labels"

NO_PERSONAL_DATA: dict[str, str] = {
    "assessments:index": "questionnaires, rounds and the organisations' responses to answer",
    "assessments:import": "an upload form and the problems found in a questionnaire",
    "assessments:questionnaire": _FORM,
    "assessments:xlsform": _FORM,
    "assessments:round_new": "a form with lists of countries, organisation types and organisations",
    "assessments:round": "a round's organisations and the status of their responses",
    "assessments:compare": _INSTITUTIONS,
    "assessments:export": _INSTITUTIONS,
    "assessments:finding": "a form with the questionnaire's questions and organisations",
    "assessments:response": _INSTITUTIONS,
    "api:assessments_questionnaires": _FORM,
    "api:assessments_rounds": "rounds: countries, organisation types and deadlines",
    "api:assessments_comparison": _INSTITUTIONS,
    "api:assessments_response": _INSTITUTIONS,
}
