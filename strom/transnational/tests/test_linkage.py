"""The cross-instance person check: keyed encodings of names and birth year, answered yes or no."""

from __future__ import annotations

import json
import secrets
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from strom.audit.models import AuditEntry
from strom.cases.tests.factories import make_case
from strom.transnational import linkage
from strom.transnational.envelope import receipt_claims
from strom.transnational.keys import instance_keys
from strom.transnational.models import Partner, ReceivedMessage
from strom.transnational.services_messages import message_receive, person_check
from strom.transnational.tests.factories import (
    from_partner,
    give_cross_border_consent,
    make_partner,
    partner_keys,
    this_instance,
)
from tests.personas import Cast

KEY = secrets.token_bytes(32)


@pytest.mark.parametrize(
    "other",
    ["Юлия Иванова", "Julija Ivanova", "Yulia Ivanova", "Ivanova Jūlija", "Julija Ivanowa", "Iuliia Ivanova"],
)
def test_spellings_of_one_name_match(other: str) -> None:
    query = linkage.encode(["Jūlija Ivanova"], 1994, KEY)
    assert linkage.matches(query, [other], 1994, KEY)


@pytest.mark.parametrize(
    ("other", "year"), [("Olga Petrova", 1994), ("Marija Kalnina", 1994), ("Julija Ivanova", 1971)]
)
def test_other_people_do_not_match(other: str, year: int) -> None:
    query = linkage.encode(["Jūlija Ivanova"], 1994, KEY)
    assert not linkage.matches(query, [other], year, KEY)


def test_a_birth_year_one_off_still_matches_and_an_unknown_year_does_not_block() -> None:
    query = linkage.encode(["Julija Ivanova"], 1994, KEY)
    assert linkage.matches(query, ["Julija Ivanova"], 1995, KEY)
    assert linkage.matches(query, ["Julija Ivanova"], None, KEY)


def test_the_encoding_depends_on_the_key_and_carries_no_name() -> None:
    a = linkage.encode(["Julija Ivanova"], 1994, KEY).to_json()
    b = linkage.encode(["Julija Ivanova"], 1994, secrets.token_bytes(32)).to_json()
    assert a != b
    assert "ivan" not in json.dumps(a).lower()
    assert not linkage.matches(linkage.Encoding.from_json(b), ["Julija Ivanova"], 1994, KEY)


@pytest.mark.django_db
def test_both_instances_derive_the_same_key(cast: Cast) -> None:
    partner = make_partner(cast)
    ours = linkage.shared_key(partner)
    theirs = linkage.shared_key(this_instance(), keys=partner_keys())
    assert ours == theirs


def _ask(partner: Partner, names: list[str], year: int | None) -> Any:
    key = linkage.shared_key(this_instance(), keys=partner_keys())
    body = {"encoding": linkage.encode(names, year, key).to_json()}
    return message_receive(from_partner(partner, "person.check", body))


@pytest.mark.django_db
def test_the_partner_answers_yes_or_no_in_its_signed_receipt(cast: Cast) -> None:
    partner = make_partner(cast)
    make_case(cast, "b", given_name="Юлия", family_name="Иванова", birth_date="1994-03-02")
    yes = _ask(partner, ["Julija Ivanova"], 1994)
    no = _ask(partner, ["Olga Petrova"], 1994)
    assert yes.status == no.status == 200
    as_partner = Partner(jwks=instance_keys().public_jwks())
    ids = list(
        ReceivedMessage.objects.filter(kind="person.check")
        .order_by("id")
        .values_list("message_id", flat=True)
    )
    first, second = (
        receipt_claims(as_partner, yes.receipt, ids[0]),
        receipt_claims(as_partner, no.receipt, ids[1]),
    )
    assert first is not None
    assert second is not None
    assert (first["answer"], second["answer"]) == (True, False)
    assert set(first) == {"answer", "for", "status", "iat"}, "no score, no record"
    assert AuditEntry.objects.filter(action="transnational.person_check_answered").count() == 2


@pytest.mark.django_db
def test_a_partner_that_probes_too_often_is_refused(cast: Cast, monkeypatch: Any) -> None:
    from strom.transnational import services_messages

    monkeypatch.setattr(services_messages, "CHECKS_PER_DAY", 2)
    partner = make_partner(cast)
    assert _ask(partner, ["A B"], None).status == 200
    assert _ask(partner, ["C D"], None).status == 200
    assert _ask(partner, ["E F"], None).code == "too_many_checks"


@pytest.mark.django_db
def test_asking_needs_the_persons_consent_to_the_transfer(cast: Cast) -> None:
    partner = make_partner(cast)
    case = make_case(cast, "a")
    with pytest.raises(ValidationError, match="consent"):
        person_check(by=cast.users["supervisor_a"], case=case, partner=partner)
    give_cross_border_consent(cast, case)
    # Nothing listens at the partner's address in these tests: said, not a traceback.
    with pytest.raises(ValidationError, match="could not be reached"):
        person_check(by=cast.users["supervisor_a"], case=case, partner=partner)


@pytest.mark.parametrize(
    "names",
    [
        ["Ян Ли"],
        ["Jūlija Ivanova"],
        ["Юлия Иванова", "Julija Ivanova-Petrova", "Yulia Aleksandrovna Ivanova"],
    ],
)
def test_every_encoding_has_the_same_weight_whatever_the_names(names: list[str]) -> None:
    plain = linkage.bloom(names, KEY)
    balanced = linkage.encode(names, None, KEY).bloom
    assert balanced.bit_count() == linkage.BLOOM_BITS
    assert balanced < 1 << linkage.BALANCED_BITS
    assert linkage.unbalance(balanced, KEY) == plain
    # Not the filter and its complement side by side: the positions are shuffled under the key.
    assert balanced != plain | ((~plain & ((1 << linkage.BLOOM_BITS) - 1)) << linkage.BLOOM_BITS)


def test_the_balanced_encoding_still_finds_one_person_across_scripts_and_no_one_else() -> None:
    cyrillic = linkage.encode(["Юлия Иванова"], 1994, KEY)
    assert linkage.matches(cyrillic, ["Julija Ivanova"], 1994, KEY)
    assert linkage.matches(linkage.encode(["Julija Ivanova"], 1994, KEY), ["Юлия Иванова"], 1994, KEY)
    for other in ("Olga Petrova", "Юлия Петрова", "Ivan Ivanov", "Marija Kalnina"):
        assert not linkage.matches(cyrillic, [other], 1994, KEY), other
    other_key = secrets.token_bytes(32)
    with pytest.raises(ValueError, match="not a balanced filter"):
        linkage.matches(cyrillic, ["Julija Ivanova"], None, other_key)


@pytest.mark.django_db
def test_a_filter_that_is_not_balanced_under_the_shared_key_is_refused(cast: Cast) -> None:
    partner = make_partner(cast)
    key = linkage.shared_key(this_instance(), keys=partner_keys())
    plain = linkage.bloom(["Julija Ivanova"], key)
    unbalanced = linkage.Encoding(plain, frozenset()).to_json()
    answer = message_receive(from_partner(partner, "person.check", {"encoding": unbalanced}))
    assert (answer.status, answer.code) == (400, "malformed")
    assert not ReceivedMessage.objects.filter(kind="person.check").exists()
