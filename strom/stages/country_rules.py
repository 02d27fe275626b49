"""Per-country rules of the chain of assistance, each value with its legal source and status.

A country's rules are kept by its national coordinators as versions (CountryRuleVersion,
strom/stages/models.py): each version holds every item below with its value, its source (act, section,
link, date checked, note) and its status (verified by whom and when, or unverified), and takes effect on
a date. `rules_for(country, on=day)` gives the version in force on that day; a clock stores the version
it started with and keeps it.

The files in data/countries/<CC>.json are the shipped first version of each country: migration 0002
loads them once (see docs/clocks.md for why a migration and not first use). An item a file leaves
out takes the STROM default below, marked unverified, with a source that says it is not law.

`deciders` name, per decision, the kinds of body that may take it, as HTCDS
vic_TraffickingStatusDecisionMakingOrg values (DECISION_MAKERS); a STROM organisation's type maps to one
of them through DECISION_MAKER_FOR_ORG_TYPE.
"""

from __future__ import annotations

import calendar
import copy
import datetime as dt
import json
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from strom.stages.periods import DAYS, MONTHS, Period

if TYPE_CHECKING:
    from strom.stages.models import CountryRuleVersion

DATA_DIR = Path(__file__).parent / "data" / "countries"

# The shipped versions take effect "since always", so every clock, however old, finds a version.
SHIPPED_EFFECTIVE_FROM = dt.date(1970, 1, 1)

VERIFIED = "verified"
UNVERIFIED = "unverified"
STATUSES: dict[str, Any] = {VERIFIED: gettext_lazy("verified"), UNVERIFIED: gettext_lazy("unverified")}

# HTCDS vic_TraffickingStatusDecisionMakingOrg.
DECISION_MAKERS: tuple[str, ...] = (
    "Police",
    "NGO",
    "CourtOrProsecution",
    "NonPoliceGovernmentalOrganization",
    "Other",
)
DECISIONS: tuple[str, ...] = ("reasonable_grounds", "formal_identification")

# Which kind of decision-making body a member organisation is (directory OrgType -> HTCDS value).
DECISION_MAKER_FOR_ORG_TYPE: dict[str, str] = {
    "LawEnforcement": "Police",
    "NGO": "NGO",
    "Shelter": "NGO",
    "Hotline": "NGO",
    "LegalService": "Other",
    "HealthServiceOrganisation": "NonPoliceGovernmentalOrganization",
    "CentralGovernmentOrganisation": "NonPoliceGovernmentalOrganization",
    "LocalGovernmentOrganisation": "NonPoliceGovernmentalOrganization",
    "Municipality": "NonPoliceGovernmentalOrganization",
    "ImmigrationService": "NonPoliceGovernmentalOrganization",
    "NationalCoordinator": "NonPoliceGovernmentalOrganization",
    "NationalRapporteur": "NonPoliceGovernmentalOrganization",
    "LabourInspectorate": "NonPoliceGovernmentalOrganization",
    "EmbassyConsulate": "NonPoliceGovernmentalOrganization",
}

PERIOD = "period"
PERIODS = "periods"
DECIDERS = "deciders"
TEXT = "text"
RETENTION = "retention"
RETENTION_ACTIONS = ("anonymise", "erase")


@dataclass(frozen=True)
class ItemSpec:
    kind: str
    label: Any
    default: Any


