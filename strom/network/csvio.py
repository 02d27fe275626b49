"""The directory as CSV: export of what a user may see, import that is all-or-nothing with row errors."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from strom.audit.actors import NETWORK_IMPORT
from strom.core.numbers import whole_number
from strom.core.spreadsheets import CsvWriter, FileRejected, Limits, Record, RowError, read_csv
from strom.directory.models import Municipality, Organisation
from strom.network.forms import hours_from_text, hours_to_text
from strom.network.models import NetworkService
from strom.network.services import MAX_PLACES, service_create, service_update, service_update_capacity

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
REQUIRED = ("organisation", "organisation_country", "service_type", "name")
LIMITS = Limits(max_bytes=20 * 1024 * 1024, max_rows=100_000)


class ImportFailed(Exception):
    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(f"{len(errors)} errors")
        self.errors = errors


def export_csv(services: Iterable[NetworkService], out: IO[str]) -> int:
    writer = CsvWriter(out, lineterminator="\r\n")
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
    number = whole_number(value)
    if number is None or number > MAX_PLACES:
        raise ValueError(
            _("Write a whole number from 0 to %(max)d in the digits 0-9, or leave it empty.")
            % {"max": MAX_PLACES}
        )
    return number


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


@dataclass
class _Row:
    """A checked row, ready to write."""

    row: int
    values: dict[str, str]
    organisation: Organisation
    fields: dict[str, Any]
    municipalities: list[Municipality] | None
    free_places: int | None


def _read(data: bytes) -> list[Record]:
    """Every record of the file, or ImportFailed for a file that is not a table of services."""
    try:
        table = read_csv(data, limits=LIMITS)
        missing = [c for c in REQUIRED if c not in table.header]
        unknown = [c for c in table.header if c not in COLUMNS]
        if missing or unknown:
            raise ImportFailed(
                [RowError(1, name, "", _("The column is missing.")) for name in missing]
                + [RowError(1, name, "", _("This is not a column of the network file.")) for name in unknown]
            )
        return list(table)
    except FileRejected as exc:
        raise ImportFailed(exc.errors) from None


def _check_fields(values: dict[str, str], fail: Callable[[str, str], None]) -> dict[str, Any]:
    """The service's fields from the columns the file has; a column left out keeps what is there."""
    fields: dict[str, Any] = {name: values[name].strip() for name in TEXT if name in values}
    for name in ("countries", "languages"):
        if name in values:
            fields[name] = values[name].split()
    for name in FLAGS:
        if name in values:
            try:
                fields[name] = _flag(values[name])
            except ValueError as exc:
                fail(name, str(exc))
    if "hours" in values:
        try:
            fields["hours"] = hours_from_text("\n".join(values["hours"].split(";")))
        except ValidationError as exc:
            fail("hours", " ".join(exc.messages))
    if "capacity" in values:
        try:
            fields["capacity"] = _number(values["capacity"])
        except ValueError as exc:
            fail("capacity", str(exc))
    return fields


def _check_row(record: Record) -> tuple[_Row | None, list[RowError]]:
    values = record.values
    errors: list[RowError] = []

    def fail(column: str, why: str) -> None:
        errors.append(RowError(record.row, column, values.get(column, ""), why))

    organisation = Organisation.objects.filter(
        name__iexact=values["organisation"].strip(), country=values["organisation_country"].strip().upper()
    ).first()
    if organisation is None:
        fail("organisation", _("No organisation with this name in this country."))
    fields = _check_fields(values, fail)
    free_places: int | None = None
    try:
        free_places = _number(values.get("free_places", ""))
    except ValueError as exc:
        fail("free_places", str(exc))
    municipalities: list[Municipality] | None = None
    if "municipalities" in values:
        try:
            municipalities = _municipalities(values["municipalities"])
        except ValueError as exc:
            fail("municipalities", str(exc))
    if organisation is None or errors:
        return None, errors
    return _Row(record.row, values, organisation, fields, municipalities, free_places), []


def _write_row(row: _Row) -> bool:
    """Create or update the row's service (True if created); ValidationError as the services raise it."""
    existing = NetworkService.objects.filter(
        organisation=row.organisation, name__iexact=row.fields.get("name", "")
    ).first()
    if existing is None:
        service = service_create(
            by=NETWORK_IMPORT,
            organisation=row.organisation,
            municipalities=row.municipalities or (),
            **row.fields,
        )
    else:
        service = service_update(
            by=NETWORK_IMPORT, service=existing, municipalities=row.municipalities, **row.fields
        )
    changed = "free_places" in row.values and row.free_places != service.free_places
    if changed and (row.free_places is not None or service.capacity):
        service_update_capacity(by=NETWORK_IMPORT, service=service, free_places=row.free_places)
    return existing is None


def _write_checked(row: _Row) -> tuple[bool, list[RowError]]:
    """Write one checked row in its own savepoint: (created, problems the services found)."""
    try:
        with transaction.atomic():
            return _write_row(row), []
    except ValidationError as exc:
        return False, [
            RowError(row.row, column if column in COLUMNS else "", row.values.get(column, ""), why)
            for column, messages in exc.message_dict.items()
            for why in messages
        ]


def _import_records(records: list[Record]) -> tuple[int, int]:
    """Check and write every record inside the caller's transaction; ImportFailed with every problem
    of every row (a row checked later can depend on one written before it, so both go together)."""
    errors: list[RowError] = []
    created = updated = 0
    for record in records:
        row, problems = _check_row(record)
        if row is not None:
            was_created, problems = _write_checked(row)
            if not problems:
                created += was_created
                updated += not was_created
        errors += problems
    if errors:
        raise ImportFailed(errors)
    return created, updated


def import_csv(data: bytes) -> tuple[int, int]:
    """Create or update every row (matched by organisation name+country and service name), or nothing.

    `data` is the file as it is (the encoding is found or refused by strom.core.spreadsheets).
    Returns (created, updated). Raises ImportFailed with every problem found.
    """
    records = _read(data)
    with transaction.atomic():  # ImportFailed leaving the block rolls back every row written
        return _import_records(records)


def export_text(services: Iterable[NetworkService]) -> str:
    out = io.StringIO()
    export_csv(services, out)
    return out.getvalue()
