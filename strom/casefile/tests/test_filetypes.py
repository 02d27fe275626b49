"""Type detection from content: what each accepted type looks like, and what is refused."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError

from strom.casefile import filetypes

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< >>\nendobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 20
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 20
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 20


def docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def odt() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
        z.writestr("content.xml", "<office:document-content/>")
    return buffer.getvalue()


def plain_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("payload.exe", "MZ")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("a.pdf", PDF, filetypes.PDF),
        ("a.PNG", PNG, filetypes.PNG),
        ("a.jpg", JPEG, filetypes.JPEG),
        ("a.jpeg", JPEG, filetypes.JPEG),
        ("a.webp", WEBP, filetypes.WEBP),
        ("a.txt", "Rīga, Вильнюс, Tallinn\n".encode(), filetypes.TEXT),
        ("a.docx", docx(), filetypes.DOCX),
        ("a.odt", odt(), filetypes.ODT),
    ],
)
def test_accepted_types_are_recognised_by_their_content(name: str, data: bytes, expected: object) -> None:
    assert filetypes.check_upload(name, data) is expected


def test_a_pdf_name_with_png_content_is_refused_saying_what_it_claims() -> None:
    with pytest.raises(ValidationError) as exc:
        filetypes.check_upload("passport.pdf", PNG)
    assert exc.value.messages == ["This file says it is a PDF but its content is not a PDF."]


def test_text_with_a_nul_byte_is_not_text() -> None:
    with pytest.raises(ValidationError, match="not plain text"):
        filetypes.check_upload("notes.txt", b"hello\x00world")


def test_text_that_is_not_utf8_is_refused() -> None:
    with pytest.raises(ValidationError, match="not plain text"):
        filetypes.check_upload("notes.txt", "Rīga".encode("cp1257"))


def test_a_zip_that_is_not_a_document_is_refused_as_docx() -> None:
    with pytest.raises(ValidationError, match="not a Word document"):
        filetypes.check_upload("report.docx", plain_zip())


def test_an_odt_is_not_accepted_under_a_docx_name() -> None:
    with pytest.raises(ValidationError, match="not a Word document"):
        filetypes.check_upload("report.docx", odt())


@pytest.mark.parametrize("name", ["run.exe", "page.html", "image.svg", "noextension"])
def test_other_extensions_are_refused_with_the_accepted_list(name: str) -> None:
    with pytest.raises(ValidationError) as exc:
        filetypes.check_upload(name, PDF)
    assert "Accepted: .pdf, .png" in exc.value.messages[0]


def test_an_empty_file_is_refused() -> None:
    with pytest.raises(ValidationError, match="empty"):
        filetypes.check_upload("a.pdf", b"")