# Every value a country keeps, in the order pages and docs show them. The defaults are STROM's own
# (the Convention's 30-day minimum for reflection), never a statement about any country's law.
ITEMS: dict[str, ItemSpec] = {
    "reflection": ItemSpec(
        PERIOD, gettext_lazy("Reflection and recovery period"), {"length": 30, "unit": DAYS}
    ),
    "reflection_longest": ItemSpec(
        PERIOD,
        gettext_lazy("Longest reflection period, extensions included"),
        {"length": 120, "unit": DAYS},
    ),
    "reflection_extension": ItemSpec(
        TEXT, gettext_lazy("How and by whom the period is extended"), "No rule recorded."
    ),
    "deciders_reasonable_grounds": ItemSpec(
        DECIDERS,
        gettext_lazy("Who may decide on reasonable grounds"),
        ["Police", "NGO", "NonPoliceGovernmentalOrganization", "CourtOrProsecution"],
    ),
    "deciders_formal_identification": ItemSpec(
        DECIDERS,
        gettext_lazy("Who may decide on formal identification"),
        ["Police", "CourtOrProsecution", "NGO", "NonPoliceGovernmentalOrganization"],
    ),
    "residence_permits": ItemSpec(TEXT, gettext_lazy("Residence permit types"), "No rule recorded."),
    "reasonable_grounds_due": ItemSpec(
        PERIOD, gettext_lazy("Reasonable-grounds decision due after opening"), {"length": 5, "unit": DAYS}
    ),
    "formal_identification_due": ItemSpec(
        PERIOD,
        gettext_lazy("Formal identification due after the period starts"),
        {"length": 30, "unit": DAYS},
    ),
    "support_plan_review": ItemSpec(
        PERIOD, gettext_lazy("Support plan review every"), {"length": 30, "unit": DAYS}
    ),
    "permit_renewal_notice": ItemSpec(
        PERIOD,
        gettext_lazy("Apply to renew a residence permit before it runs out"),
        {"length": 30, "unit": DAYS},
    ),
    "follow_up": ItemSpec(
        PERIODS,
        gettext_lazy("Follow-up contacts after closure"),
        [{"length": 90, "unit": DAYS}, {"length": 180, "unit": DAYS}, {"length": 365, "unit": DAYS}],
    ),
    "retention": ItemSpec(
        RETENTION, gettext_lazy("Retention after closure"), {"years": 5, "action": "anonymise"}
    ),
}
ITEM_KEYS: tuple[str, ...] = tuple(ITEMS)
SOURCE_FIELDS: tuple[str, ...] = ("act", "section", "url", "checked_on", "note")
STROM_DEFAULT_SOURCE = {
    "act": "",
    "section": "",
    "url": "",
    "checked_on": "",
    "note": "STROM default, not law: no source recorded for this country.",
}
_URL = re.compile(r"^https?://\S+$")
# The Convention's minimum (Art. 13) holds for a period that starts on any day of any month.
_MINIMUM_REFLECTION_DAYS = 30


class RulesError(ValueError):
    """A shipped file that does not validate: a programming error, reported in English."""


def default_item(key: str) -> dict[str, Any]:
    return {
        "value": copy.deepcopy(ITEMS[key].default),
        "source": dict(STROM_DEFAULT_SOURCE),
        "status": UNVERIFIED,
        "verified_by": "",
        "verified_on": "",
    }


# --- validation ---------------------------------------------------------------------------------------


# The first and last day of every month of a common and a leap year: where month lengths differ.
_STARTS = tuple(
    dt.date(year, month, day)
    for year in (2023, 2024)
    for month in range(1, 13)
    for day in (1, calendar.monthrange(year, month)[1])
)


def _shortest_days(period: Period) -> int:
    """The fewest days the period can last, whatever day it starts on (February is short)."""
    return min(period.days_from(start) for start in _STARTS)


def _check_value(key: str, value: Any) -> str | None:
    """A translated message when the value of `key` is not acceptable, else None."""
    kind = ITEMS[key].kind
    if kind == PERIOD:
        try:
            period = Period.from_data(value)
        except (ValueError, TypeError):
            return _("Give a whole number of days or months.")
        if (period.unit == DAYS and period.length > 3650) or (period.unit == MONTHS and period.length > 120):
            return _("That is more than ten years.")
        if key == "reflection" and _shortest_days(period) < _MINIMUM_REFLECTION_DAYS:
            return _(
                "The Convention's minimum is 30 days (Art. 13); two months or more when given in months."
            )
        return None
    if kind == PERIODS:
        if not isinstance(value, list) or not value:
            return _("Give at least one period.")
        for entry in value:
            message = _check_value("reasonable_grounds_due", entry)
            if message:
                return message
            if Period.from_data(entry).length == 0:
                return _("Each follow-up comes at least one day after closure.")
        return None
    if kind == DECIDERS:
        if (
            not isinstance(value, list)
            or not value
            or not all(isinstance(m, str) for m in value)
            or set(value) - set(DECISION_MAKERS)
        ):
            return _("Choose at least one kind of body from the list.")
        return None
    if kind == TEXT:
        if not isinstance(value, str) or not value.strip():
            return _("Describe the rule, or write that there is none.")
        if len(value) > 2000:
            return _("Keep this under 2,000 characters.")
        return None
    if not isinstance(value, dict) or set(value) != {"years", "action"}:
        return _("Give the years and what happens then.")
    years = value["years"]
    if isinstance(years, bool) or not isinstance(years, int) or not 1 <= years <= 100:
        return _("Give the years as a whole number from 1 to 100.")
    if value["action"] not in RETENTION_ACTIONS:
        return _("Choose anonymise or erase.")
    return None


def _check_source(source: Any, *, today: dt.date) -> str | None:
    if not isinstance(source, dict) or set(source) - set(SOURCE_FIELDS):
        return _("A source has an act, a section, a link, the date it was checked and a note.")
    for name in SOURCE_FIELDS:
        if not isinstance(source.get(name, ""), str):
            return _("A source has an act, a section, a link, the date it was checked and a note.")
        if len(source.get(name, "")) > 1000:
            return _("Keep each part of the source under 1,000 characters.")
    url = source.get("url", "")
    if url and not _URL.match(url):
        return _("The link must start with http:// or https://.")
    checked = source.get("checked_on", "")
    if checked:
        try:
            day = dt.date.fromisoformat(checked)
        except ValueError:
            return _("Give the date the source was checked as YYYY-MM-DD.")
        if day > today:
            return _("The date the source was checked cannot be in the future.")
    return None


