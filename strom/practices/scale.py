"""The evidence scale, as data: its four criteria, what each score means, and the rule that derives the
level from the scores. The scale page (/practices/scale/) and docs/practices.md show exactly this, so
a reader can check any published rating by hand.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from strom.practices.models import EvidenceLevel

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

MAX_SCORE = 3


@dataclass(frozen=True)
class Criterion:
    key: str  # the EvidenceRating field; its justification is `<key>_note`
    label: StrPromise
    question: StrPromise
    scores: tuple[StrPromise, StrPromise, StrPromise, StrPromise]  # what 0, 1, 2 and 3 mean


CRITERIA: tuple[Criterion, ...] = (
    Criterion(
        "relevance",
        _("Relevance"),
        _("Does it answer a real problem of victims or of the chain of assistance?"),
        (
            _("0: no clear link to trafficking or to the people concerned"),
            _("1: a plausible link, not described"),
            _("2: a described problem the practice addresses"),
            _("3: a documented need (assessment, data, users' voice) the practice answers"),
        ),
    ),
    Criterion(
        "evidence",
        _("Evidence base"),
        _("What shows that it works?"),
        (
            _("0: no results reported"),
            _("1: activities and outputs counted (people reached, trainings held)"),
            _("2: outcomes monitored, or an internal evaluation"),
            _("3: an independent evaluation, or comparable results in more than one place"),
        ),
    ),
    Criterion(
        "transferability",
        _("Transferability"),
        _("Could another municipality or country do it?"),
        (
            _("0: depends on conditions found nowhere else"),
            _("1: possible, but what it needs is not described"),
            _("2: what it needs (staff, law, partners, cost) is described"),
            _("3: already transferred, or a guide or materials exist for doing so"),
        ),
    ),
    Criterion(
        "sustainability",
        _("Sustainability"),
        _("Will it last beyond a project?"),
        (
            _("0: ended with its funding"),
            _("1: runs on short-term funding"),
            _("2: funded for several years or partly in a regular budget"),
            _("3: part of a regular service, law or budget"),
        ),
    ),
)
CRITERION_KEYS: tuple[str, ...] = tuple(c.key for c in CRITERIA)


@dataclass(frozen=True)
class LevelRule:
    """A level is reached when the total and every criterion reach these minimums."""

    level: EvidenceLevel
    min_total: int
    min_each: int
    min_evidence: int
    min_relevance: int


# Tried in order; the first rule the scores meet gives the level.
LEVEL_RULES: tuple[LevelRule, ...] = (
    LevelRule(EvidenceLevel.PROVEN, min_total=10, min_each=2, min_evidence=3, min_relevance=2),
    LevelRule(EvidenceLevel.PROMISING, min_total=7, min_each=1, min_evidence=2, min_relevance=2),
    LevelRule(EvidenceLevel.EMERGING, min_total=4, min_each=0, min_evidence=1, min_relevance=2),
)
# A level that may be published: a practice below "emerging" is returned, not published.
PUBLISHABLE = frozenset({EvidenceLevel.PROVEN, EvidenceLevel.PROMISING, EvidenceLevel.EMERGING})


def level_for(scores: dict[str, int | None]) -> str:
    """The level the four scores give, or "" while any is missing."""
    if any(scores.get(key) is None for key in CRITERION_KEYS):
        return ""
    values = {key: int(scores[key] or 0) for key in CRITERION_KEYS}
    total = sum(values.values())
    for rule in LEVEL_RULES:
        if (
            total >= rule.min_total
            and min(values.values()) >= rule.min_each
            and values["evidence"] >= rule.min_evidence
            and values["relevance"] >= rule.min_relevance
        ):
            return rule.level.value
    return EvidenceLevel.INSUFFICIENT.value
