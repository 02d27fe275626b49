"""Instance B: a second STROM instance for the two-instance tests and the message benchmark.

`start_instance_b()` gives it its own database (copied from a migrated template, so a run takes
seconds), its own key files and var directory, and serves it with gunicorn on its own port, as
`strom run` does. Its side of the story is played by running this module in B's environment:

    python -m strom.transnational.tests.instance_b setup '<json>'   # org, focal point, users, partner A
    python -m strom.transnational.tests.instance_b login             # the focal point's second factor
    python -m strom.transnational.tests.instance_b deliver           # one outbox round
    python -m strom.transnational.tests.instance_b inbox
    python -m strom.transnational.tests.instance_b accept <uuid> [--open-case]
    python -m strom.transnational.tests.instance_b agree <uuid> <version>
    python -m strom.transnational.tests.instance_b audit <uuid>

Each command prints one JSON document. All people here are synthetic.

`connect(b, cast=..., a_url=...)` makes the test process (instance A) and B partners, as both admins
would; `deliver_in_a()` is one outbox round in A.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

if TYPE_CHECKING:
    from strom.transnational.models import Partner
    from tests.personas import Cast

BASE_DIR = Path(__file__).resolve().parents[3]
TEMPLATE_SUFFIX = "_template"
ANSWER = "instance-b-answer: "


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


def _admin(url: str, *statements: str) -> None:
    import psycopg

    with psycopg.connect(_with_database(url, "postgres"), autocommit=True) as conn:
        for statement in statements:
            conn.execute(statement.encode())  # our own fixed statements, names from our own code


def _exists(url: str, name: str) -> bool:
    import psycopg

    with psycopg.connect(_with_database(url, "postgres"), autocommit=True) as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None


def _databases(url: str, pattern: str) -> list[str]:
    import psycopg

    with psycopg.connect(_with_database(url, "postgres"), autocommit=True) as conn:
        rows = conn.execute("SELECT datname FROM pg_database WHERE datname LIKE %s", [pattern]).fetchall()
    return [str(row[0]) for row in rows]


def _migrations_hash() -> str:
    import hashlib

    names = sorted(str(p.relative_to(BASE_DIR)) for p in (BASE_DIR / "strom").glob("*/migrations/0*.py"))
    return hashlib.sha256("\n".join(names).encode()).hexdigest()[:10]


@dataclass
class InstanceB:
    root: Path
    database: str
    port: int = field(default_factory=_free_port)
    server: subprocess.Popen[bytes] | None = None
    agent: subprocess.Popen[str] | None = None
    env: dict[str, str] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v1/transnational"

    def prepare(self, base_url: str) -> None:
        """B's database as a copy of a template migrated once per set of migrations (its name says
        which), so a run copies a database instead of migrating one."""
        template = f"{self.database}{TEMPLATE_SUFFIX}_{_migrations_hash()}"
        self.env = {
            **os.environ,
            "STROM_ENV": "test",
            "DATABASE_URL": _with_database(base_url, self.database),
            "STROM_VAR_DIR": str(self.root / "var"),
            "STROM_FIELD_KEYS_FILE": str(self.root / "field-keys.json"),
            "STROM_INSTANCE_KEYS_FILE": str(self.root / "instance-keys.json"),
            "STROM_AUDIT_SIGNING_KEY_FILE": str(self.root / "audit-signing.key"),
            "STROM_AUDIT_CHECKPOINT_DIR": str(self.root / "checkpoints"),
            "STROM_TRANSNATIONAL_ALLOW_LOOPBACK_HTTP": "1",
            "STROM_API_RATE_LIMIT": "1000000/minute",
            "STROM_FIELD_KEYS": "",
            "STROM_INSTANCE_KEYS": "",
        }
        if not _exists(base_url, template):
            for stale in _databases(base_url, f"{self.database}{TEMPLATE_SUFFIX}_%"):
                _admin(base_url, f'DROP DATABASE IF EXISTS "{stale}" WITH (FORCE)')
            _admin(base_url, f'CREATE DATABASE "{template}"')
            self._migrate(_with_database(base_url, template))
        _admin(
            base_url,
            f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)',
            f'CREATE DATABASE "{self.database}" TEMPLATE "{template}"',
        )

    def _migrate(self, database_url: str) -> None:
        env = {**self.env, "DATABASE_URL": database_url}
        subprocess.run(
            [sys.executable, "-m", "strom.cli", "migrate", "--no-input", "-v", "0"],
            cwd=BASE_DIR,
            env=env,
            check=True,
            capture_output=True,
        )

    def start(self, *, workers: int = 1, threads: int = 4) -> None:
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "strom.wsgi:application",
            f"--bind=127.0.0.1:{self.port}",
            f"--workers={workers}",
            "--worker-class=gthread",
            f"--threads={threads}",
            "--timeout=60",
            "--no-control-socket",
            "--log-level=warning",
            # Loaded before it listens: once the port answers, so does STROM.
            "--preload",
        ]
        self.server = subprocess.Popen(command, cwd=BASE_DIR, env=self.env)  # noqa: S603
        # The command process starts Django while gunicorn does, so the first command does not wait.
        self._command_process()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.server.poll() is not None:
                self.close()
                raise RuntimeError("instance B's gunicorn exited before it listened")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.1)
        self.close()
        raise RuntimeError("instance B did not listen within 60 s")

    def _command_process(self) -> subprocess.Popen[str]:
        if self.agent is None or self.agent.poll() is not None:
            self.agent = subprocess.Popen(
                [sys.executable, "-m", "strom.transnational.tests.instance_b", "serve"],
                cwd=BASE_DIR,
                env=self.env,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
            )
        return self.agent

    def close(self) -> None:
        """Stop the server and the command process."""
        self.stop()
        if self.agent is not None and self.agent.poll() is None:
            assert self.agent.stdin is not None
            self.agent.stdin.close()
            try:
                self.agent.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.agent.kill()
                self.agent.wait()
        self.agent = None

    def stop(self) -> None:
        if self.server is not None and self.server.poll() is None:
            self.server.send_signal(signal.SIGTERM)
            try:
                self.server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.server.kill()
                self.server.wait()
        self.server = None

    def run(self, *args: str) -> Any:
        """Run one of this module's commands in B's environment; its JSON answer. The commands go to
        one long-lived process (Django starts once, not once per command)."""
        agent = self._command_process()
        assert agent.stdin is not None
        assert agent.stdout is not None
        agent.stdin.write(json.dumps(list(args)) + "\n")
        agent.stdin.flush()
        for line in agent.stdout:
            if line.startswith(ANSWER):
                answer = json.loads(line[len(ANSWER) :])
                if "error" in answer:
                    raise RuntimeError(f"instance B {args[0]} failed: {answer['error']}")
                return answer["ok"]
        raise RuntimeError(f"instance B's command process ended during {args[0]}")


def start_instance_b(root: Path, *, base_url: str, database: str | None = None) -> InstanceB:
    """B's database is named after the test database unless given, so that two people, or two workers
    of one test run, each have their own B and never drop each other's."""
    if database is None:
        from django.db import connection

        database = f"{connection.settings_dict['NAME']}_trm_b"
    instance = InstanceB(root=root, database=database)
    instance.prepare(base_url)
    instance.start()
    return instance


