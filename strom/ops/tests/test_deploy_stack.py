"""The production deployment in deploy/ comes up on loopback and passes its checks (deploy/stack_check.py):
nginx with TLS, HSTS and the redirect, static files from nginx, gunicorn and `strom worker` exactly as
the systemd units start them, secure cookies, a log-in with TOTP, /metrics and `strom check --deploy`.

The normal run copies the tests' own migrated database (a fresh `strom migrate` takes minutes on a
busy machine); `pytest -m slow` migrates an empty database as an operator's first install does.
Skipped when nginx or openssl is missing (`apt-get install nginx-light openssl`).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connections

REPO = Path(__file__).resolve().parents[3]
SCRIPT = REPO / "deploy" / "stack_check.py"
SKIPPED = 77

needs_nginx = pytest.mark.skipif(
    not (shutil.which("nginx") or Path("/usr/sbin/nginx").exists()) or not shutil.which("openssl"),
    reason="nginx and openssl are needed to bring the stack up (apt-get install nginx-light openssl)",
)


def run_stack(*args: str) -> subprocess.CompletedProcess[str]:
    database = settings.DATABASES["default"]
    server = f"postgresql://{database['USER']}@{database['HOST']}:{database['PORT']}/postgres"
    if database.get("PASSWORD"):
        server = server.replace("@", f":{database['PASSWORD']}@", 1)
    env = {**os.environ, "DATABASE_URL": server}
    env.pop("STROM_ENV", None)  # the units say production; nothing of the tests' settings may leak in
    done = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, str(SCRIPT), *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    if done.returncode == SKIPPED:
        pytest.skip(done.stdout.strip())
    return done


@needs_nginx
@pytest.mark.django_db(transaction=True)
def test_the_deployment_comes_up_from_a_copy_of_the_migrated_database() -> None:
    # CREATE DATABASE ... TEMPLATE needs the template without connections: ours close first.
    connections.close_all()
    done = run_stack("--template", settings.DATABASES["default"]["NAME"])
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-3000:]
    for line in (
        "HTTP is redirected to HTTPS",
        "HSTS is sent",
        "the session cookie is Secure and HttpOnly",
        "the admin reaches the dashboard",
        "strom check --deploy finds nothing",
        "strom worker runs",
    ):
        assert f"ok   {line}" in done.stdout


@pytest.mark.slow
@needs_nginx
def test_the_deployment_comes_up_on_an_empty_database_as_at_the_first_install() -> None:
    done = run_stack()
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-3000:]
    assert "ok   strom migrate --noinput" in done.stdout
