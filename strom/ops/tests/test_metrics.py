"""/metrics: only for the configured scraper, counts per view name, worker backlogs and clocks, the last
audit verification and backup, and never a name, a reference or an e-mail address."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.test import Client, override_settings
from django.utils import timezone

from strom.ops import metrics_audit
from strom.ops.metrics_mail import CountingEmailBackend
from strom.stages.models import CaseTask
from strom.stages.services import task_create
from strom.stages.tests.stage_helpers import opened_case

TOKEN = "metrics-token-for-the-tests-0123456789"


def scrape(client: Client | None = None, **headers: str) -> Any:
    return (client or Client()).get("/metrics", headers={"Authorization": f"Bearer {TOKEN}", **headers})


def sample(text: str, name: str, **labels: str) -> float:
    """The value of one sample of the exposition; fails when it is absent."""
    for line in text.splitlines():
        match = re.fullmatch(r"([a-z_]+)(?:\{(.*)\})? (\S+)", line)
        if match and match.group(1) == name:
            found = dict(re.findall(r'(\w+)="([^"]*)"', match.group(2) or ""))
            if found == labels:
                return float(match.group(3))
    raise AssertionError(f"{name} {labels} not in the exposition")


@pytest.fixture(autouse=True)
def verification_state(tmp_path: Path) -> Any:
    """The worker's verification record in the test's own var/, never the checkout's."""
    with override_settings(VAR_DIR=tmp_path):
        yield tmp_path / "ops" / "audit-verification.json"


@pytest.mark.django_db
def test_without_a_token_or_networks_metrics_does_not_exist_for_anyone(as_persona: Any) -> None:
    assert scrape().status_code == 404
    # A logged-in system admin is no scraper either, and nobody is sent to the login page.
    response = as_persona("sysadmin").get("/metrics")
    assert response.status_code == 404
    assert "Location" not in response.headers


@pytest.mark.django_db
@override_settings(STROM_METRICS_TOKEN=TOKEN)
def test_only_the_right_bearer_token_reads_metrics(as_persona: Any) -> None:
    assert Client().get("/metrics").status_code == 403
    assert Client().get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 403
    assert Client().get("/metrics", headers={"Authorization": f"Basic {TOKEN}"}).status_code == 403
    assert as_persona("sysadmin").get("/metrics").status_code == 403
    response = scrape()
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=")
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
@override_settings(STROM_METRICS_ALLOWED_NETWORKS=["10.0.5.0/24"])
def test_networks_are_checked_against_the_address_the_proxy_saw() -> None:
    assert Client(REMOTE_ADDR="10.0.5.7").get("/metrics").status_code == 200
    assert Client(REMOTE_ADDR="10.0.6.7").get("/metrics").status_code == 403
    forged = {"X-Forwarded-For": "10.0.5.7"}
    # Without a proxy the header is not believed; behind one, only the entry the proxy added counts.
    assert Client(REMOTE_ADDR="192.0.2.1").get("/metrics", headers=forged).status_code == 403
    with override_settings(STROM_BEHIND_PROXY=True):
        assert Client(REMOTE_ADDR="").get("/metrics", headers=forged).status_code == 200
        spoofed = {"X-Forwarded-For": "10.0.5.7, 192.0.2.1"}
        assert Client(REMOTE_ADDR="").get("/metrics", headers=spoofed).status_code == 403


@pytest.mark.django_db
@override_settings(STROM_METRICS_TOKEN=TOKEN, STROM_METRICS_ALLOWED_NETWORKS=["127.0.0.0/8"])
def test_with_both_set_the_scraper_needs_both() -> None:
    assert Client(REMOTE_ADDR="127.0.0.1").get("/metrics").status_code == 403
    assert scrape(Client(REMOTE_ADDR="192.0.2.1")).status_code == 403
    assert scrape(Client(REMOTE_ADDR="127.0.0.1")).status_code == 200


