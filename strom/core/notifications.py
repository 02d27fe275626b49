"""The messages of in-app notifications, by key: the apps that send notifications register theirs.

A notification stores a message key and a count, never text, so the inbox holds no personal data and
shows each message in the reader's language. The apps register their messages from
`AppConfig.ready()`; accounts, which keeps the notifications, knows none of them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# Lazy plural messages, formatted with {"count": n}.
_MESSAGES: dict[str, Any] = {}


def register_message(key: str, message: Any) -> None:
    """`message` is a lazy (plural) string formatted with {"count": n}, e.g. from ngettext_lazy."""
    _MESSAGES[key] = message


def register_messages(messages: Mapping[str, Any]) -> None:
    for key, message in messages.items():
        register_message(key, message)


def notification_message(key: str, params: dict[str, Any]) -> str:
    """The message in the active language; an unknown key shows as itself."""
    message = _MESSAGES.get(key)
    if message is None:
        return key
    return str(message % {"count": int(params.get("count", 0))})