def check_item(key: str, item: Any, *, today: dt.date) -> str | None:
    """A translated message when a stored item (value, source, status) is not acceptable, else None."""
    if not isinstance(item, dict) or set(item) != {"value", "source", "status", "verified_by", "verified_on"}:
        return _("An item has a value, a source and a status.")
    message = _check_value(key, item["value"]) or _check_source(item["source"], today=today)
    if message:
        return message
    if item["status"] not in STATUSES:
        return _("The status is verified or unverified.")
    if item["status"] == VERIFIED:
        if not item["source"].get("act", "").strip():
            return _("A value can only be verified against its source: name the act.")
        if not item["verified_by"] or not item["verified_on"]:
            return _("A verified value says who verified it and when.")
    elif item["verified_by"] or item["verified_on"]:
        return _("An unverified value has no verifier.")
    return None


def check_items(items: Any, *, today: dt.date) -> dict[str, str]:
    """Every item's problem, by key; an empty dict when the whole set is acceptable."""
    if not isinstance(items, dict) or set(items) != set(ITEM_KEYS):
        given = set(items) if isinstance(items, dict) else set()
        template = _("Expected exactly these items: %(keys)s (missing: %(missing)s; unknown: %(extra)s).")
        return {
            "items": template
            % {
                "keys": ", ".join(ITEM_KEYS),
                "missing": ", ".join(sorted(set(ITEM_KEYS) - given)) or "-",
                "extra": ", ".join(sorted(given - set(ITEM_KEYS))) or "-",
            }
        }
    errors = {key: message for key in ITEM_KEYS if (message := check_item(key, items[key], today=today))}
    if not errors:
        longest = Period.from_data(items["reflection_longest"]["value"])
        base = Period.from_data(items["reflection"]["value"])
        if _shortest_days(longest) < _shortest_days(base) or (
            longest.unit == base.unit and longest.length < base.length
        ):
            errors["reflection_longest"] = _("The longest period cannot be shorter than the period itself.")
    return errors


# --- the rules as the clocks read them ----------------------------------------------------------------


@dataclass(frozen=True)
class CountryRules:
    country: str
    items: dict[str, dict[str, Any]]
    version_id: int | None = None  # None: the shipped file (or STROM's defaults), not a stored version
    version_number: int = 0
    effective_from: dt.date = SHIPPED_EFFECTIVE_FROM
    deciders: dict[str, tuple[str, ...]] = field(init=False)

    def __post_init__(self) -> None:
        deciders = {d: tuple(self.items[f"deciders_{d}"]["value"]) for d in DECISIONS}
        object.__setattr__(self, "deciders", deciders)

    def period(self, key: str) -> Period:
        return Period.from_data(self.items[key]["value"])

    @property
    def reflection(self) -> Period:
        return self.period("reflection")

    @property
    def reflection_longest(self) -> Period:
        return self.period("reflection_longest")

    @property
    def reasonable_grounds_due(self) -> Period:
        return self.period("reasonable_grounds_due")

    @property
    def formal_identification_due(self) -> Period:
        return self.period("formal_identification_due")

    @property
    def support_plan_review(self) -> Period:
        return self.period("support_plan_review")

    @property
    def permit_renewal_notice(self) -> Period:
        return self.period("permit_renewal_notice")

    @property
    def follow_up(self) -> tuple[Period, ...]:
        return tuple(Period.from_data(p) for p in self.items["follow_up"]["value"])

    @property
    def retention_years_after_closure(self) -> int:
        return int(self.items["retention"]["value"]["years"])

    @property
    def retention_action(self) -> str:
        return str(self.items["retention"]["value"]["action"])

    @property
    def unverified(self) -> tuple[str, ...]:
        return tuple(key for key in ITEM_KEYS if self.items[key]["status"] != VERIFIED)

    def is_verified(self, key: str) -> bool:
        return bool(self.items[key]["status"] == VERIFIED)

    def with_values(self, **values: Any) -> CountryRules:
        """A copy with some items' values replaced (for what-if checks and tests)."""
        items = copy.deepcopy(self.items)
        for key, value in values.items():
            items[key]["value"] = value
        return CountryRules(
            country=self.country,
            items=items,
            version_id=self.version_id,
            version_number=self.version_number,
            effective_from=self.effective_from,
        )

    def may_decide(self, decision: str, org_type: str) -> bool:
        return org_type in self.deciders.get(decision, ())


