"""Background work of the hotline: contacts not linked to a case lose what identifies the caller.

A contact that led nowhere still counts in the statistics (channel, caller type, topic, month,
region), but after MINIMISE_AFTER_DAYS nobody needs the caller's name, call-back details, the summary
or the key that recognises a repeat caller. A contact linked to a case follows the case's retention.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from strom.audit.actors import HOTLINE_MINIMISE
from strom.audit.services import audit_record
from strom.hotline.models import Contact

MINIMISE_AFTER_DAYS = 180


def contacts_minimise(*, now: dt.datetime | None = None) -> int:
    """Clear the identifying fields of old contacts without a case; returns how many were cleared."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=MINIMISE_AFTER_DAYS)
    with transaction.atomic():
        ids = list(
            Contact.objects.select_for_update(skip_locked=True)
            .filter(case__isnull=True, minimised_at__isnull=True, occurred_at__lt=cutoff)
            .values_list("pk", flat=True)[:1000]
        )
        if not ids:
            return 0
        Contact.objects.filter(pk__in=ids).update(
            summary="", caller_name="", callback="", caller_key="", minimised_at=timezone.now()
        )
        audit_record(
            actor=HOTLINE_MINIMISE,
            action="hotline.contacts_minimise",
            object_type="hotline_contact",
            details={"count": len(ids)},
        )
    return len(ids)


def minimise_job() -> str:
    count = contacts_minimise()
    return f"hotline contacts minimised: {count}" if count else ""
