"""Reading an XLSForm (the survey / choices / settings workbook of ODK and KoboToolbox) with pyxform.

pyxform reads the workbook (XLSX, XLS or its CSV form) and validates it the way ODK tools do; STROM
adds its own checks, each naming the sheet and row: the question types STROM can ask, names unique in
the whole form (answers are stored and compared by name), expressions that parse as ODK XPath, one
level of repeats, and the settings that identify a version (`form_id` and `version`). Every problem
found is reported, not only the first; pyxform stops at its first.

The result is the questionnaire's structure as plain data (stored in JSON): a tree of groups, repeats
and questions with every `label::Language (code)`, `hint::` and `constraint_message::` translation,
the choice lists with their extra columns (for choice filters), and the sheets as written, so the
form can be given back as XLSForm.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from pyxform.builder import create_survey_element_from_dict  # type: ignore[import-untyped]  # pyxform ships no types
from pyxform.errors import PyXFormError  # type: ignore[import-untyped]  # pyxform ships no types
from pyxform.xls2json import workbook_to_json  # type: ignore[import-untyped]  # pyxform ships no types
from pyxform.xls2json_backends import DefinitionData, get_xlsform  # type: ignore[import-untyped]  # pyxform ships no types

from strom.assessments import xpath

MAX_BYTES = 5 * 1024 * 1024
FILE_TYPES = (".xlsx", ".xls", ".csv")
DEFAULT = "default"
LANGUAGE_CODE = re.compile(r"\(([A-Za-z]{2,3}(?:[-_][A-Za-z0-9]+)?)\)\s*$")
PYXFORM_ROW = re.compile(r"^\s*\[row\s*:\s*(\d+)\]\s*")
PYXFORM_SHEET = re.compile(r"[Oo]n the '(survey|choices|settings)' sheet")

# The question types STROM asks, by their XLSForm name (and pyxform's aliases for them).
QUESTION_TYPES = {
    "text": "text",
    "string": "text",
    "integer": "integer",
    "int": "integer",
    "decimal": "decimal",
    "date": "date",
    "select_one": "select_one",
    "select_multiple": "select_multiple",
    "select_all_that_apply": "select_multiple",
    "note": "note",
}
STRUCTURE_TYPES = {"begin_group", "end_group", "begin_repeat", "end_repeat"}
SUPPORTED_NAMES = (
    "text, integer, decimal, date, select_one, select_multiple, note, begin_group/end_group, "
    "begin_repeat/end_repeat"
)
# Facts ODK clients record by themselves (start and end time, device): nothing to ask, so a form made
# for KoboToolbox that has them is accepted and they are left out; STROM records its own times.
METADATA_TYPES = {"start", "end", "today", "deviceid", "subscriberid", "simserial", "phonenumber", "username"}
# pyxform's JSON names for the types above.
PYXFORM_TYPES = {
    "text": "text",
    "integer": "integer",
    "decimal": "decimal",
    "date": "date",
    "select one": "select_one",
    "select all that apply": "select_multiple",
    "note": "note",
}
EXPRESSION_COLUMNS = ("relevant", "constraint", "required", "choice_filter")
REQUIRED_WORDS = {"", "yes", "no", "true", "false", "true()", "false()"}


@dataclass(frozen=True)
class FormError:
    sheet: str
    row: int | None
    message: str

    def __str__(self) -> str:
        if self.row:
            return _("Sheet “%(sheet)s”, row %(row)d: %(message)s") % {
                "sheet": self.sheet,
                "row": self.row,
                "message": self.message,
            }
        if self.sheet:
            return _("Sheet “%(sheet)s”: %(message)s") % {"sheet": self.sheet, "message": self.message}
        return self.message


class XLSFormRejected(Exception):
    def __init__(self, errors: list[FormError]) -> None:
        super().__init__("; ".join(str(e) for e in errors))
        self.errors = errors


@dataclass
class ParsedForm:
    form_id: str
    version: str
    title: str
    default_language: str
    languages: list[dict[str, str]]
    structure: dict[str, Any]
    sheets: dict[str, dict[str, list[Any]]]
    warnings: list[str] = field(default_factory=list)


def language_code(name: str) -> str:
    """'Latviešu (lv)' → 'lv'; a column without a code gives ''."""
    match = LANGUAGE_CODE.search(name)
    return match.group(1).lower().replace("_", "-") if match else ""


def _base_type(raw: str) -> str:
    """'select_one yn' → 'select_one'; 'begin group' → 'begin_group'; 'select one yn' → 'select_one'."""
    words = raw.strip().lower().split()
    if not words:
        return ""
    if words[0] in {"begin", "end", "select"} and len(words) > 1 and words[1] in {"group", "repeat", "one"}:
        return f"{words[0]}_{words[1]}"
    if words[0] == "select" and len(words) > 2 and words[1:3] == ["all", "that"]:
        return "select_all_that_apply"
    return words[0]


def _row_number(index: int) -> int:
    # The header is row 1, as in pyxform's messages and in the spreadsheet program.
    return index + 2


def read_definition(content: bytes, file_name: str) -> DefinitionData:
    """The workbook's sheets as rows, or XLSFormRejected."""
    extension = "." + file_name.rsplit(".", 1)[-1].lower() if "." in file_name else ""
    if extension not in FILE_TYPES:
        raise XLSFormRejected([FormError("", None, _("Upload an XLSForm as .xlsx, .xls or .csv."))])
    if len(content) > MAX_BYTES:
        raise XLSFormRejected([FormError("", None, _("The file is larger than 5 MB."))])
    try:
        return get_xlsform(io.BytesIO(content), file_type=extension)
    except PyXFormError as exc:
        raise XLSFormRejected([_pyxform_error(exc)]) from exc
    except Exception as exc:  # a broken zip or an unreadable workbook: the parser's own reason
        raise XLSFormRejected([FormError("", None, _("The file cannot be read as an XLSForm."))]) from exc


