"""The case timeline's entries for consent answers and withdrawals, read from the consent records the
case page's consent section shows (records_for_case: the viewer's, through ConsentRecord.visible_to)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from strom.accounts.models import User
from strom.cases.models import Case
from strom.consent.models import ConsentRecord
from strom.consent.selectors import records_for_case
from strom.core.registry import TimelineItem, register_timeline_source


def _name(user: object) -> str:
    return str(getattr(user, "full_name", "") or getattr(user, "email", "") or "")


def _what(record: ConsentRecord) -> str:
    label = str(record.get_purpose_display())
    return f"{label}: {record.recipient_display}" if record.recipient_display else label


@register_timeline_source
def consent_items(user: User, case: Case) -> list[TimelineItem]:
    url = reverse("consent:overview", kwargs={"ref": case.ref})
    items: list[TimelineItem] = []
    for record in records_for_case(user, case):
        title = _("Consent given: %(what)s") if record.given else _("Consent refused: %(what)s")
        items.append(
            TimelineItem(
                record.recorded_at, "consent", title % {"what": _what(record)}, _name(record.recorded_by), url
            )
        )
        if record.withdrawal_recorded_at:
            items.append(
                TimelineItem(
                    record.withdrawal_recorded_at,
                    "consent",
                    _("Consent withdrawn: %(what)s") % {"what": _what(record)},
                    _name(record.withdrawn_by),
                    url,
                )
            )
    return items
