"""Reads for the directory, shared by the pages and the API."""

from __future__ import annotations

from typing import TYPE_CHECKING

from strom.directory.models import Organisation, OrganisationQuerySet

if TYPE_CHECKING:
    from strom.accounts.models import User


def organisation_search(
    user: User, *, q: str = "", country: str = "", org_type: str = ""
) -> OrganisationQuerySet:
    qs = Organisation.objects.visible_to(user).select_related("municipality")
    if q.strip():
        qs = qs.filter(name__icontains=q.strip())
    if country:
        qs = qs.filter(country=country.upper())
    if org_type:
        qs = qs.filter(org_type=org_type)
    return qs.order_by("country", "name", "pk")
