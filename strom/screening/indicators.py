"""Indicator sets: versioned data files in strom/screening/data/indicators/<set id>/<version>.json.

The lists are data, not code, so a new version of a list is a new file and every screening keeps
the id and version it was made with (docs/screening.md). The loader refuses a file that is not
exactly right: an unknown strength, a duplicate id or an indicator in a dimension the set does not
have is an error that names the file and the problem, never a silently different screening.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from django.utils.translation import get_language

DATA_DIR = Path(__file__).parent / "data" / "indicators"
FORMAT = 1
STRENGTHS = ("strong", "medium", "weak")
AUDIENCES = ("adult", "child", "any")
# The six elements of the ILO 2009 lists; every set maps its dimensions onto them so one rule scores all.
ROLES = (
    "deceptive_recruitment",
    "coercive_recruitment",
    "vulnerability_recruitment",
    "exploitation",
    "coercion_destination",
    "vulnerability_destination",
)
RECRUITMENT_ROLES = ROLES[:3]
DESTINATION_ROLES = ROLES[4:]
SCORING_RULES = ("ilo-2009",)
SET_ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
INDICATOR_ID_RE = re.compile(r"^[A-Z0-9]+(?:-[A-Z0-9]+)*$")


class IndicatorSetError(ValueError):
    """A data file that does not follow the format. The message names the file and the problem."""


def _localised(texts: dict[str, str], language: str | None = None) -> str:
    lang = (language or get_language() or "en").split("-")[0]
    return texts.get(lang) or texts["en"]


@dataclass(frozen=True)
class Dimension:
    id: str
    role: str
    titles: dict[str, str]

    @property
    def title(self) -> str:
        return _localised(self.titles)


@dataclass(frozen=True)
class Indicator:
    id: str
    dimension: str
    strength: str
    texts: dict[str, str]

    @property
    def text(self) -> str:
        return _localised(self.texts)


@dataclass(frozen=True)
class IndicatorSet:
    id: str
    version: int
    titles: dict[str, str]
    exploitation: str
    audience: str
    source: dict[str, Any]
    scoring_rule: str
    dimensions: tuple[Dimension, ...]
    indicators: tuple[Indicator, ...]
    _by_id: dict[str, Indicator] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._by_id.update({i.id: i for i in self.indicators})

    @property
    def title(self) -> str:
        return _localised(self.titles)

    @property
    def key(self) -> tuple[str, int]:
        return (self.id, self.version)

    def indicator(self, indicator_id: str) -> Indicator:
        return self._by_id[indicator_id]

    def has(self, indicator_id: str) -> bool:
        return indicator_id in self._by_id

    def unknown(self, indicator_ids: Iterable[str]) -> list[str]:
        return sorted({i for i in indicator_ids if i not in self._by_id})

    def dimension_by_role(self, role: str) -> Dimension:
        return next(d for d in self.dimensions if d.role == role)

    def indicators_in(self, dimension_id: str) -> list[Indicator]:
        return [i for i in self.indicators if i.dimension == dimension_id]


# --- parsing and validation ---------------------------------------------------------------------------


def _texts(value: Any, where: str) -> dict[str, str]:
    if isinstance(value, str):
        value = {"en": value}
    if not isinstance(value, dict) or not isinstance(value.get("en"), str) or not value["en"].strip():
        raise IndicatorSetError(f"{where}: needs an English text ({{'en': ...}})")
    for lang, text in value.items():
        if not (isinstance(lang, str) and re.fullmatch(r"[a-z]{2}", lang) and isinstance(text, str)):
            raise IndicatorSetError(f"{where}: texts must map two-letter language codes to strings")
    return {k: v.strip() for k, v in value.items() if v.strip()}


def _require(data: dict[str, Any], key: str, kind: type, where: str) -> Any:
    if key not in data:
        raise IndicatorSetError(f"{where}: missing “{key}”")
    value = data[key]
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        raise IndicatorSetError(f"{where}: “{key}” must be a {kind.__name__}")
    return value


def parse_set(data: Any, *, name: str = "<data>") -> IndicatorSet:
    """Validate one decoded file and build the set, or raise IndicatorSetError naming the problem."""
    from strom.cases.choices import Exploitation

    if not isinstance(data, dict):
        raise IndicatorSetError(f"{name}: the file must hold one JSON object")
    if data.get("format") != FORMAT:
        raise IndicatorSetError(f"{name}: unknown format {data.get('format')!r} (expected {FORMAT})")
    set_id = _require(data, "id", str, name)
    if not SET_ID_RE.match(set_id):
        raise IndicatorSetError(f"{name}: set id {set_id!r} must be lower-case words joined by hyphens")
    version = _require(data, "version", int, name)
    if version < 1:
        raise IndicatorSetError(f"{name}: version must be a positive whole number")
    exploitation = _require(data, "exploitation", str, name)
    if exploitation not in Exploitation.values:
        raise IndicatorSetError(f"{name}: unknown form of exploitation {exploitation!r}")
    audience = _require(data, "audience", str, name)
    if audience not in AUDIENCES:
        raise IndicatorSetError(f"{name}: audience must be one of {', '.join(AUDIENCES)}")
    rule = _require(data, "scoring_rule", str, name)
    if rule not in SCORING_RULES:
        raise IndicatorSetError(f"{name}: unknown scoring rule {rule!r}")
    source = _require(data, "source", dict, name)
    if not isinstance(source.get("title"), str) or not source["title"].strip():
        raise IndicatorSetError(f"{name}: the source needs a title")

    dimensions: list[Dimension] = []
    for n, raw in enumerate(_require(data, "dimensions", list, name)):
        where = f"{name}: dimension #{n + 1}"
        if not isinstance(raw, dict):
            raise IndicatorSetError(f"{where}: must be an object")
        dim_id = _require(raw, "id", str, where)
        role = _require(raw, "role", str, where)
        if role not in ROLES:
            raise IndicatorSetError(f"{where}: unknown role {role!r}")
        dimensions.append(Dimension(id=dim_id, role=role, titles=_texts(raw.get("title"), where)))
    dim_ids = [d.id for d in dimensions]
    if len(set(dim_ids)) != len(dim_ids):
        raise IndicatorSetError(f"{name}: duplicate dimension ids")
    roles = [d.role for d in dimensions]
    repeated = sorted({r for r in roles if roles.count(r) > 1})
    if repeated:
        raise IndicatorSetError(f"{name}: each dimension role once; repeated: {', '.join(repeated)}")
    missing = [r for r in ROLES if r not in roles]
    if missing:
        raise IndicatorSetError(f"{name}: needs all six dimensions; missing: {', '.join(missing)}")

    indicators: list[Indicator] = []
    seen: set[str] = set()
    for n, raw in enumerate(_require(data, "indicators", list, name)):
        where = f"{name}: indicator #{n + 1}"
        if not isinstance(raw, dict):
            raise IndicatorSetError(f"{where}: must be an object")
        ind_id = _require(raw, "id", str, where)
        where = f"{name}: indicator {ind_id}"
        if not INDICATOR_ID_RE.match(ind_id):
            raise IndicatorSetError(f"{where}: ids are upper-case letters and digits joined by hyphens")
        if ind_id in seen:
            raise IndicatorSetError(f"{where}: duplicate indicator id")
        seen.add(ind_id)
        dimension = _require(raw, "dimension", str, where)
        if dimension not in dim_ids:
            raise IndicatorSetError(f"{where}: unknown dimension {dimension!r}")
        strength = _require(raw, "strength", str, where)
        if strength not in STRENGTHS:
            raise IndicatorSetError(f"{where}: unknown strength {strength!r} (use {', '.join(STRENGTHS)})")
        indicators.append(
            Indicator(id=ind_id, dimension=dimension, strength=strength, texts=_texts(raw.get("text"), where))
        )
    if not indicators:
        raise IndicatorSetError(f"{name}: the set has no indicators")
    return IndicatorSet(
        id=set_id,
        version=version,
        titles=_texts(data.get("title"), f"{name}: title"),
        exploitation=exploitation,
        audience=audience,
        source=source,
        scoring_rule=rule,
        dimensions=tuple(dimensions),
        indicators=tuple(indicators),
    )


def load_file(path: Path) -> IndicatorSet:
    name = f"{path.parent.name}/{path.name}"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise IndicatorSetError(f"{name}: not valid JSON ({exc.msg}, line {exc.lineno})") from None
    indicator_set = parse_set(data, name=name)
    # The path is the set's address; a file that says otherwise would be found under the wrong key.
    if path.parent.name != indicator_set.id or path.stem != str(indicator_set.version):
        raise IndicatorSetError(f"{name}: must be stored as {indicator_set.id}/{indicator_set.version}.json")
    return indicator_set


def load_directory(directory: Path) -> dict[tuple[str, int], IndicatorSet]:
    sets: dict[tuple[str, int], IndicatorSet] = {}
    for path in sorted(directory.glob("*/*.json")):
        indicator_set = load_file(path)
        sets[indicator_set.key] = indicator_set
    # Ids are unique within a set; across sets too, so an observed id says which list it came from.
    owner: dict[str, str] = {}
    for indicator_set in sets.values():
        for indicator in indicator_set.indicators:
            other = owner.setdefault(indicator.id, indicator_set.id)
            if other != indicator_set.id:
                raise IndicatorSetError(
                    f"{indicator_set.id}: indicator id {indicator.id} is also used by {other}"
                )
    return sets


@cache
def registry() -> dict[tuple[str, int], IndicatorSet]:
    return load_directory(DATA_DIR)


def get_set(set_id: str, version: int | None = None) -> IndicatorSet:
    """The given version, or the newest one. Raises LookupError when there is no such set."""
    if version is None:
        version = latest_version(set_id)
    try:
        return registry()[(set_id, version)]
    except KeyError:
        raise LookupError(f"no indicator set {set_id} version {version}") from None


def latest_version(set_id: str) -> int:
    versions = versions_of(set_id)
    if not versions:
        raise LookupError(f"no indicator set {set_id}")
    return versions[-1]


def versions_of(set_id: str) -> list[int]:
    return sorted(v for (i, v) in registry() if i == set_id)


def current_sets() -> list[IndicatorSet]:
    """The newest version of every set, in a stable order: ILO lists first, then by form and audience."""
    ids = sorted({i for (i, _v) in registry()})
    sets = [get_set(i) for i in ids]
    return sorted(sets, key=lambda s: (not s.id.startswith("ilo-"), s.exploitation, s.audience, s.id))
