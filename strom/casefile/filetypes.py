"""What an uploaded file really is, decided from its bytes, not from its name or the browser's say-so.

Only a short list of types is accepted: the ones case work needs (scans, photos, letters) and that a
caseworker's computer opens without running anything. Each type has its signature and the file name
extensions that may claim it; `check_upload` refuses a file whose content is not on the list, or whose
extension claims another type than its content ("this file says it is a PDF but it is not").
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


@dataclass(frozen=True)
class FileType:
    key: str
    label: Promise
    # The type as a noun phrase, for "this file says it is a PDF but its content is not a PDF".
    claim: Promise
    content_type: str
    extensions: tuple[str, ...]


PDF = FileType("pdf", gettext_lazy("PDF"), gettext_lazy("a PDF"), "application/pdf", (".pdf",))
PNG = FileType("png", gettext_lazy("PNG image"), gettext_lazy("a PNG image"), "image/png", (".png",))
JPEG = FileType(
    "jpeg", gettext_lazy("JPEG image"), gettext_lazy("a JPEG image"), "image/jpeg", (".jpg", ".jpeg")
)
WEBP = FileType("webp", gettext_lazy("WebP image"), gettext_lazy("a WebP image"), "image/webp", (".webp",))
TEXT = FileType(
    "text", gettext_lazy("plain text"), gettext_lazy("plain text"), "text/plain; charset=utf-8", (".txt",)
)
DOCX = FileType(
    "docx",
    gettext_lazy("Word document (DOCX)"),
    gettext_lazy("a Word document"),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    (".docx",),
)
ODT = FileType(
    "odt",
    gettext_lazy("OpenDocument text (ODT)"),
    gettext_lazy("an OpenDocument text"),
    "application/vnd.oasis.opendocument.text",
    (".odt",),
)

ALLOWED: tuple[FileType, ...] = (PDF, PNG, JPEG, WEBP, TEXT, DOCX, ODT)
BY_EXTENSION: dict[str, FileType] = {ext: t for t in ALLOWED for ext in t.extensions}
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"


def allowed_extensions() -> str:
    return ", ".join(ext for t in ALLOWED for ext in t.extensions)


def _zip_type(data: bytes) -> FileType | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            # ODF: the first entry is "mimetype", stored uncompressed, holding the media type.
            if "mimetype" in names:
                info = archive.getinfo("mimetype")
                if info.file_size <= 100 and archive.read(info).strip() == ODT_MIMETYPE:
                    return ODT
                return None
            if "[Content_Types].xml" in names and "word/document.xml" in names:
                return DOCX
    except (zipfile.BadZipFile, ValueError, OSError, RuntimeError, EOFError):
        return None
    return None


def _is_text(data: bytes) -> bool:
    if b"\x00" in data:
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def sniff(data: bytes) -> FileType | None:
    """The accepted type the bytes are, or None."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return WEBP
    if data.startswith(b"PK\x03\x04"):
        return _zip_type(data)
    if data and _is_text(data):
        return TEXT
    return None


def extension_of(filename: str) -> str:
    name = filename.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    return "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""


def check_upload(filename: str, data: bytes) -> FileType:
    """The file's type, or ValidationError with a message that says what is wrong."""
    if not data:
        raise ValidationError(_("The file is empty."), code="empty")
    claimed = BY_EXTENSION.get(extension_of(filename))
    if claimed is None:
        raise ValidationError(
            _("Files ending in “%(ext)s” are not accepted. Accepted: %(allowed)s.")
            % {"ext": extension_of(filename) or _("(no extension)"), "allowed": allowed_extensions()},
            code="extension",
        )
    actual = sniff(data)
    if actual is None or actual != claimed:
        raise ValidationError(
            _("This file says it is %(claimed)s but its content is not %(claimed)s.")
            % {"claimed": claimed.claim},
            code="mismatch",
        )
    return actual


def download_content() -> dict[str, dict[str, object]]:
    """The OpenAPI `content` of a document download: one entry per type a stored file can have."""
    binary: dict[str, object] = {"schema": {"type": "string", "format": "binary"}}
    return {t.content_type.split(";")[0]: binary for t in ALLOWED}
