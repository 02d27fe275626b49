"""Exports of STROM's figures in exchange formats: `strom stats export {ctdc,eurostat} --out FILE`.

- **ctdc**: one row per victim in the CTDC global dataset format, k-anonymised (default k = 11).
  Quasi-identifiers: year of registration, gender, age band, citizenship, country of exploitation
  and the combination of forms of exploitation. Rows in an equivalence class of fewer than k rows
  lose quasi-identifiers one at a time, in that order reversed (citizenship first, the year last),
  until their class has k rows; rows still alone after losing all of them are left out. Every step
  is counted in the report. Built from the facts (no name, no date, no case reference exists
  there), in a temporary table, and streamed out with a server-side cursor: memory stays flat.
- **eurostat**: registered victims (presumed and identified) by sex and age group, by sex and
  citizenship group, by sex and form of exploitation, per year, as in Eurostat's `crim_thb_v*`
  tables; each table disclosure-controlled like every other published table.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import IO, TYPE_CHECKING, Any

from django.db import connection, transaction

from strom.audit.actors import SystemActor
from strom.audit.services import audit_record
from strom.core.spreadsheets import CsvWriter
from strom.stats import ctdc
from strom.stats import dimensions as dims
from strom.stats.engine import Spec, parse_by, parse_datasets, parse_filter
from strom.stats.refresh import builtin_dataset, refresh_if_stale
from strom.stats.services import table_publish

if TYPE_CHECKING:
    from strom.accounts.models import User

# In the order they are given up: the most identifying (and least needed) first.
QUASI_IDENTIFIERS = ("citizenship", "exploitation_country", "age_ctdc", "gender", "exploitation", "year")
BLANK = {"citizenship": "''", "exploitation_country": "''", "age_ctdc": "0", "gender": "0", "year": "0"}

CTDC_GENDER = {
    "Feminine": "Female",
    "Masculine": "Male",
    # CTDC has one group for all of these.
    "TransgenderFeminine": "Transgender/NonConforming",
    "TransgenderMasculine": "Transgender/NonConforming",
    "NonConforming": "Transgender/NonConforming",
    "TransgenderOrNonConforming": "Transgender/NonConforming",
}
MULTI_COLUMNS = (
    ("exploitation", ctdc.EXPLOITATION, None),
    ("labour", ctdc.LABOUR, "typeOfLabourNotSpecified"),
    ("sexual_exploitation", ctdc.SEXUAL, None),
    ("means_of_control", ctdc.MEANS, "meansOfControlNotSpecified"),
    ("recruiter", ctdc.RECRUITER, "recruiterRelationUnknown"),
)
CTDC_COLUMNS = [
    "yearOfRegistration",
    "Datasource",
    "gender",
    "ageBroad",
    "majorityStatus",
    "citizenship",
    "CountryOfExploitation",
    *[
        column
        for _name, mapping, unknown in MULTI_COLUMNS
        for column in [*mapping, *([unknown] if unknown else [])]
    ],
]


def _class_columns() -> str:
    # The exploitation combination takes part as a whole array; NULL-safe grouping via GROUP BY.
    return ", ".join(QUASI_IDENTIFIERS)


def export_ctdc(out: IO[str], *, by: User | SystemActor, k: int = 11) -> dict[str, Any]:
    """Write STROM's cases as a k-anonymised CTDC file; returns the report of what was generalised."""
    refresh_if_stale()
    dataset = builtin_dataset()
    report: dict[str, Any] = {"k": k, "quasi_identifiers": list(QUASI_IDENTIFIERS), "blanked": {}}
    columns = _class_columns()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE ctdc_export ON COMMIT DROP AS "
            "SELECT COALESCE(year, 0) AS year, gender, age_ctdc, child, citizenship, exploitation_country, "
            "exploitation, labour, sexual_exploitation, means_of_control, recruiter "
            "FROM stats_fact WHERE dataset_id = %s",
            [dataset.pk],
        )
        report["records"] = cursor.rowcount
        small = f"({columns}) IN (SELECT {columns} FROM ctdc_export GROUP BY {columns} HAVING count(*) < %s)"  # noqa: S608
        for name in QUASI_IDENTIFIERS:
            blank = BLANK.get(name, "'{0}'")
            # IS DISTINCT FROM: a value already blank is not counted as given up again.
            cursor.execute(
                f"UPDATE ctdc_export SET {name} = {blank} WHERE {small} AND {name} IS DISTINCT FROM {blank}",  # noqa: S608
                [k],
            )
            report["blanked"][name] = cursor.rowcount
        cursor.execute(f"DELETE FROM ctdc_export WHERE {small}", [k])  # noqa: S608
        report["left_out"] = cursor.rowcount
        report["rows"] = report["records"] - report["left_out"]
        writer = CsvWriter(out)
        writer.writerow(CTDC_COLUMNS)
        with connection.connection.cursor(name="ctdc_export_rows") as rows:
            rows.itersize = 5000
            rows.execute(
                "SELECT year, gender, age_ctdc, child, citizenship, exploitation_country, "
                "exploitation, labour, sexual_exploitation, means_of_control, recruiter FROM ctdc_export"
            )
            for row in rows:
                writer.writerow(_ctdc_row(row))
    audit_record(
        actor=by, action="stats.export", object_type="stats_export", object_ref="ctdc", details=report
    )
    return report


_AGES = [v.name for v in dims.AGE_CTDC_VALUES]
_GENDERS = [v.name for v in dims.GENDER_VALUES]


def _ctdc_row(row: Iterable[Any]) -> list[str]:
    year, gender, age, child, citizenship, country, *multi = row
    gender_name = _GENDERS[gender - 1] if gender else ""
    values = [
        str(year) if year else "",
        "Case Management",
        CTDC_GENDER.get(gender_name, ""),
        _AGES[age - 1] if age else "",
        {1: "Minor", 2: "Adult"}.get(child, ""),
        citizenship,
        country,
    ]
    for (name, mapping, unknown_column), codes in zip(MULTI_COLUMNS, multi, strict=True):
        dimension = dims.BY_NAME[name]
        known = {dimension.values[c - 1].name for c in codes if c}
        if known - set(mapping.values()) and "Other" in mapping.values():
            known.add("Other")  # values CTDC has no column for
        if not known:
            values += [""] * len(mapping) + (["1"] if unknown_column else [])
            continue
        values += ["1" if value in known else "0" for value in mapping.values()]
        if unknown_column:
            values.append("0")
    return values


EUROSTAT_TABLES = (
    ("crim_thb_vage", "age_eurostat"),
    ("crim_thb_vctz", "citizenship_group"),
    ("crim_thb_vexp", "exploitation"),
)


def export_eurostat(out: IO[str], *, by: User | SystemActor, rounding: int | None = None) -> dict[str, Any]:
    """Registered victims (presumed and identified) by year, sex and each Eurostat breakdown."""
    writer = CsvWriter(out)
    writer.writerow(["table", "year", "sex", "breakdown", "value", "count"])
    report: dict[str, Any] = {"tables": {}}
    for table, dimension in EUROSTAT_TABLES:
        spec = Spec(
            datasets=parse_datasets("strom"),
            by=parse_by(f"year,gender,{dimension}"),
            filters=[parse_filter("victim_status=Presumed,Identified")],
            rounding=rounding,
        )
        published = table_publish(by=by, spec=spec)
        for cell in published.cells():
            count = cell["count"]
            writer.writerow(
                [
                    table,
                    cell["year"],
                    cell["gender"],
                    dimension,
                    cell[dimension],
                    "" if count is None else count,
                ]
            )
        report["tables"][table] = published.rule
    return report