def _pyxform_error(exc: Exception) -> FormError:
    message = str(exc).strip()
    match = PYXFORM_ROW.match(message)
    row = int(match.group(1)) if match else None
    message = PYXFORM_ROW.sub("", message)
    # pyxform names the sheet when it is not the survey ("On the 'choices' sheet, …"); its row numbers
    # are otherwise the survey's, also in "List name not in choices sheet".
    named = PYXFORM_SHEET.search(message)
    sheet = named.group(1) if named else "survey"
    if "sheet named 'survey'" in message.lower():
        sheet = ""
    return FormError(sheet, row, "pyxform: " + message)


def _names(survey: list[dict[str, Any]]) -> dict[str, int]:
    rows: dict[str, int] = {}
    for index, row in enumerate(survey):
        name = str(row.get("name") or "").strip()
        if name and not _base_type(str(row.get("type") or "")).startswith("end_"):
            rows.setdefault(name, _row_number(index))
    return rows


def _check_type(errors: list[FormError], row: int, base: str, raw: str, depth: list[str]) -> None:
    if base in STRUCTURE_TYPES:
        if base == "begin_repeat" and "repeat" in depth:
            errors.append(FormError("survey", row, _("A repeat inside a repeat is not supported.")))
        if base.startswith("begin_"):
            depth.append(base.removeprefix("begin_"))
        elif depth:
            depth.pop()
    elif base not in QUESTION_TYPES and base not in METADATA_TYPES:
        errors.append(
            FormError(
                "survey",
                row,
                _("The question type “%(type)s” is not supported. Supported: %(types)s.")
                % {"type": raw, "types": SUPPORTED_NAMES},
            )
        )


def _check_expressions(errors: list[FormError], row: int, values: dict[str, Any]) -> None:
    for column in EXPRESSION_COLUMNS:
        expression = str(values.get(column) or "").strip()
        if not expression or (column == "required" and expression.lower() in REQUIRED_WORDS):
            continue
        try:
            xpath.check(xpath.to_xpath(expression, lambda name: f"/{xpath.ROOT}/{name}"))
        except xpath.ExpressionError as exc:
            errors.append(
                FormError(
                    "survey",
                    row,
                    _("The “%(column)s” expression is not valid ODK XPath: %(reason)s")
                    % {"column": column, "reason": str(exc)},
                )
            )


def check_survey(survey: list[dict[str, Any]]) -> list[FormError]:
    """STROM's own checks of the survey sheet, every problem with its row."""
    errors: list[FormError] = []
    seen: dict[str, int] = {}
    depth: list[str] = []
    for index, values in enumerate(survey):
        raw = str(values.get("type") or "").strip()
        if not raw:
            continue
        row = _row_number(index)
        base = _base_type(raw)
        _check_type(errors, row, base, raw, depth)
        name = str(values.get("name") or "").strip()
        if name and not base.startswith("end_"):
            first = seen.setdefault(name.lower(), row)
            if first != row:
                errors.append(
                    FormError(
                        "survey",
                        row,
                        _(
                            "The name “%(name)s” is already used in row %(first)d: answers are kept by "
                            "name, so every name must be unique in the whole form."
                        )
                        % {"name": name, "first": first},
                    )
                )
        _check_expressions(errors, row, values)
    return errors


def _settings(definition: DefinitionData) -> dict[str, str]:
    rows = definition.settings or []
    return {str(k): str(v).strip() for k, v in (rows[0] if rows else {}).items() if v is not None}


def check_settings(settings: dict[str, str]) -> list[FormError]:
    errors = []
    if not settings.get("form_id"):
        errors.append(FormError("settings", 2, _("Give the form a form_id: versions are kept by it.")))
    if not settings.get("version"):
        errors.append(FormError("settings", 2, _("Give the form a version, for example 2025-01.")))
    return errors


def _sheet(rows: list[dict[str, Any]] | None) -> dict[str, list[Any]]:
    header: list[str] = []
    for row in rows or []:
        header.extend(k for k in row if k not in header)
    return {"header": header, "rows": [[str(r.get(k, "") or "") for k in header] for r in rows or []]}


