"""Publishing a corrected version of an indicator set, and starting a country's own set.

A published version is a new IndicatorSetVersion row with the next number; the earlier versions stay
as they are, so every screening keeps reading the texts it was made with. Each write validates
first, writes its audit entry inside its transaction, and refuses a version that drops a language or
an indicator's text that the earlier version had.
"""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from strom.audit.services import audit_record
from strom.core.errors import NotAllowed
from strom.screening.access import coordinator_countries, may_publish_set
from strom.screening.indicators import (
    STRENGTHS,
    IndicatorSet,
    IndicatorSetError,
    get_set,
    latest_version,
    parse_set,
    set_ids,
    shipped,
    shipped_row_fields,
    to_document,
)
from strom.screening.models import IndicatorSetVersion

if TYPE_CHECKING:
    from strom.accounts.models import User

SOURCE_MAX = 500
NOTE_MAX = 5_000


@dataclass(frozen=True)
class IndicatorChange:
    """What the publisher says about one indicator in the new version."""

    strength: str
    texts: dict[str, str]
    to_check: bool = False


@dataclass(frozen=True)
class SetSource:
    """Where the new version was checked: the act or document, a link, when and by whom."""

    document: str
    url: str = ""
    checked_on: dt.date | None = None
    verified_by: str = ""
    verified: bool = False
    note: str = ""


def version_row(indicator_set: IndicatorSet) -> IndicatorSetVersion:
    """The row of this version; for a shipped version whose row is missing, the row its file gives."""
    row = IndicatorSetVersion.objects.filter(set_id=indicator_set.id, version=indicator_set.version).first()
    if row is not None:
        return row
    return IndicatorSetVersion(**shipped_row_fields(indicator_set))


def version_rows(set_id: str) -> list[IndicatorSetVersion]:
    """Every version of a set, newest first, with its source and verification."""
    rows = {
        r.version: r for r in IndicatorSetVersion.objects.filter(set_id=set_id).select_related("published_by")
    }
    for (shipped_id, version), indicator_set in shipped().items():
        if shipped_id == set_id and version not in rows:
            rows[version] = IndicatorSetVersion(**shipped_row_fields(indicator_set))
    return [rows[v] for v in sorted(rows, reverse=True)]


def _check_source(source: SetSource) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not source.document.strip():
        errors["source_document"] = _("Name the act or document this version was checked against.")
    elif len(source.document) > SOURCE_MAX:
        errors["source_document"] = ngettext(
            "At most %(max)d character.", "At most %(max)d characters.", SOURCE_MAX
        ) % {"max": SOURCE_MAX}
    if source.url:
        try:
            URLValidator(schemes=["http", "https"])(source.url)
        except ValidationError:
            errors["source_url"] = _("Give a link that starts with https:// or http://.")
        if len(source.url) > SOURCE_MAX:
            errors["source_url"] = ngettext(
                "At most %(max)d character.", "At most %(max)d characters.", SOURCE_MAX
            ) % {"max": SOURCE_MAX}
    if source.checked_on is not None and source.checked_on > timezone.localdate():
        errors["checked_on"] = _("The date checked cannot be in the future.")
    if source.verified and source.checked_on is None:
        errors["checked_on"] = _("A verified version needs the date it was checked.")
    if source.verified and not source.verified_by.strip():
        errors["verified_by"] = _("A verified version needs the person or office who checked it.")
    if len(source.verified_by) > 200:
        errors["verified_by"] = ngettext("At most %(max)d character.", "At most %(max)d characters.", 200) % {
            "max": 200
        }
    if not source.note.strip():
        errors["change_note"] = _("Say what changed or what was checked in this version.")
    elif len(source.note) > NOTE_MAX:
        errors["change_note"] = ngettext(
            "At most %(max)d character.", "At most %(max)d characters.", NOTE_MAX
        ) % {"max": NOTE_MAX}
    return errors


def _check_indicators(base: IndicatorSet, changes: dict[str, IndicatorChange]) -> list[str]:
    """Every indicator of the earlier version stays, with a text in every language it had."""
    problems: list[str] = []
    missing = [i.id for i in base.indicators if i.id not in changes]
    if missing:
        problems.append(
            _("These indicators of version %(version)d are missing: %(ids)s.")
            % {"version": base.version, "ids": ", ".join(missing)}
        )
    unknown = sorted(set(changes) - {i.id for i in base.indicators})
    if unknown:
        problems.append(_("These indicators are not in the set: %(ids)s.") % {"ids": ", ".join(unknown)})
    for indicator in base.indicators:
        change = changes.get(indicator.id)
        if change is None:
            continue
        if change.strength not in STRENGTHS:
            problems.append(_("%(id)s: choose strong, medium or weak.") % {"id": indicator.id})
        dropped = sorted(lang for lang in indicator.texts if not change.texts.get(lang, "").strip())
        if dropped:
            problems.append(
                _("%(id)s: the text in %(languages)s is missing; version %(version)d had it.")
                % {"id": indicator.id, "languages": ", ".join(dropped), "version": base.version}
            )
    return problems


