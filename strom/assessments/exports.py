"""A round's answers in the shape KoboToolbox users expect, and the questionnaire back as XLSForm.

Main sheet: one row per submitted response, columns named by group path (`roles/who`); a
select_multiple as one column of space-separated choice names plus one 0/1 column per choice
(`roles/who/ngo`); then `_id`, `_uuid`, `_submission_time`, `_status`, `_index` and STROM's
`_organisation`, `_country`, `_municipality`. Each repeat has its own sheet, named after it, with
`_index`, `_parent_table_name`, `_parent_index` and `_submission__id`, as KoboToolbox writes them.
Every cell goes through strom/core/spreadsheets.py, so no answer runs as a formula.
"""

from __future__ import annotations

import io
from typing import Any

from strom.assessments.models import Questionnaire, Response, Round
from strom.assessments.survey import Survey
from strom.core.spreadsheets import CsvWriter, XlsxWriter

META = ["_id", "_uuid", "_submission_time", "_status", "_index", "_organisation", "_country", "_municipality"]
REPEAT_META = ["_index", "_parent_table_name", "_parent_index", "_submission__id"]


def _columns(survey: Survey, nodes: list[dict[str, Any]]) -> list[tuple[str, dict[str, Any], str]]:
    """(header, question, choice name or '') for each column."""
    columns = []
    for node in nodes:
        if node["kind"] != "question" or node["type"] == "note":
            continue
        columns.append((node["path"], node, ""))
        if node["type"] == "select_multiple":
            columns.extend((f"{node['path']}/{c['name']}", node, c["name"]) for c in survey.choice_list(node))
    return columns


def _cell(value: str, node: dict[str, Any], choice: str) -> object:
    if choice:
        return 1 if choice in value.split() else (0 if value else None)
    if node["type"] == "integer" and value:
        return int(value)
    return value


def tables(round_: Round, responses: list[Response]) -> dict[str, list[list[object]]]:
    """Sheet name → rows (header first): the main sheet under the form's id, then one per repeat."""
    survey = round_.questionnaire.survey()
    top = [n for n in survey.walk() if not n["repeat"]]
    main_columns = _columns(survey, top)
    sheets: dict[str, list[list[object]]] = {
        round_.questionnaire.form_id[:31]: [[*(h for h, _n, _c in main_columns), *META]]
    }
    repeat_columns = {
        r["name"]: _columns(survey, [n for n in survey.walk(r["children"])]) for r in survey.repeats()
    }
    for name, columns in repeat_columns.items():
        sheets[name[:31]] = [[*(h for h, _n, _c in columns), *REPEAT_META]]
    main = sheets[round_.questionnaire.form_id[:31]]
    counters = dict.fromkeys(repeat_columns, 0)
    for index, response in enumerate(responses, start=1):
        answers = response.answers
        municipality = response.organisation.municipality
        main.append(
            [_cell(str(answers.get(n["name"]) or ""), n, c) for _h, n, c in main_columns]
            + [
                response.pk,
                f"strom-{round_.pk}-{response.pk}",
                response.submitted_at.isoformat() if response.submitted_at else "",
                response.status,
                index,
                response.organisation.name,
                response.organisation.country,
                municipality.name if municipality else "",
            ]
        )
        for name, columns in repeat_columns.items():
            for item in answers.get(name) or []:
                counters[name] += 1
                sheets[name[:31]].append(
                    [_cell(str(item.get(n["name"]) or ""), n, c) for _h, n, c in columns]
                    + [counters[name], round_.questionnaire.form_id, index, response.pk]
                )
    return sheets


def as_xlsx(sheets: dict[str, list[list[object]]]) -> bytes:
    writer = XlsxWriter()
    for title, rows in sheets.items():
        sheet = writer.sheet(title)
        for row in rows:
            sheet.writerow(row)
    return writer.getvalue()


def as_csv(rows: list[list[object]]) -> bytes:
    out = io.StringIO()
    CsvWriter(out).writerows(rows)
    # A byte order mark, so spreadsheet programs open Latvian and Russian answers as UTF-8.
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def xlsform(questionnaire: Questionnaire) -> bytes:
    """The questionnaire as an XLSForm workbook: its survey, choices and settings sheets as imported."""
    writer = XlsxWriter()
    for title in ("survey", "choices", "settings"):
        sheet_data = questionnaire.sheets.get(title) or {}
        header = sheet_data.get("header") or []
        if not header:
            continue
        sheet = writer.sheet(title)
        sheet.writerow(header)
        for row in sheet_data.get("rows") or []:
            sheet.writerow(row)
    return writer.getvalue()