# --- A's side, run in the test process ---------------------------------------------------------------


def deliver_in_a() -> tuple[int, int]:
    """One outbox round in A, with every waiting message due (the backoff is not what is tested)."""
    import datetime as dt

    from django.utils import timezone

    from strom.transnational.services_messages import outbox_deliver

    return outbox_deliver(now=timezone.now() + dt.timedelta(days=1))


def _jwks_of(b: InstanceB) -> dict[str, Any]:
    import urllib.request

    with urllib.request.urlopen(f"{b.url}/jwks", timeout=10) as response:  # noqa: S310 - loopback test server
        data: dict[str, Any] = json.loads(response.read())
    return data


def connect(b: InstanceB, *, cast: Cast, a_url: str) -> Partner:
    """Both sides add each other by the fingerprints (read here from B as an admin reads them out on
    the phone), and both confirm. `a_url` is the address A (the live server) is served at."""
    from strom.transnational.keys import instance_keys
    from strom.transnational.models import PartnerState
    from strom.transnational.services import partner_add
    from strom.transnational.tests.factories import make_focal_point

    make_focal_point(cast.org_a)
    published = _jwks_of(b)
    fingerprints = {k["use"]: k["kid"] for k in reversed(published["keys"])}
    partner = partner_add(
        by=cast.users["sysadmin"],
        name="STROM Lithuania",
        country="LT",
        url=b.url,
        signing_thumbprint=fingerprints["sig"],
        encryption_thumbprint=fingerprints["enc"],
        organisation=cast.org_a,
    )
    ours = instance_keys()
    b.run(
        "setup",
        json.dumps(
            {
                "url": f"{a_url}/api/v1/transnational",
                "signing": ours.signing.current,
                "encryption": ours.encryption.current,
                "jwks": ours.public_jwks(),
            }
        ),
    )
    assert deliver_in_a() == (1, 0), "A's confirmation reaches B, which knows A now"
    assert b.run("deliver") == {"delivered": 1, "failed": 0, "partner": PartnerState.ACTIVE}
    partner.refresh_from_db()
    assert partner.state == PartnerState.ACTIVE
    return partner


