"""`strom demo` fills cases in every stage, in nine countries, through the services."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from strom.accounts.models import User
from strom.audit.models import AuditEntry
from strom.cases.choices import Stage
from strom.cases.models import Case
from strom.cases.selectors import search_cases
from strom.stages.models import CaseTask, Decision

# The demo is loaded and committed once for the module (conftest.py), so the hooks that run on commit
# (the clocks started when a case opens) have run.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_loaded")]


def test_demo_cases_cover_every_stage_and_nine_countries() -> None:
    cases = Case.objects.all()
    assert cases.count() >= 40
    assert set(cases.values_list("stage", flat=True)) == set(Stage.values)
    assert set(cases.values_list("country", flat=True)) == {
        "LV",
        "LT",
        "EE",
        "FI",
        "SE",
        "NO",
        "DK",
        "PL",
        "DE",
    }
    with_demo_workers = cases.filter(
        organisation__name__in=[
            "Riga City Social Services",
            "Vilnius Women's Shelter",
            "State Police of Latvia, THB Unit",
        ]
    )
    assert with_demo_workers.count() > cases.count() / 2


def test_demo_cases_were_made_by_the_services_with_their_parts() -> None:
    assert AuditEntry.objects.filter(action="case.open").count() == Case.objects.count()
    for case in Case.objects.exclude(stage=Stage.SCREENING):
        rg = Decision.objects.filter(case=case, kind="reasonable_grounds")
        assert rg.exists()
        if case.stage != Stage.CLOSED:
            assert rg.filter(outcome="positive").exists()
    for case in Case.objects.all():
        assert case.consents.exists()
        assert case.trafficking_events.count() >= 2
        assert case.notes.exists()
    assert Case.objects.filter(stage=Stage.ASSISTANCE, services__isnull=False).exists()
    today = timezone.localdate()
    open_tasks = CaseTask.objects.filter(done_at__isnull=True, cancelled_at__isnull=True)
    assert open_tasks.filter(due_date__lt=today).exists(), "some tasks should be overdue"
    assert open_tasks.filter(due_date__gte=today).exists()
    assert Case.objects.filter(next_due_at__lt=today).exists()


def test_the_same_person_is_found_in_latin_and_cyrillic_spellings() -> None:
    worker = User.objects.get(email="caseworker@demo.example")
    visible = Case.objects.visible_to(worker)
    found = {c.pk for c in search_cases(visible, "Юлия Иванова")}
    assert found
    for spelling in ("Yulia Ivanova", "Jūlija Ivanova", "Iuliia Ivanova", "Ivanova Julija"):
        assert {c.pk for c in search_cases(visible, spelling)} >= found, spelling


def test_a_second_demo_run_adds_no_cases() -> None:
    count = Case.objects.count()
    call_command("demo", stdout=StringIO())
    assert Case.objects.count() == count
    assert AuditEntry.objects.filter(action="demo.cases").count() == 1