def parse(content: bytes, file_name: str) -> ParsedForm:
    """Validate and read an XLSForm; XLSFormRejected lists every problem found."""
    definition = read_definition(content, file_name)
    survey = list(definition.survey or [])
    settings = _settings(definition)
    sheets = {
        "survey": _sheet(survey),
        "choices": _sheet(definition.choices),
        "settings": _sheet(definition.settings),
    }
    errors = check_survey(survey) + check_settings(settings)
    warnings: list[str] = []
    data: dict[str, Any] = {}
    try:
        data = workbook_to_json(
            workbook_dict=definition, fallback_form_name=definition.fallback_form_name, warnings=warnings
        )
        # ODK Validate (Java) is not run: it may be missing where STROM runs, and STROM checks the
        # expressions itself (check_survey); pyxform still builds the XForm and checks what it needs.
        create_survey_element_from_dict(data).to_xml(validate=False, warnings=warnings)
    except PyXFormError as exc:
        errors.append(_pyxform_error(exc))
    except Exception as exc:  # pyxform failing on input it did not foresee: still a refusal, not a 500
        errors.append(FormError("", None, "pyxform: " + (str(exc) or type(exc).__name__)))
    if errors:
        raise XLSFormRejected(errors)
    structure, languages = build_structure(data, _names(survey))
    default = settings.get("default_language", "")
    names = [lang["name"] for lang in languages]
    return ParsedForm(
        form_id=settings["form_id"],
        version=settings["version"],
        title=settings.get("form_title") or str(data.get("title") or settings["form_id"]),
        default_language=default if default in names else (names[0] if names else DEFAULT),
        languages=languages,
        structure=structure,
        sheets=sheets,
        warnings=warnings,
    )


# -- the structure ---------------------------------------------------------------------------------


def _translations(value: Any, found: list[str]) -> dict[str, str]:
    if isinstance(value, dict):
        for language in value:
            if language not in found:
                found.append(language)
        return {str(k): str(v) for k, v in value.items()}
    if value in (None, ""):
        return {}
    if DEFAULT not in found:
        found.append(DEFAULT)
    return {DEFAULT: str(value)}


def _node(
    item: dict[str, Any], parent: list[str], repeat: str, rows: dict[str, int], found: list[str]
) -> dict[str, Any]:
    bind = item.get("bind") or {}
    kind = str(item.get("type"))
    path = [*parent, str(item["name"])]
    node: dict[str, Any] = {
        "name": item["name"],
        "path": "/".join(path),
        "row": rows.get(str(item["name"])),
        "repeat": repeat,
        "label": _translations(item.get("label"), found),
        "hint": _translations(item.get("hint"), found),
        "relevant": str(bind.get("relevant") or ""),
    }
    if kind in {"group", "repeat"}:
        inner = str(item["name"]) if kind == "repeat" else repeat
        node["kind"] = kind
        node["children"] = [
            _node(child, path, inner, rows, found) for child in item.get("children") or [] if _asked(child)
        ]
        return node
    required = str(bind.get("required") or "")
    node.update(
        kind="question",
        type=PYXFORM_TYPES[kind],
        constraint=str(bind.get("constraint") or ""),
        constraint_message=_translations(bind.get("jr:constraintMsg"), found),
        required="" if required.lower() in {"", "no", "false", "false()"} else required,
        required_message=_translations(bind.get("jr:requiredMsg"), found),
        list_name=str(item.get("list_name") or item.get("itemset") or ""),
        choice_filter=str(item.get("choice_filter") or ""),
        appearance=str((item.get("control") or {}).get("appearance") or ""),
    )
    return node


def _asked(item: dict[str, Any]) -> bool:
    """Groups, repeats and the supported questions; not pyxform's meta group nor ODK's metadata."""
    kind = str(item.get("type"))
    if kind == "group" and (item.get("control") or {}).get("bodyless"):
        return False
    return kind in {"group", "repeat"} or kind in PYXFORM_TYPES


def _choices(data: dict[str, Any], found: list[str]) -> dict[str, list[dict[str, Any]]]:
    lists: dict[str, list[dict[str, Any]]] = {}
    for list_name, items in (data.get("choices") or {}).items():
        lists[str(list_name)] = [
            {
                "name": str(item.get("name")),
                "label": _translations(item.get("label"), found),
                # Extra columns (e.g. `country` for a cascading select) are what choice filters read.
                "extra": {str(k): str(v) for k, v in item.items() if k not in {"name", "label", "media"}},
            }
            for item in items
        ]
    return lists


def build_structure(
    data: dict[str, Any], rows: dict[str, int]
) -> tuple[dict[str, Any], list[dict[str, str]]]:
    found: list[str] = []
    children = [_node(item, [], "", rows, found) for item in data.get("children") or [] if _asked(item)]
    structure = {"children": children, "choices": _choices(data, found)}
    languages = [{"name": name, "code": language_code(name)} for name in found]
    return structure, languages
