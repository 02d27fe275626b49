"""The scoring rule: ILO/European Commission, Operational indicators of trafficking in human beings (2009).

Explainable by construction: every result says which rule made each dimension positive and which of
the observed indicators drove it. The result is a recommendation for a person to consider, never a
decision (docs/screening.md).

Step 1, per dimension (ILO 2009, "how to use the indicators"): a dimension is positive when the
observed indicators in it include at least
  two strong, or one strong and one medium or weak, or three medium, or two medium and one weak.
Step 2, combining the dimensions: an adult is a presumed victim when
  (deceptive OR coercive recruitment OR recruitment by abuse of vulnerability)
  AND exploitative conditions
  AND (coercion at destination OR abuse of vulnerability at destination).
For a child the ILO lists combine recruitment AND exploitation.

Rule version 2 adds the legal rule for children on top of the ILO combination: for a child no means
need to be shown (Palermo Protocol Art. 3(c); Directive 2011/36/EU Art. 2(5)), so a positive
exploitation dimension alone rates "strong" and the result says that it rests on the child rule.
Version 1 (the ILO combination alone) stays here so that screenings scored with it can be re-scored
and compared (strom/screening/services_recheck.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from strom.core.numbers import whole_number
from strom.screening.indicators import DESTINATION_ROLES, RECRUITMENT_ROLES, IndicatorSet

RULE = "ilo-2009"
# Bump when the rule itself changes; stored with every result so old screenings stay interpretable.
# 1: the ILO combination only. 2: the ILO combination plus the child rule.
RULE_VERSION = 2
RULE_VERSIONS = (1, 2)
RULE_ID = f"{RULE}/{RULE_VERSION}"
CHILD_RULE_SINCE = 2
# Named in the result and the recommendation whenever the child rule carries it.
CHILD_RULE_BASIS = "Palermo Protocol Art. 3(c); Directive 2011/36/EU Art. 2(5)"


def rule_id(version: int) -> str:
    return f"{RULE}/{version}"


def rule_version_of(rule: str) -> int:
    """The version number in a stored rule id such as "ilo-2009/1"."""
    _name, _sep, number = rule.rpartition("/")
    version = whole_number(number)
    return 1 if version is None else version


STRONG = "strong"
SOME = "some"
NONE = "none"

LEVEL_LABELS = {
    STRONG: _("Strong indications: reasonable grounds are likely"),
    SOME: _("Some indications: further assessment needed"),
    NONE: _("No indications found yet"),
}

# Why a dimension is positive, in the order the ILO lists the combinations.
REASONS = {
    "two_strong": _("at least two strong indicators"),
    "strong_and_other": _("one strong indicator with a medium or weak one"),
    "three_medium": _("at least three medium indicators"),
    "two_medium_one_weak": _("two medium indicators with a weak one"),
}


class UnknownIndicators(ValidationError):
    def __init__(self, ids: list[str], indicator_set: IndicatorSet) -> None:
        super().__init__(
            {
                "observed": [
                    gettext("These indicators are not in %(set)s version %(version)d: %(ids)s.")
                    % {"set": indicator_set.id, "version": indicator_set.version, "ids": ", ".join(ids)}
                ]
            }
        )
        self.ids = ids


@dataclass(frozen=True)
class DimensionResult:
    id: str
    role: str
    positive: bool
    reason: str  # a REASONS key, "" when not positive
    drivers: tuple[str, ...]  # observed indicator ids in this dimension, strongest first
    strong: int
    medium: int
    weak: int

    @property
    def reason_text(self) -> str:
        return str(REASONS[self.reason]) if self.reason else ""


@dataclass(frozen=True)
class ScreeningResult:
    set_id: str
    set_version: int
    rule: str
    child: bool
    dimensions: tuple[DimensionResult, ...]
    recruitment: bool
    exploitation: bool
    destination: bool
    level: str
    observed: tuple[str, ...]
    # Whether the ILO combination holds; and whether "strong" rests on the child rule alone.
    ilo_combination: bool = False
    child_rule: bool = False

    @property
    def rule_version(self) -> int:
        return rule_version_of(self.rule)

    @property
    def child_rule_basis(self) -> str:
        return CHILD_RULE_BASIS if self.child_rule else ""

    @property
    def level_label(self) -> str:
        return str(LEVEL_LABELS[self.level])

    @property
    def presumed_victim(self) -> bool:
        return self.level == STRONG

    @property
    def recommendation(self) -> str:
        return recommendation(
            self.level, child=self.child, child_rule=self.child_rule, rule_version=self.rule_version
        )

    @property
    def positive_dimensions(self) -> list[DimensionResult]:
        return [d for d in self.dimensions if d.positive]

    def dimension(self, role: str) -> DimensionResult:
        return next(d for d in self.dimensions if d.role == role)

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "set": {"id": self.set_id, "version": self.set_version},
            "child": self.child,
            "observed": list(self.observed),
            "dimensions": [
                {
                    "id": d.id,
                    "role": d.role,
                    "positive": d.positive,
                    "reason": d.reason,
                    "drivers": list(d.drivers),
                    "counts": {"strong": d.strong, "medium": d.medium, "weak": d.weak},
                }
                for d in self.dimensions
            ],
            "elements": {
                "recruitment": self.recruitment,
                "exploitation": self.exploitation,
                "destination": self.destination,
            },
            "level": self.level,
            "ilo_combination": self.ilo_combination,
            "child_rule": self.child_rule,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ScreeningResult:
        return cls(
            set_id=data["set"]["id"],
            set_version=data["set"]["version"],
            rule=data["rule"],
            child=data["child"],
            observed=tuple(data["observed"]),
            dimensions=tuple(
                DimensionResult(
                    id=d["id"],
                    role=d["role"],
                    positive=d["positive"],
                    reason=d["reason"],
                    drivers=tuple(d["drivers"]),
                    strong=d["counts"]["strong"],
                    medium=d["counts"]["medium"],
                    weak=d["counts"]["weak"],
                )
                for d in data["dimensions"]
            ),
            recruitment=data["elements"]["recruitment"],
            exploitation=data["elements"]["exploitation"],
            destination=data["elements"]["destination"],
            level=data["level"],
            # Snapshots of rule version 1 predate these keys: there the level was the ILO combination.
            ilo_combination=data.get("ilo_combination", data["level"] == STRONG),
            child_rule=data.get("child_rule", False),
        )


def dimension_reason(strong: int, medium: int, weak: int) -> str:
    """The ILO 2009 per-dimension rule; returns the combination that holds, or "" when none does."""
    if strong >= 2:
        return "two_strong"
    if strong >= 1 and medium + weak >= 1:
        return "strong_and_other"
    if medium >= 3:
        return "three_medium"
    if medium >= 2 and weak >= 1:
        return "two_medium_one_weak"
    return ""


_ORDER = {"strong": 0, "medium": 1, "weak": 2}


def score(
    indicator_set: IndicatorSet,
    observed_ids: Iterable[str],
    *,
    child: bool | None = None,
    rule_version: int = RULE_VERSION,
) -> ScreeningResult:
    """Score the observed indicators. `child` defaults to the set's audience (a child's set → child rule).

    New screenings use the current rule version; an older one is only asked for to compare a stored
    result with what the current rule says. Raises UnknownIndicators (a ValidationError) when an id is
    not in this version of the set.
    """
    if rule_version not in RULE_VERSIONS:
        raise ValueError(f"unknown rule version {rule_version}")
    observed = sorted(set(observed_ids))
    unknown = indicator_set.unknown(observed)
    if unknown:
        raise UnknownIndicators(unknown, indicator_set)
    is_child = indicator_set.audience == "child" if child is None else child

    observed_indicators = [indicator_set.indicator(i) for i in observed]
    dimensions: list[DimensionResult] = []
    for dimension in indicator_set.dimensions:
        ticked = [i for i in observed_indicators if i.dimension == dimension.id]
        ticked.sort(key=lambda i: (_ORDER[i.strength], i.id))
        counts = {s: sum(1 for i in ticked if i.strength == s) for s in _ORDER}
        reason = dimension_reason(counts["strong"], counts["medium"], counts["weak"])
        dimensions.append(
            DimensionResult(
                id=dimension.id,
                role=dimension.role,
                positive=bool(reason),
                reason=reason,
                drivers=tuple(i.id for i in ticked),
                strong=counts["strong"],
                medium=counts["medium"],
                weak=counts["weak"],
            )
        )
    positive = {d.role for d in dimensions if d.positive}
    recruitment = bool(positive & set(RECRUITMENT_ROLES))
    exploitation = "exploitation" in positive
    destination = bool(positive & set(DESTINATION_ROLES))
    combination = recruitment and exploitation and (is_child or destination)
    # The child rule (version 2): the means need not be shown, so exploitation alone is enough.
    child_rule = rule_version >= CHILD_RULE_SINCE and is_child and exploitation and not combination
    level = STRONG if combination or child_rule else SOME if observed else NONE
    return ScreeningResult(
        set_id=indicator_set.id,
        set_version=indicator_set.version,
        rule=rule_id(rule_version),
        child=is_child,
        dimensions=tuple(dimensions),
        recruitment=recruitment,
        exploitation=exploitation,
        destination=destination,
        level=level,
        observed=tuple(observed),
        ilo_combination=combination,
        child_rule=child_rule,
    )


def recommendation(
    level: str, *, child: bool, child_rule: bool = False, rule_version: int = RULE_VERSION
) -> str:
    """What STROM recommends. Always a recommendation to a person: STROM never decides."""
    if level == STRONG and child_rule:
        text = gettext(
            "STROM recommends considering a reasonable-grounds decision under the child rule: the "
            "exploitation indicators are positive and the person is treated as a child. For a child no "
            "means (force, deception, abuse of vulnerability) need to be shown (%(basis)s), so this "
            "holds although no recruitment dimension is positive. The person who decides establishes "
            "the act (recruitment, transport, transfer, harbouring or receipt of the child for "
            "exploitation). The decision is yours, or the competent authority's."
        ) % {"basis": CHILD_RULE_BASIS}
    elif level == STRONG:
        text = gettext(
            "STROM recommends considering a reasonable-grounds decision: the observed indicators meet "
            "the ILO combination for a presumed victim of trafficking. The decision is yours, or the "
            "competent authority's."
        )
    elif level == SOME:
        text = gettext(
            "STROM recommends further assessment: some indicators were observed, but not the full "
            "combination. Gather more information, talk with the person again when it is safe, and "
            "screen again. Whether there are reasonable grounds is decided by a person, not by STROM."
        )
    else:
        text = gettext(
            "No indicators are ticked yet. That does not mean there is no trafficking: screen again "
            "when you know more."
        )
    if child and rule_version >= CHILD_RULE_SINCE:
        text += " " + gettext(
            "This is treated as a child: positive exploitation indicators are enough for the child "
            "rule, and child protection services should be involved now, whatever the result."
        )
    elif child:
        # Rule version 1 had no child rule; its results must not claim one.
        text += " " + gettext(
            "This is treated as a child: child protection services should be involved now, whatever "
            "the result."
        )
    return text


def summary(result: ScreeningResult) -> str:
    """One line for lists and the case timeline."""
    count = len(result.positive_dimensions)
    return ngettext(
        "%(level)s (%(count)d dimension positive)",
        "%(level)s (%(count)d dimensions positive)",
        count,
    ) % {"level": result.level_label, "count": count}
