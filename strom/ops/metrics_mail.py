"""An e-mail backend that counts what it could not send, for /metrics (`strom_email_failures_total`).

It wraps the backend that really sends (STROM_EMAIL_DELIVERY_BACKEND: SMTP, or the console outside
production) and passes every message through unchanged. A failure is counted and raised again, so
callers handle it as before (a reminder's in-app notification stays, the address is never logged).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.mail import get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.message import EmailMessage

from strom.ops.metrics import EMAIL_FAILURES


class CountingEmailBackend(BaseEmailBackend):
    def __init__(self, fail_silently: bool = False, **kwargs: Any) -> None:
        super().__init__(fail_silently=fail_silently)
        self.inner = get_connection(
            settings.STROM_EMAIL_DELIVERY_BACKEND, fail_silently=fail_silently, **kwargs
        )

    def open(self) -> bool | None:
        try:
            opened: bool | None = self.inner.open()
            return opened
        except Exception:
            EMAIL_FAILURES.inc()
            raise

    def close(self) -> None:
        self.inner.close()

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        messages = list(email_messages)
        try:
            sent = self.inner.send_messages(messages) or 0
        except Exception:
            EMAIL_FAILURES.inc(len(messages))
            raise
        if sent < len(messages):
            # fail_silently: the backend swallowed the error and reports fewer sent.
            EMAIL_FAILURES.inc(len(messages) - sent)
        return sent
