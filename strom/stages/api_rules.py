"""/api/v1/country-rules: each country's rules with their sources, and publishing a new version.

The same access functions and write function as the pages (strom/stages/views_rules.py).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status

from strom.api.auth import api_user
from strom.cases import access
from strom.stages import country_rules as cr
from strom.stages import selectors_rules as sel
from strom.stages.models import CountryRuleVersion
from strom.stages.services_rules import ItemChange, country_rules_publish

router = Router(tags=["country rules"])


class SourceSchema(Schema):
    act: str = Field("", max_length=1000)
    section: str = Field("", max_length=1000)
    url: str = Field("", max_length=1000, description="http(s) link to the text")
    checked_on: str = Field("", description="YYYY-MM-DD: the day the source was read; empty if not")
    note: str = Field("", max_length=1000)


class ItemOut(Schema):
    key: str
    label: str
    value: Any = Field(
        description="A period {length, unit}, a list of periods, a list of bodies, text, or {years, action}"
    )
    text: str = Field(description="The value in words")
    source: SourceSchema
    status: str = Field(description="verified or unverified")
    verified_by: str
    verified_on: str


class RulesOut(Schema):
    country: str
    version: int = Field(description="0: no version kept, STROM's defaults")
    effective_from: dt.date | None
    items: list[ItemOut]


class VersionSummaryOut(Schema):
    number: int
    effective_from: dt.date
    backdated: bool
    created_at: dt.datetime
    created_by_id: int | None
    note: str


class CountryRulesOut(Schema):
    in_force: RulesOut
    versions: list[VersionSummaryOut]


class CountrySummaryOut(Schema):
    country: str
    version: int
    effective_from: dt.date | None
    unverified: int


class ItemIn(Schema):
    value: Any
    source: SourceSchema | None = Field(None, description="Leave out to keep the current source")
    verified: bool = Field(False, description="You checked this value against the source")


class VersionIn(Schema):
    based_on: int = Field(description="The version number you read (0 when there was none)")
    effective_from: dt.date = Field(
        description="Today or later (earlier only for a system admin, with a reason)"
    )
    note: str = Field("", max_length=2000)
    backdate_reason: str = Field("", max_length=2000)
    items: dict[str, ItemIn] = Field(description="The items you change; the others stay as they were")


def _items_out(items: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            "key": key,
            "label": str(cr.ITEMS[key].label),
            "value": items[key]["value"],
            "text": cr.value_text(key, items[key]["value"]),
            "source": items[key]["source"],
            "status": items[key]["status"],
            "verified_by": items[key]["verified_by"],
            "verified_on": items[key]["verified_on"],
        }
        for key in cr.ITEM_KEYS
    ]


def _rules_out(rules: cr.CountryRules) -> dict[str, Any]:
    return {
        "country": rules.country,
        "version": rules.version_number,
        "effective_from": rules.effective_from if rules.version_id else None,
        "items": _items_out(rules.items),
    }


def _version_out(version: CountryRuleVersion) -> dict[str, Any]:
    return _rules_out(cr.rules_of_version(version))


@router.get("", response=list[CountrySummaryOut], url_name="country_rules_list")
def list_country_rules(request: HttpRequest) -> list[dict[str, Any]]:
    if not access.can_read_country_rules(api_user(request)):
        raise Http404
    return [
        {k: row[k] for k in ("country", "version", "effective_from", "unverified")} for row in sel.overview()
    ]


@router.get("/{country}", response=CountryRulesOut, url_name="country_rules_detail")
def get_country_rules(request: HttpRequest, country: str) -> dict[str, Any]:
    code = access.get_country_for_rules(api_user(request), country)
    return {
        "in_force": _rules_out(cr.rules_for(code, timezone.localdate())),
        "versions": sel.versions_of(code),
    }


@router.get("/{country}/versions/{number}", response=RulesOut, url_name="country_rules_version")
def get_country_rules_version(request: HttpRequest, country: str, number: int) -> dict[str, Any]:
    code = access.get_country_for_rules(api_user(request), country)
    version = sel.get_version(code, number)
    if version is None:
        raise Http404
    return _version_out(version)


@router.post("/{country}/versions", response={201: RulesOut}, url_name="country_rules_publish")
def publish_country_rules(request: HttpRequest, country: str, payload: VersionIn) -> Status[dict[str, Any]]:
    user = api_user(request)
    code = access.get_country_for_rules(user, country, write=True)
    version = country_rules_publish(
        by=user,
        country=code,
        based_on=payload.based_on,
        effective_from=payload.effective_from,
        changes={
            key: ItemChange(
                value=item.value,
                source=item.source.model_dump() if item.source else None,
                verified=item.verified,
            )
            for key, item in payload.items.items()
        },
        note=payload.note,
        backdate_reason=payload.backdate_reason,
    )
    return Status(201, _version_out(version))
