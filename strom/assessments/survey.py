"""A questionnaire's structure at work: labels in a language, the answers as an ODK instance, and the
checks an ODK client makes (types, relevance, choice filters, constraints, required answers).

Answers are plain data keyed by question name, never by label: `{"staff": "4", "who": "state ngo",
"partners": [{"partner_name": "…"}]}` (a repeat is a list of such dictionaries). Values are kept as
ODK keeps them, as text: a select_multiple as space-separated choice names, a date as YYYY-MM-DD.
Answers to questions that are not relevant are dropped, as ODK drops them on submission.
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from strom.assessments import xpath
from strom.assessments.xlsform import DEFAULT

Answers = dict[str, Any]
INTEGER = re.compile(r"^[-+]?\d{1,15}$")
MAX_TEXT = 10_000
MAX_REPEATS = 200


@dataclass(frozen=True)
class Slot:
    """One place an answer goes: a question, in a repeat instance when `index` is not None."""

    node: dict[str, Any]
    index: int | None

    @property
    def name(self) -> str:
        return str(self.node["name"])

    @property
    def key(self) -> str:
        """The field's name in a form and the key of its error."""
        if self.index is None:
            return f"q:{self.name}"
        return f"q:{self.node['repeat']}:{self.index}:{self.name}"


def literal(value: str) -> str:
    """An XPath 1.0 string literal for any text (XPath 1.0 has no escapes: concat() when both quotes)."""
    if "'" not in value:
        return f"'{value}'"
    if '"' not in value:
        return f'"{value}"'
    parts = value.split("'")
    return "concat(" + ', "\'", '.join(f"'{part}'" for part in parts) + ")"


class Survey:
    def __init__(
        self, structure: dict[str, Any], languages: list[dict[str, str]], default_language: str
    ) -> None:
        self.structure = structure
        self.languages = languages
        self.default_language = default_language
        self.choices: dict[str, list[dict[str, Any]]] = structure.get("choices") or {}
        self.nodes: dict[str, dict[str, Any]] = {node["name"]: node for node in self.walk()}

    # -- reading the structure --------------------------------------------------------------------

    def walk(self, children: list[dict[str, Any]] | None = None) -> Iterator[dict[str, Any]]:
        """Every group, repeat and question in the form's order."""
        for node in self.structure["children"] if children is None else children:
            yield node
            if node["kind"] != "question":
                yield from self.walk(node["children"])

    def questions(self) -> list[dict[str, Any]]:
        return [n for n in self.nodes.values() if n["kind"] == "question"]

    def repeats(self) -> list[dict[str, Any]]:
        return [n for n in self.nodes.values() if n["kind"] == "repeat"]

    def ancestors(self, node: dict[str, Any]) -> list[dict[str, Any]]:
        names = str(node["path"]).split("/")[:-1]
        return [self.nodes[name] for name in names if name in self.nodes]

    def language_for(self, code: str) -> str:
        """The form's language for a language code (the reader's) or name, else its default language."""
        for language in self.languages:
            if language["name"] == code or (language["code"] and language["code"] == code.lower()):
                return language["name"]
        return self.default_language

    def text(self, translations: dict[str, str], language: str) -> str:
        """A label, hint or message in `language`, falling back to the default language, then any."""
        for key in (language, self.default_language, DEFAULT):
            if translations.get(key):
                return translations[key]
        return next(iter(translations.values()), "")

    def label(self, node: dict[str, Any], language: str) -> str:
        return self.text(node.get("label") or {}, language) or str(node["name"])

    def choice_list(self, node: dict[str, Any]) -> list[dict[str, Any]]:
        return self.choices.get(str(node.get("list_name") or ""), [])

    def choice_label(self, node: dict[str, Any], name: str, language: str) -> str:
        for choice in self.choice_list(node):
            if choice["name"] == name:
                return self.text(choice["label"], language) or name
        return name

    # -- answers as an ODK instance ---------------------------------------------------------------

    def slots(self, answers: Answers) -> Iterator[Slot]:
        """Every group, repeat instance and question slot, in the form's order."""
        for node in self.walk():
            if node["repeat"] and node["kind"] != "repeat":
                continue
            if node["kind"] == "repeat":
                for index, _instance in enumerate(answers.get(node["name"]) or []):
                    yield Slot(node, index)
                    for child in self.walk(node["children"]):
                        yield Slot(child, index)
            else:
                yield Slot(node, None)

    def value(self, answers: Answers, slot: Slot) -> str:
        if slot.index is None:
            return str(answers.get(slot.name) or "")
        instances = answers.get(str(slot.node["repeat"])) or []
        if slot.index >= len(instances):
            return ""
        return str(instances[slot.index].get(slot.name) or "")

    def instance(self, answers: Answers) -> tuple[ET.Element, dict[tuple[str, int | None], ET.Element]]:
        """The answers as the XML document ODK expressions are written against, and each slot's element."""
        root = ET.Element(xpath.ROOT)
        elements: dict[tuple[str, int | None], ET.Element] = {}

        def build(
            parent: ET.Element, children: list[dict[str, Any]], values: Answers, index: int | None
        ) -> None:
            for node in children:
                if node["kind"] == "repeat":
                    for i, item in enumerate(values.get(node["name"]) or []):
                        element = ET.SubElement(parent, node["name"])
                        elements[(node["name"], i)] = element
                        build(element, node["children"], item, i)
                    continue
                element = ET.SubElement(parent, node["name"])
                elements[(node["name"], index)] = element
                if node["kind"] == "group":
                    build(element, node["children"], values, index)
                else:
                    element.text = _instance_text(node, values.get(node["name"]))

        build(root, self.structure["children"], answers, None)
        return root, elements

    def resolve(self, context: dict[str, Any]) -> Any:
        """How `${name}` becomes a path seen from `context`: relative within the same repeat instance
        (as pyxform writes it), absolute otherwise."""

        def path(name: str) -> str:
            target = self.nodes.get(name)
            if target is None:
                return f"/{xpath.ROOT}/{name}"
            to = str(target["path"]).split("/")
            repeat = str(context["repeat"] or (context["name"] if context["kind"] == "repeat" else ""))
            if repeat and repeat in to:
                here = str(context["path"]).split("/")
                common = 0
                while common < min(len(here), len(to)) and here[common] == to[common]:
                    common += 1
                ups = [".."] * (len(here) - common)
                return "/".join(ups + to[common:]) or "."
            return f"/{xpath.ROOT}/" + "/".join(to)

        return path


