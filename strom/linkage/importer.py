"""Reading and checking a spreadsheet of persons (CSV or XLSX, HTCDS 2.0 column names) for a bulk import.

The file is read as a stream, row by row, twice: a first pass checks every row and collects the
problems (row, column, message); only a file without problems is read again and written
(`strom.linkage.services.persons_import`). Neither pass holds more than one row in memory, so a file
of a million rows imports with flat memory.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from strom.cases.choices import Gender
from strom.core.countries import is_country

FIRST_NAME = "prs_FirstName"
SURNAME = "prs_SecondName"
BIRTH_DATE = "prs_Birthdate"
GENDER = "prs_Gender"
CITIZENSHIP = "prs_Citizenship"
PRIMARY_LANGUAGE = "prs_PrimaryLanguage"
SECONDARY_LANGUAGE = "prs_SecondaryLanguage"
MUNICIPALITY = "cas_Municipality"
SOURCE_ID = "source_id"
COLUMNS = (
    FIRST_NAME,
    SURNAME,
    BIRTH_DATE,
    GENDER,
    CITIZENSHIP,
    PRIMARY_LANGUAGE,
    SECONDARY_LANGUAGE,
    MUNICIPALITY,
    SOURCE_ID,
)
SEPARATOR = ";"
MAX_NAME = 200
MAX_SOURCE_ID = 100
# A report of a badly broken file stops listing after this many problems (it still counts them all).
MAX_LISTED_PROBLEMS = 1000
_GENDERS = {value.lower(): value for value in Gender.values}


class ImportFileError(Exception):
    """The file cannot be read as a table of persons at all (format, encoding, header)."""


@dataclass(frozen=True)
class Problem:
    row: int  # the spreadsheet's row number: 1 is the header
    column: str
    message: str

    def __str__(self) -> str:
        where = _("row %(row)d") % {"row": self.row}
        if self.column:
            where += f", {self.column}"
        return f"{where}: {self.message}"


@dataclass
class PersonRow:
    """One checked row, ready to write."""

    line: int
    given_name: str
    family_name: str
    birth_date: str
    gender: str
    citizenships: list[str]
    languages: list[str]
    municipality: str  # a code, "" for the command's default
    source_id: str


@dataclass
class Report:
    rows: int = 0
    problems: list[Problem] = field(default_factory=list)
    problem_count: int = 0

    def add(self, problem: Problem) -> None:
        self.problem_count += 1
        if len(self.problems) < MAX_LISTED_PROBLEMS:
            self.problems.append(problem)


def _cell(value: Any) -> str:
    """A cell as text: spreadsheets give dates as datetimes and ids as floats."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _csv_rows(path: Path) -> Iterator[list[str]]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            sample = handle.read(4096)
            handle.seek(0)
            try:
                dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t")
            except csv.Error:
                dialect = csv.excel
            for row in csv.reader(handle, dialect):
                yield [cell.strip() for cell in row]
    except UnicodeDecodeError:
        raise ImportFileError(_("The CSV file is not UTF-8 text.")) from None


def _xlsx_rows(path: Path) -> Iterator[list[str]]:
    from openpyxl import load_workbook

    try:
        # read_only streams the sheet row by row instead of building it in memory.
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise ImportFileError(_("The file is not a readable XLSX workbook.")) from exc
    try:
        sheet = book.worksheets[0]
        for values in sheet.iter_rows(values_only=True):
            yield [_cell(v) for v in values]
    finally:
        book.close()


