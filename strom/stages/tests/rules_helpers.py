"""What a browser sends from the "new version" form of a country's rules, built from a version's items."""

from __future__ import annotations

import datetime as dt
from typing import Any

from strom.stages import country_rules as cr


def item_fields(key: str, item: dict[str, Any]) -> dict[str, Any]:
    value = item["value"]
    kind = cr.ITEMS[key].kind
    data: dict[str, Any] = {f"{key}-{name}": item["source"].get(name, "") for name in cr.SOURCE_FIELDS}
    if item["status"] == cr.VERIFIED:
        data[f"{key}-verified"] = "on"
    if kind == cr.PERIOD:
        data |= {f"{key}-length": str(value["length"]), f"{key}-unit": value["unit"]}
    elif kind == cr.PERIODS:
        data |= {
            f"{key}-lengths": ", ".join(str(p["length"]) for p in value),
            f"{key}-unit": value[0]["unit"],
        }
    elif kind == cr.RETENTION:
        data |= {f"{key}-years": str(value["years"]), f"{key}-action": value["action"]}
    else:
        data[f"{key}-value"] = value
    return data


def form_data(
    items: dict[str, dict[str, Any]], *, based_on: int, effective_from: dt.date, **overrides: Any
) -> dict[str, Any]:
    """The prefilled form as submitted; `fields` (a dict) changes some fields, `unticked` removes boxes."""
    data: dict[str, Any] = {
        "based_on": str(based_on),
        "effective_from": effective_from.isoformat(),
        "note": "",
    }
    for key in cr.ITEM_KEYS:
        data |= item_fields(key, items[key])
    data.update(overrides.get("fields", {}))
    for name in overrides.get("unticked", ()):
        data.pop(name, None)
    return data


def latvian_reflection_change(
    items: dict[str, dict[str, Any]], *, based_on: int, effective_from: dt.date
) -> dict[str, Any]:
    """45 days of reflection for Latvia, with a (synthetic) source, checked by the editor."""
    return form_data(
        items,
        based_on=based_on,
        effective_from=effective_from,
        fields={
            "reflection-length": "45",
            "reflection_longest-length": "45",
            "reflection-act": "Example Act on Reflection",
            "reflection-section": "Section 4",
            "reflection-url": "https://likumi.lv/example",
            "reflection-checked_on": effective_from.isoformat(),
            "reflection-verified": "on",
            "note": "Longer reflection period",
        },
    )


def ensure_shipped_versions() -> None:
    """Version 1 of every shipped country, as migration 0002 loads it. A transactional test (the browser
    tests) empties every table, migration data included, so tests that need the rows make sure of them."""
    from strom.stages.models import CountryRuleVersion

    for country in cr.shipped_countries():
        CountryRuleVersion.objects.get_or_create(
            country=country,
            number=1,
            defaults={
                "effective_from": cr.SHIPPED_EFFECTIVE_FROM,
                "items": cr.shipped_rules(country).items,
                "note": "Shipped with STROM.",
            },
        )
