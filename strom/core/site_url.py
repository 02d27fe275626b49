"""Where the server is, for links in e-mails: `STROM_SITE_URL` when set, otherwise the address
`strom run --host --port` serves.

`strom run` passes that address to gunicorn and its worker in the environment and keeps it in
`var/site_url`, so a `strom worker` started on its own (cron, a second terminal) links to the same
server. Plain Python: `strom/cli.py` uses it before Django is set up.
"""

from __future__ import annotations

import socket
from pathlib import Path

DEFAULT = "http://127.0.0.1:8000"
FILE_NAME = "site_url"
# Addresses that mean "every interface": nobody can follow a link to them.
_WILDCARDS = {"", "0.0.0.0", "::", "[::]"}  # noqa: S104 - compared against, not bound


def url_for(host: str, port: int) -> str:
    """The base URL a browser uses to reach `strom run --host HOST --port PORT`."""
    if host in _WILDCARDS:
        host = socket.getfqdn() or "localhost"
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{port}"


def remember(var_dir: Path, url: str) -> None:
    var_dir.mkdir(parents=True, exist_ok=True)
    (var_dir / FILE_NAME).write_text(url + "\n", encoding="utf-8")


def remembered(var_dir: Path) -> str:
    """The address the last `strom run` from this var/ served, or "" when there was none."""
    try:
        return (var_dir / FILE_NAME).read_text(encoding="utf-8").strip()
    except OSError:
        return ""


def resolve(configured: str, var_dir: Path, *, use_remembered: bool = True) -> str:
    """STROM_SITE_URL first, then what `strom run` served, then the default; without a trailing slash."""
    url = configured or (remembered(var_dir) if use_remembered else "") or DEFAULT
    return url.rstrip("/")
