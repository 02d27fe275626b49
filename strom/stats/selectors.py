"""Reads of the statistics app: the dimension listing, datasets, and the coordinator's dashboard."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from strom.cases.choices import Stage
from strom.core.roles import Perm
from strom.directory.models import Municipality
from strom.stages import clocks
from strom.stages.clocks import CLOCKS
from strom.stats import dimensions as dims
from strom.stats.cellkey import ptable
from strom.stats.engine import Spec, count_tallies, perturbed_counts
from strom.stats.models import Dataset, DatasetKind
from strom.stats.refresh import builtin_dataset, referrals_installed, refresh_if_stale

if TYPE_CHECKING:
    from strom.accounts.models import User


def dimension_values(dimension: dims.Dimension) -> list[dict[str, str]]:
    if dimension.kind == dims.COUNTRY:
        names = dims.country_values_map()
        values = [{"name": v.name, "label": names.get(v.name, str(v.label))} for v in dims.country_values()]
    elif dimension.kind == dims.MUNICIPALITY:
        values = [
            {"name": f"{m.country}-{m.code}", "label": m.name}
            for m in Municipality.objects.order_by("country", "code")
        ]
    elif dimension.kind == dims.YEAR:
        years = range(1990, timezone.localdate().year + 1)
        values = [{"name": str(y), "label": str(y)} for y in years]
    else:
        values = [{"name": v.name, "label": str(v.label)} for v in dimension.values]
    return [*values, {"name": dims.UNKNOWN, "label": str(dims.UNKNOWN_LABEL)}]


def dimension_listing() -> list[dict[str, Any]]:
    return [
        {
            "name": d.name,
            "label": str(d.label),
            "help": str(d.help),
            "multiple": d.kind == dims.MULTI,
            "ranges": d.rangeable,
            "values": dimension_values(d),
        }
        for d in dims.DIMENSIONS
    ]


def datasets_for(user: User | None) -> list[Dataset]:
    """Every dataset: figures from any of them leave only through disclosure control."""
    builtin_dataset()
    return list(Dataset.objects.order_by("name"))


def dataset_records(dataset: Dataset) -> int | None:
    """How many records a dataset holds, as the datasets page and API show it.

    For STROM's own cases that number is a count like any other: it is shown perturbed and withheld
    under the threshold, exactly as the total of every table over the dataset. Shown exact, it would
    give away the noise of that total and make every difference with it exact as often as p(0).
    """
    if dataset.kind != DatasetKind.STROM:
        return dataset.rows
    spec = Spec(datasets=[dataset], by=[dims.BY_NAME["year"]])
    total = perturbed_counts(count_tallies(spec), ptable()).get((None,), 0)
    return None if 0 < total < settings.STROM_STATS_THRESHOLD else total


# -- the coordinator's dashboard ------------------------------------------------------------------


CLOCK_LABELS = {
    clocks.RG_DUE: _("Reasonable-grounds decision"),
    clocks.REFLECTION_ENDS: _("End of the reflection period"),
    clocks.IDENTIFICATION_DUE: _("Formal identification decision"),
    clocks.PLAN_REVIEW: _("Support plan review"),
    clocks.PERMIT_RENEWAL: _("Residence permit renewal"),
    clocks.FOLLOW_UP_CONTACT: _("Follow-up contact"),
}


@dataclass
class Dashboard:
    countries: list[str]
    open_by_stage: list[tuple[str, int]]
    overdue_by_clock: list[tuple[str, int]]
    overdue_total: int
    referrals: dict[str, Any] | None
    as_of: dt.datetime | None


def dashboard_countries(user: User) -> list[str]:
    """A coordinator oversees the countries of the organisations where they hold nrm.oversee."""
    from strom.directory.models import Organisation

    if user.has_global(Perm.NRM_OVERSEE):
        return []
    ids = user.org_ids_with(Perm.NRM_OVERSEE)
    return sorted(set(Organisation.objects.filter(pk__in=ids).values_list("country", flat=True)))


def dashboard_for(user: User) -> Dashboard:
    """Open cases by stage, cases with overdue clocks and referral response times in the user's countries.

    Counted from the facts of STROM's own cases (refreshed first when stale), so a million cases
    answer in one parallel scan; the page says when the figures were taken.
    """
    refresh_if_stale()
    dataset = builtin_dataset()
    countries = dashboard_countries(user)
    sql = """
        SELECT f.stage, f.overdue, count(*) FROM stats_fact f
        WHERE f.dataset_id = %s AND f.stage <> %s AND (cardinality(%s::text[]) = 0 OR f.country = ANY(%s))
        GROUP BY 1, 2
    """
    closed = Stage.values.index(Stage.CLOSED) + 1
    by_stage: dict[int, int] = {}
    by_clock: dict[int, int] = {}
    overdue_cases = 0
    with connection.cursor() as cursor:
        cursor.execute(sql, [dataset.pk, closed, countries, countries])
        for stage, overdue, n in cursor.fetchall():
            by_stage[stage] = by_stage.get(stage, 0) + n
            for clock in overdue:
                by_clock[clock] = by_clock.get(clock, 0) + n
            overdue_cases += n if overdue else 0
    open_by_stage = [
        (str(label), by_stage.get(position, 0))
        for position, (value, label) in enumerate(Stage.choices, start=1)
        if value != Stage.CLOSED
    ]
    overdue = [
        (str(CLOCK_LABELS[k]), by_clock.get(position, 0)) for position, k in enumerate(CLOCKS, start=1)
    ]
    return Dashboard(
        countries=countries,
        open_by_stage=open_by_stage,
        overdue_by_clock=overdue,
        overdue_total=overdue_cases,
        referrals=referral_response_times(countries) if referrals_installed() else None,
        as_of=dataset.refreshed_at,
    )


def referral_response_times(countries: list[str]) -> dict[str, Any]:
    """Hours from sending to the receiver's answer, over the last 365 days; how many are waiting."""
    # An empty list of countries means every country (a system-wide coordinator).
    sql = """
        SELECT
            count(*) FILTER (WHERE r.responded_at IS NOT NULL),
            percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM r.responded_at - r.sent_at) / 3600)
                FILTER (WHERE r.responded_at IS NOT NULL),
            percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM r.responded_at - r.sent_at) / 3600)
                FILTER (WHERE r.responded_at IS NOT NULL),
            count(*) FILTER (WHERE r.responded_at IS NULL AND r.state = 'sent')
        FROM referrals_referral r
        JOIN directory_organisation o ON o.id = r.from_organisation_id
        WHERE r.sent_at IS NOT NULL AND r.sent_at >= now() - interval '365 days'
            AND (cardinality(%s::text[]) = 0 OR o.country = ANY(%s))
    """
    params = [countries, countries]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        answered, median, p90, waiting = cursor.fetchone()
    return {
        "answered": answered or 0,
        "median_hours": round(median, 1) if median is not None else None,
        "p90_hours": round(p90, 1) if p90 is not None else None,
        "waiting": waiting or 0,
    }
