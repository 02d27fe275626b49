"""Retention: closed cases past their country's period are anonymised (or erased); the rest stay."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from strom.audit.models import AuditEntry
from strom.audit.selectors import verify_chain
from strom.cases import related, retention
from strom.cases.choices import CaseStatus, Stage
from strom.cases.models import Case, IdentityDocument, Person, PersonNameKey
from strom.cases.services_retention import case_anonymise
from strom.cases.tests.factories import make_case
from strom.crypto.fields import BlindIndexField, EncryptedTextField
from strom.stages.country_rules import shipped_rules
from tests.rights_data import MARKER, full_person, raw_values

pytestmark = pytest.mark.django_db

YEARS = shipped_rules("LV").retention_years_after_closure


def _close(case: Case, *, years_ago: float) -> Case:
    closed = timezone.now() - dt.timedelta(days=365.25 * years_ago)
    Case.objects.filter(pk=case.pk).update(
        stage=Stage.CLOSED, status=CaseStatus.CLOSED, closed_at=closed, closure_reason="Completed"
    )
    _conclude_proceedings(case)
    case.refresh_from_db()
    return case


def _conclude_proceedings(case: Case) -> None:
    for model in related.owned_models():
        if "proceeding" in (model._meta.model_name or "") and any(
            f.name == "status" for f in model._meta.concrete_fields
        ):
            rows = related.collect({Case: {case.pk}}).get(model, set())
            model._base_manager.filter(pk__in=rows).update(status="concluded")


def _old_person(cast: Any, tag: str = "p1", cases: int = 1) -> tuple[Person, list[Case]]:
    opened = timezone.now() - dt.timedelta(days=365 * (YEARS + 3))
    return full_person(cast, tag, cases=cases, opened_at=opened)


def _encrypted_values(rows: dict[Any, set[Any]]) -> list[Any]:
    values: list[Any] = []
    for model, pks in rows.items():
        for f in model._meta.concrete_fields:
            if isinstance(f, EncryptedTextField | BlindIndexField):
                values += [v for v in raw_values(model, f.column, pks) if v]
    return values


def test_dry_run_lists_due_cases_by_country_with_due_date_and_changes_nothing(cast: Any, capsys: Any) -> None:
    person, (case,) = _old_person(cast)
    _close(case, years_ago=YEARS + 1)
    assert case.closed_at is not None
    closed_on = timezone.localdate(case.closed_at)
    due_on = closed_on.replace(year=closed_on.year + YEARS)
    before = _encrypted_values(related.collect({Person: {person.pk}}))

    call_command("retention")

    out = capsys.readouterr().out
    assert "LV" in out
    assert shipped_rules("LV").retention_action in out
    assert case.ref in out
    assert due_on.isoformat() in out
    assert "Ivanova" not in out
    assert "Dry run" in out
    assert _encrypted_values(related.collect({Person: {person.pk}})) == before
    assert Case.objects.get(pk=case.pk).anonymised_at is None
    assert not AuditEntry.objects.filter(action__in=["case.anonymise", "case.erase"]).exists()


def test_apply_anonymises_and_keeps_the_statistical_skeleton(
    cast: Any, capsys: Any, django_capture_on_commit_callbacks: Any
) -> None:
    person, (case,) = _old_person(cast)
    _close(case, years_ago=YEARS + 1)
    rows = related.collect({Person: {person.pk}})
    files = [f for model, pks in rows.items() for f in related.stored_files(model, pks)]
    assert files
    assert _encrypted_values(rows)
    kept_rows = {m: p for m, p in rows.items() if retention.model_rule(m) != retention.DELETE}

    with django_capture_on_commit_callbacks(execute=True):
        call_command("retention", "--apply")

    case.refresh_from_db()
    person.refresh_from_db()
    assert case.anonymised_at is not None
    # Every encrypted column and blind index of every remaining row is empty in the database.
    assert _encrypted_values(kept_rows) == []
    assert not PersonNameKey.objects.filter(person=person).exists()
    assert not IdentityDocument.objects.filter(person=person).exists()
    assert not any(f.storage.exists(f.name) for f in files)
    for model, pks in rows.items():
        if retention.model_rule(model) == retention.DELETE:
            assert not model._base_manager.filter(pk__in=pks).exists(), related.label(model)
        else:
            assert model._base_manager.filter(pk__in=pks).count() == len(pks), related.label(model)
    assert (person.given_name, person.family_name, person.birth_date, person.contact) == ("", "", "", "")
    assert person.age_estimate is None
    # The skeleton: forms of exploitation, gender, citizenships, age at opening, place, dates.
    assert case.forms_of_exploitation == ["ForcedLabour"]
    assert person.citizenships == ["UA"]
    assert case.age_at_opening is not None
    assert case.municipality_id == cast.riga.pk
    assert case.closed_at is not None
    entry = AuditEntry.objects.get(action="case.anonymise")
    assert (entry.object_ref, entry.reason, entry.actor_id) == (case.ref, "retention", None)
    assert entry.details["person"] == "anonymised"
    assert verify_chain().intact
    assert "Done: 1" in capsys.readouterr().out


def test_free_text_columns_are_cleared_and_no_marker_is_left_anywhere(cast: Any) -> None:
    person, (case,) = _old_person(cast)
    _close(case, years_ago=YEARS + 1)
    case_anonymise(case=case)
    rows = related.collect({Person: {person.pk}})
    for model, pks in rows.items():
        for obj in model._base_manager.filter(pk__in=pks):
            for f in model._meta.concrete_fields:
                value = getattr(obj, f.attname)
                assert MARKER not in str(value), f"{related.label(model)}.{f.name} still holds {value!r}"


def test_a_case_not_yet_due_is_untouched(cast: Any) -> None:
    person, (case,) = _old_person(cast)
    _close(case, years_ago=YEARS - 1)
    before = _encrypted_values(related.collect({Person: {person.pk}}))
    report = retention.due_cases()
    assert case.ref not in [d.ref for d in report.due]
    call_command("retention", "--apply")
    assert Case.objects.get(pk=case.pk).anonymised_at is None
    assert _encrypted_values(related.collect({Person: {person.pk}})) == before


def test_open_cases_are_never_due(cast: Any) -> None:
    case = make_case(cast, opened_at=timezone.now() - dt.timedelta(days=365 * (YEARS + 5)))
    assert case.ref not in [d.ref for d in retention.due_cases().due]


def test_a_person_with_another_case_not_yet_due_is_kept_and_only_the_due_case_is_anonymised(
    cast: Any,
) -> None:
    person, (old, recent) = _old_person(cast, cases=2)
    _close(old, years_ago=YEARS + 1)
    case_anonymise(case=old)
    person.refresh_from_db()
    assert person.given_name.startswith("Jūlija")
    assert PersonNameKey.objects.filter(person=person).exists()
    assert _encrypted_values(related.collect({Case: {old.pk}})) == []
    assert _encrypted_values(related.collect({Case: {recent.pk}}))
    assert AuditEntry.objects.get(action="case.anonymise").details["person"] == "kept"
    # When the last case goes, the person goes with it.
    _close(recent, years_ago=YEARS + 1)
    case_anonymise(case=recent)
    person.refresh_from_db()
    assert person.given_name == ""
    assert not PersonNameKey.objects.filter(person=person).exists()


def test_a_case_with_open_proceedings_is_held_and_reported(cast: Any, capsys: Any) -> None:
    checks = retention.hold_checks()
    if not any(name.startswith("open") for name, _check in checks):
        pytest.skip("no proceedings model in this code base")
    _person, (case,) = _old_person(cast)
    _close(case, years_ago=YEARS + 1)
    proceedings = [m for m in related.owned_models() if "proceeding" in (m._meta.model_name or "")]
    rows = related.collect({Case: {case.pk}})
    for model in proceedings:
        model._base_manager.filter(pk__in=rows.get(model, set())).update(status="ongoing")
    call_command("retention", "--apply")
    out = capsys.readouterr().out
    assert "Held back: 1" in out
    assert case.ref in out
    assert Case.objects.get(pk=case.pk).anonymised_at is None


def test_report_says_when_no_hold_exists(cast: Any, capsys: Any, monkeypatch: Any) -> None:
    monkeypatch.setattr(retention, "hold_checks", list)
    call_command("retention")
    assert "Holds checked: none" in capsys.readouterr().out


def test_countries_whose_action_is_erase_have_their_due_cases_erased(cast: Any, monkeypatch: Any) -> None:
    erase_rules = shipped_rules("LV").with_values(retention={"years": YEARS, "action": "erase"})
    monkeypatch.setattr(retention, "rules_for", lambda country: erase_rules)
    person, (case,) = _old_person(cast)
    _close(case, years_ago=YEARS + 1)
    rows = related.collect({Person: {person.pk}})
    call_command("retention", "--apply")
    assert related.remaining_references(rows) == {}
    entry = AuditEntry.objects.get(action="case.erase")
    assert (entry.object_ref, entry.reason, entry.details["person"]) == (case.ref, "retention", "erased")
    assert verify_chain().intact


def test_erasing_one_due_case_keeps_the_person_and_their_other_case(cast: Any, monkeypatch: Any) -> None:
    erase_rules = shipped_rules("LV").with_values(retention={"years": YEARS, "action": "erase"})
    monkeypatch.setattr(retention, "rules_for", lambda country: erase_rules)
    person, (old, recent) = _old_person(cast, cases=2)
    _close(old, years_ago=YEARS + 1)
    call_command("retention", "--apply")
    assert not Case.objects.filter(pk=old.pk).exists()
    assert Case.objects.filter(pk=recent.pk).exists()
    person.refresh_from_db()
    assert person.given_name.startswith("Jūlija")


def test_retention_doc_embeds_the_current_per_country_table() -> None:
    from pathlib import Path

    doc = Path(__file__).resolve().parents[1] / "docs" / "retention-and-rights.md"
    text = doc.read_text(encoding="utf-8")
    embedded = text.split("<!-- retention:start -->\n", 1)[1].split("\n<!-- retention:end -->", 1)[0]
    assert embedded.strip() == retention.retention_table_markdown().strip(), "regenerate the table"
