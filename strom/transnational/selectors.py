"""Reads for transnational referral: the inbox and outbox, a case's referrals, what a referral carried,
and the person's disclosure record entries. Every list goes through `visible_to`."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from strom.core.countries import countries
from strom.referrals.models import Section
from strom.referrals.selectors import Disclosure
from strom.transnational import access
from strom.transnational.models import (
    Change,
    Direction,
    OutboxMessage,
    Partner,
    ReturnPlan,
    State,
    TransnationalReferral,
)

if TYPE_CHECKING:
    from strom.accounts.models import User
    from strom.cases.models import Case


def referrals_for(user: User, *, direction: str) -> QuerySet[TransnationalReferral]:
    return (
        TransnationalReferral.objects.visible_to(user)
        .filter(direction=direction)
        .select_related("partner", "organisation", "case")
        .order_by("-created_at", "-id")
    )


def referrals_of_case(user: User, case: Case) -> QuerySet[TransnationalReferral]:
    return referrals_for(user, direction=Direction.OUTGOING).filter(case=case)


def section_context(user: User, case: Case) -> dict[str, Any]:
    """The case page's tab (transnational/_case_section.html). Keys are prefixed."""
    return {
        "transnational_referrals": list(referrals_of_case(user, case)),
        "transnational_may_send": access.may_send_from(user, case),
        "transnational_partners": list(
            Partner.objects.filter(organisation_id=case.organisation_id, state="active").order_by("name")
        )
        if access.may_send_from(user, case)
        else [],
    }


@dataclass
class ReceivedSection:
    key: str
    title: str
    rows: list[tuple[str, str]] = field(default_factory=list)
    items: list[list[tuple[str, str]]] = field(default_factory=list)


def content_shown(referral: TransnationalReferral) -> bool:
    """Whether what the partner sent (sections, message, sender) is shown: not once the sender has
    withdrawn the referral, nor after the retention rule deleted it."""
    return (
        not referral.is_outgoing and referral.state != State.WITHDRAWN and referral.content_deleted_at is None
    )


def received_sections(referral: TransnationalReferral) -> list[ReceivedSection]:
    """What an incoming referral carried, section by section, labels as the sender wrote them."""
    if not content_shown(referral):
        return []
    result = []
    try:
        stored = json.loads(referral.content or "[]")
    except ValueError:
        return []
    for section in stored:
        if not isinstance(section, dict):
            continue
        rows = [
            (str(r[1]), str(r[2])) for r in section.get("rows", []) if isinstance(r, list) and len(r) == 3
        ]
        items = [
            [(str(r[1]), str(r[2])) for r in item if isinstance(r, list) and len(r) == 3]
            for item in section.get("items", [])
            if isinstance(item, list)
        ]
        result.append(
            ReceivedSection(str(section.get("key", "")), str(section.get("title", "")), rows, items)
        )
    return result


@dataclass
class ChangeRow:
    label: str
    at: Any
    by: str
    remote: bool


def change_rows(referral: TransnationalReferral) -> list[ChangeRow]:
    """The referral's history in words: its states, and the return plan's proposals and agreement."""
    labels = {
        **dict(State.choices),
        "plan_proposed": _("Return plan proposed"),
        "plan_agreed": _("Return plan agreed"),
    }
    return [
        ChangeRow(str(labels.get(c.state, c.state)), c.at, c.by.full_name if c.by else "", c.remote)
        for c in Change.objects.filter(referral=referral).select_related("by").order_by("at", "id")
    ]


def return_plan_of(referral: TransnationalReferral) -> ReturnPlan | None:
    return ReturnPlan.objects.filter(referral=referral).first()


def outbox_of(user: User, referral: TransnationalReferral) -> list[OutboxMessage]:
    return list(OutboxMessage.objects.visible_to(user).filter(referral=referral).order_by("created_at", "id"))


def partner_queue(partner: Partner) -> list[OutboxMessage]:
    """A partner's messages for its admin page: metadata only, the body is never shown."""
    return list(
        OutboxMessage.objects.filter(partner=partner).defer("body").order_by("-created_at", "-id")[:50]
    )


def disclosures(user: User, person: Any) -> list[Disclosure]:
    """Cross-border transfers of the person's data, for the referrals app's disclosure record."""
    from strom.cases.models import Case

    sent = (
        TransnationalReferral.objects.filter(
            direction=Direction.OUTGOING, case__in=Case.objects.visible_to(user).filter(person=person)
        )
        .select_related("partner", "consent")
        .order_by("created_at", "pk")
    )
    labels = dict(Section.choices)
    result = []
    for r in sent:
        ended = r.closed_at or r.answered_at if r.state in (State.DECLINED, State.WITHDRAWN) else None
        basis = (
            _("The person's consent to a transfer to %(country)s of %(date)s")
            % {
                "country": countries().get(r.partner.country, r.partner.country),
                "date": date_format(r.consent.given_at, "SHORT_DATE_FORMAT"),
            }
            if r.consent is not None
            else ""
        )
        result.append(
            Disclosure(
                referral=None,
                sent_at=r.created_at,
                recipient=r.partner.name,
                recipient_country=countries().get(r.partner.country, r.partner.country),
                service=", ".join(r.measure_labels()),
                kind_label=_("Transnational referral to another country's STROM instance"),
                shared=[
                    str(_("Whether the person is a child or an adult")),
                    str(_("The message written by the sender")),
                ]
                + [str(labels[s]) for s in r.scope if s in labels],
                basis=str(basis),
                state_label=str(r.get_state_display()),
                first_opened_at=r.delivered_at,
                access_ended_at=ended,
                ref=r.uuid,
                kind="transnational",
                state=r.state,
            )
        )
    return result
