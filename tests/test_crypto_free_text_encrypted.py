"""Free text that can hold a name or a small place: an event's city or town and the court or authority
of proceedings. Both are encrypted at rest (docs/security.md), and the migration that made them so
encrypts the values already stored without losing one."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from django.db import connection

from strom.casefile.models import TraffickingEvent
from strom.casefile.services import event_record
from strom.cases.tests.factories import make_case
from strom.crypto import service
from strom.crypto.in_place import encrypt_column
from strom.stages.models import Proceeding
from strom.stages.services import proceeding_record
from tests.personas import Cast, build_cast
from tests.test_crypto_dump import _dump_database, _spellings

CITY = "Viesīte"
AUTHORITY = "Sēlpils pagasta tiesnese Mirdza Kalniņa"

COLUMNS = (
    ("casefile_traffickingevent", "city", "casefile.traffickingevent.city"),
    ("cases_proceeding", "authority", "cases.proceeding.authority"),
)


def _seed(cast: Cast) -> tuple[TraffickingEvent, Proceeding]:
    case = make_case(cast)
    worker = cast.users["caseworker_a"]
    event = event_record(by=worker, case=case, event_type="Exploitation", country="LV", city=CITY)
    proceeding = proceeding_record(by=worker, case=case, kind="criminal", role="victim", authority=AUTHORITY)
    return event, proceeding


def _raw(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608 (constants)
        value: str = cursor.fetchone()[0]
    return value


@pytest.mark.django_db(transaction=True)
def test_city_and_authority_are_not_in_plaintext_in_a_database_dump() -> None:
    event, proceeding = _seed(build_cast())

    dump = _dump_database()

    assert "casefile_traffickingevent" in dump
    assert "cases_proceeding" in dump
    folded = dump.casefold()
    leaks = sorted(form for text in (CITY, AUTHORITY) for form in _spellings(text) if form in folded)
    assert leaks == []
    # The values are stored, as ciphertext, and read back whole.
    assert service.is_encrypted(_raw("casefile_traffickingevent", "city", event.pk))
    assert TraffickingEvent.objects.get(pk=event.pk).city == CITY
    assert Proceeding.objects.get(pk=proceeding.pk).authority == AUTHORITY


@pytest.mark.django_db
def test_the_migration_encrypts_stored_plaintext_in_place_and_back(cast: Cast) -> None:
    event, proceeding = _seed(cast)
    rows = {"casefile_traffickingevent": (event.pk, CITY), "cases_proceeding": (proceeding.pk, AUTHORITY)}
    empty = make_case(cast)
    blank = event_record(by=cast.users["caseworker_a"], case=empty, event_type="Transit")
    # As before the migration: the plain text in the column.
    with connection.cursor() as cursor:
        for table, column, _context in COLUMNS:
            pk, text = rows[table]
            cursor.execute(f"UPDATE {table} SET {column} = %s WHERE id = %s", [text, pk])  # noqa: S608
    # The operation reads only the editor's connection; it never looks at the historical apps.
    editor: Any = SimpleNamespace(connection=connection)
    apps: Any = None

    for table, column, context in COLUMNS:
        operation = encrypt_column(table, column, context)
        operation.code(apps, editor)
        pk, text = rows[table]
        stored = _raw(table, column, pk)
        assert service.is_encrypted(stored)
        assert service.decrypt(stored, context=context) == text
        operation.code(apps, editor)  # run again (an interrupted migration): nothing changes
        assert _raw(table, column, pk) == stored
        assert operation.reverse_code is not None
        operation.reverse_code(apps, editor)
        assert _raw(table, column, pk) == text
        operation.code(apps, editor)

    assert TraffickingEvent.objects.get(pk=event.pk).city == CITY
    assert Proceeding.objects.get(pk=proceeding.pk).authority == AUTHORITY
    assert _raw("casefile_traffickingevent", "city", blank.pk) == ""
