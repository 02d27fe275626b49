"""Help beside a form field that has legal meaning, with a link to the knowledge hub.

The link goes to the hub's help route (strom/hub/views_guidance.py), which opens the guideline on the topic
when one is published and the reader may see it, and the hub search for the topic otherwise; no
form knows which guidelines an instance has, nor any database id.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.functional import lazy
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _


def _help(text: Any, topic: str) -> SafeString:
    url = reverse("hub:help", kwargs={"topic": topic})
    return format_html('{} <a href="{}">{}</a>', text, url, _("Guidance in the knowledge hub"))


# Lazy: the field's help is built when the page is drawn, in the reader's language.
help_with_link = lazy(_help, SafeString)
