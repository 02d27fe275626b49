from __future__ import annotations

from django.db.models import Count, QuerySet

from strom.accounts.models import User
from strom.directory.access import check_directory_allowed
from strom.directory.models import Municipality
from strom.pathways.models import Pathway, PathwayStep


def pathways_visible_to(user: User, *, country: str = "") -> QuerySet[Pathway]:
    # Pathways are guidance for every member of the network, like the directory.
    check_directory_allowed(user)
    qs = Pathway.objects.select_related("municipality").annotate(step_count=Count("steps"))
    if country:
        qs = qs.filter(municipality__country=country)
    return qs


def pathway_of(municipality: Municipality) -> Pathway | None:
    return Pathway.objects.select_related("last_reviewed_by").filter(municipality=municipality).first()


def steps_of(pathway: Pathway | None) -> list[PathwayStep]:
    if pathway is None:
        return []
    return list(pathway.steps.select_related("lead_agency").order_by("position"))
