"""Indicator sets: versioned documents, shipped as files and published as database rows.

The shipped defaults are the files strom/screening/data/indicators/<set id>/<version>.json; a data
migration loads them as the first rows of `IndicatorSetVersion`. A corrected version published by a
coordinator or the system admin is a new row (strom/screening/set_services.py), never an edit of an
earlier one, and every screening keeps the id and version it was made with (docs/screening.md).
A shipped version is read from its file when its row is missing (a database emptied by a test run),
so a shipped version always reads the same as its file.

The parser refuses a document that is not exactly right: an unknown strength, a duplicate id or an
indicator in a dimension the set does not have is an error that names the file and the problem,
never a silently different screening.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from django.db.models import Q
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


def _language(language: str | None = None) -> str:
    return (language or get_language() or "en").split("-")[0]


def _localised(texts: dict[str, str], language: str | None = None) -> str:
    """The text in the viewer's language, or the English one where it has not been translated yet
    (the pages then say so: `IndicatorSet.shown_in_english`)."""
    return texts.get(_language(language)) or texts["en"]


def _in_english(texts: dict[str, str], language: str | None = None) -> bool:
    lang = _language(language)
    return lang != "en" and not texts.get(lang)


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
    # Marked "to be checked against the ILO text" until a verified version clears it.
    to_check: bool = False

    @property
    def text(self) -> str:
        return _localised(self.texts)

    @property
    def in_english(self) -> bool:
        """The viewer reads another language, and this text is shown in English."""
        return _in_english(self.texts)


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
    # "" for a shared set (the ILO lists, STROM's adaptations); an ISO code for a country's own set.
    country: str = ""
    _by_id: dict[str, Indicator] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._by_id.update({i.id: i for i in self.indicators})

    @property
    def title(self) -> str:
        return _localised(self.titles)

    @property
    def key(self) -> tuple[str, int]:
        return (self.id, self.version)

    @property
    def to_check(self) -> bool:
        """The whole set is marked "to be checked against the source" (source.to_check)."""
        return bool(self.source.get("to_check"))

    @property
    def shown_in_english(self) -> int:
        """How many indicator texts the viewer reads in English for want of a translation."""
        return sum(1 for i in self.indicators if i.in_english)

    @property
    def indicators_to_check(self) -> list[Indicator]:
        return [i for i in self.indicators if i.to_check]

    @property
    def languages(self) -> list[str]:
        """Every language any text of this version is written in, English first."""
        found = set(self.titles)
        for d in self.dimensions:
            found |= set(d.titles)
        for i in self.indicators:
            found |= set(i.texts)
        return sorted(found, key=lambda lang: (lang != "en", lang))

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
    if not isinstance(source.get("to_check", False), bool):
        raise IndicatorSetError(f"{name}: the source's “to_check” must be true or false")
    country = data.get("country", "")
    if not isinstance(country, str) or not re.fullmatch(r"(?:[A-Z]{2})?", country):
        raise IndicatorSetError(f"{name}: country must be a two-letter ISO code or empty")

    dimensions = _dimensions(data, name)
    indicators = _indicators(data, name, [d.id for d in dimensions])
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
        country=country,
    )


def _dimensions(data: dict[str, Any], name: str) -> list[Dimension]:
    """The six dimensions, each role once."""
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
    return dimensions


def _indicators(data: dict[str, Any], name: str, dim_ids: list[str]) -> list[Indicator]:
    """The indicators, each with a unique id, a known dimension and a strength."""
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
        to_check = raw.get("to_check", False)
        if not isinstance(to_check, bool):
            raise IndicatorSetError(f"{where}: “to_check” must be true or false")
        indicators.append(
            Indicator(
                id=ind_id,
                dimension=dimension,
                strength=strength,
                texts=_texts(raw.get("text"), where),
                to_check=to_check,
            )
        )
    return indicators


def to_document(indicator_set: IndicatorSet) -> dict[str, Any]:
    """The set as a format-1 document: what a file holds and what a published row stores."""
    document: dict[str, Any] = {
        "format": FORMAT,
        "id": indicator_set.id,
        "version": indicator_set.version,
        "title": dict(indicator_set.titles),
        "exploitation": indicator_set.exploitation,
        "audience": indicator_set.audience,
        "source": dict(indicator_set.source),
        "scoring_rule": indicator_set.scoring_rule,
        "dimensions": [
            {"id": d.id, "role": d.role, "title": dict(d.titles)} for d in indicator_set.dimensions
        ],
        "indicators": [
            {"id": i.id, "dimension": i.dimension, "strength": i.strength, "text": dict(i.texts)}
            | ({"to_check": True} if i.to_check else {})
            for i in indicator_set.indicators
        ],
    }
    if indicator_set.country:
        document["country"] = indicator_set.country
    return document


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
def shipped() -> dict[tuple[str, int], IndicatorSet]:
    """The shipped defaults, from the files: the first rows of every set, and their fallback."""
    return load_directory(DATA_DIR)


def registry() -> dict[tuple[str, int], IndicatorSet]:
    """Every version of every set: the shipped files and the published rows (a row wins)."""
    from strom.screening.models import IndicatorSetVersion

    sets = dict(shipped())
    for row in IndicatorSetVersion.objects.only("set_id", "version", "document"):
        sets[(row.set_id, row.version)] = _parsed(row.set_id, row.version, row.document, row.pk)
    return sets


# Rows are never updated, so a parsed row is kept for the life of the process. Keyed by the row's id,
# not its set and version: a row rolled back with its transaction must not stand in for a later one.
_PARSED: dict[int, IndicatorSet] = {}


def _parsed(set_id: str, version: int, document: dict[str, Any], row_id: int) -> IndicatorSet:
    key = row_id
    if key not in _PARSED:
        _PARSED[key] = parse_set(document, name=f"{set_id}/{version}")
    return _PARSED[key]


def get_set(set_id: str, version: int | None = None) -> IndicatorSet:
    """The given version, or the newest one. Raises LookupError when there is no such set."""
    from strom.screening.models import IndicatorSetVersion

    if version is None:
        version = latest_version(set_id)
    row = IndicatorSetVersion.objects.filter(set_id=set_id, version=version).only("document").first()
    if row is not None:
        return _parsed(set_id, version, row.document, row.pk)
    try:
        return shipped()[(set_id, version)]
    except KeyError:
        raise LookupError(f"no indicator set {set_id} version {version}") from None


def latest_version(set_id: str) -> int:
    versions = versions_of(set_id)
    if not versions:
        raise LookupError(f"no indicator set {set_id}")
    return versions[-1]


def versions_of(set_id: str) -> list[int]:
    from strom.screening.models import IndicatorSetVersion

    stored = set(IndicatorSetVersion.objects.filter(set_id=set_id).values_list("version", flat=True))
    return sorted(stored | {v for (i, v) in shipped() if i == set_id})


def set_ids() -> list[str]:
    return sorted({i for (i, _v) in _all_keys()})


def _all_keys() -> set[tuple[str, int]]:
    from strom.screening.models import IndicatorSetVersion

    return set(IndicatorSetVersion.objects.values_list("set_id", "version")) | set(shipped())


def current_sets(countries: Iterable[str] | None = None) -> list[IndicatorSet]:
    """The newest version of every set, in a stable order: ILO lists first, then by form and audience.

    With `countries`, a country's own sets are listed only for those countries; shared sets always.
    Two queries whatever the number of sets: the keys, then the newest rows' documents.
    """
    from strom.screening.models import IndicatorSetVersion

    newest: dict[str, int] = {}
    for set_id, version in _all_keys():
        newest[set_id] = max(version, newest.get(set_id, 0))
    wanted_rows = Q(pk__in=[])
    for set_id, version in newest.items():
        wanted_rows |= Q(set_id=set_id, version=version)
    rows = IndicatorSetVersion.objects.filter(wanted_rows).only("set_id", "version", "document")
    stored = {(r.set_id, r.version): r for r in rows}
    sets = [
        _parsed(i, v, stored[(i, v)].document, stored[(i, v)].pk) if (i, v) in stored else shipped()[(i, v)]
        for i, v in newest.items()
    ]
    if countries is not None:
        wanted = set(countries)
        sets = [s for s in sets if not s.country or s.country in wanted]
    return sorted(
        sets, key=lambda s: (not s.id.startswith("ilo-"), s.country, s.exploitation, s.audience, s.id)
    )


def shipped_row_fields(indicator_set: IndicatorSet) -> dict[str, Any]:
    """The IndicatorSetVersion fields of a shipped version, read from its file's source block.

    A shipped version counts as verified only when its file names who checked it and when, and it is
    not marked to be checked.
    """
    source = indicator_set.source
    checked_on = source.get("checked_on") or None
    verified_by = str(source.get("verified_by") or "")
    return {
        "set_id": indicator_set.id,
        "version": indicator_set.version,
        "country": indicator_set.country,
        "document": to_document(indicator_set),
        "source_document": str(source["title"])[:500],
        "source_url": str(source.get("url") or "")[:500],
        "checked_on": checked_on,
        "verified_by": verified_by,
        "verified": bool(checked_on and verified_by and not indicator_set.to_check),
        "change_note": "",
        "shipped": True,
    }
