"""The dimensions a statistics table can be built from: names, labels, value lists, fact columns.

A fact row (strom/stats/models.py Fact) holds one compact column per dimension. Coded dimensions
store a small integer: 0 is "Unknown" (not recorded), 1..n are the positions of the values listed
here, so **value lists are append-only**: reordering or removing a value would change what stored
codes mean (a refresh would fix STROM's own facts, but not imported datasets).

Value names follow HTCDS 2.0 where HTCDS has a value set (gender, exploitation, means of control,
type of sexual exploitation, services), and the CTDC global dataset where STROM and CTDC data must
share one value set to be counted together (age bands, type of labour, recruiter relationship).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from strom.casefile.choices import MeansOfControl, SexExploitationType
from strom.cases.choices import Exploitation, Gender, Stage
from strom.core.countries import countries
from strom.support.choices import ServiceType

UNKNOWN = "Unknown"
UNKNOWN_LABEL = _("Unknown")
TOTAL = "Total"

# EU member states (Eurostat's "other EU" citizenship group); the reporting country is the case's.
EU_MEMBERS = (
    "AT",
    "BE",
    "BG",
    "HR",
    "CY",
    "CZ",
    "DK",
    "EE",
    "FI",
    "FR",
    "DE",
    "GR",
    "HU",
    "IE",
    "IT",
    "LV",
    "LT",
    "LU",
    "MT",
    "NL",
    "PL",
    "PT",
    "RO",
    "SK",
    "SI",
    "ES",
    "SE",
)

CODED = "coded"  # one small integer per fact
MULTI = "multi"  # an array of small integers per fact: a victim can have several values
COUNTRY = "country"  # an ISO 3166-1 alpha-2 code, "" when unknown
MUNICIPALITY = "municipality"  # a directory municipality id, null when unknown or not STROM's
YEAR = "year"  # a year, null when unknown
DAYS = "days"  # a number of days, null when the stage was not reached; tabulated in bands


@dataclass(frozen=True)
class Value:
    name: str
    label: str | Promise


@dataclass(frozen=True)
class Dimension:
    name: str
    label: str | Promise
    kind: str
    column: str
    help: str | Promise = ""
    values: tuple[Value, ...] = ()

    @property
    def rangeable(self) -> bool:
        """FROM..TO filters: years and days by number, ordered value lists by position."""
        return self.kind in (YEAR, DAYS) or self.name in ORDERED


def _values(choices: object) -> tuple[Value, ...]:
    return tuple(Value(str(value), label) for value, label in choices.choices)  # type: ignore[attr-defined]


GENDER_VALUES = (
    Value(Gender.FEMININE, _("Female")),
    Value(Gender.MASCULINE, _("Male")),
    Value(Gender.TRANSGENDER_FEMININE, _("Transgender female")),
    Value(Gender.TRANSGENDER_MASCULINE, _("Transgender male")),
    Value(Gender.NON_CONFORMING, _("Gender non-conforming")),
    # CTDC publishes transgender and non-conforming people as one group.
    Value("TransgenderOrNonConforming", _("Transgender or gender non-conforming")),
)

VICTIM_STATUS_VALUES = (
    Value("Possible", _("Possible victim (no decision yet)")),
    Value("Presumed", _("Presumed victim (reasonable grounds)")),
    Value("Identified", _("Identified victim (formal identification)")),
    Value("NotAVictim", _("Not a victim of trafficking")),
)

# CTDC's ageBroad bands (k-anonymised dataset, 2021).
AGE_CTDC_VALUES = tuple(
    Value(band, band)
    for band in ("0--8", "9--17", "18--20", "21--23", "24--26", "27--29", "30--38", "39--47", "48+")
)
# Eurostat crim_thb age groups. "Y_LT18" is a child whose finer band is not known (CTDC's 9--17).
AGE_EUROSTAT_VALUES = (
    Value("Y_LT12", _("Less than 12 years")),
    Value("Y12-17", _("12 to 17 years")),
    Value("Y_GE18", _("18 years or over")),
    Value("Y_LT18", _("Less than 18 years (finer group not known)")),
)
CHILD_VALUES = (Value("Child", _("Child (under 18)")), Value("Adult", _("Adult")))
CITIZENSHIP_GROUP_VALUES = (
    Value("ReportingCountry", _("Reporting country")),
    Value("OtherEU", _("Other EU country")),
    Value("NonEU", _("Non-EU country")),
)
EXPLOITATION_VALUES = (
    *_values(Exploitation),
    # CTDC's isSlaveryAndPractices has no HTCDS value of its own.
    Value("SlaveryAndSimilarPractices", _("Slavery and similar practices")),
)
# CTDC's typeOfLabour* value set: STROM's ISIC industries are mapped onto it (refresh.py).
LABOUR_VALUES = (
    Value("Agriculture", _("Agriculture")),
    Value("Aquafarming", _("Aquafarming")),
    Value("Begging", _("Begging")),
    Value("Construction", _("Construction")),
    Value("DomesticWork", _("Domestic work")),
    Value("Hospitality", _("Hospitality")),
    Value("IllicitActivities", _("Illicit activities")),
    Value("Manufacturing", _("Manufacturing")),
    Value("MiningOrDrilling", _("Mining or drilling")),
    Value("Peddling", _("Peddling")),
    Value("Transportation", _("Transportation")),
    Value("Other", _("Other")),
)
MEANS_VALUES = (
    *_values(MeansOfControl),
    # CTDC columns with no HTCDS value.
    Value("RestrictsMovement", _("Restricts movement")),
    Value("UsesChildren", _("Uses children")),
)
RECRUITER_VALUES = (
    Value("Familial", _("Family member")),
    Value("IntimatePartner", _("Intimate partner")),
    Value("Acquainted", _("Friend or acquaintance")),
    Value("Unaquainted", _("Stranger")),
    Value("Other", _("Other")),
)
REFERRAL_VALUES = (
    Value("sent", _("Sent, no answer yet")),
    Value("accepted", _("Accepted")),
    Value("declined", _("Declined")),
    Value("in_progress", _("In progress")),
    Value("completed", _("Completed")),
    Value("withdrawn", _("Withdrawn")),
    Value("expired", _("Expired without an answer")),
)
# Upper bounds (inclusive) of the day bands; the last band is open.
DAY_BANDS = (7, 30, 90, 180, 365)
DAYS_VALUES = (
    Value("0-7", _("0 to 7 days")),
    Value("8-30", _("8 to 30 days")),
    Value("31-90", _("31 to 90 days")),
    Value("91-180", _("91 to 180 days")),
    Value("181-365", _("181 to 365 days")),
    Value("366+", _("More than a year")),
)

# Coded dimensions whose value order is meaningful, so FROM..TO filters make sense.
ORDERED = {"age_ctdc", "age_eurostat"}

DIMENSIONS: tuple[Dimension, ...] = (
    Dimension(
        "year",
        _("Year of registration"),
        YEAR,
        "year",
        _("Year the case was opened (CTDC: yearOfRegistration)."),
    ),
    Dimension("stage", _("Stage of the chain of assistance"), CODED, "stage", values=_values(Stage)),
    Dimension("victim_status", _("Victim status"), CODED, "victim_status", values=VICTIM_STATUS_VALUES),
    Dimension("gender", _("Sex/gender"), CODED, "gender", values=GENDER_VALUES),
    Dimension("age_ctdc", _("Age group (CTDC)"), CODED, "age_ctdc", values=AGE_CTDC_VALUES),
    Dimension("age_eurostat", _("Age group (Eurostat)"), CODED, "age_eurostat", values=AGE_EUROSTAT_VALUES),
    Dimension("child", _("Child or adult"), CODED, "child", values=CHILD_VALUES),
    Dimension("citizenship", _("Citizenship"), COUNTRY, "citizenship"),
    Dimension(
        "citizenship_group",
        _("Citizenship group (Eurostat)"),
        CODED,
        "citizenship_group",
        _(
            "Reporting country, other EU country or non-EU country. CTDC data has no reporting country: "
            "the country of exploitation stands in for it."
        ),
        values=CITIZENSHIP_GROUP_VALUES,
    ),
    Dimension("exploitation_country", _("Country of exploitation"), COUNTRY, "exploitation_country"),
    Dimension(
        "municipality",
        _("Municipality of the case"),
        MUNICIPALITY,
        "municipality_id",
        _("The municipality that handles the case (STROM's own cases only)."),
    ),
    Dimension("exploitation", _("Form of exploitation"), MULTI, "exploitation", values=EXPLOITATION_VALUES),
    Dimension("labour", _("Type of labour"), MULTI, "labour", values=LABOUR_VALUES),
    Dimension(
        "sexual_exploitation",
        _("Type of sexual exploitation"),
        MULTI,
        "sexual_exploitation",
        values=_values(SexExploitationType),
    ),
    Dimension("means_of_control", _("Means of control"), MULTI, "means_of_control", values=MEANS_VALUES),
    Dimension("recruiter", _("Relationship to the recruiter"), MULTI, "recruiter", values=RECRUITER_VALUES),
    Dimension(
        "services",
        _("Services delivered"),
        MULTI,
        "services",
        _("Services in progress or delivered."),
        values=_values(ServiceType),
    ),
    Dimension("referral_outcome", _("Referral outcomes"), MULTI, "referral_outcome", values=REFERRAL_VALUES),
    Dimension(
        "days_to_reasonable_grounds",
        _("Days from opening to reasonable grounds"),
        DAYS,
        "days_to_reasonable_grounds",
        values=DAYS_VALUES,
    ),
    Dimension(
        "days_to_identification",
        _("Days from reasonable grounds to formal identification"),
        DAYS,
        "days_to_identification",
        values=DAYS_VALUES,
    ),
    Dimension(
        "days_to_closure", _("Days from opening to closure"), DAYS, "days_to_closure", values=DAYS_VALUES
    ),
)

BY_NAME: dict[str, Dimension] = {d.name: d for d in DIMENSIONS}


def get(name: str) -> Dimension | None:
    return BY_NAME.get(name)


def code_of(dimension: Dimension, name: str) -> int | None:
    """The stored code of a value name of a coded or multi dimension (0 for Unknown)."""
    if name == UNKNOWN:
        return 0
    for position, value in enumerate(dimension.values, start=1):
        if value.name == name:
            return position
    return None


def names(dimension: Dimension) -> list[str]:
    return [v.name for v in dimension.values]


@cache
def country_values() -> tuple[Value, ...]:
    return tuple(Value(code, name) for code, name in sorted(countries("en").items()))


def country_values_map() -> dict[str, str]:
    """Code → the country's name in the reader's language (the values themselves are the codes)."""
    return countries()


def day_band(days: int) -> int:
    """The band code (1-based) of a number of days."""
    for position, upper in enumerate(DAY_BANDS, start=1):
        if days <= upper:
            return position
    return len(DAY_BANDS) + 1


def day_band_sql(column: str) -> str:
    whens = " ".join(f"WHEN {column} <= {upper} THEN {i}" for i, upper in enumerate(DAY_BANDS, start=1))
    return f"(CASE WHEN {column} IS NULL THEN 0 {whens} ELSE {len(DAY_BANDS) + 1} END)"
