"""Reads of countries' rules: the version in force, what comes next, and the history."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from strom.core.countries import countries
from strom.stages import country_rules as cr
from strom.stages.models import CountryRuleVersion


def countries_with_rules() -> list[str]:
    """Countries with a shipped file or a published version."""
    kept = set(CountryRuleVersion.objects.values_list("country", flat=True).distinct())
    return sorted(kept | set(cr.shipped_countries()))


def item_rows(rules_items: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Each item in words, with its source and status, in the order of country_rules.ITEMS."""
    rows = []
    for key in cr.ITEM_KEYS:
        item = rules_items[key]
        rows.append(
            {
                "key": key,
                "label": cr.ITEMS[key].label,
                "value": cr.value_text(key, item["value"]),
                "source": cr.source_text(item["source"]),
                "url": item["source"].get("url", ""),
                "verified": item["status"] == cr.VERIFIED,
                "verified_by": item["verified_by"],
                "verified_on": cr.day_text(item["verified_on"]) if item["verified_on"] else "",
            }
        )
    return rows


def overview(today: dt.date | None = None) -> list[dict[str, Any]]:
    today = today or timezone.localdate()
    names = countries()
    result = []
    for country in countries_with_rules():
        rules = cr.rules_for(country, today)
        result.append(
            {
                "country": country,
                "name": names.get(country, country),
                "version": rules.version_number,
                "effective_from": rules.effective_from if rules.version_id else None,
                "unverified": len(rules.unverified),
                "reflection": cr.value_text("reflection", rules.items["reflection"]["value"]),
            }
        )
    return result


def versions_of(country: str) -> list[CountryRuleVersion]:
    return list(
        CountryRuleVersion.objects.filter(country=country).select_related("created_by").order_by("-number")
    )


def get_version(country: str, number: int) -> CountryRuleVersion | None:
    return (
        CountryRuleVersion.objects.filter(country=country, number=number).select_related("created_by").first()
    )