def _instance_text(node: dict[str, Any], value: Any) -> str:
    """A date answer is a number of days in the instance, as ODK compares dates (xpath.today())."""
    text = str(value or "")
    if node.get("type") == "date" and text:
        number = xpath.days(text)
        return text if number != number else str(int(number))  # NaN (not a date) stays as typed
    return text


class Checker:
    """The ODK checks of one set of answers, on the instance built from them."""

    def __init__(self, survey: Survey, answers: Answers) -> None:
        self.survey = survey
        self.answers = answers
        self.root, self.elements = survey.instance(answers)

    def _element(self, node: dict[str, Any], index: int | None) -> ET.Element:
        return self.elements.get((str(node["name"]), index), self.root)

    def _truth(self, expression: str, node: dict[str, Any], index: int | None) -> bool:
        source = xpath.to_xpath(expression, self.survey.resolve(node))
        return xpath.truth(source, self.root, self._element(node, index))

    def relevant(self, node: dict[str, Any], index: int | None) -> bool:
        """The node and every group or repeat around it are relevant."""
        for each in [*self.survey.ancestors(node), node]:
            expression = str(each.get("relevant") or "")
            each_index = index if (each["repeat"] or each["kind"] == "repeat") else None
            if expression and not self._truth(expression, each, each_index):
                return False
        return True

    def required(self, node: dict[str, Any], index: int | None) -> bool:
        expression = str(node.get("required") or "")
        if expression.lower() in {"yes", "true", "true()"}:
            return True
        return bool(expression) and self._truth(expression, node, index)

    def constraint_holds(self, node: dict[str, Any], index: int | None) -> bool:
        expression = str(node.get("constraint") or "")
        return not expression or self._truth(expression, node, index)

    def choices(self, node: dict[str, Any], index: int | None) -> list[dict[str, Any]]:
        """The choices offered: the list, through the question's choice filter if it has one."""
        options = self.survey.choice_list(node)
        expression = str(node.get("choice_filter") or "")
        if not expression:
            return options

        def value_of(name: str) -> str:
            target = self.survey.nodes.get(name)
            if target is None:
                return "''"
            element = self.elements.get((name, index if target["repeat"] else None))
            return literal(element.text or "" if element is not None else "")

        source = xpath.to_xpath(expression, value_of)
        kept = []
        for choice in options:
            item = ET.Element("item")
            for column, text in {**choice["extra"], "name": choice["name"]}.items():
                ET.SubElement(item, column).text = text
            if xpath.truth(source, item, item):
                kept.append(choice)
        return kept

    def clear(self, node: dict[str, Any], index: int | None) -> None:
        """Drop an answer that is not relevant, from the answers and from the instance."""
        if index is None:
            self.answers.pop(str(node["name"]), None)
        else:
            self.answers[str(node["repeat"])][index].pop(str(node["name"]), None)
        element = self.elements.get((str(node["name"]), index))
        if element is not None:
            element.text = ""


# -- typing the answers from a form -----------------------------------------------------------------


