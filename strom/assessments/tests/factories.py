# ruff: noqa: RUF001 - Latvian and Russian labels are the point of this form
"""A KoboToolbox-style XLSForm built with openpyxl (groups, a repeat, relevance, constraints, labels in
English, Latvian and Russian), and the questionnaire and round the tests use. Institutions only."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from openpyxl import Workbook

from strom.assessments.models import Questionnaire, Round
from strom.assessments.services import questionnaire_import, round_open
from strom.core.roles import OrgType
from tests.personas import Cast

EN, LV, RU = "English (en)", "Latviešu (lv)", "Русский (ru)"
SURVEY_HEADER = [
    "type",
    "name",
    f"label::{EN}",
    f"label::{LV}",
    f"label::{RU}",
    f"hint::{EN}",
    "relevant",
    "constraint",
    f"constraint_message::{EN}",
    f"constraint_message::{LV}",
    f"constraint_message::{RU}",
    "required",
    "choice_filter",
]
STAFF_MESSAGE = {
    EN: "Give a number from 0 to 10000.",
    LV: "Norādiet skaitli no 0 līdz 10000.",
    RU: "Укажите число от 0 до 10000.",
}


def _row(values: dict[str, str]) -> list[str]:
    return [values.get(column, "") for column in SURVEY_HEADER]


SURVEY: list[dict[str, str]] = [
    {"type": "start", "name": "start"},
    {"type": "end", "name": "end"},
    {
        "type": "begin_group",
        "name": "roles",
        f"label::{EN}": "Roles in the chain of assistance",
        f"label::{LV}": "Lomas palīdzības ķēdē",
        f"label::{RU}": "Роли в цепочке помощи",
    },
    {
        "type": "select_one yes_no",
        "name": "identifies",
        f"label::{EN}": "Does the municipality identify presumed victims?",
        f"label::{LV}": "Vai pašvaldība identificē iespējamos upurus?",
        f"label::{RU}": "Выявляет ли муниципалитет предполагаемых жертв?",
        "required": "yes",
    },
    {
        "type": "integer",
        "name": "staff_trained",
        f"label::{EN}": "How many staff were trained last year?",
        f"label::{LV}": "Cik darbinieku pagājušajā gadā tika apmācīti?",
        f"label::{RU}": "Сколько сотрудников прошли обучение в прошлом году?",
        f"hint::{EN}": "Count each person once.",
        "relevant": "${identifies} = 'yes'",
        "constraint": ". >= 0 and . <= 10000",
        **{f"constraint_message::{k}": v for k, v in STAFF_MESSAGE.items()},
    },
    {
        "type": "select_multiple payer",
        "name": "who_pays",
        f"label::{EN}": "Who pays for safe accommodation?",
        f"label::{LV}": "Kas maksā par drošu izmitināšanu?",
        f"label::{RU}": "Кто оплачивает безопасное жильё?",
        "constraint": "not(selected(., 'nobody') and count-selected(.) > 1)",
        f"constraint_message::{EN}": "'Nobody' cannot go with other answers.",
        f"constraint_message::{LV}": "'Neviens' nevar būt kopā ar citām atbildēm.",
        f"constraint_message::{RU}": "«Никто» нельзя сочетать с другими ответами.",
    },
    {
        "type": "text",
        "name": "procedure",
        f"label::{EN}": "Name of the written procedure",
        f"label::{LV}": "Rakstiskās procedūras nosaukums",
        f"label::{RU}": "Название письменной процедуры",
        "relevant": "${identifies} = 'yes'",
    },
    {"type": "end_group", "name": ""},
    {
        "type": "select_one yes_no",
        "name": "has_partners",
        f"label::{EN}": "Do you cooperate with police or NGOs?",
        f"label::{LV}": "Vai sadarbojaties ar policiju vai NVO?",
        f"label::{RU}": "Сотрудничаете ли вы с полицией или НКО?",
    },
    {
        "type": "begin_repeat",
        "name": "partners",
        f"label::{EN}": "Partner organisations",
        f"label::{LV}": "Partnerorganizācijas",
        f"label::{RU}": "Организации-партнёры",
        "relevant": "${has_partners} = 'yes'",
    },
    {
        "type": "text",
        "name": "partner_name",
        f"label::{EN}": "Partner's name",
        f"label::{LV}": "Partnera nosaukums",
        f"label::{RU}": "Название партнёра",
        "required": "yes",
    },
    {
        "type": "select_one partner_type",
        "name": "partner_type",
        f"label::{EN}": "Kind of partner",
        f"label::{LV}": "Partnera veids",
        f"label::{RU}": "Вид партнёра",
    },
    {"type": "end_repeat", "name": ""},
]
CHOICES = [
    ("yes_no", "yes", "Yes", "Jā", "Да"),
    ("yes_no", "no", "No", "Nē", "Нет"),
    ("payer", "state", "The state", "Valsts", "Государство"),
    ("payer", "municipality", "The municipality", "Pašvaldība", "Муниципалитет"),
    ("payer", "ngo", "An NGO", "NVO", "НКО"),
    ("payer", "nobody", "Nobody", "Neviens", "Никто"),
    ("partner_type", "police", "Police", "Policija", "Полиция"),
    ("partner_type", "ngo", "NGO", "NVO", "НКО"),
    ("partner_type", "shelter", "Shelter", "Patversme", "Приют"),
]


def xlsform(
    *,
    version: str = "2025-1",
    form_id: str = "baseline_municipal",
    survey: list[dict[str, str]] | None = None,
    choices: list[tuple[str, ...]] | None = None,
    settings: bool = True,
    sheets: tuple[str, ...] = ("survey", "choices", "settings"),
) -> bytes:
    book = Workbook()
    book.remove(book.active)
    if "survey" in sheets:
        sheet = book.create_sheet("survey")
        sheet.append(SURVEY_HEADER)
        for values in SURVEY if survey is None else survey:
            sheet.append(_row(values))
    if "choices" in sheets:
        sheet = book.create_sheet("choices")
        sheet.append(["list_name", "name", f"label::{EN}", f"label::{LV}", f"label::{RU}"])
        for choice in CHOICES if choices is None else choices:
            sheet.append(list(choice))
    if settings and "settings" in sheets:
        sheet = book.create_sheet("settings")
        sheet.append(["form_title", "form_id", "version", "default_language"])
        sheet.append(["Municipal baseline", form_id, version, EN])
    if not book.sheetnames:
        book.create_sheet("other")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def make_questionnaire(cast: Cast, *, version: str = "2025-1") -> Questionnaire:
    return questionnaire_import(
        by=cast.users["coordinator_a"],
        organisation=cast.orgs["coordinator_lv"],
        file_name="baseline.xlsx",
        content=xlsform(version=version),
    )


def make_round(cast: Cast, questionnaire: Questionnaire | None = None, **overrides: Any) -> Round:
    """Run by the Latvian coordinator's office, sent to municipalities and NGOs in Latvia and Lithuania
    (organisations A and B of the cast)."""
    options: dict[str, Any] = {
        "title": "Baseline 2025",
        "deadline": dt.date.today() + dt.timedelta(days=30),
        "countries": ["LV", "LT"],
        "org_types": [OrgType.MUNICIPALITY, OrgType.NGO],
        **overrides,
    }
    return round_open(
        by=cast.users["coordinator_a"],
        questionnaire=questionnaire or make_questionnaire(cast),
        organisation=cast.orgs["coordinator_lv"],
        **options,
    )


ANSWERS = {
    "identifies": "yes",
    "staff_trained": "12",
    "who_pays": ["state", "municipality"],
    "procedure": "Guideline on identification, 2023",
    "has_partners": "yes",
    "partners": [{"partner_name": "State Police, Riga region", "partner_type": "police"}],
}
