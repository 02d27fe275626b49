"""The answering page as data for its template: the questionnaire's groups, repeats and questions that
are relevant to the answers so far, in the respondent's language, with their values and errors.

Relevance and choice filters are evaluated on the server (strom/assessments/survey.py) each time the
page is shown, saved or an entry of a repeat is added, so the form works without JavaScript.
"""

from __future__ import annotations

from typing import Any

from django.http import QueryDict
from django.urls import reverse

from strom.assessments import xpath
from strom.assessments.forms import answers_from_post
from strom.assessments.models import Response
from strom.assessments.survey import MAX_REPEATS, Checker, Slot, Survey, typed_answers

INPUT_TYPES = {"integer": "number", "decimal": "text", "date": "date", "text": "text"}


def posted_answers(
    survey: Survey, data: QueryDict, response: Response
) -> tuple[dict[str, Any], str, int | None]:
    """(answers, action, revision) from a posted answering form. The action is "save", "submit",
    "add:<repeat>" or "remove:<repeat>:<index>"; the last two only change what the page shows."""
    answers = answers_from_post(survey, data)
    action = data.get("action", "save")
    repeats = {r["name"] for r in survey.repeats()}
    kind, _sep, rest = action.partition(":")
    name, _sep, position = rest.partition(":")
    if kind == "add" and name in repeats and len(answers[name]) < MAX_REPEATS:
        answers[name].append({})
    elif kind == "remove" and name in repeats and position.isdigit() and int(position) < len(answers[name]):
        answers[name].pop(int(position))
    revision = data.get("revision", "")
    return answers, action, int(revision) if revision.isdigit() else None


class _Page:
    def __init__(
        self, survey: Survey, answers: dict[str, Any], errors: dict[str, str], language: str
    ) -> None:
        self.survey = survey
        self.errors = errors
        self.language = language
        typed, _errors = typed_answers(survey, answers)
        self.checker = Checker(survey, typed)

    def relevant(self, node: dict[str, Any], index: int | None) -> bool:
        try:
            return self.checker.relevant(node, index)
        except xpath.ExpressionError:
            return True

    def items(
        self, children: list[dict[str, Any]], values: dict[str, Any], index: int | None
    ) -> list[dict[str, Any]]:
        shown = []
        for node in children:
            if not self.relevant(node, None if node["kind"] == "repeat" else index):
                continue
            item: dict[str, Any] = {
                "kind": node["kind"],
                "name": node["name"],
                "label": self.survey.label(node, self.language),
                "hint": self.survey.text(node.get("hint") or {}, self.language),
            }
            if node["kind"] == "group":
                item["children"] = self.items(node["children"], values, index)
            elif node["kind"] == "repeat":
                entries = values.get(node["name"]) or []
                item["count"] = len(entries)
                item["instances"] = [
                    {"index": i, "number": i + 1, "children": self.items(node["children"], entry, i)}
                    for i, entry in enumerate(entries)
                ]
            else:
                item.update(self.question(node, values.get(node["name"]), index))
            shown.append(item)
        return shown

    def question(self, node: dict[str, Any], value: Any, index: int | None) -> dict[str, Any]:
        key = Slot(node, index).key
        chosen = value if isinstance(value, list) else str(value or "").split()
        try:
            choices = self.checker.choices(node, index)
            required = self.checker.required(node, index)
        except xpath.ExpressionError:
            choices, required = self.survey.choice_list(node), False
        return {
            "key": key,
            "type": node["type"],
            "input_type": INPUT_TYPES.get(node["type"], "text"),
            "value": "" if isinstance(value, list) else str(value or ""),
            "choices": [
                {
                    "name": c["name"],
                    "label": self.survey.text(c["label"], self.language) or c["name"],
                    "chosen": c["name"] in chosen,
                }
                for c in choices
            ],
            "required": required,
            "error": self.errors.get(key, ""),
            "long": node.get("appearance") == "multiline",
        }


def answering_context(
    survey: Survey,
    response: Response,
    answers: dict[str, Any],
    errors: dict[str, str],
    language: str,
    editable: bool,
    posted: QueryDict | None,
) -> dict[str, Any]:
    page = _Page(survey, answers, errors, language)
    items = page.items(survey.structure["children"], answers, None)
    general = [message for key, message in errors.items() if not key.startswith("q:")]
    return {
        "response": response,
        "round": response.round,
        "items": items,
        "errors": errors,
        "general_errors": general,
        "error_count": len(errors),
        "language": language,
        "form_languages": survey.languages,
        "editable": editable,
        "title": response.round.questionnaire.title,
        "post_url": reverse("assessments:response", args=[response.pk]),
    }
