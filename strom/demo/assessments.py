"""A demo baseline assessment: municipalities' roles in the chain of assistance, in English, Latvian and
Russian, answered by the demo municipalities of eight countries in two rounds.

The questionnaire is an XLSForm kept as CSV (strom/demo/data/baseline_municipal.csv, which pyxform
reads as it reads a workbook) and imported through the same service as an upload. The first round
(2024) is answered by every municipality and closed; the second (2025) shows what changed, with two
municipalities still at a draft. The answers describe institutions and are written for the demo; they
are no survey result. Everything goes through the services as the demo's system actor; loading twice
changes nothing.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from strom.assessments.models import Questionnaire, Round
from strom.assessments.services import (
    finding_record,
    questionnaire_import,
    response_save,
    response_submit,
    round_close,
    round_open,
)
from strom.audit.actors import DEMO
from strom.core.roles import OrgType
from strom.directory.models import Organisation

FORM = Path(__file__).resolve().parent / "data" / "baseline_municipal.csv"
FORM_ID = "strom_municipal_baseline"
COORDINATOR = "National THB Coordinator (LT)"
COUNTRIES = ["DK", "EE", "FI", "LT", "LV", "NO", "PL", "SE"]

# Municipality → the language its respondents answer in, its 2024 answers and what changed by 2025
# (None: the 2025 response is still a draft).
_BASE: dict[str, Any] = {"has_partners": "no"}
ANSWERS: dict[str, tuple[str, dict[str, Any], dict[str, Any] | None]] = {
    "Riga City Social Services": (
        "lv",
        {
            "who_identifies": ["police", "social_services", "ngo"],
            "written_procedure": "partly",
            "procedure_year": "2014",
            "who_houses": ["ngo_shelter"],
            "places": "6",
            "who_pays": ["state"],
            "contact_point": "yes",
            "contact_office": "Sociālā dienesta krīzes centrs",
            "staff_trained": "14",
            "training_topics": ["indicators", "referral"],
            "police_cooperation": "ad_hoc",
            "ngo_cooperation": "agreement",
            "has_partners": "yes",
            "partners": [
                {
                    "partner_name": "Valsts policija, Rīgas reģiona pārvalde",
                    "partner_type": "police",
                    "partner_agreement": "no",
                },
                {
                    "partner_name": "Rīgas krīžu patversme",
                    "partner_type": "shelter",
                    "partner_agreement": "yes",
                },
            ],
        },
        {
            "written_procedure": "yes",
            "procedure_year": "2024",
            "staff_trained": "31",
            "police_cooperation": "agreement",
        },
    ),
    "Vilnius City Social Services": (
        "ru",
        {
            "who_identifies": ["police", "ngo"],
            "written_procedure": "no",
            "who_houses": ["ngo_shelter", "state_shelter"],
            "places": "10",
            "who_pays": ["state", "ngo"],
            "contact_point": "no",
            "staff_trained": "5",
            "training_topics": ["indicators"],
            "police_cooperation": "ad_hoc",
            "ngo_cooperation": "ad_hoc",
            "has_partners": "yes",
            "partners": [
                {
                    "partner_name": "Vilniaus moterų prieglauda",
                    "partner_type": "shelter",
                    "partner_agreement": "yes",
                }
            ],
        },
        {
            "written_procedure": "partly",
            "procedure_year": "2025",
            "contact_point": "yes",
            "contact_office": "Отдел социальной помощи",
        },
    ),
    "Tallinn Social Welfare Department": (
        "ru",
        {
            "who_identifies": ["social_services", "police"],
            "written_procedure": "yes",
            "procedure_year": "2019",
            "who_houses": ["municipality"],
            "places": "4",
            "who_pays": ["state", "municipality"],
            "contact_point": "yes",
            "contact_office": "Департамент социального обеспечения, отдел кризисной помощи",
            "staff_trained": "9",
            "training_topics": ["indicators", "children"],
            "police_cooperation": "agreement",
            "ngo_cooperation": "ad_hoc",
            **_BASE,
        },
        {"staff_trained": "12"},
    ),
    "Helsinki Social Services": (
        "en",
        {
            "who_identifies": ["social_services", "police", "health", "ngo"],
            "written_procedure": "yes",
            "procedure_year": "2017",
            "who_houses": ["state_shelter"],
            "places": "12",
            "who_pays": ["state"],
            "contact_point": "yes",
            "contact_office": "Social emergency services",
            "staff_trained": "40",
            "training_topics": ["indicators", "referral", "labour"],
            "police_cooperation": "agreement",
            "ngo_cooperation": "agreement",
            **_BASE,
        },
        {"staff_trained": "52", "training_topics": ["indicators", "referral", "labour", "children"]},
    ),
    "Malmö Social Services": (
        "en",
        {
            "who_identifies": ["social_services", "police"],
            "written_procedure": "yes",
            "procedure_year": "2016",
            "who_houses": ["municipality", "ngo_shelter"],
            "places": "8",
            "who_pays": ["municipality", "state"],
            "contact_point": "yes",
            "contact_office": "Regional coordinator against trafficking",
            "staff_trained": "22",
            "training_topics": ["indicators", "referral"],
            "police_cooperation": "agreement",
            "ngo_cooperation": "ad_hoc",
            **_BASE,
        },
        None,
    ),
    "Oslo Welfare Services": (
        "en",
        {
            "who_identifies": ["police", "ngo", "labour_inspection"],
            "written_procedure": "partly",
            "procedure_year": "2021",
            "who_houses": ["ngo_shelter"],
            "places": "7",
            "who_pays": ["state"],
            "contact_point": "no",
            "staff_trained": "0",
            "police_cooperation": "ad_hoc",
            "ngo_cooperation": "agreement",
            **_BASE,
        },
        {
            "contact_point": "yes",
            "contact_office": "Welfare office, city centre",
            "staff_trained": "11",
            "training_topics": ["labour"],
        },
    ),
    "Copenhagen Social Services": (
        "en",
        {
            "who_identifies": ["ngo", "police"],
            "written_procedure": "no",
            "who_houses": ["ngo_shelter"],
            "places": "5",
            "who_pays": ["state", "ngo"],
            "contact_point": "yes",
            "contact_office": "Centre for homelessness services",
            "staff_trained": "3",
            "training_topics": ["indicators"],
            "police_cooperation": "none",
            "ngo_cooperation": "agreement",
            **_BASE,
        },
        {"written_procedure": "partly", "procedure_year": "2025", "police_cooperation": "ad_hoc"},
    ),
    "Gdańsk Family Support Centre": (
        "en",
        {
            "who_identifies": ["police", "border_guard", "ngo"],
            "written_procedure": "no",
            "who_houses": ["none"],
            "who_pays": ["ngo", "donors"],
            "contact_point": "no",
            "staff_trained": "2",
            "training_topics": ["indicators"],
            "police_cooperation": "ad_hoc",
            "ngo_cooperation": "ad_hoc",
            **_BASE,
        },
        None,
    ),
}
FINDING = (
    "Municipalities without a written procedure for identifying and referring presumed victims adopt one, "
    "with a named contact point in their social services."
)


def demo_assessments_loaded() -> bool:
    return Questionnaire.objects.filter(form_id=FORM_ID).exists()


def _open(questionnaire: Questionnaire, coordinator: Organisation, title: str) -> Round:
    return round_open(
        by=DEMO,
        questionnaire=questionnaire,
        organisation=coordinator,
        title=title,
        deadline=timezone.localdate() + dt.timedelta(days=45),
        countries=COUNTRIES,
        org_types=[OrgType.MUNICIPALITY],
    )


def _answer(round_: Round, later: bool) -> int:
    answered = 0
    for response in round_.responses.select_related("organisation"):
        entry = ANSWERS.get(response.organisation.name)
        if entry is None:
            continue
        language, first, changes = entry
        answers = {**first, **(changes or {})} if later else first
        service = response_save if later and changes is None else response_submit
        service(by=DEMO, response=response, answers=answers, language=language)
        answered += 1
    return answered


def demo_assessments_load() -> int:
    """Import the demo questionnaire and answer two rounds (once); returns how many responses were given."""
    coordinator = Organisation.objects.filter(name=COORDINATOR).first()
    if demo_assessments_loaded() or coordinator is None:
        return 0  # loaded already, or the demo directory is not
    with transaction.atomic():
        questionnaire = questionnaire_import(
            by=DEMO, organisation=coordinator, file_name=FORM.name, content=FORM.read_bytes()
        )
        first = _open(questionnaire, coordinator, "Baseline 2024: municipalities in the chain of assistance")
        answered = _answer(first, later=False)
        round_close(by=DEMO, round_=first)
        second = _open(questionnaire, coordinator, "Baseline 2025: what changed since 2024")
        answered += _answer(second, later=True)
        finding_record(
            by=DEMO,
            round_=first,
            question="written_procedure",
            text=FINDING,
            organisation=coordinator,
            addressee_country="LT",
        )
    return answered
