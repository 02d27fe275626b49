"""E-mail in the reader's language. STROM's mails carry a link and nothing personal (no names, no
case data); the templates say so and the tests check it."""

from __future__ import annotations

from typing import Any

from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation


def send_in_language(to: str, language: str, template: str, context: dict[str, Any]) -> None:
    """Render `<template>_subject.txt` (one line) and `<template>.txt` in `language` and send them.

    Lazy strings in `context` are translated while rendering, so in `language` too. A failure to send
    is raised; callers that must not stop for it catch it.
    """
    with translation.override(language):
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        body = render_to_string(f"{template}.txt", context)
    send_mail(subject, body, None, [to])
