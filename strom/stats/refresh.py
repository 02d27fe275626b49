"""Turn STROM's own cases into facts of the built-in dataset "strom", in one SQL statement.

Run by `strom stats refresh`, by `strom worker` every STROM_STATS_REFRESH_MINUTES, and before a
table when the facts are older than that. The whole dataset is rebuilt in one transaction, so a
table never sees half a refresh, and erased cases disappear from the figures at the next refresh.
A PostgreSQL advisory lock keeps two refreshes from running at once.

Where each dimension comes from:
- year, stage, child/adult, age, municipality: the case (`opened_at`, `stage`, `is_child`, `age_at_opening`);
- sex/gender, citizenship: the person (the first citizenship listed);
- victim status and days between stages: the positive reasonable-grounds and formal-identification
  decisions (strom/cases Decision) and the case's closure;
- form of exploitation: the case's and its trafficking events' forms; type of labour: the events'
  ISIC industry mapped onto CTDC's groups, plus forced begging and forced criminality;
  type of sexual exploitation, means of control, country of exploitation (the first exploitation
  event with a country): the trafficking events (strom/casefile, hte_/vic_ fields);
- relationship to the recruiter: perpetrators whose role is recruiter or intermediary;
- services delivered: services in progress or delivered (strom/support);
- referral outcomes: the states of the case's referrals, when the referrals app is installed;
- the record key of the cell key method: a keyed hash of the case id (strom/stats/cellkey.py).
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from strom.cases.choices import Stage
from strom.stages.clocks import CLOCKS
from strom.stats import dimensions as dims
from strom.stats.cellkey import record_keys
from strom.stats.models import BUILTIN, Dataset, DatasetKind

logger = logging.getLogger("strom.stats")

# Any constant: the key of the advisory lock held while the built-in dataset is rebuilt.
LOCK_KEY = 5_872_301

# STROM's ISIC sections (vic_ForcedLabourIndustry) onto CTDC's type-of-labour groups.
ISIC_TO_LABOUR = {
    "A_AgricultureForestryAndFishing": "Agriculture",
    "B_MiningAndQuarrying": "MiningOrDrilling",
    "C_Manufacturing": "Manufacturing",
    "F_Construction": "Construction",
    "G_WholesaleAndRetailTradeRepairOfMotorVehicles": "Peddling",
    "H_TransportationAndStorage": "Transportation",
    "I_AccommodationAndFoodServiceActivities": "Hospitality",
    "T_ActivitiesOfHouseholdsAsEmployers": "DomesticWork",
}
FORM_TO_LABOUR = {"ForcedBegging": "Begging", "ForcedCriminality": "IllicitActivities"}


def _names(name: str) -> list[str]:
    dimension = dims.BY_NAME[name]
    return dims.names(dimension)


def _labour_codes(mapping: dict[str, str]) -> tuple[list[str], list[int]]:
    labour = dims.BY_NAME["labour"]
    keys = list(mapping)
    other = dims.code_of(labour, "Other")
    return keys, [dims.code_of(labour, mapping[k]) or other or 0 for k in keys]


def referrals_installed() -> bool:
    # The table check covers an installed app whose migrations have not run yet.
    return (
        apps.is_installed("strom.referrals")
        and "referrals_referral" in connection.introspection.table_names()
    )


SQL = """
WITH ev AS (
    SELECT e.case_id,
        array_agg(DISTINCT x.code) FILTER (WHERE x.kind = 1) AS exploitation,
        array_agg(DISTINCT x.code) FILTER (WHERE x.kind = 2) AS labour,
        array_agg(DISTINCT x.code) FILTER (WHERE x.kind = 3) AS sexual_exploitation,
        array_agg(DISTINCT x.code) FILTER (WHERE x.kind = 4) AS means_of_control
    FROM casefile_traffickingevent e
    CROSS JOIN LATERAL (
        SELECT 1, array_position(%(exploitation)s::text[], v) FROM unnest(e.forms_of_exploitation) v
        UNION ALL
        SELECT 2, COALESCE(
            (%(industry_codes)s::int[])[array_position(%(industry_keys)s::text[], e.industry)],
            CASE WHEN e.industry <> '' THEN %(labour_other)s END)
        UNION ALL
        SELECT 2, (%(form_codes)s::int[])[array_position(%(form_keys)s::text[], v)]
        FROM unnest(e.forms_of_exploitation) v
        UNION ALL
        SELECT 3, array_position(%(sexual)s::text[], v) FROM unnest(e.sex_exploitation_types) v
        UNION ALL
        SELECT 4, array_position(%(means)s::text[], v) FROM unnest(e.means_of_control) v
    ) AS x(kind, code)
    WHERE x.code IS NOT NULL
    GROUP BY e.case_id
),
place AS (
    SELECT DISTINCT ON (e.case_id) e.case_id, e.country
    FROM casefile_traffickingevent e
    WHERE e.event_type = 'Exploitation' AND e.country <> ''
    ORDER BY e.case_id, e.date_from NULLS LAST, e.id
),
sv AS (
    SELECT s.case_id, array_agg(DISTINCT array_position(%(services)s::text[], s.service_type)) AS codes
    FROM support_service s
    WHERE s.status IN ('in_progress', 'delivered')
        AND array_position(%(services)s::text[], s.service_type) IS NOT NULL
    GROUP BY s.case_id
),
dec AS (
    SELECT d.case_id,
        min(d.decided_at) FILTER (WHERE d.kind = 'reasonable_grounds' AND d.outcome = 'positive') AS rg,
        min(d.decided_at) FILTER (WHERE d.kind = 'formal_identification' AND d.outcome = 'positive') AS fi,
        bool_or(d.outcome = 'negative') AS negative
    FROM cases_decision d
    GROUP BY d.case_id
),
rec AS (
    SELECT p.case_id, array_agg(DISTINCT array_position(%(recruiter)s::text[], p.relationship)) AS codes
    FROM casefile_perpetrator p
    WHERE 'RecruiterOrIntermediary' = ANY(p.roles)
        AND array_position(%(recruiter)s::text[], p.relationship) IS NOT NULL
    GROUP BY p.case_id
),
ref AS (
    {referrals}
),
od AS (
    SELECT t.case_id, array_agg(DISTINCT array_position(%(clocks)s::text[], t.kind)) AS codes
    FROM cases_casetask t
    WHERE t.done_at IS NULL AND t.cancelled_at IS NULL AND t.due_date < %(today)s
        AND array_position(%(clocks)s::text[], t.kind) IS NOT NULL
    GROUP BY t.case_id
)
INSERT INTO stats_fact (
    dataset_id, year, stage, victim_status, gender, age_ctdc, age_eurostat, child,
    citizenship, citizenship_group, exploitation_country, municipality_id,
    exploitation, labour, sexual_exploitation, means_of_control, recruiter, services, referral_outcome,
    days_to_reasonable_grounds, days_to_identification, days_to_closure, country, overdue, record_key
)
SELECT
    %(dataset)s,
    extract(year FROM c.opened_at AT TIME ZONE %(tz)s)::int,
    COALESCE(array_position(%(stages)s::text[], c.stage), 0),
    CASE
        WHEN dec.fi IS NOT NULL THEN 3
        WHEN dec.rg IS NOT NULL THEN 2
        WHEN c.trafficking_status = 'NotAVictimOfTrafficking' OR dec.negative THEN 4
        ELSE 1
    END,
    COALESCE(array_position(%(genders)s::text[], p.gender), 0),
    CASE
        WHEN c.age_at_opening IS NULL THEN 0
        WHEN c.age_at_opening <= 8 THEN 1
        WHEN c.age_at_opening <= 17 THEN 2
        WHEN c.age_at_opening <= 20 THEN 3
        WHEN c.age_at_opening <= 23 THEN 4
        WHEN c.age_at_opening <= 26 THEN 5
        WHEN c.age_at_opening <= 29 THEN 6
        WHEN c.age_at_opening <= 38 THEN 7
        WHEN c.age_at_opening <= 47 THEN 8
        ELSE 9
    END,
    CASE
        WHEN c.age_at_opening IS NULL THEN CASE WHEN c.is_child THEN 4 ELSE 0 END
        WHEN c.age_at_opening < 12 THEN 1
        WHEN c.age_at_opening < 18 THEN 2
        WHEN c.is_child THEN 4
        ELSE 3
    END,
    CASE WHEN c.is_child THEN 1 WHEN c.age_at_opening IS NOT NULL THEN 2 ELSE 0 END,
    COALESCE(p.citizenships[1], ''),
    CASE
        WHEN COALESCE(p.citizenships[1], '') = '' THEN 0
        WHEN p.citizenships[1] = c.country THEN 1
        WHEN p.citizenships[1] = ANY(%(eu)s::text[]) THEN 2
        ELSE 3
    END,
    COALESCE(place.country, ''),
    c.municipality_id,
    COALESCE(NULLIF(ARRAY(
        SELECT DISTINCT v FROM unnest(
            ev.exploitation
            || ARRAY(
                SELECT array_position(%(exploitation)s::text[], f) FROM unnest(c.forms_of_exploitation) f
            )
        ) v WHERE v IS NOT NULL ORDER BY v
    ), '{{}}'), '{{0}}'),
    COALESCE(ev.labour, '{{0}}'),
    COALESCE(ev.sexual_exploitation, '{{0}}'),
    COALESCE(ev.means_of_control, '{{0}}'),
    COALESCE(rec.codes, '{{0}}'),
    COALESCE(sv.codes, '{{0}}'),
    COALESCE(ref.codes, '{{0}}'),
    dec.rg - (c.opened_at AT TIME ZONE %(tz)s)::date,
    dec.fi - dec.rg,
    (c.closed_at AT TIME ZONE %(tz)s)::date - (c.opened_at AT TIME ZONE %(tz)s)::date,
    c.country,
    COALESCE(od.codes, '{{}}'),
    rk.record_key
