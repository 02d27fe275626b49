"""Duplicate detection across scripts, what a user is shown, and merging with its undo."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from strom.audit.models import AuditEntry
from strom.cases.models import Case, Person, PersonNameKey
from strom.cases.tests.factories import make_case
from strom.core.errors import NotAllowed
from strom.linkage.engine import connect, find_pairs
from strom.linkage.features import PersonRecord, feature_columns, phonetic_key
from strom.linkage.models import CandidatePair, PairStatus, PendingCheck
from strom.linkage.selectors import duplicates_for_user, open_pairs_for
from strom.linkage.services import (
    duplicates_find,
    merge_undo,
    pair_dismiss,
    pending_checks_run,
    persons_merge,
)
from strom.linkage.tests.factories import make_pair
from tests.personas import Cast

# Distinct synthetic persons, so that the model has non-matching pairs to learn from.
GIVEN = ["Anna", "Marta", "Ilze", "Rūta", "Olga", "Nadia", "Eva", "Liga", "Inga", "Zane", "Dace", "Maija"]
FAMILY = ["Liepa", "Kalniņa", "Ozola", "Bērziņa", "Petrova", "Smirnova", "Kowalska", "Virtanen", "Jansone"]


def _others(start: int) -> list[PersonRecord]:
    records = []
    for i, (given, family) in enumerate((g, f) for g in GIVEN for f in FAMILY):
        born = f"{1960 + i % 40}-{1 + i % 12:02d}-{1 + i % 28:02d}"
        records.append(PersonRecord(start + i, given, family, born, "Feminine"))
    return records


def test_names_fold_across_scripts_to_one_phonetic_key() -> None:
    from strom.crypto.service import normalise_name

    keys = {phonetic_key(normalise_name(n)) for n in ("Юлия", "Julija", "Yuliya", "Iuliia", "Jūlija")}
    assert len(keys) == 1
    assert phonetic_key("ivanova") != phonetic_key("petrova")


def test_the_same_person_across_scripts_is_found_and_a_stranger_is_not() -> None:
    known = [
        PersonRecord(1, "Юлия", "Иванова", "1990-03-12", "Feminine"),
        PersonRecord(2, "Julija", "Ivanova", "1990-03-12", "Feminine"),
        PersonRecord(3, "Ivanova", "Yulia", "1990-12-03", ""),  # swapped order, day and month swapped
        PersonRecord(4, "Jūlija", "Ivanovva", "1990-03-12", "Feminine"),  # diacritic and a typo
        PersonRecord(5, "Anna", "Ivanova", "1971-08-30", "Feminine"),  # shares a surname only
    ]
    pairs = {(p.a, p.b): p.probability for p in find_pairs(feature_columns(known + _others(100)))}

    for pair in [(1, 2), (1, 3), (1, 4), (2, 3), (2, 4), (3, 4)]:
        assert pairs.get(pair, 0) >= 0.5, pair
    assert not [pair for pair in pairs if 5 in pair]
    assert not [pair for pair in pairs if pair[0] >= 100], "two different synthetic persons were paired"


def test_the_engine_cannot_spill_to_disk_or_open_files() -> None:
    con = connect()
    try:
        assert con.sql("SELECT current_setting('temp_directory')").fetchone() == ("",)
        with pytest.raises(Exception, match=r"disabled|Permission"):
            con.sql("COPY (SELECT 1) TO '/tmp/strom-linkage-leak.csv'")
    finally:
        con.close()


def test_a_user_gets_only_pairs_among_persons_they_may_see(cast: Cast) -> None:
    for given, family in (("Юлия", "Иванова"), ("Julija", "Ivanova")):
        make_case(cast, "a", given_name=given, family_name=family, birth_date="1990-03-12", gender="Feminine")
    # The same person also recorded in Vilnius: caseworker_a may not see that record.
    other = make_case(cast, "b", given_name="Yuliya", family_name="Ivanova", birth_date="1990-03-12")
    for i, (given, family) in enumerate((g, f) for g in GIVEN[:6] for f in FAMILY[:5]):
        make_case(
            cast, "a", given_name=given, family_name=family, birth_date=f"{1960 + i}-0{1 + i % 9}-1{i % 9}"
        )

    found = duplicates_for_user(by=cast.users["caseworker_a"], min_probability=0.5)

    refs_a = set(Case.objects.filter(organisation=cast.org_a).values_list("ref", flat=True))
    assert len(found) == 1
    assert {found[0].a_ref, found[0].b_ref} <= refs_a
    assert other.ref not in {r for f in found for r in (f.a_ref, f.b_ref)}
    assert AuditEntry.objects.filter(action="person.view", actor_id=cast.users["caseworker_a"].pk).exists()


def test_stored_pairs_are_shown_only_to_those_who_see_both_persons(cast: Cast) -> None:
    across = make_pair(cast, "a", other_org="b")
    inside = make_pair(cast, "a")
    assert list(open_pairs_for(cast.users["caseworker_a"])) == [inside]
    assert list(open_pairs_for(cast.users["caseworker_b"])) == []
    with pytest.raises(NotAllowed):
        persons_merge(by=cast.users["supervisor_a"], pair=across, keep=across.person_a)


def test_the_command_lists_pairs_as_csv_and_json(cast: Cast) -> None:
    for given, family, source in (("Юлия", "Иванова", "x-1"), ("Julija", "Ivanova", "x-2")):
        person = make_case(cast, "a", given_name=given, family_name=family, birth_date="1990-03-12").person
        Person.objects.filter(pk=person.pk).update(source_id=source)
    for i, family in enumerate(FAMILY):
        make_case(cast, "a", given_name=GIVEN[i], family_name=family, birth_date=f"19{50 + i}-0{1 + i}-2{i}")

    out = StringIO()
    call_command(
        "person", "duplicates", "--by", cast.users["caseworker_a"].email, "--format", "json", stdout=out
    )
    rows = json.loads(out.getvalue())
    assert len(rows) == 1
    assert {rows[0]["a_source_id"], rows[0]["b_source_id"]} == {"x-1", "x-2"}
    assert set(rows[0]) == {"a_ref", "a_source_id", "b_ref", "b_source_id", "probability"}

    out = StringIO()
    call_command(
        "person", "duplicates", "--by", cast.users["caseworker_a"].email, "--format", "csv", stdout=out
    )
    assert out.getvalue().splitlines()[0] == "a_ref,a_source_id,b_ref,b_source_id,probability"


def test_merge_moves_the_cases_and_undo_restores_both(cast: Cast) -> None:
    pair = make_pair(cast)
    kept, merged = pair.person_a, pair.person_b
    merged_case = Case.objects.get(person=merged)
    keys_before = set(PersonNameKey.objects.filter(person=kept).values_list("key", flat=True))

    record = persons_merge(by=cast.users["caseworker_a"], pair=pair, keep=kept)

    merged_case.refresh_from_db()
    kept.refresh_from_db()
    assert merged_case.person_id == kept.pk
    assert (
        "Julija Ivanova" in kept.other_names.splitlines() or "Юлия Иванова" in kept.other_names.splitlines()
    )
    assert CandidatePair.objects.get(pk=pair.pk).status == PairStatus.MERGED
    assert AuditEntry.objects.filter(action="person.merge", object_ref=str(kept.pk)).exists()
    assert AuditEntry.objects.filter(action="case.person_merge", object_ref=merged_case.ref).exists()
    with pytest.raises(ValidationError, match="already been decided"):
        persons_merge(by=cast.users["caseworker_a"], pair=pair, keep=kept)

    merge_undo(by=cast.users["caseworker_a"], merge=record)

    merged_case.refresh_from_db()
    kept.refresh_from_db()
    assert merged_case.person_id == merged.pk
    assert kept.other_names == ""
    assert set(PersonNameKey.objects.filter(person=kept).values_list("key", flat=True)) == keys_before
    assert CandidatePair.objects.get(pk=pair.pk).status == PairStatus.OPEN
    with pytest.raises(ValidationError, match="already been undone"):
        merge_undo(by=cast.users["caseworker_a"], merge=record)


def test_a_merge_cannot_be_undone_after_the_grace_period(cast: Cast) -> None:
    pair = make_pair(cast)
    record = persons_merge(by=cast.users["caseworker_a"], pair=pair, keep=pair.person_b)
    record.undo_until = timezone.now() - dt.timedelta(seconds=1)
    record.save(update_fields=["undo_until"])
    with pytest.raises(ValidationError, match="time to undo"):
        merge_undo(by=cast.users["caseworker_a"], merge=record)
    assert Case.objects.filter(person=pair.person_a).count() == 0


def test_only_the_organisation_merges_or_dismisses(cast: Cast) -> None:
    pair = make_pair(cast)
    with pytest.raises(NotAllowed):
        persons_merge(by=cast.users["caseworker_b"], pair=pair, keep=pair.person_a)
    with pytest.raises(NotAllowed):
        pair_dismiss(by=cast.users["caseworker_b"], pair=pair)
    assert CandidatePair.objects.get(pk=pair.pk).status == PairStatus.OPEN
    pair_dismiss(by=cast.users["caseworker_a"], pair=pair)
    assert CandidatePair.objects.get(pk=pair.pk).status == PairStatus.DISMISSED


def test_opening_a_case_queues_the_person_for_the_worker(
    cast: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    for i, family in enumerate(FAMILY):
        make_case(cast, "a", given_name=GIVEN[i], family_name=family, birth_date=f"19{50 + i}-0{1 + i}-2{i}")
    first = make_case(cast, "a", given_name="Юлия", family_name="Иванова", birth_date="1990-03-12")
    with django_capture_on_commit_callbacks(execute=True):
        second = make_case(cast, "a", given_name="Iuliia", family_name="Ivanova", birth_date="1990-03-12")
    assert PendingCheck.objects.filter(person=second.person).exists()

    assert pending_checks_run() == 1

    pair = CandidatePair.objects.get()
    assert {pair.person_a_id, pair.person_b_id} == {first.person_id, second.person_id}
    assert not PendingCheck.objects.exists()


def test_the_system_wide_run_lists_pairs_across_organisations_for_system_admins_only(cast: Cast) -> None:
    first = make_case(cast, "a", given_name="Юлия", family_name="Иванова", birth_date="1990-03-12")
    second = make_case(cast, "b", given_name="Yuliya", family_name="Ivanova", birth_date="1990-03-12")
    for i, family in enumerate(FAMILY):
        make_case(cast, "a", given_name=GIVEN[i], family_name=family, birth_date=f"19{50 + i}-0{1 + i}-2{i}")

    out = StringIO()
    call_command(
        "person", "duplicates", "--by", cast.users["sysadmin"].email, "--all", "--format", "json", stdout=out
    )
    rows = json.loads(out.getvalue())
    assert [{row["a_ref"], row["b_ref"]} for row in rows] == [{first.ref, second.ref}]

    with pytest.raises(NotAllowed):
        call_command(
            "person", "duplicates", "--by", cast.users["caseworker_a"].email, "--all", stdout=StringIO()
        )


def test_a_handful_of_records_with_no_certain_pair_still_finds_the_likely_one() -> None:
    # A small organisation (the demo's) has no pair certain enough to estimate the prior from: the
    # default prior stands, and the spelling variant is still found.
    records = [
        PersonRecord(1, "Anna", "Bērziņa", "1990-01-02", "Female"),
        PersonRecord(2, "Jānis", "Ozols", "1985-03-04", "Male"),
        PersonRecord(3, "Ivan", "Petrov", "", ""),
        PersonRecord(4, "Olga", "Smirnova", "1979-12-30", "Female"),
        PersonRecord(5, "Aina", "Kalniņa", "2001-07-07", "Female"),
        PersonRecord(6, "Anna", "Berzina", "1990-01-02", "Female"),
    ]
    assert find_pairs(feature_columns(records[:5])) == []
    assert [(p.a, p.b) for p in find_pairs(feature_columns(records))] == [(1, 6)]


def test_the_review_list_keeps_pairs_at_the_configured_probability_and_the_command_from_one_half(
    cast: Cast, settings: Any
) -> None:
    assert settings.STROM_LINKAGE_MIN_PROBABILITY == 0.8  # where precision was >= 0.99 at 1M records
    for given, family in (("Юлия", "Иванова"), ("Julija", "Ivanova")):
        make_case(cast, "a", given_name=given, family_name=family, birth_date="1990-03-12")
    for i, family in enumerate(FAMILY):
        make_case(cast, "a", given_name=GIVEN[i], family_name=family, birth_date=f"19{50 + i}-0{1 + i}-2{i}")
    email = cast.users["caseworker_a"].email
    (found,) = duplicates_for_user(by=cast.users["caseworker_a"], min_probability=0.0)
    assert found.probability < 1.0

    # Above the pair's probability: the review list does not keep it, nor the command when asked for more.
    above = (found.probability + 1.0) / 2
    settings.STROM_LINKAGE_MIN_PROBABILITY = above
    assert duplicates_find(by=cast.users["supervisor_a"]) == 0
    assert not CandidatePair.objects.exists()
    out = StringIO()
    call_command(
        "person", "duplicates", "--by", email, "--min-probability", str(above), "--format", "json", stdout=out
    )
    assert json.loads(out.getvalue()) == []

    settings.STROM_LINKAGE_MIN_PROBABILITY = found.probability
    assert duplicates_find(by=cast.users["supervisor_a"]) == 1
    # The command lists from 0.5 unless told otherwise, as its interface says, whatever the setting.
    assert found.probability >= 0.5
    settings.STROM_LINKAGE_MIN_PROBABILITY = above
    out = StringIO()
    call_command("person", "duplicates", "--by", email, "--format", "json", stdout=out)
    assert [{r["a_ref"], r["b_ref"]} for r in json.loads(out.getvalue())] == [{found.a_ref, found.b_ref}]
