"""Contacts and tips of the test cast's Latvian hotline, made through the services. Synthetic only."""

from __future__ import annotations

from typing import Any

from strom.hotline.models import CallerType, Channel, Contact, Sector, Tip, Topic
from strom.hotline.services import ContactFields, TipFields, contact_log, tip_create
from tests.personas import Cast


def contact_fields(**overrides: Any) -> ContactFields:
    values: dict[str, Any] = {
        "channel": Channel.PHONE,
        "caller_type": CallerType.POSSIBLE_VICTIM,
        "topic": Topic.POSSIBLE_TRAFFICKING,
        "language": "ru",
        "country": "LV",
        "summary": "Works on a farm near Riga, passport kept by the employer.",
        "duration_minutes": 12,
    }
    return ContactFields(**(values | overrides))


def make_contact(
    cast: Cast, *, operator: str = "hotline_a", org: str = "hotline_lv", **overrides: Any
) -> Contact:
    return contact_log(by=cast.users[operator], organisation=cast.orgs[org], data=contact_fields(**overrides))


def contact_of(cast: Cast) -> Contact:
    """One contact per cast, kept on it (route helpers memoise; the authorisation test forgets them)."""
    if "_hotline_contact" not in cast.__dict__:
        cast.__dict__["_hotline_contact"] = make_contact(cast)
    found: Contact = cast.__dict__["_hotline_contact"]
    return found


def tip_fields(**overrides: Any) -> TipFields:
    values: dict[str, Any] = {
        "place_name": "Green Valley Farm",
        "sector": Sector.AGRICULTURE,
        "country": "LV",
        "indicators": ["documents_taken", "living_on_site"],
        "description": "Workers sleep in a barn; the owner keeps their passports.",
    }
    return TipFields(**(values | overrides))


def make_tip(cast: Cast, *, operator: str = "hotline_a", org: str = "hotline_lv", **overrides: Any) -> Tip:
    return tip_create(by=cast.users[operator], organisation=cast.orgs[org], data=tip_fields(**overrides))


def tip_of(cast: Cast) -> Tip:
    if "_hotline_tip" not in cast.__dict__:
        cast.__dict__["_hotline_tip"] = make_tip(cast)
    found: Tip = cast.__dict__["_hotline_tip"]
    return found
