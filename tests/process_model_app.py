"""A WSGI application for tests/test_process_model.py: `/slow?<path>` creates the file <path> and holds
its thread for a while, every other path answers at once; both say which process answered."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

SLOW_SECONDS = 2.0


def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    if environ.get("PATH_INFO") == "/slow":
        # The test waits for this file, so it knows the slow request holds a worker's thread.
        Path(environ["QUERY_STRING"]).touch()
        time.sleep(SLOW_SECONDS)
    body = str(os.getpid()).encode()
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]
