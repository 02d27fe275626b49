"""STROM's cases as pseudonymised HTCDS 2.0 records, CSV or JSON Lines, streamed (docs/htcds-export.md).

What a record holds: HTCDS field and value names (strom/stats/htcds_fields.py) for the person's
sex/gender and citizenship, the case's status, trafficking status and who decided it, forms of
exploitation, means of control, recruitment, the trafficking events (type, country, month) and the
services (type, status, months), plus a few `strom_` extensions: the pseudonyms, the year of
registration, the case's country, an age band and child/adult.

What it never holds: names, other names, contact, address, document numbers, free text of any kind
(descriptions, reasons, notes, objectives, provider names), cities, streets, postal codes, exact
dates (a date is given to the month at most; no date of birth at all, only the age band), case
references, database ids, organisations or users. None of the encrypted columns is even read.

Pseudonyms: each export draws a fresh random salt, never stored; the export's key is an HMAC of it
under the key ring's blind-index key, and each pseudonym an HMAC of the case or person id under
that key. So within one export a person's cases share one person pseudonym, while two exports
cannot be linked to each other, nor, once the export is over, to the database (not even by
someone holding the key ring). A recipient who needs to follow people over time gets one export
covering the whole period instead.

Which cases: those whose person has consented to use in statistics, by the rule of
strom.consent.selectors.consent_status (the most recent answer for the purpose "statistics" among
the case's own and the person-wide records: given, not withdrawn, not expired; no answer is no),
computed in SQL for all cases at once. HTCDS's con_Consent (consent to an interview, with being
told about research use as one point of it) and the deprecated vic_AgreementToManagePersonalData
(the organisation may manage the data) are other consents, so neither is written: every record of
the file has the statistics consent, which the report states.

Who: the command line only (`by=STATISTICS`) or a user with Perm.SYSTEM_MANAGE. Case-level rows, even
pseudonymised, are personal data and not disclosure-controlled output, so analysts never get them.

Memory stays flat and a million cases take about a minute (bench/htcds_export_bench.py): one SQL
statement maps STROM's values onto HTCDS names, aggregates each case's events and services and
builds their nested JSON in PostgreSQL; a thread reads it through a server-side cursor a chunk
ahead, so PostgreSQL works on the next chunk while Python adds the pseudonyms and writes this
one. One audit entry (`stats.export_htcds`, counts only) per export, after the file is written.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import queue
import secrets
import threading
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from typing import IO, TYPE_CHECKING, Any, Literal

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from strom.audit.actors import SystemActor
from strom.audit.services import audit_record
from strom.consent.models import Purpose
from strom.core.roles import Perm
from strom.core.spreadsheets import CsvWriter
from strom.crypto.keys import key_ring
from strom.stats import htcds_fields as hf

if TYPE_CHECKING:
    import datetime as dt

    from strom.accounts.models import User

Format = Literal["csv", "json"]

# Rows fetched from the server-side cursor at a time.
CHUNK_ROWS = 2000
# 80 bits: no collision to expect among millions of cases.
PSEUDONYM_HEX = 20
# CSV: the separator between the values of a multi-valued field.
SEPARATOR = ";"

# STROM's statutory-minimum service types have no HTCDS name; each goes to the spl_Type it belongs
# to (the original stays in strom_ServiceType). HTCDS's own nine types are kept as they are.
SERVICE_TO_SPL = {
    "SafeAccommodation": "SocialCare",
    "MaterialAssistance": "Financial",
    "MedicalCare": "Health",
    "PsychologicalHelp": "Health",
    "CounsellingAndInformation": "SocialCare",
    "Interpretation": "SocialCare",
    "LegalAid": "Legal",
}

CONSENT_RULE = (
    "cases whose person's most recent answer for the purpose 'statistics' (the case's own records "
    "and the person-wide ones) was given, is not withdrawn and has not expired; no answer is no"
)
PSEUDONYM_RULE = (
    "keyed HMAC with a random salt per export: stable within this export, unlinkable across exports"
)

# The top-level fields of both formats, in CSV column order (JSON adds the nested lists).
CASE_FIELDS: tuple[str, ...] = (
    "strom_CasePseudonym",
    "strom_PersonPseudonym",
    "strom_YearOfRegistration",
    "strom_CaseCountry",
    "cas_Status",
    "vic_TraffickingStatus",
    "vic_TraffickingStatusDecisionMakingOrg",
    "prs_Gender",
    "strom_AgeBand",
    "strom_IsChild",
    "prs_Citizenship",
    "vic_TypeOfExploitation",
    "vic_ForcedLabourIndustry",
    "vic_TypeOfSexExploitation",
    "vic_MethodsOfControl",
    "vic_MethodOfRecruitment",
    "vic_RecruitmentWebsitesAndApps",
    "vic_ExploitationWebsitesAndApps",
    "vic_RelationshipToTrafficker",
    "spl_Type",
)
# CSV only: one entry per event, in event order, so the three lists line up.
CSV_EVENT_FIELDS: tuple[str, ...] = ("hte_Type", "hte_Country", "hte_Date")
CSV_COLUMNS: tuple[str, ...] = CASE_FIELDS + CSV_EVENT_FIELDS


class HtcdsExportRefused(Exception):
    """The user may not export case-level records."""


@dataclass
class HtcdsReport:
    format: str
    cases: int = 0
    persons: int = 0
    events: int = 0
    services: int = 0
    consent_filter: bool = True
    consent_rule: str = CONSENT_RULE
    pseudonyms: str = PSEUDONYM_RULE
    # Forms of exploitation HTCDS has no name for (forced criminality), written as "Other": how
    # many cases and events had one. (STROM's other value sets are HTCDS's, see the tests.)
    values_generalised: dict[str, int] = field(default_factory=lambda: {"vic_TypeOfExploitation": 0})

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def may_export_htcds(by: User | SystemActor) -> bool:
    return isinstance(by, SystemActor) or bool(by.is_active and by.has_global(Perm.SYSTEM_MANAGE))


# The cases to export: consent_status(case, "statistics").given, for every case at once.
CONSENTED_CASES = """
SELECT c.id, c.person_id FROM cases_case c
WHERE EXISTS (
    SELECT 1 FROM (
        SELECT r.given, r.withdrawn_at, r.valid_until FROM consent_consentrecord r
        WHERE r.person_id = c.person_id AND r.purpose = %(purpose)s
          AND (r.case_id IS NULL OR r.case_id = c.id)
        ORDER BY r.given_at DESC, r.recorded_at DESC, r.id DESC
        LIMIT 1
    ) latest
    WHERE latest.given
      AND (latest.withdrawn_at IS NULL OR latest.withdrawn_at > %(today)s)
      AND (latest.valid_until IS NULL OR latest.valid_until >= %(today)s)
)
"""
ALL_CASES = "SELECT c.id, c.person_id FROM cases_case c"


# STROM's value names onto HTCDS's, in SQL: a name HTCDS has stays; any other becomes "Other" where
# the value set has it, else is left out. The allowed names are bound as parameters named after the
# field. PostgreSQL does this (and builds the nested JSON) so that the Python side of a million-case
# export stays a few microseconds a record.
def _other(field: str) -> str:
    return "'Other'" if "Other" in hf.VALUES[field] else "NULL"


def _sql_one(column: str, field: str) -> str:
    column = f"({column})"
    return (
        f"CASE WHEN {column} = ANY(%({field})s::text[]) THEN {column}::text "
        f"WHEN {column} IS NULL OR {column} = '' THEN NULL ELSE {_other(field)} END"
    )


def _sql_many(column: str, field: str) -> str:
    column = f"({column})"
    return (
        f"CASE WHEN {column}::text[] <@ %({field})s::text[] THEN {column}::text[] "  # noqa: S608
        f"ELSE ARRAY(SELECT DISTINCT m FROM (SELECT CASE WHEN v = ANY(%({field})s::text[]) THEN v "
        f"ELSE {_other(field)} END AS m FROM unnest({column}) v) mapped WHERE m IS NOT NULL ORDER BY m) END"
    )


_SERVICE_SPL = (
    "CASE s.service_type "
    + " ".join(f"WHEN '{strom}' THEN '{spl}'" for strom, spl in SERVICE_TO_SPL.items())
    + " ELSE s.service_type END"
)

# Only value-set, country and date columns: no encrypted or free-text column is read. Each part is
# aggregated from a subquery sorted by case and then by date (events) or creation (services): the
# aggregates of one group all read the same rows in the same order, so the CSV's event lists line up.
RECORDS = f"""
WITH em AS (
    SELECT e.case_id, e.event_type,
        {_sql_one("e.event_type", "hte_Type")} AS hte_type,
        NULLIF(e.country, '') AS country,
        to_char(e.date_from, CASE e.date_from_precision WHEN 'year' THEN 'YYYY' ELSE 'YYYY-MM' END) AS month,
        {_sql_many("e.forms_of_exploitation", "vic_TypeOfExploitation")} AS forms,
        (NOT e.forms_of_exploitation::text[] <@ %(vic_TypeOfExploitation)s::text[])::int AS forms_generalised,
        {_sql_one("e.industry", "vic_ForcedLabourIndustry")} AS industry,
        {_sql_many("e.sex_exploitation_types", "vic_TypeOfSexExploitation")} AS sex,
        {_sql_many("e.means_of_control", "vic_MethodsOfControl")} AS means,
        {_sql_many("e.recruitment_methods", "vic_MethodOfRecruitment")} AS methods,
        {_sql_many("e.websites_and_apps", "vic_RecruitmentWebsitesAndApps")} AS apps
    FROM casefile_traffickingevent e
    ORDER BY e.case_id, e.date_from NULLS LAST, e.created_at, e.id
), ev AS (
    SELECT e.case_id,
        count(*) AS n,
        sum(e.forms_generalised) AS forms_generalised,
        json_agg(json_build_object(
            'hte_Type', e.hte_type,
            'hte_Country', e.country,
            'hte_Date', e.month,
            'vic_TypeOfExploitation', e.forms,
            'vic_ForcedLabourIndustry', e.industry,
            'vic_TypeOfSexExploitation', e.sex,
            'vic_MethodsOfControl', e.means,
            'vic_MethodOfRecruitment', e.methods,
            CASE WHEN e.event_type = 'Recruitment' THEN 'vic_RecruitmentWebsitesAndApps'
                ELSE 'vic_ExploitationWebsitesAndApps' END, e.apps
        ))::text AS events,
        string_agg(coalesce(e.hte_type, ''), ';') AS types,
        string_agg(coalesce(e.country, ''), ';') AS countries,
        string_agg(coalesce(e.month, ''), ';') AS months,
        string_agg(NULLIF(array_to_string(e.forms, ';'), ''), ';') AS forms,
        string_agg(e.industry, ';') AS industries,
        string_agg(NULLIF(array_to_string(e.sex, ';'), ''), ';') AS sex,
        string_agg(NULLIF(array_to_string(e.means, ';'), ''), ';') AS means,
        string_agg(NULLIF(array_to_string(e.methods, ';'), ''), ';') AS methods,
        string_agg(NULLIF(array_to_string(e.apps, ';'), ''), ';')
            FILTER (WHERE e.event_type = 'Recruitment') AS r_apps,
        string_agg(NULLIF(array_to_string(e.apps, ';'), ''), ';')
            FILTER (WHERE e.event_type <> 'Recruitment') AS e_apps
    FROM em e GROUP BY e.case_id
), sv AS (
    SELECT s.case_id,
        count(*) AS n,
        json_agg(json_build_object(
            'spl_Type', s.spl_type,
            'strom_ServiceType', s.service_type,
            'strom_ServiceStatus', s.status,
            'spl_PlannedEndDate', to_char(s.planned_end, 'YYYY-MM'),
            'spl_ActualEndDate', to_char(s.actual_end, 'YYYY-MM')
        ))::text AS services,
        string_agg(s.spl_type, ';') AS types
    FROM (
        SELECT s.case_id, s.service_type, s.status, s.planned_end, s.actual_end,
            {_sql_one(_SERVICE_SPL, "spl_Type")} AS spl_type
        FROM support_service s WHERE s.status <> 'cancelled'
        ORDER BY s.case_id, s.created_at, s.id
    ) s
    GROUP BY s.case_id
), de AS (
    -- The body behind the trafficking status: the latest formal identification, else the latest
    -- reasonable-grounds decision.
    SELECT DISTINCT ON (d.case_id) d.case_id, d.decided_by_org_type
    FROM cases_decision d
    ORDER BY d.case_id, (d.kind = 'formal_identification') DESC, d.decided_at DESC, d.id DESC
), pe AS (
    SELECT p.case_id, string_agg(p.relationship, ';') AS relationships
    FROM casefile_perpetrator p WHERE p.relationship <> '' GROUP BY p.case_id
)
SELECT c.id, c.person_id,
    extract(year FROM c.opened_at AT TIME ZONE %(tz)s)::int,
    NULLIF(c.country, ''),
    {_sql_one("c.status", "cas_Status")},
    {_sql_one("c.trafficking_status", "vic_TraffickingStatus")},
    {_sql_one("de.decided_by_org_type", "vic_TraffickingStatusDecisionMakingOrg")},
    {_sql_one("p.gender", "prs_Gender")},
    c.age_at_opening, c.is_child,
    array_to_string(p.citizenships, ';'),
    array_to_string({_sql_many("c.forms_of_exploitation", "vic_TypeOfExploitation")}, ';'),
    ev.forms, ev.industries, ev.sex, ev.means, ev.methods, ev.r_apps, ev.e_apps,
    pe.relationships, sv.types,
    coalesce(ev.n, 0), coalesce(sv.n, 0),
    coalesce(ev.forms_generalised, 0)
        + (NOT c.forms_of_exploitation::text[] <@ %(vic_TypeOfExploitation)s::text[])::int,
    ev.events, sv.services, ev.types, ev.countries, ev.months
