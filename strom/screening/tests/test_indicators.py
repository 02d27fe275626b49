"""Indicator-set files and their loader: every shipped file is valid; broken files are refused clearly."""

from __future__ import annotations

import copy
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from strom.screening.indicators import (
    DATA_DIR,
    ROLES,
    IndicatorSetError,
    get_set,
    load_directory,
    load_file,
    parse_set,
    registry,
)

# The registry reads published versions from the database beside the shipped files.
pytestmark = pytest.mark.django_db

ILO_SETS = ("ilo-adult-labour", "ilo-adult-sexual", "ilo-child-labour", "ilo-child-sexual")
OTHER_FORMS = {
    "strom-forced-begging": "ForcedBegging",
    "strom-forced-criminality": "ForcedCriminality",
    "strom-forced-marriage": "ForcedMarriage",
    "strom-illegal-adoption": "ForcedAdoption",
    "strom-surrogacy": "Surrogacy",
    "strom-organ-removal": "OrganRemoval",
}


def _minimal() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((DATA_DIR / "ilo-adult-labour" / "1.json").read_text(encoding="utf-8"))
    return data


def test_every_shipped_set_loads_with_all_six_dimensions() -> None:
    sets = registry()
    assert {i for (i, _v) in sets} == set(ILO_SETS) | set(OTHER_FORMS)
    for indicator_set in sets.values():
        assert sorted(d.role for d in indicator_set.dimensions) == sorted(ROLES)
        for dimension in indicator_set.dimensions:
            assert indicator_set.indicators_in(dimension.id), f"{indicator_set.id}: {dimension.id} is empty"
        assert indicator_set.source["title"]


def test_ilo_lists_have_the_published_sizes_and_shape() -> None:
    # ILO 2009: 67 indicators for adults in labour exploitation, 65 for children; no weak ones for children.
    assert len(get_set("ilo-adult-labour").indicators) == 67
    assert len(get_set("ilo-child-labour").indicators) == 65
    for set_id in ("ilo-child-labour", "ilo-child-sexual"):
        assert "weak" not in Counter(i.strength for i in get_set(set_id).indicators)
    adult = get_set("ilo-adult-labour")
    strong = {i.texts["en"] for i in adult.indicators if i.strength == "strong"}
    assert "Works excessive hours or days" in strong
    assert "Is kept in debt bondage" in strong


def test_other_forms_say_their_htcds_form_and_that_they_are_strom_adaptations() -> None:
    for set_id, form in OTHER_FORMS.items():
        indicator_set = get_set(set_id)
        assert indicator_set.exploitation == form
        assert "STROM" in indicator_set.source["adaptation"]
        assert indicator_set.source["based_on"]


def test_indicator_ids_are_unique_across_all_sets() -> None:
    ids = [i.id for s in registry().values() for i in s.indicators]
    assert len(ids) == len(set(ids))


def test_texts_follow_the_language_and_fall_back_to_english_where_missing() -> None:
    import dataclasses

    from django.utils import translation

    indicator_set = get_set("ilo-adult-labour")
    first = indicator_set.indicators[0]
    with translation.override("lv"):
        assert indicator_set.title.startswith("Pieaugušie")
        assert first.text == first.texts["lv"]
    without_lithuanian = dataclasses.replace(first, texts={k: v for k, v in first.texts.items() if k != "lt"})
    with translation.override("lt"):
        assert first.text == first.texts["lt"]
        assert without_lithuanian.text == first.texts["en"]


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d["indicators"][0].update(strength="very strong"), "unknown strength 'very strong'"),
        (lambda d: d["indicators"][1].update(id=d["indicators"][0]["id"]), "duplicate indicator id"),
        (lambda d: d["indicators"][0].update(dimension="XX"), "unknown dimension 'XX'"),
        (lambda d: d["dimensions"].pop(), "missing: vulnerability_destination"),
        (
            lambda d: d["dimensions"][1].update(role="deceptive_recruitment"),
            "repeated: deceptive_recruitment",
        ),
        (lambda d: d["dimensions"][0].update(role="transit"), "unknown role 'transit'"),
        (lambda d: d.update(exploitation="Fishing"), "unknown form of exploitation"),
        (lambda d: d.update(audience="elderly"), "audience must be one of"),
        (lambda d: d.update(scoring_rule="points"), "unknown scoring rule"),
        (lambda d: d.update(version=0), "version must be a positive whole number"),
        (lambda d: d.update(format=2), "unknown format"),
        (lambda d: d["indicators"][0].update(text={"lv": "tikai latviski"}), "needs an English text"),
        (lambda d: d["indicators"][0].update(id="adl dr 1"), "ids are upper-case"),
        (lambda d: d.update(indicators=[]), "has no indicators"),
        (lambda d: d.pop("source"), "missing “source”"),
    ],
)
def test_a_broken_file_is_refused_with_a_message_naming_the_problem(mutate: Any, message: str) -> None:
    data = _minimal()
    mutate(data)
    with pytest.raises(IndicatorSetError, match=message.replace("(", r"\(").replace(")", r"\)")) as info:
        parse_set(data, name="ilo-adult-labour/1.json")
    assert str(info.value).startswith("ilo-adult-labour/1.json")


def _write(root: Path, data: dict[str, Any], set_id: str, version: int) -> Path:
    path = root / set_id / f"{version}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_a_file_must_live_at_its_id_and_version(tmp_path: Path) -> None:
    path = _write(tmp_path, _minimal(), "ilo-adult-labour", 2)
    with pytest.raises(IndicatorSetError, match=r"must be stored as ilo-adult-labour/1\.json"):
        load_file(path)


def test_invalid_json_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "x" / "1.json"
    path.parent.mkdir()
    path.write_text('{"format": 1,\n oops}', encoding="utf-8")
    with pytest.raises(IndicatorSetError, match=r"not valid JSON.*line 2"):
        load_file(path)


def test_a_new_version_loads_beside_the_old_one(tmp_path: Path) -> None:
    v1 = _minimal()
    v2 = copy.deepcopy(v1)
    v2["version"] = 2
    v2["indicators"][0]["strength"] = "medium"
    _write(tmp_path, v1, "ilo-adult-labour", 1)
    _write(tmp_path, v2, "ilo-adult-labour", 2)
    sets = load_directory(tmp_path)
    assert sets[("ilo-adult-labour", 1)].indicators[0].strength == "strong"
    assert sets[("ilo-adult-labour", 2)].indicators[0].strength == "medium"


def test_two_sets_cannot_share_an_indicator_id(tmp_path: Path) -> None:
    first = _minimal()
    second = copy.deepcopy(first)
    second["id"] = "copy-of-adult-labour"
    _write(tmp_path, first, "ilo-adult-labour", 1)
    _write(tmp_path, second, "copy-of-adult-labour", 1)
    with pytest.raises(IndicatorSetError, match="is also used by"):
        load_directory(tmp_path)


def test_unknown_set_or_version_is_a_lookup_error() -> None:
    with pytest.raises(LookupError):
        get_set("no-such-set")
    with pytest.raises(LookupError):
        get_set("ilo-adult-labour", 99)
