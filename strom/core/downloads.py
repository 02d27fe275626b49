"""A stored file sent back to the browser or an API client: pages and the API answer alike."""

from __future__ import annotations

from typing import Protocol

from django.http import HttpResponse
from django.utils.http import content_disposition_header


class StoredFile(Protocol):
    content_type: str
    original_name: str


def document_response(data: bytes, document: StoredFile) -> HttpResponse:
    """The decrypted file as an attachment that no browser or proxy keeps or second-guesses."""
    response = HttpResponse(data, content_type=document.content_type)
    response["Content-Disposition"] = content_disposition_header(True, document.original_name) or "attachment"
    response["Content-Length"] = str(len(data))
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    # Opened directly in a tab anyway, the file may not run scripts or load anything.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
