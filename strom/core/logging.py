"""Logging filter that keeps personal data out of logs.

Log records from Django carry the request object; its repr can include query strings and POST
bodies. We drop it and keep only the method and path, which never contain identifying data (case
references, not names, appear in URLs).
"""

from __future__ import annotations

import logging


class RedactFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        if request is not None:
            record.request = f"{getattr(request, 'method', '?')} {getattr(request, 'path', '?')}"
        return True
