"""Reads of the network: search with filters, the freshness list. Everything starts at `visible_to`."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db.models import F, Q
from django.utils import timezone

from strom.core.collation import collated
from strom.directory.models import Municipality
from strom.network.models import NetworkService, NetworkServiceQuerySet

if TYPE_CHECKING:
    from strom.accounts.models import User

ELIGIBILITY_FIELDS = {
    "adults": "for_adults",
    "children": "for_children",
    "men": "for_men",
    "women": "for_women",
    "families": "for_families",
}


def covers_municipality(municipality: Municipality) -> Q:
    """A service covers a municipality when it names it or covers its whole country."""
    return Q(municipalities=municipality) | Q(countries__contains=[municipality.country])


def open_at(now: dt.datetime) -> Q:
    """Candidates open at `now`: open 24/7 or with an opening time today (JSONB containment). The time
    of day is checked on those few rows by `is_open_at`, which also handles the text form of times."""
    local = timezone.localtime(now)
    return Q(open_247=True) | Q(hours__contains=[{"day": local.weekday()}])


def is_open_at(service: NetworkService, now: dt.datetime) -> bool:
    if service.open_247:
        return True
    local = timezone.localtime(now)
    hhmm = local.strftime("%H:%M")
    return any(
        slot.get("day") == local.weekday() and slot.get("opens", "") <= hhmm < slot.get("closes", "")
        for slot in service.hours or []
    )


def network_search(
    user: User,
    *,
    q: str = "",
    service_type: str = "",
    municipality: Municipality | None = None,
    language: str = "",
    open_now: bool = False,
    free_places: bool = False,
    eligibility: str = "",
    now: dt.datetime | None = None,
) -> NetworkServiceQuerySet:
    qs = NetworkService.objects.visible_to(user).select_related("organisation")
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(organisation__name__icontains=q))
    if service_type:
        qs = qs.filter(service_type=service_type)
    if municipality is not None:
        qs = qs.filter(pk__in=NetworkService.objects.filter(covers_municipality(municipality)).values("pk"))
    if language:
        qs = qs.filter(languages__contains=[language])
    if free_places:
        qs = qs.filter(free_places__gt=0)
    if eligibility in ELIGIBILITY_FIELDS:
        qs = qs.filter(**{ELIGIBILITY_FIELDS[eligibility]: True})
    if open_now:
        moment = now or timezone.now()
        candidates = qs.filter(open_at(moment))
        qs = qs.filter(pk__in=[s.pk for s in candidates if is_open_at(s, moment)])
    return qs.order_by(collated("name"), "pk")


def freshness_list(user: User) -> NetworkServiceQuerySet:
    """Services with places, the stalest (or never updated) first."""
    return (
        NetworkService.objects.visible_to(user)
        .filter(capacity__isnull=False)
        .select_related("organisation", "updated_by")
        .order_by(F("free_places_updated_at").asc(nulls_first=True), "name")
    )


def service_covers(service: NetworkService, municipality: Municipality) -> bool:
    """The same rule as the municipality filter, for one service (a referral checks it before sending)."""
    if municipality.country in service.countries:
        return True
    return service.municipalities.filter(pk=municipality.pk).exists()


def service_accepts(service: NetworkService, *, child: bool) -> bool:
    """Whether the service takes a child (or an adult). When age is uncertain and the person may be a
    child, callers pass child=True (Directive 2011/36/EU Art. 13(2))."""
    return service.for_children if child else service.for_adults