def table_rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """(row number, {column: text}) for every non-empty row after the header."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        rows = _csv_rows(path)
    elif suffix == ".xlsx":
        rows = _xlsx_rows(path)
    else:
        raise ImportFileError(_("Give a .csv or .xlsx file."))
    try:
        header = next(rows)
    except StopIteration:
        raise ImportFileError(_("The file is empty.")) from None
    except OSError as exc:
        raise ImportFileError(str(exc)) from None
    columns = _check_header(header)
    for number, values in enumerate(rows, start=2):
        if not any(values):
            continue
        yield number, {name: values[i] if i < len(values) else "" for i, name in enumerate(columns)}


def _check_header(header: list[str]) -> list[str]:
    columns = [name.strip() for name in header]
    while columns and not columns[-1]:
        columns.pop()
    unknown = [name for name in columns if name not in COLUMNS]
    if unknown:
        raise ImportFileError(
            _("Unknown columns: %(unknown)s. The columns STROM reads are: %(known)s.")
            % {"unknown": ", ".join(unknown) or _("(a column without a name)"), "known": ", ".join(COLUMNS)}
        )
    if len(set(columns)) != len(columns):
        raise ImportFileError(_("A column appears twice in the header."))
    if FIRST_NAME not in columns and SURNAME not in columns:
        raise ImportFileError(
            _("The file needs a column %(first)s or %(second)s.") % {"first": FIRST_NAME, "second": SURNAME}
        )
    return columns


def _codes(text: str) -> list[str]:
    return [code.strip() for code in text.split(SEPARATOR) if code.strip()]


def _birth_date(text: str, problems: list[tuple[str, str]]) -> str:
    if not text:
        return ""
    try:
        born = dt.date.fromisoformat(text)
    except ValueError:
        problems.append((BIRTH_DATE, _("“%(value)s” is not a date as YYYY-MM-DD.") % {"value": text}))
        return ""
    today = timezone.localdate()
    if born > today:
        problems.append((BIRTH_DATE, _("The date of birth cannot be in the future.")))
    elif today.year - born.year > 120:
        problems.append((BIRTH_DATE, _("The date of birth is more than 120 years ago.")))
    return born.isoformat()


def check_row(line: int, values: dict[str, str]) -> tuple[PersonRow | None, list[Problem]]:
    """The row as a person to write, or the problems that stop it."""
    found: list[tuple[str, str]] = []
    given, family = values.get(FIRST_NAME, ""), values.get(SURNAME, "")
    if not given and not family:
        found.append((FIRST_NAME, _("Give a first name or a surname.")))
    for column, name in ((FIRST_NAME, given), (SURNAME, family)):
        if len(name) > MAX_NAME:
            found.append((column, _("Keep the name under %(max)d characters.") % {"max": MAX_NAME}))
    birth = _birth_date(values.get(BIRTH_DATE, ""), found)
    gender_text = values.get(GENDER, "")
    gender = _GENDERS.get(gender_text.lower()) if gender_text else Gender.UNKNOWN.value
    if gender is None:
        found.append(
            (
                GENDER,
                _("“%(value)s” is not an HTCDS gender; use one of %(values)s.")
                % {"value": gender_text, "values": ", ".join(Gender.values)},
            )
        )
    citizenships = [code.upper() for code in _codes(values.get(CITIZENSHIP, ""))]
    for code in citizenships:
        if not is_country(code):
            found.append((CITIZENSHIP, _("“%(code)s” is not an ISO 3166 country code.") % {"code": code}))
    languages = [
        c.lower() for c in _codes(values.get(PRIMARY_LANGUAGE, "") + ";" + values.get(SECONDARY_LANGUAGE, ""))
    ]
    for code in languages:
        if not (code.isascii() and code.isalpha() and len(code) in (2, 3)):
            column = (
                PRIMARY_LANGUAGE if code in values.get(PRIMARY_LANGUAGE, "").lower() else SECONDARY_LANGUAGE
            )
            found.append((column, _("“%(code)s” is not an ISO 639 language code.") % {"code": code}))
    source_id = values.get(SOURCE_ID, "")
    if len(source_id) > MAX_SOURCE_ID:
        found.append((SOURCE_ID, _("Keep the source id under %(max)d characters.") % {"max": MAX_SOURCE_ID}))
    if found:
        return None, [Problem(line, column, message) for column, message in found]
    row = PersonRow(
        line=line,
        given_name=given,
        family_name=family,
        birth_date=birth,
        gender=gender or Gender.UNKNOWN.value,
        citizenships=sorted(set(citizenships)),
        languages=list(dict.fromkeys(languages)),
        municipality=values.get(MUNICIPALITY, "").upper(),
        source_id=source_id,
    )
    return row, []
