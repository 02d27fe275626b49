"""The directory as CSV: export of what a user may see, import that is all-or-nothing with row errors."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from strom.directory.models import Municipality, Organisation
from strom.network.forms import hours_from_text, hours_to_text
from strom.network.models import NetworkService
from strom.network.services import service_create, service_update, service_update_capacity

FLAGS = (
    "open_247",
    "for_adults",
    "for_children",
    "for_men",
    "for_women",
    "for_families",
    "nrm_focal_point",
    "trm_focal_point",
    "is_active",
)
TEXT = ("service_type", "name", "description", "address", "phone", "email", "website", "opening_hours")
COLUMNS = (
    "organisation",
    "organisation_country",
    *TEXT,
    "countries",
    "municipalities",
    "languages",
    "hours",
    "capacity",
    "free_places",
    "free_places_updated_at",
    *FLAGS,
)


@dataclass(frozen=True)
class RowError:
    row: int  # line number in the file; the header is row 1
    column: str
    value: str
    why: str

    def __str__(self) -> str:
        return _("row %(row)d, column %(column)s, value “%(value)s”: %(why)s") % {
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "why": self.why,
        }


class ImportFailed(Exception):
    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(f"{len(errors)} errors")
        self.errors = errors


def export_csv(services: Iterable[NetworkService], out: IO[str]) -> int:
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    count = 0
    for service in services:
        row: dict[str, Any] = {name: getattr(service, name) for name in TEXT}
        row.update({name: "yes" if getattr(service, name) else "no" for name in FLAGS})
        row["organisation"] = service.organisation.name
        row["organisation_country"] = service.organisation.country
        row["countries"] = " ".join(service.countries)
        row["municipalities"] = " ".join(f"{m.country}:{m.code}" for m in service.municipalities.all())
        row["languages"] = " ".join(service.languages)
        row["hours"] = "; ".join(hours_to_text(service.hours).splitlines())
        row["capacity"] = "" if service.capacity is None else service.capacity
        row["free_places"] = "" if service.free_places is None else service.free_places
        updated = service.free_places_updated_at
        row["free_places_updated_at"] = updated.isoformat() if updated else ""
        writer.writerow([row[name] for name in COLUMNS])
        count += 1
    return count


def _flag(value: str) -> bool:
    value = value.strip().lower()
    if value in ("yes", "true", "1"):
        return True
    if value in ("no", "false", "0", ""):
        return False
    raise ValueError(_("Write yes or no."))


def _number(value: str) -> int | None:
    value = value.strip()
    if not value:
        return None
    if not value.isdigit():
        raise ValueError(_("Write a whole number of zero or more, or leave it empty."))
    return int(value)


def _municipalities(value: str) -> list[Municipality]:
    found = []
    for token in value.split():
        country, _sep, code = token.partition(":")
        municipality = Municipality.objects.filter(country=country.upper(), code=code.upper()).first()
        if municipality is None:
            raise ValueError(
                _("No municipality %(token)s; write country:code, for example LV:RIX.") % {"token": token}
            )
        found.append(municipality)
    return found


def import_csv(source: IO[str]) -> tuple[int, int]:
    """Create or update every row (matched by organisation name+country and service name), or nothing.

    Returns (created, updated). Raises ImportFailed with every row error found.
    """
    reader = csv.DictReader(source)
    missing = [
        c
        for c in ("organisation", "organisation_country", "service_type", "name")
        if c not in (reader.fieldnames or [])
    ]
    if missing:
        raise ImportFailed([RowError(1, name, "", _("The column is missing.")) for name in missing])
    errors: list[RowError] = []
    created = updated = 0
    with transaction.atomic():
        for line, raw in enumerate(reader, start=2):
            row = {k: (v or "") for k, v in raw.items() if k}
            row_errors: list[RowError] = []

            def fail(
                column: str,
                why: str,
                _line: int = line,
                _row: dict[str, str] = row,
                _errors: list[RowError] = row_errors,
            ) -> None:
                _errors.append(RowError(_line, column, _row.get(column, ""), why))

            organisation = Organisation.objects.filter(
                name__iexact=row["organisation"].strip(), country=row["organisation_country"].strip().upper()
            ).first()
            if organisation is None:
                fail("organisation", _("No organisation with this name in this country."))
            fields: dict[str, Any] = {name: row[name].strip() for name in TEXT if name in row}
            fields["countries"] = row.get("countries", "").split()
            fields["languages"] = row.get("languages", "").split()
            for name in FLAGS:
                if name in row:
                    try:
                        fields[name] = _flag(row[name])
                    except ValueError as exc:
                        fail(name, str(exc))
            try:
                fields["hours"] = hours_from_text("\n".join(row.get("hours", "").split(";")))
            except ValidationError as exc:
                fail("hours", " ".join(exc.messages))
            free_places: int | None = None
            try:
                fields["capacity"] = _number(row.get("capacity", ""))
                free_places = _number(row.get("free_places", ""))
            except ValueError as exc:
                fail("capacity", str(exc))
            municipalities: list[Municipality] = []
            try:
                municipalities = _municipalities(row.get("municipalities", ""))
            except ValueError as exc:
                fail("municipalities", str(exc))
            if organisation is not None and not row_errors:
                try:
                    with transaction.atomic():
                        existing = NetworkService.objects.filter(
                            organisation=organisation, name__iexact=fields.get("name", "")
                        ).first()
                        if existing is None:
                            service = service_create(
                                by=None, organisation=organisation, municipalities=municipalities, **fields
                            )
                            created += 1
                        else:
                            service = service_update(
                                by=None, service=existing, municipalities=municipalities, **fields
                            )
                            updated += 1
                        if free_places != service.free_places and (
                            free_places is not None or service.capacity
                        ):
                            service_update_capacity(by=None, service=service, free_places=free_places)
                except ValidationError as exc:
                    for column, messages in exc.message_dict.items():
                        for message in messages:
                            fail(column if column in COLUMNS else "", message)
            errors.extend(row_errors)
        if errors:
            transaction.set_rollback(True)
    if errors:
        raise ImportFailed(errors)
    return created, updated


def export_text(services: Iterable[NetworkService]) -> str:
    out = io.StringIO()
    export_csv(services, out)
    return out.getvalue()