def _typed(node: dict[str, Any], raw: Any, survey: Survey) -> tuple[str, str]:
    """(value, error) for one raw answer as a form or the API sends it."""
    kind = node["type"]
    if isinstance(raw, dict) or (isinstance(raw, list) and kind != "select_multiple"):
        return "", _("Give one answer.")
    if kind == "select_multiple":
        chosen = [str(c) for c in raw] if isinstance(raw, list) else str(raw or "").split()
        names = [c["name"] for c in survey.choice_list(node)]
        unknown = [c for c in chosen if c not in names]
        if unknown:
            return "", _("Choose from the list.")
        return " ".join(n for n in names if n in chosen), ""
    text = str(raw or "").strip()
    if not text:
        return "", ""
    if kind == "integer" and not INTEGER.match(text):
        return "", _("Write a whole number.")
    if kind == "integer":
        return str(int(text)), ""
    if kind == "decimal":
        try:
            number = Decimal(text.replace(",", "."))
        except InvalidOperation:
            return "", _("Write a number.")
        return ("", _("Write a number.")) if not number.is_finite() else (str(number), "")
    if kind == "date":
        try:
            return dt.date.fromisoformat(text).isoformat(), ""
        except ValueError:
            return "", _("Write a date as YYYY-MM-DD.")
    if kind == "select_one" and text not in {c["name"] for c in survey.choice_list(node)}:
        return "", _("Choose from the list.")
    if len(text) > MAX_TEXT:
        return "", _("Write at most 10,000 characters.")
    return text, ""


def typed_answers(survey: Survey, raw: Answers) -> tuple[Answers, dict[str, str]]:
    """The answers with each value checked for its type; notes and unknown names are left out."""
    answers: Answers = {}
    errors: dict[str, str] = {}
    for node in survey.walk():
        if node["repeat"] or node["kind"] == "group":
            continue
        if node["kind"] == "repeat":
            items = raw.get(node["name"]) or []
            if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
                errors[f"q:{node['name']}"] = _("Give the entries as a list, one set of answers each.")
                continue
            if len(items) > MAX_REPEATS:
                errors[f"q:{node['name']}"] = _("Too many entries.")
                continue
            entries: list[Answers] = []
            for index, item in enumerate(items):
                kept: Answers = {}
                for child in survey.walk(node["children"]):
                    if child["kind"] == "question" and child["type"] != "note":
                        _put(survey, child, item.get(child["name"]), kept, errors, index)
                entries.append(kept)
            if entries:
                answers[node["name"]] = entries
        elif node["type"] != "note":
            _put(survey, node, raw.get(node["name"]), answers, errors, None)
    return answers, errors


def _put(
    survey: Survey, node: dict[str, Any], raw: Any, into: Answers, errors: dict[str, str], index: int | None
) -> None:
    value, error = _typed(node, raw, survey)
    if error:
        errors[Slot(node, index).key] = error
    elif value:
        into[str(node["name"])] = value


def check(survey: Survey, raw: Answers, *, language: str, complete: bool) -> tuple[Answers, dict[str, str]]:
    """The answers kept and the errors, by field key. `complete`: also every required answer (on
    submission; a draft may have gaps). Constraint messages come in the respondent's `language`."""
    answers, errors = typed_answers(survey, raw)
    checker = _without_irrelevant_repeats(survey, answers)
    for slot in survey.slots(answers):
        node = slot.node
        if node["kind"] != "question" or node["type"] == "note" or slot.key in errors:
            continue
        try:
            _check_slot(survey, checker, slot, language, complete, errors)
        except xpath.ExpressionError:
            errors[slot.key] = _("The questionnaire's rule for this question cannot be evaluated.")
    return answers, errors


def _without_irrelevant_repeats(survey: Survey, answers: Answers) -> Checker:
    """A repeat that is not relevant has no entries (ODK removes them), whatever was typed in them."""
    checker = Checker(survey, answers)
    dropped = False
    for repeat in survey.repeats():
        try:
            relevant = checker.relevant(repeat, None)
        except xpath.ExpressionError:
            relevant = True
        if not relevant and answers.pop(str(repeat["name"]), None) is not None:
            dropped = True
    return Checker(survey, answers) if dropped else checker


def _check_slot(
    survey: Survey, checker: Checker, slot: Slot, language: str, complete: bool, errors: dict[str, str]
) -> None:
    node, index = slot.node, slot.index
    if not checker.relevant(node, index):
        checker.clear(node, index)
        return
    value = survey.value(checker.answers, slot)
    if value:
        offered = {c["name"] for c in checker.choices(node, index)}
        if node["type"] in {"select_one", "select_multiple"} and not set(value.split()) <= offered:
            errors[slot.key] = _("Choose from the list.")
        elif not checker.constraint_holds(node, index):
            message = survey.text(node.get("constraint_message") or {}, language)
            errors[slot.key] = message or _("This answer is not accepted.")
    elif complete and checker.required(node, index):
        message = survey.text(node.get("required_message") or {}, language)
        errors[slot.key] = message or _("Answer this question.")
