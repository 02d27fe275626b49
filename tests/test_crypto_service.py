"""AES-256-GCM values and keyed blind indexes."""

from __future__ import annotations

import base64

import pytest
from django.db import connection

from strom.accounts.models import User
from strom.crypto import service
from strom.crypto.keys import key_ring, new_key_ring

CONTEXT = "accounts.user.full_name"


def test_round_trip_keeps_the_text_and_hides_it() -> None:
    token = service.encrypt("Zanda Ozoliņa-Bērziņa", context=CONTEXT)
    assert token.startswith(f"v1${key_ring().current}$")
    assert "Zanda" not in token
    assert service.decrypt(token, context=CONTEXT) == "Zanda Ozoliņa-Bērziņa"


def test_the_same_text_encrypts_differently_every_time() -> None:
    assert service.encrypt("Anna", context=CONTEXT) != service.encrypt("Anna", context=CONTEXT)


def test_tampered_ciphertext_does_not_decrypt() -> None:
    prefix, kid, payload = service.encrypt("Anna Bērziņa", context=CONTEXT).split("$")
    raw = bytearray(base64.b64decode(payload))
    raw[-1] ^= 1
    with pytest.raises(service.DecryptionError):
        service.decrypt(f"{prefix}${kid}${base64.b64encode(bytes(raw)).decode()}", context=CONTEXT)


def test_a_value_moved_to_another_column_does_not_decrypt() -> None:
    token = service.encrypt("Anna Bērziņa", context=CONTEXT)
    with pytest.raises(service.DecryptionError):
        service.decrypt(token, context="cases.person.full_name")


def test_a_value_under_an_unknown_key_id_does_not_decrypt() -> None:
    token = service.encrypt("Anna", context=CONTEXT)
    forged = "v1$zz9$" + token.split("$")[2]
    with pytest.raises(service.DecryptionError, match="unknown key id"):
        service.decrypt(forged, context=CONTEXT)


def test_a_value_under_another_installations_key_does_not_decrypt() -> None:
    token = service.encrypt("Anna", context=CONTEXT, ring=new_key_ring())
    with pytest.raises(service.DecryptionError):
        service.decrypt(token, context=CONTEXT)


@pytest.mark.parametrize(
    "spelling",
    [
        "Jūlija Ivanova",
        "Yulia Ivanova",
        "Julija Ivanova",
        "Iuliia Ivanova",
        "Julia Iwanowa",
        "Ivanova Julija",
    ],
)
def test_name_index_finds_transliterations_of_a_cyrillic_name(spelling: str) -> None:
    assert service.name_index(spelling) == service.name_index("Юлия Иванова")


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Шевченко", "Shevchenko"),
        ("Ševčenko", "Szewczenko"),
        ("Наталья", "Natalja"),
        ("Алексей", "Aleksejs"),
        ("Елена", "Jelena"),
        ("Müller", "Mueller"),
        ("Zanda Ozoliņa-Bērziņa", "ZANDA OZOLINA BERZINA"),
    ],
)
def test_name_index_folds_diacritics_and_transcriptions(one: str, other: str) -> None:
    assert service.name_index(one) == service.name_index(other)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Julia Ivanova", "Maria Ivanova"),
        ("Ivanova", "Ivanov"),
        ("Anna Bērziņa", "Anna Ozoliņa"),
        ("Anna", ""),
    ],
)
def test_name_index_tells_different_names_apart(one: str, other: str) -> None:
    assert service.name_index(one) != service.name_index(other)


def test_name_token_indexes_find_a_full_name_by_its_surname() -> None:
    assert service.name_token_indexes("Iwanowa")[0] in service.name_token_indexes("Юлия Иванова")


def test_document_numbers_ignore_case_spaces_and_punctuation() -> None:
    assert service.blind_index("lv 12-34 567", kind="document") == service.blind_index(
        "LV1234567", kind="document"
    )
    assert service.blind_index("LV1234568", kind="document") != service.blind_index(
        "LV1234567", kind="document"
    )


def test_blind_index_is_useless_without_the_key() -> None:
    ring = key_ring()
    other = new_key_ring()
    assert service.name_index("Anna", ring=ring) != service.name_index("Anna", ring=other)


@pytest.mark.django_db
def test_encrypted_field_stores_ciphertext_and_finds_by_blind_index() -> None:
    user = User.objects.create_user("zanda@example.test", full_name="Zanda Ozoliņa-Bērziņa")
    with connection.cursor() as cursor:
        cursor.execute("SELECT full_name, full_name_index FROM accounts_user WHERE id = %s", [user.pk])
        stored, index = cursor.fetchone()
    assert service.is_encrypted(stored)
    assert "Zanda" not in stored
    assert User.objects.get(pk=user.pk).full_name == "Zanda Ozoliņa-Bērziņa"
    assert User.objects.get(full_name_index=service.name_index("zanda ozolina berzina")) == user
    assert index == service.name_index("Bērziņa Zanda Ozoliņa")


@pytest.mark.django_db
def test_text_that_looks_like_ciphertext_is_still_encrypted() -> None:
    user = User.objects.create_user("odd@example.test", full_name="v1$k1$abc")
    with connection.cursor() as cursor:
        cursor.execute("SELECT full_name FROM accounts_user WHERE id = %s", [user.pk])
        (stored,) = cursor.fetchone()
    assert stored != "v1$k1$abc"
    assert User.objects.get(pk=user.pk).full_name == "v1$k1$abc"


@pytest.mark.django_db
def test_encrypted_fields_cannot_be_filtered_on() -> None:
    with pytest.raises(TypeError, match="blind index"):
        User.objects.filter(full_name="Anna").exists()
