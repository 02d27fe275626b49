"""Who hears of a referral, in the inbox and by e-mail. Messages hold no personal data: a fixed
sentence, a count and a link. E-mails go out after the transaction commits, in each user's language."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils.functional import lazy
from django.utils.translation import ngettext_lazy

from strom.accounts.models import Notification
from strom.core.mail import send_in_language
from strom.core.roles import Perm, Role, perms_for
from strom.referrals.models import State

if TYPE_CHECKING:
    from strom.accounts.models import User
    from strom.referrals.models import Referral

logger = logging.getLogger("strom.referrals")

# Lazy plural messages; {count} is the only parameter. Registered with the inbox in apps.py.
MESSAGES: dict[str, Any] = {
    "referral_new": ngettext_lazy(
        "Your organisation received %(count)s new referral.",
        "Your organisation received %(count)s new referrals.",
        "count",
    ),
    # Notifications written before accepted and declined were told apart still show.
    "referral_answered": ngettext_lazy(
        "%(count)s referral you sent was answered.",
        "%(count)s referrals you sent were answered.",
        "count",
    ),
    "referral_accepted": ngettext_lazy(
        "%(count)s referral you sent was accepted.",
        "%(count)s referrals you sent were accepted.",
        "count",
    ),
    "referral_declined": ngettext_lazy(
        "%(count)s referral you sent was declined.",
        "%(count)s referrals you sent were declined.",
        "count",
    ),
    "referral_completed": ngettext_lazy(
        "%(count)s referral you sent was completed.",
        "%(count)s referrals you sent were completed.",
        "count",
    ),
    "referral_withdrawn": ngettext_lazy(
        "%(count)s referral to your organisation was withdrawn.",
        "%(count)s referrals to your organisation were withdrawn.",
        "count",
    ),
    "referral_expired": ngettext_lazy(
        "%(count)s referral you sent expired without an answer.",
        "%(count)s referrals you sent expired without an answer.",
        "count",
    ),
    "referral_due_soon": ngettext_lazy(
        "%(count)s referral to your organisation needs an answer soon.",
        "%(count)s referrals to your organisation need an answer soon.",
        "count",
    ),
    "referral_overdue": ngettext_lazy(
        "%(count)s referral is waiting past its answer deadline.",
        "%(count)s referrals are waiting past their answer deadline.",
        "count",
    ),
}


def responders(referral: Referral) -> list[User]:
    """Everyone in the receiving organisation who may answer referrals."""
    from strom.accounts.models import User

    roles = [r.value for r in Role if Perm.REFERRAL_RESPOND in perms_for(r)]
    return list(
        User.objects.filter(
            is_active=True,
            memberships__organisation_id=referral.to_organisation_id,
            memberships__is_active=True,
            memberships__role__in=roles,
        ).distinct()
    )


def senders(referral: Referral) -> list[User]:
    """The worker who sent it and the case's owner, while they still work on the sending side."""
    people = {u.pk: u for u in (referral.sent_by, referral.created_by, referral.case.owner) if u is not None}
    return [
        u
        for u in people.values()
        if u.is_active and u.has_perm_in(Perm.REFERRAL_SEND, referral.from_organisation_id)
    ]


def handlers(referral: Referral) -> list[User]:
    if referral.handled_by is not None and referral.handled_by.is_active:
        return [referral.handled_by]
    return responders(referral)


_quiet: ContextVar[bool] = ContextVar("referral_mail_quiet", default=False)


@contextmanager
def quiet() -> Iterator[None]:
    """No e-mails (inbox entries still), for loading the demo: nobody is there to read them."""
    token = _quiet.set(True)
    try:
        yield
    finally:
        _quiet.reset(token)


def send(key: str, users: Iterable[User], referral: Referral | None = None) -> None:
    """One inbox entry and one e-mail per user."""
    people = {u.pk: u for u in users}
    if not people:
        return
    url = (
        reverse("referrals:detail", kwargs={"referral_uuid": referral.uuid})
        if referral
        else reverse("referrals:list")
    )
    Notification.objects.bulk_create(
        [Notification(user_id=pk, message_key=key, params={"count": 1}, url=url) for pk in people]
    )
    if _quiet.get():
        return
    mails = [(u.email, u.language or settings.LANGUAGE_CODE) for u in people.values()]
    transaction.on_commit(lambda: send_mails(key, mails, count=1))


def send_mails(key: str, mails: list[tuple[str, str]], *, count: int) -> None:
    link = settings.SITE_URL + reverse("referrals:list")
    # Lazy: formatted while the mail is rendered, in each reader's language.
    message = lazy(lambda: str(MESSAGES[key] % {"count": count}), str)()
    for email, language in mails:
        try:
            send_in_language(email, language, "referrals/email/referral", {"message": message, "link": link})
        except Exception:  # a mail server outage must not undo the referral; the inbox entry is saved
            logger.exception("referral e-mail could not be sent")


def new_referral(referral: Referral) -> None:
    send("referral_new", responders(referral), referral)


def answered(referral: Referral) -> None:
    key = "referral_declined" if referral.state == State.DECLINED else "referral_accepted"
    send(key, senders(referral), referral)


def completed(referral: Referral) -> None:
    send("referral_completed", senders(referral), referral)


def withdrawn(referral: Referral) -> None:
    send("referral_withdrawn", handlers(referral), referral)


def expired(referral: Referral) -> None:
    send("referral_expired", senders(referral), referral)
