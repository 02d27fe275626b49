"""Transnational messages per second between two local STROM instances.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/strom_bench \\
        .venv/bin/python bench/transnational_messages.py [--messages 300] [--threads 4] [--workers 2]

This process is instance A (its database a copy of a migrated template, named after DATABASE_URL's
with `_trm_a`); instance B runs under gunicorn with its own database, key files and port
(strom/transnational/tests/instance_b.py). Both are set up as partners by their fingerprints. Then:

1. sealing: referral messages signed (ES256) and encrypted (ECDH-ES+A256KW, A256GCM) per second;
2. outbox: A's outbox drained by one worker, end to end (seal, HTTPS-less loopback POST, B verifies,
   decrypts, checks the replay table, stores the referral and signs a receipt, A verifies the receipt
   and marks the message delivered), messages per second;
3. receiving: pre-sealed messages posted to B by --threads clients at once, messages per second.

Each message is a referral for return carrying an identity section, as a focal point sends one.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from strom.transnational.tests.instance_b import InstanceB  # noqa: E402


def _body(country: str) -> dict[str, Any]:
    import datetime as dt

    return {
        "referral": str(uuid.uuid4()),
        "measures": ["return"],
        "scope": ["identity"],
        "sections": [
            {
                "key": "identity",
                "title": "Identity",
                "rows": [["given_name", "Given name", "Julija"], ["family_name", "Family name", "Ivanova"]],
                "items": [],
            }
        ],
        "message": "Synthetic benchmark referral.",
        "sender": "Riga Social Service",
        "child": False,
        "consent": {"country": country, "given_on": dt.date.today().isoformat()},
    }


def _set_up_a(b: InstanceB) -> Any:
    """A's organisation, focal point and partner B, and B's partner A; both confirmed."""
    import json
    import urllib.request

    from strom.accounts.models import Membership, User
    from strom.core.roles import OrgType, Role
    from strom.directory.models import Municipality, Organisation
    from strom.network.models import NetworkService, ServiceType
    from strom.transnational.keys import instance_keys
    from strom.transnational.services import partner_add
    from strom.transnational.services_messages import outbox_deliver

    riga = Municipality.objects.create(country="LV", name="Rīga", code="RIX")
    org = Organisation.objects.create(
        name="Riga Social Service", org_type=OrgType.MUNICIPALITY, country="LV", municipality=riga
    )
    office = Organisation.objects.create(
        name="National Coordinator's Office (LV)", org_type=OrgType.NATIONAL_COORDINATOR, country="LV"
    )
    NetworkService.objects.create(
        organisation=org,
        service_type=ServiceType.SAFE_ACCOMMODATION,
        name="Riga TRM desk",
        trm_focal_point=True,
    )
    admin = User.objects.create_user("sysadmin_a@example.test", "correct horse battery staple 42")
    Membership.objects.create(user=admin, organisation=office, role=Role.SYSTEM_ADMIN)
    with urllib.request.urlopen(f"{b.url}/jwks", timeout=30) as response:  # noqa: S310 - loopback
        published = json.loads(response.read())
    fingerprints = {k["use"]: k["kid"] for k in reversed(published["keys"])}
    partner = partner_add(
        by=admin,
        name="STROM Lithuania",
        country="LT",
        url=b.url,
        signing_thumbprint=fingerprints["sig"],
        encryption_thumbprint=fingerprints["enc"],
        organisation=org,
    )
    ours = instance_keys()
    b.run(
        "setup",
        json.dumps(
            {
                # A does not serve in this benchmark: B's answers to A are not measured.
                "url": "http://127.0.0.1:1/api/v1/transnational",
                "signing": ours.signing.current,
                "encryption": ours.encryption.current,
                "jwks": ours.public_jwks(),
            }
        ),
    )
    if outbox_deliver() != (1, 0):
        raise SystemExit("A's confirmation did not reach B")
    return partner


def bench_sealing(partner: Any, count: int) -> tuple[float, list[str]]:
    from strom.transnational.envelope import seal

    started = time.perf_counter()
    tokens = [
        seal(partner=partner, kind="referral.send", message_id=uuid.uuid4(), body=_body("LT"))
        for _ in range(count)
    ]
    return count / (time.perf_counter() - started), tokens


def bench_outbox(partner: Any, count: int) -> float:
    import datetime as dt
    import json

    from django.utils import timezone

    from strom.transnational.models import OutboxMessage, OutboxState
    from strom.transnational.services_messages import outbox_deliver

    now = timezone.now()
    OutboxMessage.objects.bulk_create(
        OutboxMessage(
            partner=partner, kind="referral.send", body=json.dumps(_body("LT")), next_attempt_at=now
        )
        for _ in range(count)
    )
    started = time.perf_counter()
    delivered = retried = 0
    for _round in range(10):
        # Failed attempts are retried at once here (the worker would wait for their backoff).
        done, failed = outbox_deliver(now=timezone.now() + dt.timedelta(days=1), limit=count)
        delivered, retried = delivered + done, retried + failed
        if delivered >= count:
            break
    seconds = time.perf_counter() - started
    pending = OutboxMessage.objects.filter(state=OutboxState.PENDING)
    if pending.exists():
        raise SystemExit(
            f"the outbox was not drained: {sorted(set(pending.values_list('last_error', flat=True)))}"
        )
    if retried:
        print(f"  {retried} attempts failed and were retried")  # noqa: T201
    return delivered / seconds


def bench_receiving(b: InstanceB, tokens: list[str], threads: int) -> float:
    from strom.transnational.envelope import post_json

    def post(token: str) -> int:
        return post_json(f"{b.url}/messages", {"token": token}).status

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        statuses = list(pool.map(post, tokens))
    seconds = time.perf_counter() - started
    refused = [s for s in statuses if s != 200]
    if refused:
        raise SystemExit(f"{len(refused)} messages refused: {sorted(set(refused))}")
    return len(tokens) / seconds


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--messages", type=int, default=300, help="messages per measurement (default: 300)")
    parser.add_argument("--threads", type=int, default=4, help="concurrent senders to B (default: 4)")
    parser.add_argument("--workers", type=int, default=2, help="B's gunicorn workers (default: 2)")
    options = parser.parse_args()
    base_url = os.environ.get("DATABASE_URL", "")
    if not base_url:
        raise SystemExit("Set DATABASE_URL to a PostgreSQL server this benchmark may create databases on.")
    database = base_url.rsplit("/", 1)[-1].split("?", 1)[0]
    with tempfile.TemporaryDirectory(prefix="strom-trm-bench-") as tmp:
        # A: this process, on a copy of the template, with its own key files.
        a = InstanceB(root=Path(tmp) / "a", database=f"{database}_trm_a")
        a.prepare(base_url)
        os.environ.update(a.env)
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "strom.settings")
        import django

        django.setup()
        b = InstanceB(root=Path(tmp) / "b", database=f"{database}_trm_b")
        b.prepare(base_url)
        b.start(workers=options.workers)
        try:
            partner = _set_up_a(b)
            seal_rate, tokens = bench_sealing(partner, options.messages)
            outbox_rate = bench_outbox(partner, options.messages)
            receive_rate = bench_receiving(b, tokens, options.threads)
        finally:
            b.close()
    print(f"transnational messages, {options.messages} per measurement, cores: {os.cpu_count()}")  # noqa: T201
    print(f"  sign and encrypt (A):                         {seal_rate:8.1f} messages/s")  # noqa: T201
    print(f"  outbox to B, one worker, end to end:          {outbox_rate:8.1f} messages/s")  # noqa: T201
    senders = f"{options.threads} senders, {options.workers} workers"
    print(f"  received by B ({senders}): {receive_rate:8.1f} messages/s")  # noqa: T201
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
