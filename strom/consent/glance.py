"""Consent's part of the case page's overview: the state of each purpose in words, in one read."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from strom.consent.models import Purpose
from strom.consent.selectors import answers_for_case, overview
from strom.core.registry import CaseGlance, GlanceFact, register_case_glance

if TYPE_CHECKING:
    from strom.accounts.models import User
    from strom.cases.models import Case


@register_case_glance("consent", order=40)
def consent_glance(user: User, case: Case) -> CaseGlance:
    rows = overview(answers_for_case(user, case))
    parts = [
        f"{row.purpose_label} ({row.recipient}): {row.status.label}"
        if row.recipient
        else f"{row.purpose_label}: {row.status.label}"
        for row in rows
    ]
    services = next(row for row in rows if row.purpose == Purpose.SERVICES)
    missing = []
    if services.status.record is None:
        missing.append(_("The person has not been asked for consent to receiving assistance and services."))
    return CaseGlance(
        facts=[GlanceFact(_("Consent"), "; ".join(parts), tab="consent", alert=not services.status.given)],
        missing=missing,
    )
