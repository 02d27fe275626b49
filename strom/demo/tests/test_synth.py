"""`strom synth`: rows are consistent, encrypted and searchable, and the same seed gives the same people."""

from __future__ import annotations

from collections import Counter

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from django.utils import timezone

from strom.audit.models import AuditEntry
from strom.cases.choices import Stage
from strom.cases.models import Case, Person, PersonNameKey
from strom.cases.refs import REF_PATTERN
from strom.cases.selectors import search_cases
from strom.crypto import service as crypto
from strom.demo.synth import SYNTH_ACTION, SynthRefused, synth_generate, synthetic_ref
from strom.directory.models import Municipality
from strom.stages.models import CaseTask, Decision, ReflectionPeriod

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def places() -> None:
    Municipality.objects.create(country="LV", code="RIX", name="Rīga")
    Municipality.objects.create(country="LT", code="VNO", name="Vilnius")


def _names() -> list[tuple[str, str, str]]:
    return [(p.given_name, p.family_name, p.other_names) for p in Person.objects.order_by("pk")]


def test_every_case_has_a_person_with_decryptable_names_and_parts_that_match_its_stage(places: None) -> None:
    result = synth_generate(cases=60, seed=3, workers=1, batch=25, org_count=3)

    assert result.cases == 60
    assert Case.objects.count() == 60
    assert Person.objects.count() == 60
    assert all(p.given_name and p.family_name for p in Person.objects.all())
    today = timezone.localdate()
    for case in Case.objects.prefetch_related("tasks", "decisions"):
        assert REF_PATTERN.match(case.ref)
        assert case.owner is not None
        assert case.organisation_id == case.person.organisation_id
        open_due = [t.due_date for t in case.tasks.all() if t.done_at is None and t.cancelled_at is None]
        assert case.next_due_at == (min(open_due) if open_due else None)
        if case.stage in (Stage.REFLECTION, Stage.ASSISTANCE, Stage.RETURN_REINTEGRATION):
            assert any(
                d.kind == "reasonable_grounds" and d.outcome == "positive" for d in case.decisions.all()
            )
            assert ReflectionPeriod.objects.filter(case=case).exists()
        if case.stage in (Stage.ASSISTANCE, Stage.RETURN_REINTEGRATION):
            assert any(d.kind == "formal_identification" for d in case.decisions.all())
        if case.stage in (Stage.CLOSED, Stage.FOLLOW_UP):
            assert case.closed_at is not None
            assert case.closure_reason
            assert case.closure_details
            assert not [t for t in case.tasks.all() if t.kind != "follow_up_contact" and t.is_open]
        else:
            assert case.closed_at is None
    assert Decision.objects.filter(decided_at__gt=today).count() == 0
    assert CaseTask.objects.filter(done_at__isnull=True, cancelled_at__isnull=True).exists()
    entries = AuditEntry.objects.filter(action=SYNTH_ACTION)
    assert entries.count() == 1
    assert entries.get().details["cases"] == 60


def test_a_synthetic_person_is_found_by_every_spelling_of_their_name(places: None) -> None:
    synth_generate(cases=80, seed=11, workers=1, batch=40, org_count=2)

    cyrillic = [p for p in Person.objects.all() if any("\u0400" <= ch <= "\u04ff" for ch in p.given_name)]
    assert cyrillic, "the seed should give at least one Russian or Ukrainian name"
    person = cyrillic[0]
    case = person.cases.get()
    keys = set(PersonNameKey.objects.filter(person=person, kind="full").values_list("key", flat=True))
    for spelling in person.all_names():
        assert crypto.name_index(spelling) in keys
        assert search_cases(Case.objects.all(), spelling).filter(pk=case.pk).exists(), spelling
    # The surname alone, in Latin letters, finds the person written in Cyrillic.
    latin_surname = person.other_names.splitlines()[0].split()[-1]
    assert search_cases(Case.objects.all(), latin_surname).filter(pk=case.pk).exists()


def test_the_same_seed_gives_the_same_people_and_another_seed_others(places: None) -> None:
    synth_generate(cases=15, seed=5, workers=1, batch=10, org_count=2)
    first = _names()
    synth_generate(cases=15, seed=5, workers=1, batch=10, org_count=2)
    second = _names()[15:]
    synth_generate(cases=15, seed=6, workers=1, batch=10, org_count=2)
    third = _names()[30:]

    assert Counter(first) == Counter(second)
    assert Counter(first) != Counter(third)
    assert Case.objects.values("ref").distinct().count() == 45


def test_parallel_workers_write_their_own_batches(places: None) -> None:
    result = synth_generate(cases=40, seed=2, workers=2, batch=10, org_count=2)

    assert result.cases == 40
    assert Case.objects.count() == 40
    assert Person.objects.filter(cases__isnull=True).count() == 0


def test_references_derived_from_ids_are_unique_and_well_formed() -> None:
    refs = {synthetic_ref("LV", "RIX", case_id) for case_id in range(1, 50_001)}
    assert len(refs) == 50_000
    assert all(REF_PATTERN.match(ref) for ref in list(refs)[:500])
    assert synthetic_ref("LV", "RIX", 7) != synthetic_ref("LV", "RIX", 7, salt=1)


def test_synth_is_refused_in_production(places: None) -> None:
    with override_settings(STROM_ENV="production"):
        with pytest.raises(SynthRefused):
            synth_generate(cases=1)
        with pytest.raises(CommandError):
            call_command("synth", "--cases", "1")
    assert not Case.objects.exists()


def test_synth_needs_the_demo_municipalities() -> None:
    with pytest.raises(SynthRefused):
        synth_generate(cases=1, workers=1)


def test_a_reference_already_taken_makes_the_batch_retry_with_other_references(places: None) -> None:
    from django.db import connection

    Municipality.objects.filter(code="VNO").delete()
    synth_generate(cases=1, seed=4, workers=1, batch=10, org_count=1)
    existing = Case.objects.get()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_serial_sequence('cases_case', 'id')")
        (sequence,) = cursor.fetchone()
        cursor.execute(f"SELECT last_value, is_called FROM {sequence}")  # noqa: S608 - a name from PostgreSQL
        last, called = cursor.fetchone()
    next_id = last + 1 if called else last
    # The services drew, at random, the reference synth would derive for its next case.
    Case.objects.filter(pk=existing.pk).update(ref=synthetic_ref("LV", "RIX", next_id))

    result = synth_generate(cases=5, seed=4, workers=1, batch=10, org_count=1)

    assert result.retries == 1
    assert Case.objects.count() == 6
