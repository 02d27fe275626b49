"""The main navigation, filtered by the role matrix: nobody sees a link to a page they may not open."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from strom.core.roles import Perm


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    perm: Perm | None  # None: every logged-in user


NAV: tuple[NavItem, ...] = (
    NavItem(_("Dashboard"), "core:dashboard", None),
    NavItem(_("My tasks"), "cases:overdue", Perm.CASE_VIEW),
    # case.create is held by everyone who works on cases (case workers, supervisors, hotline operators).
    NavItem(_("Cases"), "cases:list", Perm.CASE_CREATE),
    # Whoever sees an organisation's cases reviews its possible duplicates (strom/linkage).
    NavItem(_("Possible duplicates"), "linkage:list", Perm.CASE_VIEW),
    # Anonymous pre-screening: everyone who may open a case may screen (hotline operators too).
    NavItem(_("New screening"), "screening:new", Perm.CASE_CREATE),
    NavItem(_("Hotline"), "hotline:queue", Perm.HOTLINE_LOG),
    NavItem(_("Directory"), "directory:list", Perm.DIRECTORY_VIEW),
    NavItem(_("Referrals"), "referrals:list", Perm.REFERRAL_SEND),
    NavItem(_("Network"), "network:list", Perm.DIRECTORY_VIEW),
    NavItem(_("Referral pathways"), "pathways:list", Perm.DIRECTORY_VIEW),
    NavItem(_("Country rules"), "cases:country_rules", Perm.DIRECTORY_VIEW),
    NavItem(_("Statistics"), "stats:index", Perm.STATS_VIEW),
    NavItem(_("Knowledge hub"), "hub:home", Perm.HUB_VIEW),
    NavItem(_("Assessments"), "assessments:index", Perm.HUB_VIEW),
    NavItem(_("Users"), "accounts:user_list", Perm.ORG_USERS_VIEW),
    NavItem(_("Audit log"), "audit:list", Perm.AUDIT_VIEW_ORG),
)


def navigation_for(request: HttpRequest) -> list[dict[str, object]]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    items: list[dict[str, object]] = []
    for item in NAV:
        if item.perm is not None and not user.has_any(item.perm):
            continue
        url = reverse(item.url_name)
        current = request.path == url if url == "/" else request.path.startswith(url)
        items.append({"label": item.label, "url": url, "current": current})
    return items