# --- B's side, run inside instance B ---------------------------------------------------------------


def _setup(options: dict[str, Any]) -> dict[str, Any]:
    from strom.accounts.models import Membership, User
    from strom.core.roles import OrgType, Role
    from strom.directory.models import Municipality, Organisation
    from strom.network.models import NetworkService, ServiceType
    from strom.transnational.keys import instance_keys
    from strom.transnational.services import partner_add

    vilnius = Municipality.objects.create(country="LT", name="Vilnius", code="VNO")
    org = Organisation.objects.create(
        name="Vilnius Support Centre", org_type=OrgType.NGO, country="LT", municipality=vilnius
    )
    coordinator = Organisation.objects.create(
        name="National Coordinator's Office (LT)", org_type=OrgType.NATIONAL_COORDINATOR, country="LT"
    )
    NetworkService.objects.create(
        organisation=org,
        service_type=ServiceType.SAFE_ACCOMMODATION,
        name="Vilnius TRM desk",
        trm_focal_point=True,
    )
    focal = User.objects.create_user(
        "focal_b@example.test", "correct horse battery staple 42", full_name="Focal B"
    )
    Membership.objects.create(user=focal, organisation=org, role=Role.SUPERVISOR)
    admin = User.objects.create_user(
        "sysadmin_b@example.test", "correct horse battery staple 42", full_name="Admin B"
    )
    Membership.objects.create(user=admin, organisation=coordinator, role=Role.SYSTEM_ADMIN)
    partner = partner_add(
        by=admin,
        name="STROM Latvia",
        country="LV",
        url=options["url"],
        signing_thumbprint=options["signing"],
        encryption_thumbprint=options["encryption"],
        organisation=org,
        jwks=options["jwks"],
    )
    keys = instance_keys()
    return {"partner": partner.pk, "signing": keys.signing.current, "encryption": keys.encryption.current}


