"""Nothing identifying reaches the logs or the error page when a request about a person fails."""

from __future__ import annotations

import logging
from io import StringIO

import pytest
from django.test import Client

from strom.accounts.models import User

NAME = "Zanda Ozoliņa-Bērziņa"


@pytest.mark.django_db
@pytest.mark.urls("tests.crypto_urls_error")
def test_a_server_error_about_a_person_logs_no_identifying_data() -> None:
    user = User.objects.create_user("logs@example.test", full_name=NAME)
    handlers = [
        h for h in logging.getLogger("django.request").handlers if isinstance(h, logging.StreamHandler)
    ]
    assert handlers, "django.request logs through the configured console handler"
    buffer = StringIO()
    # Swap the stream directly: setStream() flushes the old one, which pytest may already have closed.
    previous = [h.stream for h in handlers]
    for handler in handlers:
        handler.stream = buffer
    try:
        client = Client(raise_request_exception=False)
        response = client.post(f"/fail/{user.pk}/?q={NAME}", {"full_name": NAME, "note": f"about {NAME}"})
    finally:
        for handler, stream in zip(handlers, previous, strict=True):
            handler.stream = stream

    logged = buffer.getvalue()
    assert response.status_code == 500
    assert f"/fail/{user.pk}/" in logged  # the failure is logged ...
    for text in (NAME, "Zanda", "Ozoli", "Bērzi", "logs@example.test"):  # ... without the person
        assert text not in logged
        assert text not in response.content.decode()