@pytest.mark.django_db
@override_settings(STROM_METRICS_TOKEN=TOKEN)
def test_requests_are_counted_per_view_name_never_per_url(cast: Any, as_persona: Any) -> None:
    case = opened_case(cast, given_name="Metrika", family_name="Paraugova")
    client = as_persona("caseworker_a")
    before = scrape().content.decode()

    def count(text: str) -> float:
        try:
            return sample(text, "strom_http_requests_total", view="cases:detail", method="GET", status="2xx")
        except AssertionError:
            return 0.0

    assert client.get(f"/cases/{case.ref}/").status_code == 200
    assert client.get("/no-such-page/").status_code == 404
    text = scrape().content.decode()
    assert count(text) == count(before) + 1, text
    assert sample(text, "strom_http_requests_total", view="unmatched", method="GET", status="4xx") >= 1
    assert sample(text, "strom_http_request_duration_seconds_count", view="cases:detail") >= 1
    assert case.ref not in text


@pytest.mark.django_db
@override_settings(STROM_METRICS_TOKEN=TOKEN)
def test_an_overdue_task_shows_as_backlog_and_clock_until_the_worker_reminds(
    cast: Any, django_capture_on_commit_callbacks: Any
) -> None:
    case = opened_case(cast)
    task = task_create(
        by=cast.caseworker_a, case=case, title_key="check_safety", due_date=timezone.localdate()
    )
    due = timezone.localdate() - dt.timedelta(days=3)
    CaseTask.objects.filter(pk=task.pk).update(due_date=due)

    text = scrape().content.decode()
    assert sample(text, "strom_worker_backlog", job="task reminders") == 1
    waited = (timezone.now() - timezone.make_aware(dt.datetime.combine(due, dt.time()))).total_seconds()
    lag = sample(text, "strom_worker_lag_seconds", job="task reminders")
    assert waited - 86400 - 60 < lag <= waited - 86400
    assert sample(text, "strom_overdue_clocks", kind="task") == 1
    assert sample(text, "strom_worker_backlog", job="audit checkpoint") >= 1

    with django_capture_on_commit_callbacks(execute=True):
        call_command("worker", "--once", stdout=open("/dev/null", "w"))  # noqa: SIM115
    text = scrape().content.decode()
    assert sample(text, "strom_worker_backlog", job="task reminders") == 0
    assert sample(text, "strom_worker_lag_seconds", job="task reminders") == 0
    assert sample(text, "strom_worker_backlog", job="audit checkpoint") == 0
    # Reminded but still not done: the clock stays overdue.
    assert sample(text, "strom_overdue_clocks", kind="task") == 1


@pytest.mark.django_db
@override_settings(STROM_METRICS_TOKEN=TOKEN)
def test_the_worker_verifies_the_audit_chain_once_a_day_and_metrics_tell_when_and_how(
    cast: Any, verification_state: Path
) -> None:
    from strom.audit.services import audit_record

    for n in range(3):
        audit_record(actor=cast.sysadmin, action="ops.test", object_type="test", object_ref=n)
    assert "strom_audit_verification_ok" not in scrape().content.decode()
    line = metrics_audit.verification_job()
    assert re.fullmatch(r"Audit verification of \d+ entries: intact\.", line)
    text = scrape().content.decode()
    assert sample(text, "strom_audit_verification_ok") == 1
    at = sample(text, "strom_audit_verification_timestamp_seconds")
    assert abs(at - timezone.now().timestamp()) < 60
    assert metrics_audit.verification_job() == "Audit verification: not due."

    # A day later it runs again; a chain someone edited is reported as failed.
    from django.db import connection

    with connection.cursor() as cursor:  # as someone with the database's superuser would
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute("UPDATE audit_auditentry SET action = 'ops.edited' WHERE action = 'ops.test'")
        cursor.execute("SET LOCAL session_replication_role = origin")
    stale = verification_state.read_text().replace(str(dt.date.today().year), "2000")
    verification_state.write_text(stale)
    assert "FAILED" in metrics_audit.verification_job()
    assert sample(scrape().content.decode(), "strom_audit_verification_ok") == 0


