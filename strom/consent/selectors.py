"""Reads for consent, and `consent_status`: the one answer to "may we do X for this person now?".

The rule: take the person's most recent answer (by the date the person gave it, then by when it was
recorded) for that purpose and recipient, among the records that apply (for a case: the case's own
and the person-wide ones). It permits only if it was given, is not withdrawn and has not expired.
No answer means no: in particular statistics are NOT consented until the person says yes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from strom.cases import access
from strom.cases.loader import case_rows, reading_once
from strom.cases.models import Case, Person
from strom.consent.models import ConsentRecord, ConsentRecordQuerySet, Purpose
from strom.directory.models import Organisation

if TYPE_CHECKING:
    from strom.accounts.models import User


class Reason(models.TextChoices):
    GIVEN = "given", _("Consented")
    REFUSED = "refused", pgettext_lazy("consent", "Refused")
    WITHDRAWN = "withdrawn", pgettext_lazy("consent", "Withdrawn")
    EXPIRED = "expired", _("Expired")
    NOT_ASKED = "not_asked", _("Not asked")


@dataclass(frozen=True)
class Status:
    given: bool
    record: ConsentRecord | None
    reason: Reason

    @property
    def label(self) -> str:
        return str(self.reason.label)

    @property
    def child_without_guardian(self) -> bool:
        """A child's consent recorded without the guardian or representative: show it, check it."""
        return self.record is not None and self.record.child_without_guardian


def status_of(record: ConsentRecord | None, *, today: dt.date | None = None) -> Status:
    """What one record (the most recent answer) means today."""
    today = today or timezone.localdate()
    if record is None:
        return Status(False, None, Reason.NOT_ASKED)
    if not record.given:
        return Status(False, record, Reason.REFUSED)
    if record.withdrawn_at is not None and record.withdrawn_at <= today:
        return Status(False, record, Reason.WITHDRAWN)
    if record.valid_until is not None and record.valid_until < today:
        return Status(False, record, Reason.EXPIRED)
    return Status(True, record, Reason.GIVEN)


def applying(person_or_case: Person | Case) -> ConsentRecordQuerySet:
    """The records that apply: a case's own and the person's person-wide ones; a person's all."""
    if isinstance(person_or_case, Case):
        case = person_or_case
        return ConsentRecord.objects.filter(person_id=case.person_id).filter(
            Q(case__isnull=True) | Q(case=case)
        )
    return ConsentRecord.objects.filter(person=person_or_case)


def _recipient_filter(purpose: str, recipient: Organisation | int | str | None) -> Q:
    if purpose == Purpose.DISCLOSURE:
        if recipient is None or isinstance(recipient, str):
            raise ValueError("disclosure consent is asked for a named organisation (Organisation or id)")
        org_id = recipient.pk if isinstance(recipient, Organisation) else recipient
        return Q(recipient_organisation_id=org_id)
    if purpose == Purpose.CROSS_BORDER:
        if not isinstance(recipient, str) or not recipient:
            raise ValueError("transfer consent is asked for a named country (ISO 3166 code)")
        return Q(recipient_country=recipient.upper())
    return Q()


def consent_status(
    person_or_case: Person | Case,
    purpose: str,
    recipient: Organisation | int | str | None = None,
    *,
    today: dt.date | None = None,
) -> Status:
    """May we do `purpose` (for `recipient`: an Organisation for disclosure, a country for transfer) now?"""
    if purpose not in Purpose.values:
        raise ValueError(f"unknown consent purpose {purpose!r}")
    latest = (
        applying(person_or_case)
        .filter(purpose=purpose)
        .filter(_recipient_filter(purpose, recipient))
        .select_related("recipient_organisation")
        .order_by("-given_at", "-recorded_at", "-id")
        .first()
    )
    return status_of(latest, today=today)


@dataclass(frozen=True)
class OverviewRow:
    purpose: str
    purpose_label: str
    recipient: str  # organisation name or country name, "" for purposes without a recipient
    status: Status


def _applying_visible(user: User, case: Case, *relations: str) -> list[ConsentRecord]:
    # `ConsentRecord.objects.visible_to(user)` for this case: its records are visible with the case,
    # and the person's person-wide ones too (a person is visible through a case the user may see).
    # Asked of the case row in Python, not as two subqueries for PostgreSQL to plan on every page.
    if not access.may_see_case(user, case):
        return []
    return list(applying(case).select_related(*relations).order_by("-given_at", "-recorded_at", "-id"))


def records_for_case(user: User, case: Case) -> list[ConsentRecord]:
    """Every record that applies to the case and `user` may see, newest answer first (the full history),
    with who recorded and withdrew each. The consent section and the timeline share one read on a page
    with both (strom/cases/loader.py)."""
    relations = ("recipient_organisation", "recorded_by", "withdrawn_by", "case")
    return case_rows(user, case, "consent.records", lambda: _applying_visible(user, case, *relations))


def answers_for_case(user: User, case: Case) -> list[ConsentRecord]:
    """The same records as `records_for_case` with only their recipients: enough for `overview`, the
    overview's consent line, which has no use for the people who recorded them (half the read). On a
    page that shows the section too (the printed file) the section's read serves both."""
    if reading_once():
        return records_for_case(user, case)
    return _applying_visible(user, case, "recipient_organisation")


def overview(records: Iterable[ConsentRecord], *, today: dt.date | None = None) -> list[OverviewRow]:
    """One row per purpose (and per recipient asked about) with its current status.

    `records` must be ordered newest answer first (records_for_case does this), so the first record
    seen for a purpose and recipient is the one consent_status would pick.
    """
    latest: dict[tuple[str, Any], ConsentRecord] = {}
    for record in records:
        key = (record.purpose, record.recipient_organisation_id or record.recipient_country or None)
        latest.setdefault(key, record)
    rows = []
    for purpose in (Purpose.SERVICES, Purpose.STATISTICS):
        rows.append(
            OverviewRow(purpose, str(purpose.label), "", status_of(latest.get((purpose, None)), today=today))
        )
    for purpose in (Purpose.DISCLOSURE, Purpose.CROSS_BORDER):
        found = sorted(
            (r for (p, _k), r in latest.items() if p == purpose), key=lambda r: r.recipient_display.casefold()
        )
        rows.extend(
            OverviewRow(purpose, str(purpose.label), r.recipient_display, status_of(r, today=today))
            for r in found
        )
    return rows


def consent_section_context(user: User, case: Case) -> dict[str, Any]:
    """Context for consent/_case_section.html on the case page.

    `case` must come from get_case_for(user, ref). Keys are prefixed `consent_`. The case page
    audits the read of the case; this function adds no audit entry of its own.
    """
    records = records_for_case(user, case)
    rows = overview(records)
    return {
        "consent_case": case,
        "consent_may_edit": access.can_edit_case(user, case),
        "consent_rows": rows,
        "consent_not_given": [row for row in rows if not row.status.given],
        "consent_records": records,
        "consent_child_case": case.is_child,
    }
