"""Hypothesis strategies that damage a valid CSV file the ways real files arrive damaged.

Used by the property tests of every importer: cut off, bytes changed, another encoding, NUL bytes,
a huge value, a column more or less, quotation marks in odd places, other line endings.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

from hypothesis import strategies as st

Mutation = Callable[[bytes], bytes]
ENCODINGS = ("latin-1", "cp1257", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-8-sig")


def _at(data: bytes, fraction: float) -> int:
    return int(len(data) * fraction)


def _lines(data: bytes) -> list[bytes]:
    return data.split(b"\n")


@st.composite
def mutation(draw: st.DrawFn) -> Mutation:
    kind = draw(
        st.sampled_from(
            (
                "truncate",
                "flip",
                "encode",
                "nul",
                "huge",
                "extra_column",
                "missing_column",
                "quote",
                "line_endings",
                "formula",
                "ragged",
            )
        )
    )
    where = draw(st.floats(0, 1))
    if kind == "truncate":
        return lambda data: data[: _at(data, where)]
    if kind == "flip":
        byte = draw(st.integers(0, 255))
        return lambda data: data[: _at(data, where)] + bytes([byte]) + data[_at(data, where) + 1 :]
    if kind == "encode":
        encoding = draw(st.sampled_from(ENCODINGS))
        return lambda data: data.decode("utf-8", "replace").encode(encoding, "replace")
    if kind == "nul":
        return lambda data: data[: _at(data, where)] + b"\x00" + data[_at(data, where) :]
    if kind == "huge":
        size = draw(st.sampled_from((10_001, 131_073, 200_000)))
        return lambda data: data[: _at(data, where)] + b"x" * size + data[_at(data, where) :]
    if kind in ("extra_column", "missing_column"):
        column = draw(st.integers(0, 20))
        return lambda data: _columns(data, column, add=kind == "extra_column")
    if kind == "quote":
        text = draw(st.sampled_from((b'"', b'""', b'"a""b"', b'",', b'x"y')))
        return lambda data: data[: _at(data, where)] + text + data[_at(data, where) :]
    if kind == "line_endings":
        ending = draw(st.sampled_from((b"\r\n", b"\r", b"\n\n")))
        return lambda data: data.replace(b"\n", ending)
    if kind == "formula":
        text = draw(st.sampled_from((b"'=", b"=", b"+", b"@", b"-", b"\t")))
        return lambda data: _prefix_field(data, where, text)
    return lambda data: _ragged(data, where)


def _columns(data: bytes, column: int, *, add: bool) -> bytes:
    """Every row with a value more (named "extra" in the header), or with one column left out."""
    try:
        rows = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
    except (UnicodeDecodeError, csv.Error):
        return data
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for number, row in enumerate(rows):
        if add:
            row.insert(min(column, len(row)), "extra" if number == 0 else "x")
        elif row:
            del row[column % len(row)]
        writer.writerow(row)
    return out.getvalue().encode()


def _prefix_field(data: bytes, where: float, text: bytes) -> bytes:
    lines = _lines(data)
    number = min(len(lines) - 1, 1 + int(where * (len(lines) - 1)))
    lines[number] = text + lines[number]
    return b"\n".join(lines)


def _ragged(data: bytes, where: float) -> bytes:
    lines = _lines(data)
    number = min(len(lines) - 1, int(where * len(lines)))
    lines[number] = lines[number].rsplit(b",", 1)[0]
    return b"\n".join(lines)


def mutated(valid: bytes) -> st.SearchStrategy[bytes]:
    """`valid` damaged by one to three mutations in a row."""

    def apply(mutations: list[Mutation]) -> bytes:
        data = valid
        for change in mutations:
            data = change(data)
        return data

    return st.lists(mutation(), min_size=1, max_size=3).map(apply)


def records_in(data: bytes) -> list[dict[str, str]]:
    """The records of a file STROM accepted, counted by Python's csv module on its own: what the
    importer must have imported every one of."""
    utf16 = data.startswith((b"\xff\xfe", b"\xfe\xff"))
    text = data.decode("utf-16") if utf16 else data.decode("utf-8-sig")
    first = text.split("\n", 1)[0]
    delimiter = ";" if ";" in first and "," not in first else ","
    rows = [row for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    rows = [row for row in rows if any(value.strip() for value in row)]
    header = [name.strip() for name in rows[0]]
    return [dict(zip(header, row, strict=True)) for row in rows[1:]]
