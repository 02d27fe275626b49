# ruff: noqa: T201, S603, S607 - a command-line check that prints and runs our own programs
"""Bring STROM's production stack up on loopback from the files in deploy/, check it, and tear it down.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres .venv/bin/python deploy/stack_check.py

DATABASE_URL names the server and a role that may create databases (the database in it is not used).

Nothing is installed and nothing outside a temporary directory is written (except one database on the
server DATABASE_URL names, dropped at the end). It uses Debian's nginx and openssl as they are:

1. a self-signed certificate for 127.0.0.1, the secrets and key files the units name, an env file made
   from deploy/strom.env.example;
2. a fresh database (`--template DB` copies an already migrated one instead of migrating from empty);
3. exactly what the ExecStart lines of deploy/systemd/*.service start, with their Environment=,
   EnvironmentFile= and LoadCredential= applied as systemd would (/srv/strom is this checkout,
   /etc/strom, /run/strom and var/ are in the temporary directory), as the current user;
4. nginx with deploy/nginx/strom.conf on two free loopback ports instead of 80 and 443;

then checks HTTPS, HSTS, the HTTP to HTTPS redirect, static files served by nginx, secure and HttpOnly
cookies, a log-in with password and TOTP code, /metrics for the scraper only, `strom check --deploy`
and `systemd-analyze verify` on the units (where systemd-analyze exists). Exit status 0 when every
check passed, 1 when one failed, 77 when nginx or openssl is missing (the tests skip then).
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import http.client
import json
import os
import re
import secrets
import shlex
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

REPO = Path(__file__).resolve().parent.parent
DEPLOY = REPO / "deploy"
UNITS = ("strom-web.service", "strom-worker.service")
SKIPPED = 77
ADMIN_EMAIL = "stack.admin@example.test"
ADMIN_PASSWORD = "Stack-check password 2026!"  # noqa: S105 - a throwaway account in a throwaway database
TOTP_KEY = secrets.token_hex(20)


class CheckFailed(Exception):
    pass


def check(condition: bool, what: str) -> None:
    if not condition:
        raise CheckFailed(what)
    print(f"  ok   {what}", flush=True)


# --- the unit files ------------------------------------------------------------------------------------


@dataclass
class Unit:
    name: str
    exec_start: list[str]
    environment: dict[str, str] = field(default_factory=dict)
    environment_files: list[str] = field(default_factory=list)
    credentials: dict[str, str] = field(default_factory=dict)
    working_directory: str = ""


def parse_unit(path: Path) -> Unit:
    """The [Service] settings this check needs, as systemd reads them (one value per line)."""
    unit = Unit(name=path.name, exec_start=[])
    section = ""
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            section = line
            continue
        if section != "[Service]":
            continue
        key, _eq, value = line.partition("=")
        if key == "ExecStart":
            unit.exec_start = shlex.split(value)
        elif key == "Environment":
            for item in shlex.split(value):
                name, _eq, setting = item.partition("=")
                unit.environment[name] = setting
        elif key == "EnvironmentFile":
            unit.environment_files.append(value)
        elif key == "LoadCredential":
            name, _colon, source = value.partition(":")
            unit.credentials[name] = source
        elif key == "WorkingDirectory":
            unit.working_directory = value
    if not unit.exec_start:
        raise CheckFailed(f"{path.name} has no ExecStart")
    return unit


def read_env_file(path: Path) -> dict[str, str]:
    values = {}
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line and not line.startswith("#"):
            name, _eq, value = line.partition("=")
            value = value.strip()
            if len(value) > 1 and value[0] == value[-1] and value[0] in "\"'":
                value = value[1:-1]  # quoted, as systemd and sh both read it
            values[name.strip()] = value
    return values


# --- the stack -----------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class Stack:
    def __init__(
        self, root: Path, admin_url: str, template: str, *, existing: str = "", keys_from: Path | None = None
    ) -> None:
        """`existing`: serve that database as it is (never created or dropped; bench/soak.py), with the
        key document `keys_from` its encrypted fields were written under."""
        self.root = root
        self.admin_url = admin_url
        self.template = template
        self.existing = existing
        self.keys_from = keys_from
        self.database = existing or f"strom_stack_{secrets.token_hex(4)}"
        self.http_port, self.https_port = free_port(), free_port()
        self.processes: dict[str, subprocess.Popen[bytes]] = {}
        self.units = {name: parse_unit(DEPLOY / "systemd" / name) for name in UNITS}
        self.metrics_token = secrets.token_urlsafe(32)

    # Paths of the installed system, mapped into this checkout and the temporary directory.
    def local(self, text: str, unit: str = "") -> str:
        for installed, here in (
            ("/srv/strom/var", str(self.root / "var")),
            ("/srv/strom", str(REPO)),
            ("/etc/strom", str(self.root / "etc")),
            ("/run/strom", str(self.root / "run")),
            ("%d", str(self.root / "credentials" / unit)),
        ):
            text = text.replace(installed, here)
        return text

    @property
    def base(self) -> str:
        return f"https://127.0.0.1:{self.https_port}"

    def database_url(self, name: str = "") -> str:
        parts = urlsplit(self.admin_url)
        return urlunsplit(parts._replace(path="/" + (name or self.database)))

    # -- files --

    def make_files(self) -> None:
        for directory in ("etc/secrets", "etc/keys", "run", "var", "nginx", "www", "tls"):
            (self.root / directory).mkdir(parents=True, exist_ok=True)
        secrets_dir = self.root / "etc" / "secrets"
        (secrets_dir / "secret_key").write_text(secrets.token_urlsafe(50))
        (secrets_dir / "stats_record_key").write_text(secrets.token_urlsafe(40))
        (secrets_dir / "metrics_token").write_text(self.metrics_token)
        (secrets_dir / "email_password").write_text("")  # mail goes to the console here
        keys = {
            "current": "k1",
            "keys": {"k1": base64.b64encode(os.urandom(32)).decode()},
            "blind_index_key": base64.b64encode(os.urandom(32)).decode(),
            "audit_key": base64.b64encode(os.urandom(32)).decode(),
        }
        keys_file = self.root / "etc" / "keys" / "keys.json"
        keys_file.write_text(self.keys_from.read_text() if self.keys_from else json.dumps(keys))
        keys_file.chmod(0o600)
        env = read_env_file(DEPLOY / "strom.env.example")
        for name in ("STROM_EMAIL_HOST", "STROM_EMAIL_USER"):
            env.pop(name)  # mail goes to the console here
        env.update(
            DATABASE_URL=self.database_url(),
            STROM_ALLOWED_HOSTS="127.0.0.1,localhost",
            STROM_CSRF_TRUSTED_ORIGINS=self.base,
            STROM_SITE_URL=self.base,
            STROM_AUDIT_CHECKPOINT_DIR=str(self.root / "var" / "audit-checkpoints"),
        )
        (self.root / "etc" / "strom.env").write_text("".join(f"{k}={v}\n" for k, v in env.items()))
        for unit in self.units.values():
            credentials = self.root / "credentials" / unit.name
            credentials.mkdir(parents=True, exist_ok=True)
            for name, source in unit.credentials.items():
                shutil.copyfile(self.local(source), credentials / name)
                (credentials / name).chmod(0o400)

    def make_certificate(self) -> None:
        tls = self.root / "tls"
        subprocess.run(
            [
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "2",
                "-subj",
                "/CN=127.0.0.1",
                "-addext",
                "subjectAltName=IP:127.0.0.1,DNS:localhost",
                "-keyout",
                str(tls / "privkey.pem"),
                "-out",
                str(tls / "fullchain.pem"),
            ],
            check=True,
            capture_output=True,
        )

    def environment(self, unit_name: str) -> dict[str, str]:
        """The process environment systemd would give the unit: Environment=, then EnvironmentFile=."""
        unit = self.units[unit_name]
        env = {name: os.environ[name] for name in ("PATH", "LANG", "HOME") if name in os.environ}
        # A CI job may point at its own settings or interpreter path; nothing else of ours leaks in.
        for name in ("DJANGO_SETTINGS_MODULE", "PYTHONPATH"):
            if name in os.environ:
                env[name] = os.environ[name]
        env.update({name: self.local(value, unit.name) for name, value in unit.environment.items()})
        for env_file in unit.environment_files:
            env.update(read_env_file(Path(self.local(env_file))))
        return env

    # -- database --

    def create_database(self) -> None:
        if self.existing:
            return
        import psycopg
        from psycopg import sql

        create = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(self.database))
        if self.template:
            create += sql.SQL(" TEMPLATE {}").format(sql.Identifier(self.template))
        with psycopg.connect(self.database_url("postgres"), autocommit=True) as conn:
            conn.execute(create)

    def drop_database(self) -> None:
        if self.existing:
            return
        import psycopg
        from psycopg import sql

        with psycopg.connect(self.database_url("postgres"), autocommit=True) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(self.database))
            )

    # -- commands and processes --

    def strom(
        self, *args: str, stdin: str | None = None, timeout: float = 600
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(REPO / ".venv" / "bin" / "strom"), *args],
            cwd=REPO,
            env=self.environment("strom-web.service"),
            input=stdin,
            text=True,
            capture_output=True,
            timeout=timeout,
            check=False,
        )

    def start(self, unit_name: str) -> None:
        unit = self.units[unit_name]
        command = [self.local(part, unit.name) for part in unit.exec_start]
        log = (self.root / f"{unit_name}.log").open("wb")
        self.processes[unit_name] = subprocess.Popen(
            command,
            cwd=self.local(unit.working_directory) or REPO,
            env=self.environment(unit_name),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def start_nginx(self) -> None:
        site = (DEPLOY / "nginx" / "strom.conf").read_text(encoding="utf-8")
        tls = self.root / "tls"
        for old, new in (
            ("listen 80;", f"listen 127.0.0.1:{self.http_port};"),
            ("listen [::]:80;", ""),
            ("listen 443 ssl http2;", f"listen 127.0.0.1:{self.https_port} ssl http2;"),
            ("listen [::]:443 ssl http2;", ""),
            ("/etc/ssl/strom/", f"{tls}/"),
            ("/var/www/letsencrypt", str(self.root / "www")),
            ("root /srv/strom/var;", f"root {self.root / 'var'};"),
            ("unix:/run/strom/gunicorn.sock", f"unix:{self.root / 'run' / 'gunicorn.sock'}"),
        ):
            if old not in site:
                raise CheckFailed(f"deploy/nginx/strom.conf no longer has {old!r}: update this check")
            site = site.replace(old, new)
        prefix = self.root / "nginx"
        (prefix / "strom.conf").write_text(site)
        # As root nginx would hand its workers to "nobody", who cannot read this directory.
        user = "user root root;\n" if os.geteuid() == 0 else ""
        temp = "\n".join(
            f"    {kind}_temp_path {prefix / kind};"
            for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        (prefix / "nginx.conf").write_text(
            f"{user}daemon off;\nworker_processes 1;\npid {prefix / 'nginx.pid'};\n"
            f"error_log {prefix / 'error.log'} warn;\nevents {{ worker_connections 1024; }}\n"
            f"http {{\n    include /etc/nginx/mime.types;\n    access_log {prefix / 'access.log'};\n{temp}\n"
            f"    include {prefix / 'strom.conf'};\n}}\n"
        )
        nginx = nginx_binary()
        assert nginx is not None
        tested = subprocess.run(
            [nginx, "-t", "-p", str(prefix), "-c", str(prefix / "nginx.conf")], capture_output=True, text=True
        )
        check(
            tested.returncode == 0, f"nginx accepts deploy/nginx/strom.conf ({tested.stderr.strip()[-200:]})"
        )
        log = (self.root / "nginx.log").open("wb")
        self.processes["nginx"] = subprocess.Popen(
            [nginx, "-p", str(prefix), "-c", str(prefix / "nginx.conf")],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_for(self, what: str, ready: Callable[[], bool], timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for name, process in self.processes.items():
                if process.poll() is not None:
                    raise CheckFailed(f"{name} exited with {process.returncode}:\n{self.log_tail(name)}")
            if ready():
                return
            time.sleep(0.2)
        raise CheckFailed(f"{what} not ready within {timeout:.0f} s")

    def log_tail(self, name: str) -> str:
        path = self.root / f"{name}.log"
        return path.read_text(errors="replace")[-3000:] if path.exists() else ""

    def stop(self) -> dict[str, int | None]:
        codes: dict[str, int | None] = {}
        for name in reversed(list(self.processes)):
            process = self.processes[name]
            if process.poll() is None:
                process.send_signal(signal.SIGQUIT if name == "nginx" else signal.SIGTERM)
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait()
            codes[name] = process.returncode
        return codes


def nginx_binary() -> str | None:
    return shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if Path(p).exists()), None)


def socket_accepts(path: Path) -> bool:
    if not path.exists():
        return False
    with socket.socket(socket.AF_UNIX) as probe:
        try:
            probe.connect(str(path))
        except OSError:
            return False
    return True


def port_accepts(port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
        return True
    return False


# --- the checks ---------------------------------------------------------------------------------------


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: str

    def cookies(self) -> dict[str, str]:
        """Set-Cookie lines by cookie name."""
        return {line.split("=", 1)[0]: line for line in self.headers.get_all("Set-Cookie") or []}


class Browser:
    """Just enough of one: HTTPS verified against our certificate, cookies kept, no redirects followed."""

    def __init__(self, stack: Stack) -> None:
        self.stack = stack
        self.context = ssl.create_default_context(cafile=str(stack.root / "tls" / "fullchain.pem"))
        self.jar: dict[str, str] = {}

    def request(
        self,
        method: str,
        path: str,
        *,
        form: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> Answer:
        conn = http.client.HTTPSConnection(
            "127.0.0.1", self.stack.https_port, context=self.context, timeout=60
        )
        body = urlencode(form) if form is not None else None
        sent = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.jar.items()), **(headers or {})}
        if form is not None:
            sent.update(
                {
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Referer": self.stack.base + path,
                    "Origin": self.stack.base,
                }
            )
        try:
            conn.request(method, path, body=body, headers=sent)
            response = conn.getresponse()
            answer = Answer(response.status, response.headers, response.read().decode("utf-8", "replace"))
        finally:
            conn.close()
        for line in answer.headers.get_all("Set-Cookie") or []:
            name, _eq, rest = line.partition("=")
            self.jar[name] = rest.split(";", 1)[0]
        return answer

    def csrf(self, answer: Answer) -> str:
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', answer.body)
        if not match:
            raise CheckFailed("no CSRF token in the form")
        return match.group(1)


def totp_now(key_hex: str) -> str:
    """RFC 6238 with django-otp's defaults: SHA-1, 30 s steps, six digits."""
    import hashlib
    import hmac
    import struct

    counter = struct.pack(">Q", int(time.time()) // 30)
    digest = hmac.new(bytes.fromhex(key_hex), counter, hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    code = (struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000
    return f"{code:06d}"


def secure_cookie(line: str) -> bool:
    flags = {part.strip().lower() for part in line.split(";")[1:]}
    return "secure" in flags and "httponly" in flags


def check_transport(stack: Stack, browser: Browser) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", stack.http_port, timeout=30)
    conn.request("GET", "/accounts/login/?next=/cases/")
    response = conn.getresponse()
    response.read()
    conn.close()
    location = response.getheader("Location", "")
    check(
        response.status == 301 and location == "https://127.0.0.1/accounts/login/?next=/cases/",
        f"HTTP is redirected to HTTPS ({response.status} {location})",
    )
    health = browser.request("GET", "/healthz")
    check(health.status == 200 and json.loads(health.body) == {"status": "ok"}, "HTTPS /healthz answers ok")
    hsts = health.headers.get("Strict-Transport-Security", "")
    check("max-age=31536000" in hsts and "includeSubDomains" in hsts, f"HSTS is sent ({hsts})")


def check_static(stack: Stack, browser: Browser) -> None:
    manifest = json.loads((stack.root / "var" / "static" / "staticfiles.json").read_text())
    hashed = next(name for original, name in manifest["paths"].items() if original.endswith(".css"))
    answer = browser.request("GET", f"/static/{hashed}", headers={"Accept-Encoding": "gzip"})
    check(
        answer.status == 200
        and answer.headers.get_all("Cache-Control") == ["public, max-age=31536000, immutable"],
        f"nginx serves /static/{hashed} with a year's caching "
        f"({answer.status} {answer.headers.get_all('Cache-Control')})",
    )
    check("/static/" not in stack.log_tail("strom-web.service"), "static files never reach gunicorn")
    check("Strict-Transport-Security" in answer.headers, "static files carry HSTS too")


def check_login(stack: Stack, browser: Browser) -> None:
    page = browser.request("GET", "/accounts/login/")
    cookies = page.cookies()
    check(page.status == 200 and "strom_csrf" in cookies, "the login page answers over HTTPS")
    check(
        secure_cookie(cookies["strom_csrf"]),
        f"the CSRF cookie is Secure and HttpOnly ({cookies['strom_csrf']})",
    )
    form = {"csrfmiddlewaretoken": browser.csrf(page), "email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}
    sent = browser.request("POST", "/accounts/login/", form=form)
    check(
        sent.status == 302 and "two-factor" in sent.headers.get("Location", ""),
        f"the password leads to the second factor ({sent.status} {sent.headers.get('Location')})",
    )
    session = sent.cookies().get("strom_session", "")
    check(secure_cookie(session), f"the session cookie is Secure and HttpOnly ({session})")
    step = browser.request("GET", "/accounts/two-factor/")
    code = {"csrfmiddlewaretoken": browser.csrf(step), "otp_token": totp_now(TOTP_KEY)}
    verified = browser.request("POST", "/accounts/two-factor/", form=code)
    check(verified.status == 302, f"the TOTP code is accepted ({verified.status})")
    home = browser.request("GET", "/")
    check(home.status == 200 and "Stack Check Office" in home.body, "the admin reaches the dashboard")


def check_metrics(stack: Stack, browser: Browser) -> None:
    check(browser.request("GET", "/metrics").status == 403, "/metrics refuses a request without the token")
    answer = browser.request("GET", "/metrics", headers={"Authorization": f"Bearer {stack.metrics_token}"})
    check(answer.status == 200, "/metrics answers the scraper")
    counted = re.findall(
        r'^strom_http_requests_total\{[^}]*view="accounts:login"[^}]*\} (\S+)$', answer.body, re.M
    )
    check(
        sum(float(v) for v in counted) >= 2,
        "the log-in's requests are counted (through the multiprocess files)",
    )
    check(ADMIN_EMAIL not in answer.body and "Stack Check" not in answer.body, "/metrics names nobody")


def run_checks(stack: Stack) -> None:
    print("starting the units' ExecStart and nginx ...", flush=True)
    stack.start("strom-web.service")
    stack.start("strom-worker.service")
    stack.wait_for("gunicorn", lambda: socket_accepts(stack.root / "run" / "gunicorn.sock"))
    stack.start_nginx()
    stack.wait_for("nginx", lambda: port_accepts(stack.https_port) and port_accepts(stack.http_port))
    browser = Browser(stack)
    check_transport(stack, browser)
    check_static(stack, browser)
    check_login(stack, browser)
    check_metrics(stack, browser)
    deploy_check = stack.strom("check", "--deploy", "--fail-level", "WARNING")
    check(
        deploy_check.returncode == 0,
        f"strom check --deploy finds nothing {deploy_check.stderr.strip()[-500:]}",
    )
    stack.wait_for(
        "the worker's first round", lambda: "STROM worker running" in stack.log_tail("strom-worker.service")
    )
    check(stack.processes["strom-worker.service"].poll() is None, "strom worker runs")


def prepare(stack: Stack) -> None:
    print("preparing: files, certificate, database ...", flush=True)
    stack.make_files()
    stack.make_certificate()
    stack.create_database()
    signing = stack.strom(
        "audit", "signing-key", "--create", stack.local("/etc/strom/keys/audit-signing.key")
    )
    check(signing.returncode == 0, f"strom audit signing-key --create {signing.stderr.strip()[-300:]}")
    # A copy of a migrated database (the tests' own, whose cache lives in memory) needs only the cache
    # table: migrate itself takes half a minute even when there is nothing to do.
    steps: list[tuple[str, ...]] = [("migrate", "--noinput"), ("collectstatic", "--noinput")]
    if stack.template:
        steps[0] = ("createcachetable",)
    for args in steps:
        began = time.monotonic()
        done = stack.strom(*args)
        check(
            done.returncode == 0,
            f"strom {' '.join(args)} ({time.monotonic() - began:.0f} s) {done.stderr[-500:]}",
        )
    admin = stack.strom(
        "createadmin",
        "--email",
        ADMIN_EMAIL,
        "--name",
        "Stack Check",
        "--org",
        "Stack Check Office",
        "--country",
        "LV",
        "--password-stdin",
        stdin=ADMIN_PASSWORD + "\n",
    )
    check(admin.returncode == 0, f"strom createadmin {admin.stderr.strip()[-300:]}")
    # The admin's authenticator, as the two-factor set-up page would confirm it (a known key, so the
    # check can compute codes).
    device = stack.strom(
        "shell",
        "-c",
        "from django_otp.plugins.otp_totp.models import TOTPDevice; from strom.accounts.models import User; "
        f"TOTPDevice.objects.create(user=User.objects.get(email='{ADMIN_EMAIL}'), name='stack', "
        f"key='{TOTP_KEY}', confirmed=True)",
    )
    check(device.returncode == 0, f"a TOTP device for the admin {device.stderr.strip()[-300:]}")


def verify_units(stack: Stack) -> None:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        print("  --   systemd-analyze not installed: the unit files are not verified", flush=True)
        return
    copies = stack.root / "units"
    copies.mkdir(exist_ok=True)
    for name in UNITS:
        # The executables must exist for verify: /srv/strom is this checkout here.
        text = (DEPLOY / "systemd" / name).read_text(encoding="utf-8").replace("/srv/strom", str(REPO))
        (copies / name).write_text(text)
    done = subprocess.run(
        [analyze, "verify", "--man=no", *(str(copies / n) for n in UNITS)], capture_output=True, text=True
    )
    check(done.returncode == 0 and not done.stderr.strip(), f"systemd-analyze verify {done.stderr.strip()}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--template", default="", help="copy this migrated database instead of migrating")
    parser.add_argument("--keep", action="store_true", help="leave the temporary directory for inspection")
    options = parser.parse_args(argv)
    admin_url = os.environ.get("DATABASE_URL", "")
    missing = [
        name for name, found in (("nginx", nginx_binary()), ("openssl", shutil.which("openssl"))) if not found
    ]
    if missing:
        print(f"skipped: {' and '.join(missing)} not installed (apt-get install nginx-light openssl)")
        return SKIPPED
    if not admin_url.startswith("postgresql://"):
        print("DATABASE_URL must name a PostgreSQL server where a database may be created")
        return 2
    root = Path(tempfile.mkdtemp(prefix="strom-stack-"))
    stack = Stack(root, admin_url, options.template)
    began = time.monotonic()
    failure = ""
    try:
        verify_units(stack)
        prepare(stack)
        run_checks(stack)
    except (CheckFailed, subprocess.SubprocessError, OSError) as exc:
        failure = str(exc)
    finally:
        codes = stack.stop()
        with contextlib.suppress(Exception):
            stack.drop_database()
        if failure:
            for name in stack.processes:
                print(f"--- {name} log ---\n{stack.log_tail(name)}")
        if options.keep:
            print(f"kept {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)
    if not failure:
        bad = {name: code for name, code in codes.items() if name != "nginx" and code not in (0, -15)}
        if bad:
            failure = f"stopped with errors: {bad}"
    if failure:
        print(f"FAILED: {failure}")
        return 1
    print(f"the stack passed every check in {time.monotonic() - began:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
