"""Referrals' part of the case page's overview: the referrals still open and who answers next, in one
read, and the way to refer the person to a service."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from strom.core.registry import CaseAction, CaseGlance, GlanceFact, register_case_glance
from strom.referrals import access
from strom.referrals.models import LIVE_STATES, State
from strom.referrals.selectors import _network_query

if TYPE_CHECKING:
    from strom.accounts.models import User
    from strom.cases.models import Case


@register_case_glance("referrals", order=50)
def referrals_glance(user: User, case: Case) -> CaseGlance:
    counts = access.sent_of_case(user, case).aggregate(
        live=Count("pk", filter=Q(state__in=LIVE_STATES)),
        waiting=Count("pk", filter=Q(state=State.SENT)),
        drafts=Count("pk", filter=Q(state=State.DRAFT)),
    )
    if counts["live"]:
        value = ngettext("%(count)d open referral", "%(count)d open referrals", counts["live"]) % {
            "count": counts["live"]
        }
        if counts["waiting"]:
            value += " · " + ngettext(
                "%(count)d waiting for an answer", "%(count)d waiting for an answer", counts["waiting"]
            ) % {"count": counts["waiting"]}
    else:
        value = _("No open referral.")
    if counts["drafts"]:
        drafts = ngettext("%(count)d draft not sent", "%(count)d drafts not sent", counts["drafts"])
        value += " · " + drafts % {"count": counts["drafts"]}
    actions = []
    if access.may_send_from(user, case):
        url = f"{reverse('network:list')}?{_network_query(case)}"
        actions.append(CaseAction(_("Refer to a service"), url))
    return CaseGlance(facts=[GlanceFact(_("Referrals"), value, tab="referrals")], actions=actions)
