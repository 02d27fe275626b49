"""Erasure: the person and everything about them goes, everywhere, and only the audit record remains."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command

from strom.audit.models import AuditEntry
from strom.audit.selectors import verify_chain
from strom.cases import related
from strom.cases.models import Case, Person
from strom.cases.services_retention import person_erase
from strom.core.errors import NotAllowed
from tests.rights_data import full_person

pytestmark = pytest.mark.django_db


def _everything(person: Person) -> dict[Any, set[Any]]:
    return related.collect({Person: {person.pk}})


def test_erasure_removes_every_row_of_every_part_of_every_case_and_the_files(
    cast: Any, django_capture_on_commit_callbacks: Any
) -> None:
    person, cases = full_person(cast)
    other, _ = full_person(cast, "p2", cases=1)
    before = _everything(person)
    files = [f for model, pks in before.items() for f in related.stored_files(model, pks)]
    walked = {related.label(m) for m in before}
    # Every part of a case that exists in the code base has a row here, so it is really erased.
    expected = {related.label(m) for m in related.owned_models() if not m._meta.auto_created}
    assert expected <= walked, f"no test row for {sorted(expected - walked)}"
    assert files, "the fixture has document files"
    assert all(f.storage.exists(f.name) for f in files)
    other_rows = _everything(other)

    with django_capture_on_commit_callbacks(execute=True):
        summary = person_erase(by=cast.users["supervisor_a"], person=person, reason="request 2025-17")

    assert sorted(summary.case_refs) == sorted(c.ref for c in cases)
    assert summary.counts["cases.case"] == 2
    assert related.remaining_references(before) == {}
    for model, pks in before.items():
        assert not model._base_manager.filter(pk__in=pks).exists(), related.label(model)
    assert not any(f.storage.exists(f.name) for f in files)
    # The other person is untouched.
    assert _everything(other) == other_rows
    assert all(
        default_storage.exists(f.name) for m, p in other_rows.items() for f in related.stored_files(m, p)
    )


def test_erasure_leaves_one_audit_record_with_refs_counts_and_reason_and_the_chain_verifies(
    cast: Any,
) -> None:
    person, cases = full_person(cast, cases=1)
    person_erase(by=cast.users["supervisor_a"], person=person, reason="request 2025-18")
    entry = AuditEntry.objects.get(action="person.erase")
    assert entry.object_ref == str(person.pk)
    assert entry.reason == "request 2025-18"
    assert entry.details["cases"] == [cases[0].ref]
    assert entry.details["counts"]["cases.person"] == 1
    assert "Ivanova" not in str(entry.details)
    assert "Jūlija" not in str(entry.details)
    report = verify_chain()
    assert report.intact, report.message


def test_dry_run_removes_nothing(cast: Any) -> None:
    person, _ = full_person(cast, cases=1)
    before = _everything(person)
    summary = person_erase(by=cast.users["supervisor_a"], person=person, reason="check", dry_run=True)
    assert summary.dry_run
    assert summary.counts["cases.case"] == 1
    assert _everything(person) == before
    assert not AuditEntry.objects.filter(action="person.erase").exists()


def test_erasure_requires_a_reason(cast: Any) -> None:
    person, _ = full_person(cast, cases=1)
    with pytest.raises(ValidationError) as exc:
        person_erase(by=cast.users["supervisor_a"], person=person, reason="  ")
    assert "reason" in exc.value.message_dict
    assert Person.objects.filter(pk=person.pk).exists()


@pytest.mark.parametrize("persona", ["caseworker_a", "supervisor_b", "orgadmin_a", "analyst_a", "outsider"])
def test_only_a_supervisor_of_the_cases_or_a_system_admin_may_erase(cast: Any, persona: str) -> None:
    person, _ = full_person(cast, cases=1)
    with pytest.raises(NotAllowed):
        person_erase(by=cast.users[persona], person=person, reason="request")
    assert Person.objects.filter(pk=person.pk).exists()


def test_system_admin_may_erase_with_a_reason(cast: Any) -> None:
    person, _ = full_person(cast, cases=1)
    person_erase(by=cast.users["sysadmin"], person=person, reason="DPO ticket 41")
    assert not Person.objects.filter(pk=person.pk).exists()


def test_cli_erase_dry_run_lists_counts_and_changes_nothing(cast: Any, capsys: Any) -> None:
    _person, cases = full_person(cast, cases=1)
    call_command(
        "person", "erase", cases[0].ref, "--by", "supervisor_a@example.test", "--reason", "req", "--dry-run"
    )
    out = capsys.readouterr().out
    assert cases[0].ref in out
    assert "cases.case: 1" in out
    assert "Ivanova" not in out
    assert Case.objects.filter(pk=cases[0].pk).exists()


def test_cli_erase_with_yes_erases(cast: Any, capsys: Any) -> None:
    person, cases = full_person(cast, cases=1)
    call_command(
        "person", "erase", cases[0].ref, "--by", "supervisor_a@example.test", "--reason", "req", "--yes"
    )
    assert not Person.objects.filter(pk=person.pk).exists()
    assert "Erased" in capsys.readouterr().out


def test_cli_erase_refuses_a_user_who_cannot_see_the_case(cast: Any) -> None:
    person, cases = full_person(cast, cases=1)
    with pytest.raises(CommandError, match="No case with this reference"):
        call_command(
            "person", "erase", cases[0].ref, "--by", "supervisor_b@example.test", "--reason", "r", "--yes"
        )
    assert Person.objects.filter(pk=person.pk).exists()
