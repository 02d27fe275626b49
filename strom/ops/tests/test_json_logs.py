"""STROM_LOG_FORMAT=json: one JSON object per line, a fixed set of fields, no personal data."""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import override_settings

from strom.core.logging import JsonFormatter, RedactFilter
from strom.stages.tests.stage_helpers import opened_case


@pytest.fixture
def json_log() -> Iterator[io.StringIO]:
    """What the django.request logger writes through the JSON formatter and the redacting filter."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RedactFilter())
    logger = logging.getLogger("django.request")
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.WARNING)  # 404s are warnings; the settings log errors only
    try:
        yield stream
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


def lines(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


@pytest.mark.django_db
def test_a_request_error_is_one_json_line_with_method_path_and_request_id_only(
    cast: Any, as_persona: Any, json_log: io.StringIO
) -> None:
    case = opened_case(cast, given_name="Baiba", family_name="Logova")
    client = as_persona("caseworker_a")
    client.get("/no-such-page/", {"q": "Baiba Logova", "email": "baiba@example.test"})
    client.post(f"/cases/{case.ref}/no-such-part/", {"note": "Baiba Logova lives at Brivibas 1"})
    records = lines(json_log)
    assert [r["status_code"] for r in records] == [404, 404]
    first = records[0]
    assert set(first) <= {
        "time",
        "level",
        "logger",
        "message",
        "request",
        "status_code",
        "channel",
        "request_id",
    }
    assert first["level"] == "WARNING"
    assert first["logger"] == "django.request"
    assert first["request"] == "GET /no-such-page/"
    text = json_log.getvalue()
    for secret in ("Baiba", "Logova", "baiba@example.test", "Brivibas"):
        assert secret not in text


def test_a_line_logged_while_a_request_runs_carries_its_request_id() -> None:
    from strom.core.context import Origin, origin

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("strom.tests.json")
    logger.addHandler(handler)
    try:
        with origin(Origin(channel="web", ip="198.51.100.4", request_id="0123456789abcdef")):
            logger.warning("reminder e-mail could not be sent")
    finally:
        logger.removeHandler(handler)
    record = json.loads(stream.getvalue())
    assert record["channel"] == "web"
    assert record["request_id"] == "0123456789abcdef"
    # The address is kept in the audit log, not in logs that travel to a collector.
    assert "198.51.100.4" not in stream.getvalue()


def test_exception_text_loses_the_values_postgresql_quotes_and_e_mail_addresses() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("strom.tests.json")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        raise ValueError(
            'duplicate key value violates unique constraint "user_email"\n'
            "DETAIL:  Key (email)=(anna.berzina@example.test) already exists."
        )
    except ValueError:
        logger.exception("could not invite %s", "anna.berzina@example.test", extra={"person": "Anna Bērziņa"})
    finally:
        logger.removeHandler(handler)
        logger.propagate = True
    record = json.loads(stream.getvalue())
    assert record["message"] == "could not invite [e-mail]"
    assert "Key (email)=(...) already exists." in record["exc_info"]
    assert "person" not in record
    assert "anna" not in stream.getvalue().lower()
    assert "Bērziņa" not in stream.getvalue()


def _log_a_line_in_a_new_process(log_format: str) -> subprocess.CompletedProcess[str]:
    code = "import django, logging; django.setup(); logging.getLogger('strom.worker').warning('%s', 'sent')"
    env = {**os.environ, "STROM_LOG_FORMAT": log_format, "DJANGO_SETTINGS_MODULE": "strom.settings"}
    return subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60, check=False
    )


def test_strom_log_format_json_makes_every_line_json_and_a_wrong_value_stops_start_up() -> None:
    done = _log_a_line_in_a_new_process("json")
    assert done.returncode == 0, done.stderr
    record = json.loads(done.stderr.strip().splitlines()[-1])
    assert record["message"] == "sent"
    assert record["logger"] == "strom.worker"
    assert record["level"] == "WARNING"
    failed = _log_a_line_in_a_new_process("yaml")
    assert failed.returncode != 0
    assert "STROM_LOG_FORMAT must be plain or json, got 'yaml'" in failed.stderr


@override_settings(STROM_BEHIND_PROXY=True)
def test_behind_the_proxy_the_client_address_is_the_last_forwarded_one() -> None:
    from django.test import RequestFactory

    from strom.core.middleware import client_ip

    factory = RequestFactory()
    assert client_ip(factory.get("/", REMOTE_ADDR="", HTTP_X_FORWARDED_FOR="198.51.100.4")) == "198.51.100.4"
    forged = factory.get("/", REMOTE_ADDR="", HTTP_X_FORWARDED_FOR="10.0.0.1, 198.51.100.4")
    assert client_ip(forged) == "198.51.100.4"
    assert client_ip(factory.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="junk")) == "127.0.0.1"
    with override_settings(STROM_BEHIND_PROXY=False):
        assert (
            client_ip(factory.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.4"))
            == "127.0.0.1"
        )