def _new_document(
    base: IndicatorSet, changes: dict[str, IndicatorChange], source: SetSource, version: int
) -> dict[str, Any]:
    document = to_document(base)
    document["version"] = version
    new_source = copy.deepcopy(base.source)
    new_source.update(
        {
            "title": source.document.strip(),
            "url": source.url.strip(),
            "checked_on": source.checked_on.isoformat() if source.checked_on else "",
            "verified_by": source.verified_by.strip(),
            "verification": source.note.strip(),
            # A verified version clears the set's mark; an unverified one keeps the earlier mark.
            "to_check": bool(base.to_check and not source.verified),
        }
    )
    document["source"] = new_source
    for raw in document["indicators"]:
        change = changes[raw["id"]]
        raw["strength"] = change.strength
        raw["text"] = {lang: text.strip() for lang, text in change.texts.items() if text.strip()}
        raw.pop("to_check", None)
        if change.to_check:
            raw["to_check"] = True
    return document


def indicator_set_publish(
    *,
    by: User,
    set_id: str,
    base_version: int,
    indicators: dict[str, IndicatorChange],
    source: SetSource,
) -> IndicatorSetVersion:
    """Publish the next version of `set_id`, corrected from `base_version` (which must be the newest)."""
    try:
        base = get_set(set_id, base_version)
    except LookupError:
        raise ValidationError({"indicator_set": [_("There is no such indicator set or version.")]}) from None
    if not may_publish_set(by, base):
        raise NotAllowed(_("You may not publish versions of this indicator set."))
    newest = latest_version(set_id)
    if base_version != newest:
        raise ValidationError(
            _("Version %(newest)d was published meanwhile; start again from it.") % {"newest": newest}
        )
    errors: dict[str, list[str]] = {k: [v] for k, v in _check_source(source).items()}
    problems = _check_indicators(base, indicators)
    if problems:
        errors["indicators"] = problems
    if errors:
        raise ValidationError(errors)
    document = _new_document(base, indicators, source, newest + 1)
    try:
        new_set = parse_set(document, name=f"{set_id}/{newest + 1}")
    except IndicatorSetError as exc:
        raise ValidationError({"indicators": [str(exc)]}) from None
    strengths_changed = sorted(i.id for i in base.indicators if indicators[i.id].strength != i.strength)
    return _store(
        by=by,
        new_set=new_set,
        document=document,
        source=source,
        details={
            "base_version": base.version,
            "strengths_changed": strengths_changed,
            "texts_changed": sorted(
                i.id for i in base.indicators if new_set.indicator(i.id).texts != i.texts
            ),
            "to_check": [i.id for i in new_set.indicators_to_check],
        },
    )


def _store(
    *,
    by: User,
    new_set: IndicatorSet,
    document: dict[str, Any],
    source: SetSource,
    details: dict[str, Any],
) -> IndicatorSetVersion:
    try:
        with transaction.atomic():
            row = IndicatorSetVersion.objects.create(
                set_id=new_set.id,
                version=new_set.version,
                country=new_set.country,
                document=document,
                source_document=source.document.strip(),
                source_url=source.url.strip(),
                checked_on=source.checked_on,
                verified_by=source.verified_by.strip(),
                verified=source.verified,
                change_note=source.note.strip(),
                published_by=by,
            )
            audit_record(
                actor=by,
                action="screening.indicator_set_publish",
                object_type="indicator_set",
                object_ref=f"{new_set.id}/{new_set.version}",
                details={"country": new_set.country, "verified": source.verified, **details},
            )
    except IntegrityError:
        # Another publisher took this version number between our check and our insert.
        raise ValidationError(
            _("Another version of this set was published meanwhile; start again from the newest.")
        ) from None
    return row


def country_set_id(set_id: str, country: str) -> str:
    return f"{set_id}-{country.lower()}"


def indicator_set_adapt(*, by: User, set_id: str, country: str) -> IndicatorSetVersion:
    """Start `country`'s own set as a copy of the newest version of a shared set.

    The copy is version 1 of a new set (`<set id>-<country>`) that the country's coordinators then
    correct version by version; the shared set is not changed.
    """
    if country not in coordinator_countries(by):
        raise ValidationError(_("You may only start indicator sets for your own country."))
    try:
        base = get_set(set_id)
    except LookupError:
        raise ValidationError({"indicator_set": [_("There is no such indicator set or version.")]}) from None
    if base.country:
        raise ValidationError(_("Only a shared indicator set can be adapted for a country."))
    new_id = country_set_id(set_id, country)
    if new_id in set_ids():
        raise ValidationError(_("Your country already has its own version of this set."))
    from strom.core.countries import countries

    document = to_document(base)
    # The country's copy is told apart from the shared set wherever sets are listed, in each title's
    # language.
    titles = {
        lang: f"{title} ({countries(lang).get(country, country)})" for lang, title in base.titles.items()
    }
    document.update({"id": new_id, "version": 1, "country": country, "title": titles})
    document["source"] = copy.deepcopy(base.source) | {
        "adapted_from": f"{base.id}/{base.version}",
        "verification": f"Copied from {base.id} version {base.version}; not yet checked for {country}.",
    }
    new_set = parse_set(document, name=f"{new_id}/1")
    source = SetSource(
        document=str(base.source["title"]),
        url=str(base.source.get("url") or ""),
        note=f"Copied from {base.id} version {base.version}.",
    )
    return _store(
        by=by, new_set=new_set, document=document, source=source, details={"adapted_from": base.version}
    )
