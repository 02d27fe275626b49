"""The review step before a referral goes out: what the receiver will see, in words, and what looks
wrong (nothing shared, no message).

The page sends only when the posted fingerprint matches what is being sent, so a change made after
the review (another scope, another message) is reviewed again before it leaves.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from strom.referrals.models import Section

# Short names for the sentence "… will see: identity, needs"; the form's labels list the contents.
SHORT_NAMES: dict[str, Any] = {
    Section.IDENTITY: gettext_lazy("identity"),
    Section.CONTACT: gettext_lazy("contact details"),
    Section.STATUS: gettext_lazy("case status"),
    Section.EVENTS: gettext_lazy("trafficking events"),
    Section.NEEDS: gettext_lazy("needs and support plan"),
    Section.PERPETRATORS: gettext_lazy("suspected perpetrators"),
    Section.DOCUMENTS: gettext_lazy("documents"),
    Section.NOTES: gettext_lazy("case notes"),
}


@dataclass(frozen=True)
class Review:
    sees: str
    warnings: list[str] = field(default_factory=list)
    fingerprint: str = ""


def scope_in_words(receiver: str, scope: Iterable[str]) -> str:
    chosen = set(scope)
    names = [str(SHORT_NAMES[value]) for value in Section.values if value in chosen]
    if not names:
        return _(
            "%(receiver)s will see only the summary: age group, urgency and where the service is "
            "needed — nothing of the case itself."
        ) % {"receiver": receiver}
    return _("%(receiver)s will see: %(sections)s.") % {"receiver": receiver, "sections": ", ".join(names)}


def fingerprint(values: dict[str, Any]) -> str:
    """Stands for what was reviewed; signed so a page cannot skip the review by guessing it."""
    text = json.dumps(values, sort_keys=True, default=str)
    return salted_hmac("strom.referrals.review", text).hexdigest()[:20]


def review(*, receiver: str, scope: list[str] | None, message: str, values: dict[str, Any]) -> Review:
    """`scope` None is a transfer: the whole case goes, once accepted."""
    warnings = []
    if scope is None:
        sees = _("%(receiver)s will receive the whole case once it accepts the transfer.") % {
            "receiver": receiver
        }
    else:
        sees = scope_in_words(receiver, scope)
        if not scope:
            warnings.append(
                _("You shared no part of the case: the receiver may not be able to act on the referral.")
            )
    if not message.strip():
        warnings.append(_("There is no message: the receiver will not know why you refer the person."))
    return Review(sees=sees, warnings=warnings, fingerprint=fingerprint(values))


def reviewed(posted: Any, current: Review) -> bool:
    return isinstance(posted, str) and constant_time_compare(posted, current.fingerprint)
