"""Background work of transnational referral, run by `strom worker` each round (registered in
apps.py): the outbox is drained, and incoming referrals that ended undone lose what was sent."""

from __future__ import annotations

from strom.audit.actors import TRANSNATIONAL_RETENTION
from strom.transnational.services import closed_referrals_minimise
from strom.transnational.services_messages import outbox_deliver


def outbox_job() -> str:
    delivered, failed = outbox_deliver()
    return f"transnational messages: {delivered} delivered, {failed} to retry"


def retention_job() -> str:
    count = closed_referrals_minimise(by=TRANSNATIONAL_RETENTION)
    return f"transnational referrals that ended undone, content deleted: {count}" if count else ""
