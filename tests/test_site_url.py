"""Links in e-mails point where the server is: STROM_SITE_URL, else what `strom run` serves."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

from strom import cli
from strom.core import site_url


def test_the_served_address_becomes_the_link_base() -> None:
    assert site_url.url_for("127.0.0.1", 8000) == "http://127.0.0.1:8000"
    assert site_url.url_for("strom.example.org", 8443) == "http://strom.example.org:8443"
    assert site_url.url_for("::1", 8001) == "http://[::1]:8001"


def test_a_wildcard_address_links_to_the_machine_name_not_to_every_interface() -> None:
    url = site_url.url_for("0.0.0.0", 8001)  # noqa: S104 - the value under test
    assert url == f"http://{socket.getfqdn()}:8001"
    assert "0.0.0.0" not in url  # noqa: S104


def test_the_setting_wins_then_the_served_address_then_the_default(tmp_path: Path) -> None:
    assert site_url.resolve("", tmp_path) == "http://127.0.0.1:8000"
    site_url.remember(tmp_path, "http://10.0.0.5:8001")
    assert site_url.resolve("", tmp_path) == "http://10.0.0.5:8001"
    assert site_url.resolve("", tmp_path, use_remembered=False) == "http://127.0.0.1:8000"
    assert site_url.resolve("https://strom.example.org/", tmp_path) == "https://strom.example.org"


def test_strom_run_hands_its_address_to_gunicorn_and_the_worker(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("STROM_SITE_URL", raising=False)
    cli._set_site_url(tmp_path, "10.0.0.5", 8001)
    # The child processes inherit os.environ; a worker started on its own reads the file.
    assert os.environ["STROM_SITE_URL"] == "http://10.0.0.5:8001"
    assert site_url.remembered(tmp_path) == "http://10.0.0.5:8001"


def test_strom_run_keeps_a_configured_site_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STROM_SITE_URL", "https://strom.example.org")
    cli._set_site_url(tmp_path, "0.0.0.0", 8001)  # noqa: S104
    assert os.environ["STROM_SITE_URL"] == "https://strom.example.org"
    assert site_url.remembered(tmp_path) == ""