FROM cases_case c
JOIN cases_person p ON p.id = c.person_id
-- Inner join: a case opened after the keys were made waits for the next refresh, never uncounted-for noise.
JOIN stats_record_keys rk ON rk.case_id = c.id
LEFT JOIN ev ON ev.case_id = c.id
LEFT JOIN place ON place.case_id = c.id
LEFT JOIN sv ON sv.case_id = c.id
LEFT JOIN dec ON dec.case_id = c.id
LEFT JOIN rec ON rec.case_id = c.id
LEFT JOIN ref ON ref.case_id = c.id
LEFT JOIN od ON od.case_id = c.id
"""

REFERRALS_SQL = """
    SELECT r.case_id, array_agg(DISTINCT array_position(%(referral)s::text[], r.state)) AS codes
    FROM referrals_referral r
    WHERE array_position(%(referral)s::text[], r.state) IS NOT NULL
    GROUP BY r.case_id
"""
NO_REFERRALS_SQL = "SELECT NULL::bigint AS case_id, NULL::smallint[] AS codes WHERE false"


KEY_BATCH = 100_000


def _record_keys(cursor: Any) -> None:
    """Every case's record key (strom/stats/cellkey.py) in a temporary table for the refresh.

    Computed here and copied in, so the secret never reaches PostgreSQL (nor its logs).
    """
    # Inside a caller's transaction (tests) ON COMMIT has not come yet when the next refresh runs.
    cursor.execute("DROP TABLE IF EXISTS pg_temp.stats_record_keys")
    cursor.execute(
        "CREATE TEMPORARY TABLE stats_record_keys (case_id bigint PRIMARY KEY, record_key integer NOT NULL) "
        "ON COMMIT DROP"
    )
    last = 0
    while True:
        cursor.execute("SELECT id FROM cases_case WHERE id > %s ORDER BY id LIMIT %s", [last, KEY_BATCH])
        ids = [row[0] for row in cursor.fetchall()]
        if not ids:
            return
        with cursor.copy("COPY stats_record_keys (case_id, record_key) FROM STDIN") as copy:
            for case_id, key in zip(ids, record_keys(ids), strict=True):
                copy.write_row((case_id, key))
        last = ids[-1]


def builtin_dataset() -> Dataset:
    dataset, _ = Dataset.objects.get_or_create(name=BUILTIN, defaults={"kind": DatasetKind.STROM})
    return dataset


def facts_refresh(*, only_if_stale: bool = False) -> int:
    """Rebuild the built-in dataset from the cases; returns how many facts it now holds.

    With `only_if_stale`, a refresh that another process finished while this one waited for the
    lock is not repeated.
    """
    industry_keys, industry_codes = _labour_codes(ISIC_TO_LABOUR)
    form_keys, form_codes = _labour_codes(FORM_TO_LABOUR)
    params: dict[str, Any] = {
        "exploitation": _names("exploitation"),
        "industry_keys": industry_keys,
        "industry_codes": industry_codes,
        "form_keys": form_keys,
        "form_codes": form_codes,
        "labour_other": dims.code_of(dims.BY_NAME["labour"], "Other"),
        "sexual": _names("sexual_exploitation"),
        "means": _names("means_of_control"),
        "services": _names("services"),
        "recruiter": _names("recruiter"),
        "referral": _names("referral_outcome"),
        "stages": [str(s) for s in Stage.values],
        "genders": _names("gender"),
        "eu": list(dims.EU_MEMBERS),
        "tz": settings.TIME_ZONE,
        "clocks": list(CLOCKS),
        "today": timezone.localdate(),
    }
    referrals = REFERRALS_SQL if referrals_installed() else NO_REFERRALS_SQL
    with transaction.atomic():
        dataset = builtin_dataset()
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
            dataset.refresh_from_db(fields=["refreshed_at", "rows"])
            if only_if_stale and not is_stale(dataset):
                return dataset.rows
            cursor.execute("DELETE FROM stats_fact WHERE dataset_id = %s", [dataset.pk])
            _record_keys(cursor)
            cursor.execute(SQL.format(referrals=referrals), {**params, "dataset": dataset.pk})
            count = int(cursor.rowcount)
        dataset.rows = count
        dataset.refreshed_at = timezone.now()
        dataset.save(update_fields=["rows", "refreshed_at"])
    # Fresh planner statistics (without them tables are counted without parallel workers), and the
    # space of the replaced facts made reusable, so the table does not grow with every refresh.
    # VACUUM cannot run inside a transaction (tests, or a caller's atomic block): ANALYZE only then.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE stats_fact" if connection.in_atomic_block else "VACUUM (ANALYZE) stats_fact")
    logger.info("statistics facts refreshed: %s cases", count)
    return count


def is_stale(dataset: Dataset, *, now: dt.datetime | None = None) -> bool:
    if dataset.refreshed_at is None:
        return True
    age = (now or timezone.now()) - dataset.refreshed_at
    return age > dt.timedelta(minutes=settings.STROM_STATS_REFRESH_MINUTES)


def refresh_if_stale() -> bool:
    """Refresh the built-in dataset when its facts are too old; True when it did."""
    if is_stale(builtin_dataset()):
        facts_refresh(only_if_stale=True)
        return True
    return False
