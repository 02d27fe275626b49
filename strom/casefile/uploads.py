"""Upload handling that never writes an uploaded file to disk in plaintext.

Django's default handlers spool uploads over 2.5 MB to a temporary file: a case document would sit
unencrypted in /tmp until the request ends (and after a crash, longer). This handler keeps every
upload in memory, up to STROM_UPLOAD_MAX_BYTES; beyond that it drops the bytes and hands on an empty
file that still reports its real size, so the form can say "the file is 14 MB, the limit is 10 MB"
instead of failing with a connection reset. It is the project's only upload handler (settings.py).
"""

from __future__ import annotations

import io
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler


class OversizeUploadedFile(InMemoryUploadedFile):
    """Stands in for a file that was larger than the limit: no content, the size it would have had."""

    oversize = True


class BoundedMemoryUploadHandler(FileUploadHandler):
    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.buffer: io.BytesIO | None = io.BytesIO()
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        self.received += len(raw_data)
        if self.buffer is not None:
            if self.received > settings.STROM_UPLOAD_MAX_BYTES:
                self.buffer = None  # keep counting, stop keeping
            else:
                self.buffer.write(raw_data)
        return None

    def file_complete(self, file_size: int) -> InMemoryUploadedFile:
        cls = InMemoryUploadedFile if self.buffer is not None else OversizeUploadedFile
        buffer = self.buffer if self.buffer is not None else io.BytesIO()
        buffer.seek(0)
        return cls(
            file=buffer,
            field_name=self.field_name,
            name=self.file_name,
            content_type=self.content_type,
            size=file_size,
            charset=self.charset,
            content_type_extra=self.content_type_extra,
        )
