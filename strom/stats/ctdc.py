"""Import of the CTDC global dataset CSV format (one row per victim, 0/1 flag columns) as a dataset.

All or nothing: the whole file is read and checked first, and every problem is reported with its
row, column, value and reason; only a file without a single problem is written, in one transaction
(`ctdc_import` in strom/stats/services.py).
The same file (by sha256) is never imported twice, whatever name it is given.

Rows are numbered as in a spreadsheet: the header is row 1, the first record row 2.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from strom.core.countries import countries
from strom.core.numbers import whole_number
from strom.core.spreadsheets import CsvRows, FileRejected, Limits, read_csv
from strom.core.spreadsheets import RowError as RowError
from strom.stats import dimensions as dims
from strom.stats.models import BUILTIN, Dataset

# The columns of the k-anonymised global dataset (2021 data dictionary).
FLAG_PREFIXES = ("meansOfControl", "is", "typeOfLabour", "typeOfSex", "recruiterRelation")
COLUMNS = [
    "yearOfRegistration",
    "Datasource",
    "gender",
    "ageBroad",
    "majorityStatus",
    "majorityStatusAtExploit",
    "majorityEntry",
    "citizenship",
    "meansOfControlDebtBondage",
    "meansOfControlTakesEarnings",
    "meansOfControlRestrictsFinancialAccess",
    "meansOfControlThreats",
    "meansOfControlPsychologicalAbuse",
    "meansOfControlPhysicalAbuse",
    "meansOfControlSexualAbuse",
    "meansOfControlFalsePromises",
    "meansOfControlPsychoactiveSubstances",
    "meansOfControlRestrictsMovement",
    "meansOfControlRestrictsMedicalCare",
    "meansOfControlExcessiveWorkingHours",
    "meansOfControlUsesChildren",
    "meansOfControlThreatOfLawEnforcement",
    "meansOfControlWithholdsNecessities",
    "meansOfControlWithholdsDocuments",
    "meansOfControlOther",
    "meansOfControlNotSpecified",
    "meansOfControlConcatenated",
    "isForcedLabour",
    "isSexualExploit",
    "isOtherExploit",
    "isSexAndLabour",
    "isForcedMarriage",
    "isForcedMilitary",
    "isOrganRemoval",
    "isSlaveryAndPractices",
    "typeOfExploitConcatenated",
    "typeOfLabourAgriculture",
    "typeOfLabourAquafarming",
    "typeOfLabourBegging",
    "typeOfLabourConstruction",
    "typeOfLabourDomesticWork",
    "typeOfLabourHospitality",
    "typeOfLabourIllicitActivities",
    "typeOfLabourManufacturing",
    "typeOfLabourMiningOrDrilling",
    "typeOfLabourPeddling",
    "typeOfLabourTransportation",
    "typeOfLabourOther",
    "typeOfLabourNotSpecified",
    "typeOfLabourConcatenated",
    "typeOfSexProstitution",
    "typeOfSexPornography",
    "typeOfSexRemoteInteractiveServices",
    "typeOfSexPrivateSexualServices",
    "typeOfSexConcatenated",
    "isAbduction",
    "RecruiterRelationship",
    "CountryOfExploitation",
    "recruiterRelationIntimatePartner",
    "recruiterRelationFriend",
    "recruiterRelationFamily",
    "recruiterRelationOther",
    "recruiterRelationUnknown",
]
REQUIRED = (
    "yearOfRegistration",
    "gender",
    "ageBroad",
    "citizenship",
    "CountryOfExploitation",
    "isForcedLabour",
    "isSexualExploit",
)
# Free-text summaries of the flag columns: accepted, not used.
IGNORED = {
    "Datasource",
    "majorityStatusAtExploit",
    "majorityEntry",
    "meansOfControlConcatenated",
    "typeOfExploitConcatenated",
    "typeOfLabourConcatenated",
    "typeOfSexConcatenated",
    "RecruiterRelationship",
    "isAbduction",
}
FLAGS = [
    c for c in COLUMNS if c.startswith(FLAG_PREFIXES) and c not in IGNORED and not c.endswith("Concatenated")
]

GENDER = {
    "Female": "Feminine",
    "Male": "Masculine",
    "Transgender/NonConforming": "TransgenderOrNonConforming",
}
MAJORITY = {"Minor": "Child", "Adult": "Adult"}
CHILD_BANDS = {"0--8", "9--17"}
EUROSTAT_BAND = {"0--8": "Y_LT12", "9--17": "Y_LT18"}  # every other band is Y_GE18
EXPLOITATION = {
    "isForcedLabour": "ForcedLabour",
    "isSexualExploit": "SexualExploitation",
    "isForcedMarriage": "ForcedMarriage",
    "isForcedMilitary": "ForcedMilitaryByNonStateActors",
    "isOrganRemoval": "OrganRemoval",
    "isSlaveryAndPractices": "SlaveryAndSimilarPractices",
    "isOtherExploit": "Other",
}
MEANS = {
    "meansOfControlDebtBondage": "DebtBondage",
    "meansOfControlTakesEarnings": "TakesEarnings",
    "meansOfControlRestrictsFinancialAccess": "RestrictsFinancialAccess",
    "meansOfControlThreats": "PhysicalThreats",
    "meansOfControlPsychologicalAbuse": "PsychologicalAbuse",
    "meansOfControlPhysicalAbuse": "PhysicalAbuse",
    "meansOfControlSexualAbuse": "SexualAbuse",
    "meansOfControlFalsePromises": "FalsePromises",
    "meansOfControlPsychoactiveSubstances": "PsychoactiveSubstance",
    "meansOfControlRestrictsMovement": "RestrictsMovement",
    "meansOfControlRestrictsMedicalCare": "RestrictsMedicalCare",
    "meansOfControlExcessiveWorkingHours": "ExcessiveWorkingHours",
    "meansOfControlUsesChildren": "UsesChildren",
    "meansOfControlThreatOfLawEnforcement": "ThreatsLawEnforcement",
    "meansOfControlWithholdsNecessities": "WithholdsNecessities",
    "meansOfControlWithholdsDocuments": "WithholdsDocuments",
    "meansOfControlOther": "Other",
}
LABOUR = {f"typeOfLabour{v.name}": v.name for v in dims.LABOUR_VALUES}
SEXUAL = {
    "typeOfSexProstitution": "Prostitution",
    "typeOfSexPornography": "Pornography",
    "typeOfSexRemoteInteractiveServices": "RemoteInteractiveServices",
    "typeOfSexPrivateSexualServices": "PrivateSexualServices",
}
RECRUITER = {
    "recruiterRelationIntimatePartner": "IntimatePartner",
    "recruiterRelationFriend": "Acquainted",
    "recruiterRelationFamily": "Familial",
    "recruiterRelationOther": "Other",
}
MULTI = (
    ("exploitation", EXPLOITATION),
    ("labour", LABOUR),
    ("sexual_exploitation", SEXUAL),
    ("means_of_control", MEANS),
    ("recruiter", RECRUITER),
)
FIRST_YEAR = 1990
COPY_COLUMNS = [
    "dataset_id",
    "year",
    "stage",
    "victim_status",
    "gender",
    "age_ctdc",
    "age_eurostat",
    "child",
    "citizenship",
    "citizenship_group",
    "exploitation_country",
    "exploitation",
    "labour",
    "sexual_exploitation",
    "means_of_control",
    "recruiter",
    "services",
    "referral_outcome",
    "country",
    "overdue",
]
LIMITS = Limits(max_field=1_000, max_line=20_000)
NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,59}$")
# The page keeps at most this many problems; the command line prints them all.
ERRORS_KEPT = 500


class ImportRejected(Exception):
    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(f"{len(errors)} problems")
        self.errors = errors


Progress = Callable[[int, int], None]


def _code(dimension_name: str, value_name: str) -> int:
    code = dims.code_of(dims.BY_NAME[dimension_name], value_name)
    assert code is not None, (dimension_name, value_name)
    return code


def check_name(name: str) -> list[RowError]:
    if not NAME.match(name) or name in ("all", BUILTIN):
        return [
            RowError(
                0,
                "",
                name,
                _('A dataset name is 1 to 60 lower-case letters, digits, - or _ (not "all" or "strom").'),
            )
        ]
    if Dataset.objects.filter(name=name).exists():
        return [RowError(0, "", name, _("There is already a dataset with this name."))]
    return []


def check_file(data: bytes) -> list[RowError]:
    sha = hashlib.sha256(data).hexdigest()
    existing = Dataset.objects.filter(source_sha256=sha).first()
    if existing is not None:
        return [
            RowError(
                0,
                "",
                "",
                _("This file was already imported as the dataset %(name)s; it is not imported twice.")
                % {"name": existing.name},
            )
        ]
    return []


def _header(header: list[str]) -> list[RowError]:
    errors = []
    unknown = [c for c in header if c not in COLUMNS]
    for column in unknown:
        errors.append(RowError(1, column, "", _("This is not a column of the CTDC global dataset.")))
    for column in REQUIRED:
        if column not in header:
            errors.append(RowError(1, column, "", _("This column is required and missing.")))
    return errors


class _Converter:
    def __init__(self, dataset_id: int) -> None:
        self.dataset_id = dataset_id
        self.countries = countries("en")
        self.this_year = dt.date.today().year
        self.gender = {k: _code("gender", v) for k, v in GENDER.items()}
        self.age = {v.name: i for i, v in enumerate(dims.AGE_CTDC_VALUES, start=1)}
        self.child = {k: _code("child", v) for k, v in MAJORITY.items()}
        self.eurostat = {band: _code("age_eurostat", EUROSTAT_BAND.get(band, "Y_GE18")) for band in self.age}
        self.multi = [
            (name, [(column, _code(name, value)) for column, value in mapping.items()])
            for name, mapping in MULTI
        ]
        self.eu = set(dims.EU_MEMBERS)

    def _year(self, text: str, bad: Callable[[str, str], None]) -> int | None:
        """The year of registration, None when it is empty or wrong (`bad` is told why)."""
        if not text:
            return None
        year = whole_number(text)
        if year is None or len(text) != 4:
            bad("yearOfRegistration", _("A year is four digits 0-9."))
            return None
        if year > self.this_year:
            bad("yearOfRegistration", _("This year is in the future."))
        elif year < FIRST_YEAR:
            bad("yearOfRegistration", _("This year is before 1990, earlier than any CTDC record."))
        return year

    def row(self, number: int, record: dict[str, str], errors: list[RowError]) -> list[Any] | None:
        start = len(errors)

        def bad(column: str, why: str) -> None:
            errors.append(RowError(number, column, record.get(column, ""), why))

        year = self._year(record.get("yearOfRegistration", "").strip(), bad)
        gender_text = record.get("gender", "")
        gender = 0
        if gender_text:
            if gender_text not in self.gender:
                bad("gender", _("Not a CTDC gender: Female, Male, Transgender/NonConforming or empty."))
            else:
                gender = self.gender[gender_text]
        age_text = record.get("ageBroad", "")
        age = eurostat = 0
        if age_text:
            if age_text not in self.age:
                bad("ageBroad", _("Not a CTDC age band (0--8, 9--17, 18--20, … 48+)."))
            else:
                age, eurostat = self.age[age_text], self.eurostat[age_text]
        majority = record.get("majorityStatus", "")
        child = 0
        if majority:
            if majority not in self.child:
                bad("majorityStatus", _("Not Adult, Minor or empty."))
            else:
                child = self.child[majority]
        elif age_text in self.age:
            child = self.child["Minor" if age_text in CHILD_BANDS else "Adult"]
        for column in ("majorityStatusAtExploit", "majorityEntry"):
            if record.get(column, "") not in ("", "Adult", "Minor"):
                bad(column, _("Not Adult, Minor or empty."))
        place = {}
        for column in ("citizenship", "CountryOfExploitation"):
            code = record.get(column, "")
            if code and code not in self.countries:
                bad(column, _("Not an ISO 3166-1 alpha-2 country code."))
                code = ""
            place[column] = code
        citizenship, exploited_in = place["citizenship"], place["CountryOfExploitation"]
        group = 0
        if citizenship and exploited_in:
            group = 1 if citizenship == exploited_in else 2 if citizenship in self.eu else 3
        for column in FLAGS:
            if record.get(column, "") not in ("", "0", "1"):
                bad(column, _("A flag column holds 0, 1 or nothing."))
        if len(errors) > start:
            return None
        arrays = []
        for _name, columns in self.multi:
            codes = sorted({code for column, code in columns if record.get(column) == "1"})
            arrays.append(codes or [0])
        return [
            self.dataset_id,
            year,
            0,
            0,
            gender,
            age,
            eurostat,
            child,
            citizenship,
            group,
            exploited_in,
            *arrays,
            [0],
            [0],
            "",
            [],
        ]


def _rows(table: CsvRows, errors: list[RowError], progress: Progress | None) -> list[list[Any]]:
    """The facts of every record; the problems of every record and of the file go to `errors`."""
    converter = _Converter(dataset_id=0)
    rows: list[list[Any]] = []
    try:
        for record in table:
            row = converter.row(record.row, record.values, errors)
            if row is not None:
                rows.append(row)
            if progress is not None and record.row % 5000 == 0:
                progress(record.row - 1, table.estimated_rows)
    except FileRejected as exc:
        errors += exc.errors
    return rows


@dataclass(frozen=True)
class CheckedFile:
    """A CTDC file without a problem: its facts, ready for `strom.stats.services.ctdc_import`."""

    rows: list[list[Any]]
    estimated_rows: int


def ctdc_check(*, data: bytes, dataset_name: str, progress: Progress | None = None) -> CheckedFile:
    """Read and check the whole file; ImportRejected lists every problem. Writes nothing."""
    errors = check_name(dataset_name) + check_file(data)
    try:
        table = read_csv(data, limits=LIMITS)
    except FileRejected as exc:
        raise ImportRejected([*errors, *exc.errors]) from None
    errors += _header(table.header)
    if errors:
        raise ImportRejected(errors)
    rows = _rows(table, errors, progress)
    if not rows and not errors:
        errors.append(RowError(2, "", "", _("The file has a header but no records.")))
    if errors:
        raise ImportRejected(errors)
    return CheckedFile(rows=rows, estimated_rows=table.estimated_rows)
