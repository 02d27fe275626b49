"""Per-country rules of the chain of assistance, as data files in data/countries/<CC>.json.

Each file may set any key of DEFAULT_RULES; missing keys fall back to the defaults (Council of Europe
Convention minimums). Periods are in days. `deciders` name, per decision, the kinds of body that may
take it, as HTCDS vic_TraffickingStatusDecisionMakingOrg values (DECISION_MAKERS); a STROM
organisation's type maps to one of them through DECISION_MAKER_FOR_ORG_TYPE. Verify a country's
file against its law before relying on it; every value is configurable without code changes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).parent / "data" / "countries"

DEFAULT_RULES: dict[str, Any] = {
    "reasonable_grounds_due_days": 5,
    "reflection_days": 30,
    "reflection_max_extension_days": 90,
    "formal_identification_due_days": 30,
    "support_plan_review_days": 30,
    "residence_permit_renewal_notice_days": 30,
    "follow_up_days": [90, 180, 365],
    "retention_years_after_closure": 5,
    "retention_action": "anonymise",
    "deciders": {
        "reasonable_grounds": ["Police", "NGO", "NonPoliceGovernmentalOrganization", "CourtOrProsecution"],
        "formal_identification": ["Police", "CourtOrProsecution", "NGO", "NonPoliceGovernmentalOrganization"],
    },
}

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


@dataclass(frozen=True)
class CountryRules:
    country: str
    reasonable_grounds_due_days: int
    reflection_days: int
    reflection_max_extension_days: int
    formal_identification_due_days: int
    support_plan_review_days: int
    residence_permit_renewal_notice_days: int
    follow_up_days: tuple[int, ...]
    retention_years_after_closure: int
    retention_action: str  # "anonymise" or "erase"
    deciders: dict[str, tuple[str, ...]] = field(default_factory=dict)
    source: str = ""  # where the figures come from, for reviewers

    def may_decide(self, decision: str, org_type: str) -> bool:
        return org_type in self.deciders.get(decision, ())


class RulesError(ValueError):
    pass


def _validate(country: str, data: dict[str, Any]) -> CountryRules:
    merged = {**DEFAULT_RULES, **data}
    merged["deciders"] = {**DEFAULT_RULES["deciders"], **data.get("deciders", {})}
    for key in (
        "reasonable_grounds_due_days",
        "reflection_days",
        "reflection_max_extension_days",
        "formal_identification_due_days",
        "support_plan_review_days",
        "residence_permit_renewal_notice_days",
        "retention_years_after_closure",
    ):
        value = merged[key]
        if not isinstance(value, int) or value < 0:
            raise RulesError(f"{country}: {key} must be a whole number of days (or years) ≥ 0, got {value!r}")
    if merged["reflection_days"] < 30:
        raise RulesError(f"{country}: reflection_days below the Convention's minimum of 30")
    if merged["retention_action"] not in ("anonymise", "erase"):
        raise RulesError(f"{country}: retention_action must be 'anonymise' or 'erase'")
    if set(merged["deciders"]) != set(DECISIONS):
        raise RulesError(f"{country}: deciders must name exactly {', '.join(DECISIONS)}")
    for decision, makers in merged["deciders"].items():
        if not isinstance(makers, list) or not makers or set(makers) - set(DECISION_MAKERS):
            raise RulesError(
                f"{country}: deciders.{decision} must be a non-empty list of {', '.join(DECISION_MAKERS)}"
            )
    if not isinstance(merged.get("source", ""), str):
        raise RulesError(f"{country}: source must be a string")
    follow_up = merged["follow_up_days"]
    if not isinstance(follow_up, list) or any(not isinstance(d, int) or d <= 0 for d in follow_up):
        raise RulesError(f"{country}: follow_up_days must be a list of positive day counts")
    return CountryRules(
        country=country,
        reasonable_grounds_due_days=merged["reasonable_grounds_due_days"],
        reflection_days=merged["reflection_days"],
        reflection_max_extension_days=merged["reflection_max_extension_days"],
        formal_identification_due_days=merged["formal_identification_due_days"],
        support_plan_review_days=merged["support_plan_review_days"],
        residence_permit_renewal_notice_days=merged["residence_permit_renewal_notice_days"],
        follow_up_days=tuple(sorted(follow_up)),
        retention_years_after_closure=merged["retention_years_after_closure"],
        retention_action=merged["retention_action"],
        deciders={k: tuple(v) for k, v in merged["deciders"].items()},
        source=str(merged.get("source", "")),
    )


@cache
def rules_for(country: str) -> CountryRules:
    path = DATA_DIR / f"{country}.json"
    data: dict[str, Any] = {}
    if path.exists():
        data = json.loads(path.read_text(encoding="utf-8"))
    return _validate(country, data)


def all_rules() -> dict[str, CountryRules]:
    return {path.stem: rules_for(path.stem) for path in sorted(DATA_DIR.glob("*.json"))}