def _shipped_item(country: str, key: str, entry: Any) -> dict[str, Any]:
    allowed = {"value", "source", "status", "verified_by", "verified_on"}
    if not isinstance(entry, dict) or "value" not in entry or set(entry) - allowed:
        raise RulesError(f"{country}: {key} must be an object with value, source and status")
    source = {name: "" for name in SOURCE_FIELDS} | dict(entry.get("source") or {})
    return {
        "value": entry["value"],
        "source": source,
        "status": entry.get("status", UNVERIFIED),
        "verified_by": entry.get("verified_by", ""),
        "verified_on": entry.get("verified_on", ""),
    }


def shipped_items(country: str, data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """A shipped file's items, completed with STROM's defaults and validated."""
    unknown = set(data) - {"items"} or set(data.get("items", {})) - set(ITEM_KEYS)
    if unknown:
        raise RulesError(f"{country}: unknown keys {sorted(unknown)}")
    given = data.get("items", {})
    items = {
        key: _shipped_item(country, key, given[key]) if key in given else default_item(key)
        for key in ITEM_KEYS
    }
    # Shipped files are checked on the day they are read; a file's dates never lie in the future.
    errors = check_items(items, today=dt.date.today())
    if errors:
        raise RulesError(f"{country}: " + "; ".join(f"{k}: {v}" for k, v in errors.items()))
    return items


@cache
def shipped_rules(country: str) -> CountryRules:
    """The shipped file of a country (STROM's defaults when there is none)."""
    path = DATA_DIR / f"{country}.json"
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    return CountryRules(country=country, items=shipped_items(country, data))


def shipped_countries() -> list[str]:
    return [path.stem for path in sorted(DATA_DIR.glob("*.json"))]


def all_rules() -> dict[str, CountryRules]:
    """Every shipped file's rules, as the docs list them (an installation's versions are in the database)."""
    return {country: shipped_rules(country) for country in shipped_countries()}


def rules_of_version(version: CountryRuleVersion) -> CountryRules:
    return CountryRules(
        country=version.country,
        items=version.items,
        version_id=version.pk,
        version_number=version.number,
        effective_from=version.effective_from,
    )


def version_in_force(country: str, on: dt.date) -> CountryRuleVersion | None:
    from strom.stages.models import CountryRuleVersion

    return (
        CountryRuleVersion.objects.filter(country=country, effective_from__lte=on)
        .order_by("-effective_from", "-number")
        .first()
    )


def rules_for(country: str, on: dt.date | None = None) -> CountryRules:
    """The rules in force in `country` on `on` (today by default).

    A country no version was ever kept for follows its shipped file, or STROM's defaults, all unverified.
    """
    from django.utils import timezone

    version = version_in_force(country, on or timezone.localdate())
    if version is None:
        return shipped_rules(country)
    return rules_of_version(version)


def rules_for_clock(country: str, version: CountryRuleVersion | None, *, started_on: dt.date) -> CountryRules:
    """The rules a running clock keeps: its stored version, or the version in force when it started."""
    if version is not None:
        return rules_of_version(version)
    return rules_for(country, started_on)


def value_text(key: str, value: Any) -> str:
    """A value in words, for pages and docs."""
    from strom.stages.models import DecisionMaker

    kind = ITEMS[key].kind
    if kind == PERIOD:
        return str(Period.from_data(value))
    if kind == PERIODS:
        return ", ".join(str(Period.from_data(p)) for p in value)
    if kind == DECIDERS:
        return ", ".join(str(DecisionMaker(m).label) for m in value)
    if kind == RETENTION:
        action = _("anonymise") if value["action"] == "anonymise" else _("erase")
        years = int(value["years"])
        return ngettext("%(years)d year, then %(action)s", "%(years)d years, then %(action)s", years) % {
            "years": years,
            "action": action,
        }
    return str(value)


def day_text(iso_day: str) -> str:
    """A day the rules store as YYYY-MM-DD, in the reader's short date format (as stored if unreadable)."""
    try:
        return date_format(dt.date.fromisoformat(iso_day), "SHORT_DATE_FORMAT")
    except ValueError:
        return iso_day


def source_text(source: dict[str, Any], *, iso_dates: bool = False) -> str:
    """A source in one line: act, section, link, date checked, note. Dates in the reader's format on
    pages; `iso_dates` for the generated documentation, which is the same in every language."""
    parts = [source.get(name, "") for name in ("act", "section")]
    text = ", ".join(p for p in parts if p)
    if source.get("url"):
        text = f"{text} ({source['url']})" if text else source["url"]
    if source.get("checked_on"):
        day = source["checked_on"] if iso_dates else day_text(source["checked_on"])
        text = f"{text}; " + _("checked %(day)s") % {"day": day}
    if source.get("note"):
        text = f"{text}. {source['note']}" if text else source["note"]
    return text.strip("; ")
