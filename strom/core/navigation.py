"""The main navigation, filtered by the role matrix: nobody sees a link to a page they may not open."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.http import HttpRequest
from django.urls import get_script_prefix, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from strom.core.roles import Perm


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    perm: Perm | None  # None: every logged-in user
    # A finer test after the permission, for a page that only some holders may open (a domain app's
    # rule, registered by the app: the foundation does not know it).
    shown: Callable[[Any], bool] | None = None


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


# Items domain apps add from their AppConfig.ready, each after the item of a given url name.
_ADDED: list[tuple[str, NavItem]] = []


def register_nav_item(item: NavItem, *, after: str) -> None:
    if all(added.url_name != item.url_name for _after, added in _ADDED):
        _ADDED.append((after, item))


def nav_items() -> list[NavItem]:
    items = list(NAV)
    for after, item in _ADDED:
        place = next((n for n, known in enumerate(items) if known.url_name == after), len(items) - 1)
        items.insert(place + 1, item)
    return items


@lru_cache(maxsize=256)
def _address(url_name: str, script_prefix: str) -> str:
    # The frame of every page reverses each item's name; the answer changes only with the prefix the
    # site is served under.
    return reverse(url_name)


def navigation_for(request: HttpRequest) -> list[dict[str, object]]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    items: list[dict[str, object]] = []
    for item in nav_items():
        if item.perm is not None and not user.has_any(item.perm):
            continue
        if item.shown is not None and not item.shown(user):
            continue
        url = _address(item.url_name, get_script_prefix())
        current = request.path == url if url == "/" else request.path.startswith(url)
        items.append({"label": item.label, "url": url, "current": current})
    return items
