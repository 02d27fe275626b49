"""Publishing a new version of a country's rules (strom/stages/country_rules.py).

A version is never edited: every change is a new version with an effective date, audited. The clocks
of cases keep the version they started with (strom/stages/clocks.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from strom.audit.services import audit_record
from strom.cases import access
from strom.core.errors import NotAllowed
from strom.stages import country_rules
from strom.stages.models import CountryRuleVersion
from strom.stages.periods import add_months

if TYPE_CHECKING:
    from strom.accounts.models import User

# A version can be prepared for a law that takes effect later, but not for a distant guess.
MAX_YEARS_AHEAD = 5


@dataclass(frozen=True)
class ItemChange:
    """One item as the editor sends it: the value, its source, and whether they checked it."""

    value: Any
    source: dict[str, str] | None = None  # None: the source stays as it was
    verified: bool = False


def latest_version(country: str) -> CountryRuleVersion | None:
    return CountryRuleVersion.objects.filter(country=country).order_by("-number").first()


def base_items(country: str) -> tuple[int, dict[str, dict[str, Any]]]:
    """The number and items a new version starts from: the latest version, or the shipped file."""
    latest = latest_version(country)
    if latest is None:
        return 0, country_rules.shipped_rules(country).items
    return latest.number, latest.items


def _same_bodies(key: str, value: Any, before: Any) -> bool:
    """The same decision makers in another order are no change."""
    if country_rules.ITEMS[key].kind != country_rules.DECIDERS or not isinstance(value, list):
        return False
    return all(isinstance(v, str) for v in value) and set(value) == set(before)


def _new_item(
    by: User, today: dt.date, key: str, before: dict[str, Any], change: ItemChange
) -> dict[str, Any]:
    given = before["source"] if change.source is None else change.source
    source = {name: str(given.get(name, "") or "").strip() for name in country_rules.SOURCE_FIELDS}
    value = change.value.strip() if isinstance(change.value, str) else change.value
    if _same_bodies(key, value, before["value"]):
        value = before["value"]
    unchanged = value == before["value"] and source == before["source"]
    item: dict[str, Any] = {
        "value": value,
        "source": source,
        "status": country_rules.UNVERIFIED,
        "verified_by": "",
        "verified_on": "",
    }
    if change.verified:
        item["status"] = country_rules.VERIFIED
        if unchanged and before["status"] == country_rules.VERIFIED:
            # Still the value someone checked: their name stays on it.
            item["verified_by"], item["verified_on"] = before["verified_by"], before["verified_on"]
        else:
            item["verified_by"], item["verified_on"] = by.get_full_name(), today.isoformat()
    return item


def _check_dates(
    by: User, today: dt.date, effective_from: dt.date, backdate_reason: str, errors: dict[str, str]
) -> None:
    if effective_from < today:
        if not access.may_backdate_country_rules(by):
            errors["effective_from"] = _(
                "A new version takes effect today at the earliest; clocks already running keep their rules."
            )
        elif not backdate_reason.strip():
            errors["backdate_reason"] = _("Give the reason why this version takes effect in the past.")
    elif effective_from > add_months(today, 12 * MAX_YEARS_AHEAD):
        errors["effective_from"] = _("The effective date is more than five years away.")


def country_rules_publish(
    *,
    by: User,
    country: str,
    based_on: int,
    effective_from: dt.date,
    changes: dict[str, ItemChange],
    note: str = "",
    backdate_reason: str = "",
) -> CountryRuleVersion:
    """Publish the next version of `country`'s rules, taking effect on `effective_from`.

    `based_on` is the version number the editor read (0 when there was none): a newer one refuses the
    change. Items not in `changes` stay as they were.
    """
    if not access.can_keep_country_rules(by, country):
        raise NotAllowed
    today = timezone.localdate()
    errors: dict[str, str] = {}
    _check_dates(by, today, effective_from, backdate_reason, errors)
    if len(note) > 2000:
        errors["note"] = _("Keep the note under 2,000 characters.")
    unknown = sorted(set(changes) - set(country_rules.ITEM_KEYS))
    if unknown:
        errors["items"] = _("Unknown items: %(keys)s.") % {"keys": ", ".join(unknown)}
    number, before = base_items(country)
    if based_on != number:
        errors["based_on"] = _(
            "Version %(number)s was published since you read the rules. "
            "Reload them and make your change again."
        ) % {"number": number}
    if errors:
        raise ValidationError(errors)
    items = {
        key: _new_item(by, today, key, before[key], changes[key]) if key in changes else before[key]
        for key in country_rules.ITEM_KEYS
    }
    errors.update(country_rules.check_items(items, today=today))
    if not errors and items == before:
        errors["items"] = _("Nothing changed: change a value, a source or whether it is verified.")
    if errors:
        raise ValidationError(errors)
    return _create(by, country, number, effective_from, items, before, note.strip(), backdate_reason.strip())


def _create(
    by: User,
    country: str,
    based_on: int,
    effective_from: dt.date,
    items: dict[str, dict[str, Any]],
    before: dict[str, dict[str, Any]],
    note: str,
    backdate_reason: str,
) -> CountryRuleVersion:
    conflict = ValidationError(
        {"based_on": _("Someone published a version at the same time. Reload the rules and try again.")}
    )
    backdated = effective_from < timezone.localdate()
    try:
        with transaction.atomic():
            # Locking the latest version serialises publishers of one country; the unique number
            # catches the first version of a country, where there is no row to lock.
            latest = (
                CountryRuleVersion.objects.select_for_update()
                .filter(country=country)
                .order_by("-number")
                .first()
            )
            if (latest.number if latest else 0) != based_on:
                raise conflict
            version = CountryRuleVersion.objects.create(
                country=country,
                number=based_on + 1,
                effective_from=effective_from,
                items=items,
                note=note if not backdated else f"{note}\n{backdate_reason}".strip(),
                backdated=backdated,
                created_by=by,
            )
            audit_record(
                actor=by,
                action="country_rules.publish",
                object_type="country_rules",
                object_ref=country,
                reason=backdate_reason,
                details={
                    "version": version.number,
                    "effective_from": effective_from.isoformat(),
                    "changed": sorted(k for k in country_rules.ITEM_KEYS if items[k] != before[k]),
                    "backdated": backdated,
                },
            )
    except IntegrityError:
        raise conflict from None
    return version