FROM htcds_export_cases t
JOIN cases_case c ON c.id = t.id
JOIN cases_person p ON p.id = c.person_id
LEFT JOIN ev ON ev.case_id = c.id
LEFT JOIN sv ON sv.case_id = c.id
LEFT JOIN de ON de.case_id = c.id
LEFT JOIN pe ON pe.case_id = c.id
"""  # noqa: S608 - put together from this module's own names; every value is a bound parameter


def _params(**extra: Any) -> dict[str, Any]:
    return {**{name: list(values) for name, values in hf.VALUES.items()}, **extra}


def write_htcds(
    out: IO[str],
    *,
    fmt: Format,
    by: User | SystemActor,
    consent_filter: bool = True,
    today: dt.date | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> HtcdsReport:
    """Write every consented case as a pseudonymised HTCDS 2.0 record to `out`; returns the counts.

    `fmt`: "csv" (one row per case, multi-valued fields joined by ";") or "json" (JSON Lines: one
    object per case per line, events and services nested). `consent_filter=False` exports every
    case whatever its consent: for the benchmark on synthetic data only, from the command line
    only, and recorded as such in the report and the audit entry. `progress(written, total)` is
    called after every CHUNK_ROWS records and at the end.
    """
    if fmt not in ("csv", "json"):
        raise ValueError(f"unknown HTCDS export format {fmt!r}")
    if not may_export_htcds(by):
        raise HtcdsExportRefused(
            _("Only a system administrator, or the command line, may export case-level records.")
        )
    if not consent_filter and not isinstance(by, SystemActor):
        raise HtcdsExportRefused(_("Only the command line may export cases without their consent check."))
    report = HtcdsReport(format=fmt, consent_filter=consent_filter)
    pseudonym = _pseudonymiser()
    write = _csv_writer(out) if fmt == "csv" else _json_writer(out)
    with transaction.atomic(), connection.cursor() as cursor:
        # Compiling this expression-heavy statement took PostgreSQL longer than it saved (bench/).
        cursor.execute("SET LOCAL jit = off")
        cursor.execute("DROP TABLE IF EXISTS htcds_export_cases")
        cases = CONSENTED_CASES if consent_filter else ALL_CASES
        cursor.execute(
            f"CREATE TEMPORARY TABLE htcds_export_cases ON COMMIT DROP AS {cases}",
            {"purpose": Purpose.STATISTICS.value, "today": today or timezone.localdate()},
        )
        cursor.execute("ANALYZE htcds_export_cases")
        cursor.execute("SELECT count(*), count(DISTINCT person_id) FROM htcds_export_cases")
        report.cases, report.persons = cursor.fetchone()
        written = 0
        for row in _rows():
            case_id, person_id, *fields, generalised, events, services, types, countries, months = row
            record = _record(fields)
            report.events += record.pop("events")
            report.services += record.pop("services")
            if generalised:
                report.values_generalised["vic_TypeOfExploitation"] += generalised
            record["strom_CasePseudonym"] = pseudonym(b"case:", case_id)
            record["strom_PersonPseudonym"] = pseudonym(b"person:", person_id)
            write(record, events or "[]", services or "[]", (types, countries, months))
            written += 1
            if progress is not None and written % CHUNK_ROWS == 0:
                progress(written, report.cases)
        if written != report.cases:  # the temporary table and the cursor see the same cases
            raise RuntimeError(f"HTCDS export wrote {written} records of {report.cases}")
        if progress is not None:
            progress(written, report.cases)
        cursor.execute("DROP TABLE htcds_export_cases")
    out.flush()
    audit_record(
        actor=by,
        action="stats.export_htcds",
        object_type="stats_export",
        object_ref="htcds",
        details={k: v for k, v in report.as_dict().items() if k not in ("consent_rule", "pseudonyms")},
    )
    return report


def _rows() -> Iterator[tuple[Any, ...]]:
    """The records' rows, read a chunk ahead in a thread: PostgreSQL computes the next chunk while
    this one is written, so both cores work at once. At most three chunks are held."""
    chunks: queue.Queue[list[tuple[Any, ...]] | BaseException | None] = queue.Queue(maxsize=2)
    stop = threading.Event()
    # Django's connection is per thread: the reader borrows this thread's psycopg connection, which
    # nothing else uses until the reader is done.
    raw = connection.connection

    def read() -> None:
        try:
            with raw.cursor(name="htcds_export_rows") as rows:
                rows.execute(RECORDS, _params(tz=settings.TIME_ZONE))
                while not stop.is_set() and (chunk := rows.fetchmany(CHUNK_ROWS)):
                    chunks.put(chunk)
            chunks.put(None)
        except BaseException as exc:  # handed over to the writing side, which raises it
            chunks.put(exc)

    reader = threading.Thread(target=read, name="htcds-export-reader", daemon=True)
    reader.start()
    try:
        while (chunk := chunks.get()) is not None:
            if isinstance(chunk, BaseException):
                raise chunk
            yield from chunk
    finally:
        # Writing stopped early (an error): let the reader finish its put and see the stop.
        stop.set()
        while reader.is_alive():
            with contextlib.suppress(queue.Empty):
                chunks.get(timeout=0.1)
        reader.join()


def _pseudonymiser() -> Callable[[bytes, int], str]:
    salt = secrets.token_bytes(32)
    key = hmac.digest(key_ring().blind_index_key, b"htcds-export:" + salt, hashlib.sha256)

    def pseudonym(kind: bytes, pk: int) -> str:
        return hmac.digest(key, kind + str(pk).encode(), hashlib.sha256).hex()[:PSEUDONYM_HEX]

    return pseudonym


def _split(joined: str | None) -> list[str]:
    """A ";"-joined list from PostgreSQL as sorted distinct values (several events name the same)."""
    return sorted(set(joined.split(SEPARATOR))) if joined else []


def _record(fields: list[Any]) -> dict[str, Any]:
    """The case-level fields of one row of RECORDS, in CASE_FIELDS order (pseudonyms set later)."""
    (
        year,
        country,
        status,
        trafficking_status,
        decided_by,
        gender,
        age,
        is_child,
        citizenships,
        case_forms,
        forms,
        industries,
        sex,
        means,
        methods,
        recruitment_apps,
        exploitation_apps,
        relationships,
        service_types,
        events,
        services,
    ) = fields
    joined_forms = f"{case_forms};{forms}" if case_forms and forms else case_forms or forms
    return {
        "strom_CasePseudonym": None,
        "strom_PersonPseudonym": None,
        "strom_YearOfRegistration": year,
        "strom_CaseCountry": country,
        "cas_Status": status,
        "vic_TraffickingStatus": trafficking_status,
        "vic_TraffickingStatusDecisionMakingOrg": decided_by,
        "prs_Gender": gender,
        "strom_AgeBand": _age_band(age),
        "strom_IsChild": is_child,
        "prs_Citizenship": citizenships.split(SEPARATOR) if citizenships else [],
        "vic_TypeOfExploitation": _split(joined_forms),
        "vic_ForcedLabourIndustry": _split(industries),
        "vic_TypeOfSexExploitation": _split(sex),
        "vic_MethodsOfControl": _split(means),
        "vic_MethodOfRecruitment": _split(methods),
        "vic_RecruitmentWebsitesAndApps": _split(recruitment_apps),
        "vic_ExploitationWebsitesAndApps": _split(exploitation_apps),
        "vic_RelationshipToTrafficker": _split(relationships),
        "spl_Type": _split(service_types),
        "events": events,
        "services": services,
    }


def _age_band(age: int | None) -> str | None:
    if age is None:
        return None
    for upper, band in ((8, 0), (17, 1), (20, 2), (23, 3), (26, 4), (29, 5), (38, 6), (47, 7)):
        if age <= upper:
            return hf.AGE_BANDS[band]
    return hf.AGE_BANDS[8]


Writer = Callable[[dict[str, Any], str, str, tuple[str | None, str | None, str | None]], None]


def _json_writer(out: IO[str]) -> Writer:
    """JSON Lines: one object per case per line. The events and services arrive as JSON text
    built by PostgreSQL and are put in as they are."""
    encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode

    def write(record: dict[str, Any], events: str, services: str, _lists: Any) -> None:
        out.write(f'{encode(record)[:-1]},"strom_TraffickingEvents":{events},"strom_Services":{services}}}\n')

    return write


def _csv_writer(out: IO[str]) -> Writer:
    """One row per case; lists joined by ";"; the event lists have one entry per event, empty kept."""
    writer = CsvWriter(out)
    writer.writerow(CSV_COLUMNS)

    def write(record: dict[str, Any], _events: str, _services: str, lists: Any) -> None:
        writer.writerow([_csv_value(record[name]) for name in CASE_FIELDS] + [v or "" for v in lists])

    return write


def _csv_value(value: Any) -> object:
    # Numbers stay numbers, so the writer does not take a negative one for a formula.
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    if value is None:
        return ""
    if value is True:
        return "TRUE"
    if value is False:
        return "FALSE"
    if isinstance(value, list):
        return SEPARATOR.join(value)
    return str(value)
