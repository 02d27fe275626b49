"""The figures STROM already counts, which an indicator takes from the statistics engine instead of a
person typing them in.

The list is data: each figure names what it counts and how. Counts are published exactly as the
statistics app publishes a table (strom/stats/services.py `table_publish`: cell key perturbation,
then threshold and secondary suppression), so a plan shows nothing a statistics page would not; the
table is audited there as `stats.table` with who asked. A median is shown only when its group holds
at least STROM_STATS_THRESHOLD people and the group's own count is published, else it is withheld.

The area is the plan's municipality, or for a plan without one every municipality of its country
(every case has a municipality); the years are years of registration (the year a case was opened).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import Aggregate, Count, FloatField
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from strom.directory.models import Municipality
from strom.stats.engine import Spec, parse_by, parse_datasets, parse_filter
from strom.stats.models import BUILTIN, Fact
from strom.stats.services import table_publish

if TYPE_CHECKING:
    from strom.accounts.models import User
    from strom.audit.actors import SystemActor

COUNT = "count"
MEDIAN = "median"


@dataclass(frozen=True)
class Figure:
    key: str
    label: str | Promise
    unit: str | Promise
    kind: str
    # The statistics table whose total is the figure: its dimension and its own filters.
    by: str
    where: tuple[str, ...] = ()
    # A median: the fact column whose values are summarised.
    column: str = ""


FIGURES: tuple[Figure, ...] = (
    Figure(
        "presumed_victims",
        _("Presumed victims identified (positive reasonable-grounds decision)"),
        _("people"),
        COUNT,
        by="victim_status",
        where=("victim_status=Presumed,Identified",),
    ),
    Figure(
        "referrals_completed",
        _("People whose referral was completed"),
        _("people"),
        COUNT,
        by="referral_outcome",
        where=("referral_outcome=completed",),
    ),
    Figure(
        "median_days_to_reasonable_grounds",
        _("Median days from opening a case to the reasonable-grounds decision"),
        _("days"),
        MEDIAN,
        by="days_to_reasonable_grounds",
        where=("days_to_reasonable_grounds=0..",),
        column="days_to_reasonable_grounds",
    ),
)
BY_KEY: dict[str, Figure] = {f.key: f for f in FIGURES}


def figure_choices() -> list[tuple[str, str]]:
    return [(f.key, str(f.label)) for f in FIGURES]


@dataclass(frozen=True)
class Scope:
    """Where and when a figure is counted."""

    country: str
    municipality_ids: tuple[int, ...]
    year_from: int
    year_to: int

    def describe(self) -> dict[str, Any]:
        return {
            "country": self.country,
            "municipalities": len(self.municipality_ids),
            "years": [self.year_from, self.year_to],
        }


def scope_for(*, country: str, municipality_id: int | None, year_from: int, year_to: int) -> Scope:
    if municipality_id is not None:
        ids: tuple[int, ...] = (municipality_id,)
    else:
        ids = tuple(Municipality.objects.filter(country=country).order_by("pk").values_list("pk", flat=True))
    return Scope(country=country, municipality_ids=ids, year_from=year_from, year_to=year_to)


@dataclass(frozen=True)
class Result:
    value: Decimal | None  # None: withheld
    withheld: bool
    details: dict[str, Any]


class _Median(Aggregate):
    function = "percentile_cont"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


def _spec(figure: Figure, scope: Scope) -> Spec:
    names = ",".join(
        f"{m.country}-{m.code}" for m in Municipality.objects.filter(pk__in=scope.municipality_ids)
    )
    filters = [parse_filter(text) for text in figure.where]
    filters.append(parse_filter(f"year={scope.year_from}..{scope.year_to}"))
    if names:
        filters.append(parse_filter(f"municipality={names}"))
    return Spec(datasets=parse_datasets(BUILTIN), by=parse_by(figure.by), filters=filters)


def compute(figure: Figure, scope: Scope, *, by: User | SystemActor) -> Result:
    """The figure over `scope`, published under the statistics app's disclosure control."""
    details: dict[str, Any] = {"figure": figure.key, "scope": scope.describe()}
    if not scope.municipality_ids:
        # A country without municipalities in the directory has no cases to count.
        return Result(
            value=Decimal(0) if figure.kind == COUNT else None, withheld=figure.kind != COUNT, details=details
        )
    published = table_publish(by=by, spec=_spec(figure, scope))
    total = published.controlled.counts.get((None,))
    details["rule"] = {
        k: published.rule.get(k) for k in ("threshold", "withheld_primary", "withheld_secondary")
    }
    if figure.kind == COUNT:
        return Result(
            value=None if total is None else Decimal(total), withheld=total is None, details=details
        )
    return _median(figure, scope, group=total, details=details)


def _median(figure: Figure, scope: Scope, *, group: int | None, details: dict[str, Any]) -> Result:
    from strom.stats.refresh import builtin_dataset

    found = Fact.objects.filter(
        dataset=builtin_dataset(),
        municipality_id__in=scope.municipality_ids,
        year__gte=scope.year_from,
        year__lte=scope.year_to,
        **{f"{figure.column}__isnull": False},
    ).aggregate(n=Count("id"), median=_Median(figure.column))
    threshold = settings.STROM_STATS_THRESHOLD
    # Both: the group must really hold enough people, and its count must be one the tables publish.
    if group is None or found["n"] < threshold or found["median"] is None:
        details["withheld"] = "group under the threshold"
        return Result(value=None, withheld=True, details=details)
    details["group"] = group
    return Result(value=Decimal(str(round(found["median"], 1))), withheld=False, details=details)
