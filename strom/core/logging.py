"""Logging that keeps personal data out of logs.

Log records from Django carry the request object; its repr can include query strings and POST
bodies. `RedactFilter` drops it and keeps only the method and path, which never contain identifying
data (case references, not names, appear in URLs).

`JsonFormatter` writes one JSON object per line for a log collector (STROM_LOG_FORMAT=json). It keeps
a fixed set of fields, never a record's other attributes (a library may attach anything), adds the
request id the audit log records with the same request, and scrubs what an exception's text can drag
in: PostgreSQL's `DETAIL: Key (email)=(...)` values and e-mail addresses.
"""

from __future__ import annotations

import logging
import re
from datetime import datetime
from typing import Any

from pythonjsonlogger.json import JsonFormatter as _JsonFormatter

from strom.core.context import current_origin


class RedactFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        # Every handler runs its filters on the same record: the second one finds the string already.
        if request is not None and not isinstance(request, str):
            record.request = f"{getattr(request, 'method', '?')} {getattr(request, 'path', '?')}"
        return True


# PostgreSQL's constraint errors quote the row's values: "Key (email)=(anna@example.org) already exists".
_KEY_VALUES = re.compile(r"\)=\(.*?\)(?= already exists| is not present|\s*$)", re.MULTILINE)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")


def scrub(text: str) -> str:
    return _EMAIL.sub("[e-mail]", _KEY_VALUES.sub(")=(...)", text))


class JsonFormatter(_JsonFormatter):
    # Only these leave the process; "request" is the method and path RedactFilter left.
    FIELDS = ("time", "level", "logger", "message", "request", "status_code", "exc_info", "stack_info")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("fmt", "%(asctime)s %(levelname)s %(name)s %(message)s")
        kwargs.setdefault("rename_fields", {"asctime": "time", "levelname": "level", "name": "logger"})
        super().__init__(*args, **kwargs)

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        # ISO 8601 with milliseconds and the offset, as log collectors parse without configuration.
        return datetime.fromtimestamp(record.created).astimezone().isoformat(timespec="milliseconds")

    def process_log_record(self, log_data: dict[str, Any]) -> dict[str, Any]:
        kept = {key: log_data[key] for key in self.FIELDS if log_data.get(key) not in (None, "")}
        for key in ("message", "exc_info", "stack_info"):
            if isinstance(kept.get(key), str):
                kept[key] = scrub(kept[key])
        source = current_origin()
        kept["channel"] = source.channel
        if source.request_id:
            kept["request_id"] = source.request_id
        return kept