@pytest.mark.django_db
@override_settings(STROM_METRICS_TOKEN=TOKEN)
def test_the_last_successful_backup_is_reported_by_time_and_age() -> None:
    from strom.ops.models import BackupResult, BackupRun

    assert "strom_backup_age_seconds" not in scrape().content.decode()
    finished = timezone.now() - dt.timedelta(hours=5)
    BackupRun.objects.create(
        started_at=finished - dt.timedelta(minutes=3), finished_at=finished, result=BackupResult.OK
    )
    BackupRun.objects.create(started_at=timezone.now(), result=BackupResult.FAILED)
    text = scrape().content.decode()
    assert sample(text, "strom_backup_last_success_timestamp_seconds") == pytest.approx(finished.timestamp())
    assert 5 * 3600 <= sample(text, "strom_backup_age_seconds") < 5 * 3600 + 60


class _Refusing(BaseEmailBackend):
    def send_messages(self, email_messages: Any) -> int:
        raise ConnectionRefusedError("mail server down")


@pytest.mark.django_db
@override_settings(
    STROM_METRICS_TOKEN=TOKEN,
    STROM_EMAIL_DELIVERY_BACKEND=f"{__name__}._Refusing",
    EMAIL_BACKEND="strom.ops.metrics_mail.CountingEmailBackend",
)
def test_failed_e_mails_are_counted_and_the_failure_still_raised() -> None:
    before = sample(scrape().content.decode(), "strom_email_failures_total")
    with pytest.raises(ConnectionRefusedError, match="mail server down"):
        mail.send_mail("Subject", "Body", None, ["someone@example.test"])
    assert sample(scrape().content.decode(), "strom_email_failures_total") == before + 1


@pytest.mark.django_db
@override_settings(STROM_EMAIL_DELIVERY_BACKEND="django.core.mail.backends.locmem.EmailBackend")
def test_the_counting_backend_hands_mail_on_unchanged() -> None:
    sent = CountingEmailBackend().send_messages(
        [mail.EmailMessage("Subject", "Body", None, ["a@example.test"])]
    )
    assert sent == 1
    assert [m.subject for m in mail.outbox] == ["Subject"]


@pytest.mark.django_db
@override_settings(STROM_METRICS_TOKEN=TOKEN)
def test_the_exposition_names_no_person_reference_or_user(
    cast: Any, as_persona: Any, django_capture_on_commit_callbacks: Any, verification_state: Path
) -> None:
    from strom.ops.models import BackupResult, BackupRun

    cases = [
        opened_case(cast, given_name="Ilze", family_name="Metrikova"),
        opened_case(cast, "b", given_name="Jonas", family_name="Skaitlinis"),
    ]
    for case, worker in zip(cases, (cast.caseworker_a, cast.caseworker_b), strict=True):
        task = task_create(by=worker, case=case, title_key="check_safety", due_date=timezone.localdate())
        CaseTask.objects.filter(pk=task.pk).update(due_date=timezone.localdate() - dt.timedelta(days=1))
        for persona in ("caseworker_a", "caseworker_b", "supervisor_a"):
            as_persona(persona).get(f"/cases/{case.ref}/")
            as_persona(persona).get("/cases/", {"q": "Metrikova"})
    with django_capture_on_commit_callbacks(execute=True):
        call_command("worker", "--once", stdout=open("/dev/null", "w"))  # noqa: SIM115
    BackupRun.objects.create(started_at=timezone.now(), finished_at=timezone.now(), result=BackupResult.OK)

    text = scrape().content.decode()
    forbidden = ["Ilze", "Metrikova", "Jonas", "Skaitlinis", "@"]
    forbidden += [case.ref for case in cases]
    for user in cast.users.values():
        forbidden += [user.email, user.full_name]
    for organisation in (cast.org_a, cast.org_b):
        forbidden.append(organisation.name)
    found = [word for word in forbidden if word and word in text]
    assert not found, f"the metrics name {found}"
    # Only the families this module defines leave STROM.
    families = set(re.findall(r"^# TYPE (\S+) ", text, re.MULTILINE))
    assert families
    assert all(name.startswith("strom_") for name in families)
