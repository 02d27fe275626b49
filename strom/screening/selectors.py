"""Reading screenings: the keyset-paginated list a user may see."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from strom.screening.models import Screening, ScreeningRecheck

if TYPE_CHECKING:
    from strom.accounts.models import User
    from strom.cases.models import Case

PAGE_SIZE = 50


@dataclass(frozen=True)
class ScreeningPage:
    screenings: list[Screening]
    older: int | None  # pass as ?before= for the next older page
    newer: int | None  # pass as ?after= for the next newer page


def screenings_for(user: User, *, case: Case | None = None) -> list[Screening]:
    """A case's screenings, newest first (a case can be screened several times over time)."""
    qs = Screening.objects.visible_to(user).select_related("created_by")
    if case is not None:
        qs = qs.filter(case=case)
    return list(qs.order_by("-id"))


def screening_section_context(user: User, case: Case) -> dict[str, Any]:
    """The case page's list of the case's screenings (cases/case_detail.html, "screenings")."""
    return {"screenings": screenings_for(user, case=case)}


def screening_page(
    user: User, *, before: int | None = None, after: int | None = None, size: int = PAGE_SIZE
) -> ScreeningPage:
    """Keyset pagination on id, newest first: no COUNT, no OFFSET, the same cost on every page."""
    qs = Screening.objects.visible_to(user).select_related("organisation", "case", "created_by")
    if after is not None:
        rows = list(qs.filter(id__gt=after).order_by("id")[: size + 1])
        more_newer = len(rows) > size
        screenings = list(reversed(rows[:size]))
        more_older = bool(screenings) and qs.filter(id__lt=screenings[-1].pk).exists()
    else:
        page_qs = qs if before is None else qs.filter(id__lt=before)
        rows = list(page_qs.order_by("-id")[: size + 1])
        more_older = len(rows) > size
        screenings = rows[:size]
        more_newer = before is not None and bool(screenings) and qs.filter(id__gt=screenings[0].pk).exists()
    return ScreeningPage(
        screenings=screenings,
        older=screenings[-1].pk if screenings and more_older else None,
        newer=screenings[0].pk if screenings and more_newer else None,
    )


@dataclass(frozen=True)
class RecheckCount:
    organisation: str
    open: int
    done: int


def open_rechecks(user: User) -> list[ScreeningRecheck]:
    """The supervisor's list: their organisations' screenings to look at again, oldest first."""
    return list(
        ScreeningRecheck.objects.visible_to(user)
        .filter(done_at__isnull=True)
        .select_related("screening", "screening__case", "organisation", "task")
        .order_by("created_at", "pk")
    )


def recheck_counts(user: User) -> list[RecheckCount]:
    """What a national coordinator sees: per organisation of their country, how many, never which."""
    from django.db.models import Count, Q

    from strom.directory.models import Organisation
    from strom.screening.access import coordinator_countries

    countries = coordinator_countries(user)
    if not countries:
        return []
    rows = (
        ScreeningRecheck.objects.filter(organisation__country__in=countries)
        .values("organisation_id")
        .annotate(
            open=Count("pk", filter=Q(done_at__isnull=True)),
            done=Count("pk", filter=Q(done_at__isnull=False)),
        )
    )
    names = dict(
        Organisation.objects.filter(pk__in=[r["organisation_id"] for r in rows]).values_list("pk", "name")
    )
    counts = [RecheckCount(names[r["organisation_id"]], r["open"], r["done"]) for r in rows]
    return sorted(counts, key=lambda c: c.organisation)