def _login() -> dict[str, Any]:
    """A TOTP device for B's focal point, and what a browser needs to log in with it through B's own
    pages (the password is the personas' one)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    focal = _focal()
    device = TOTPDevice.objects.create(user=focal, name="default", confirmed=True)
    return {
        "email": focal.email,
        "key": device.key,
        "step": device.step,
        "t0": device.t0,
        "digits": device.digits,
        "drift": device.drift,
    }


def _referral(uuid_text: str) -> Any:
    from strom.transnational.models import Direction, TransnationalReferral

    return TransnationalReferral.objects.get(uuid=uuid_text, direction=Direction.INCOMING)


def _focal() -> Any:
    from strom.accounts.models import User

    return User.objects.get(email="focal_b@example.test")


def _command(args: argparse.Namespace) -> Any:
    import datetime as dt

    from strom.audit.models import AuditEntry
    from strom.transnational import services
    from strom.transnational.models import Partner, ReturnPlan, TransnationalReferral
    from strom.transnational.selectors import received_sections
    from strom.transnational.services_messages import outbox_deliver

    if args.command == "setup":
        return _setup(json.loads(args.values[0]))
    if args.command == "login":
        return _login()
    if args.command == "deliver":
        delivered, failed = outbox_deliver(now=dt.datetime.now(dt.UTC) + dt.timedelta(days=1))
        return {"delivered": delivered, "failed": failed, "partner": Partner.objects.get().state}
    if args.command == "partner":
        partner = Partner.objects.get()
        return {"state": partner.state}
    if args.command == "inbox":
        return [
            {
                "uuid": str(r.uuid),
                "state": r.state,
                "measures": r.measures,
                "sections": [s.key for s in received_sections(r)],
                "names": [v for s in received_sections(r) for _label, v in s.rows],
                "case": r.case.ref if r.case else None,
            }
            for r in TransnationalReferral.objects.order_by("created_at")
        ]
    if args.command == "accept":
        referral = services.referral_accept(
            by=_focal(), referral=_referral(args.values[0]), open_case=args.open_case
        )
        return {"state": referral.state, "case": referral.case.ref if referral.case else None}
    if args.command == "agree":
        plan = services.return_plan_agree(
            by=_focal(), referral=_referral(args.values[0]), version=int(args.values[1])
        )
        return {"state": plan.state}
    if args.command == "plan":
        plan = ReturnPlan.objects.get(referral=_referral(args.values[0]))
        return {"state": plan.state, "version": plan.version, "handover_on": plan.handover_on.isoformat()}
    if args.command == "audit":
        referral = _referral(args.values[0])
        refs = [str(referral.uuid)] + ([referral.case.ref] if referral.case else [])
        actions = AuditEntry.objects.filter(object_ref__in=refs).values_list("action", flat=True)
        refused = AuditEntry.objects.filter(action="transnational.message_refused").values_list(
            "details__code", flat=True
        )
        return {"actions": sorted(set(actions)), "refused": sorted(refused)}
    raise SystemExit(f"unknown command {args.command}")


def main() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "strom.settings")
    django.setup()
    parser = argparse.ArgumentParser()
    parser.add_argument("command")
    parser.add_argument("values", nargs="*")
    parser.add_argument("--open-case", action="store_true")
    parser.add_argument("--deliver", action="store_true", help="then one outbox round")
    if sys.argv[1:] != ["serve"]:
        print(ANSWER + json.dumps({"ok": _answer(parser.parse_args())}, default=str))  # noqa: T201
        return
    # One command (a JSON list of arguments) per line on stdin, one answer per line on stdout.
    for line in sys.stdin:
        try:
            reply = {"ok": _answer(parser.parse_args(json.loads(line)))}
        except Exception as exc:
            reply = {"error": f"{exc.__class__.__name__}: {exc}"}
        print(ANSWER + json.dumps(reply, default=str), flush=True)  # noqa: T201 - the answer to the caller


def _answer(args: argparse.Namespace) -> Any:
    answer = _command(args)
    if args.deliver:
        answer = {"answer": answer, "deliver": _command(argparse.Namespace(command="deliver", values=[]))}
    return answer


if __name__ == "__main__":
    main()
